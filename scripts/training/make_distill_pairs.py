#!/usr/bin/env python3
"""In-domain pairs labelled by a teacher model, for distilling it into the fast default.

Usage::

    python scripts/training/make_distill_pairs.py --data-dir ../shared/data \\
        --real fixtures/real/dev.jsonl --fnc1-bodies 600 --teacher accurate \\
        -o runs/distill-pairs.jsonl [--pairing retrieval]

The pairs are the ones the pipeline itself sends to a model: each article (a seeded sample of
the FNC-1 train bodies that training may read, see :mod:`fnc1_holdout`, and the articles of
``--real``, the dev half of the real-news set) goes through claim finding and pairing as
``nli score --pairing P`` does it, with ``P`` = ``--pairing``. Its default, ``retrieval``,
is the pairing of the earlier distillation runs in the default model's card ("Distillation
from the accurate model"); the shipped v0.2 was taught on ``--pairing ranked``, the pairs
``nli score`` scores today (its default). ``--leave-out-fold K`` drops the ``--real``
articles of fold K (``make_real_pairs.fold_of``); resuming a file that holds a row of that
fold, or rows without ``raw_probs``, is refused. Every
(statement, report) pair becomes the model's input (:func:`nli.findings.model_input`: premise
= the report's content, hypothesis = the statement in its own words; before v0.4 of the
default model, what the official asserts or denies); with ``--both-directions`` also the
other way round, as the pipeline scores both. No gold label is read. The teacher's 3-way
probabilities (after its own fitted temperature, so the targets are as soft as the teacher's
calibration says they should be) are written with each row, and its probabilities before that
temperature::

    {"premise": ..., "hypothesis": ..., "probs": [p_contradiction, p_neutral, p_entailment],
     "raw_probs": [...],
     "label": "<teacher's argmax>", "source": "fnc1:<body id>" | "real:<article id>"}

A ``--real`` file holding any article of the real-news test half is refused
(``scripts/real_halves.py``). Rows are appended as they are scored, so an
interrupted run resumes where it stopped (pairs already in the output are not scored again).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from fnc1_holdout import excluded_ids, read_bodies
from make_real_pairs import fold_of
from tqdm import tqdm

# real_halves.py (the test-half guard) is a module of scripts/, one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from real_halves import refuse_test_half

from nli.config import PAIRINGS, ArticleConfig, RunCounts, ScoringConfig
from nli.evaluate import read_gold_articles
from nli.findings import model_input
from nli.pair_jobs import load_scorer
from nli.pairing import article_pairs
from nli.types import Article, Probs

CHUNK = 256  # pairs scored and appended at a time
#: The pairing of the earlier distillation runs in the default model's card (v0.2: ranked).
DEFAULT_PAIRING = "retrieval"


def fnc1_articles(data_dir: Path, n: int, seed: int) -> list[Article]:
    """A seeded sample of ``n`` FNC-1 train bodies that training may read: never the hold-out,
    the real-news set's bodies or a body that repeats the set's text
    (:func:`fnc1_holdout.excluded_ids`)."""
    excluded = excluded_ids(data_dir)
    bodies = read_bodies(data_dir)
    ids = sorted((b for b in bodies if b not in excluded), key=int)
    random.Random(seed).shuffle(ids)
    return [Article(id=f"fnc1:{b}", text=bodies[b]) for b in ids[:n]]


def real_articles(path: Path) -> list[Article]:
    """The articles of a real-news half (a file holding any test-half article is refused)."""
    try:
        refuse_test_half(path)
    except (ValueError, FileNotFoundError) as error:
        raise SystemExit(f"{error} (never train on it)") from error
    return [
        Article(id=f"real:{g.article.id}", text=g.article.text) for g in read_gold_articles(path)
    ]


def in_fold(source: str, folds: int, fold: int) -> bool:
    """Whether a source (``real:<article id>``, ``fnc1:<body id>``) is a real-news article of
    ``fold`` of ``folds``; FNC-1 bodies belong to no fold.

    Example:
        >>> in_fold("fnc1:7", 2, 0), in_fold("fnc1:7", 2, 1)
        (False, False)
    """
    return source.startswith("real:") and fold_of(source.removeprefix("real:"), folds) == fold


def without_fold(articles: Sequence[Article], folds: int, fold: int) -> list[Article]:
    """The real-news articles outside ``fold`` of ``folds`` (ids ``real:<article id>``).

    Example:
        >>> arts = [Article(id=f"real:a{i}", text="x") for i in range(6)]
        >>> kept = without_fold(arts, 2, 0)
        >>> all(fold_of(a.id[5:], 2) == 1 for a in kept), 0 < len(kept) < 6
        (True, True)
    """
    return [a for a in articles if not in_fold(a.id, folds, fold)]


def candidate_pairs(
    articles: Iterable[Article], config: ArticleConfig
) -> Iterator[tuple[str, str, str]]:
    """``(premise, hypothesis, article id)`` of every pair the pipeline would score, once each."""
    seen: set[tuple[str, str]] = set()
    counts = RunCounts()
    for article in articles:
        try:
            pairs = article_pairs(article, config, counts)
        except ValueError as error:  # too long: skip, as nli score would
            print(f"skipped {article.id}: {error}", file=sys.stderr)
            continue
        for statement, report in pairs:
            key = model_input(statement, report)
            if key not in seen and all(key):
                seen.add(key)
                yield key[0], key[1], article.id


def with_reverse(pairs: Sequence[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The pairs, then each the other way round (premise and hypothesis swapped).

    Example:
        >>> with_reverse([("troops came", "no troops", "real:a")])
        [('troops came', 'no troops', 'real:a'), ('no troops', 'troops came', 'real:a')]
    """
    return [*pairs, *((hyp, premise, source) for premise, hyp, source in pairs)]


def done_keys(
    path: Path, *, folds: int = 2, leave_out_fold: int | None = None
) -> set[tuple[str, str]]:
    """Pairs already in an output file (for resuming).

    Raises:
        SystemExit: For a file whose rows lack ``raw_probs`` (written before this script wrote
            it: a resumed file would mix both kinds), or that holds a row of a real-news
            article in ``leave_out_fold`` (the fold would not stay unseen).
    """
    if not path.exists():
        return set()
    keys = set()
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "raw_probs" not in row:
                raise SystemExit(f"{path}: row {number} has no raw_probs; write a new file")
            source = str(row.get("source", ""))
            if leave_out_fold is not None and in_fold(source, folds, leave_out_fold):
                raise SystemExit(
                    f"{path}: row {number} comes from {source}, in the left-out fold "
                    f"{leave_out_fold}; write a new file"
                )
            keys.add((row["premise"], row["hypothesis"]))
    return keys


def label_rows(
    pairs: Sequence[tuple[str, str, str]],
    probs: Sequence[Sequence[float]],
    raw: Sequence[Sequence[float]] | None = None,
) -> list[dict[str, object]]:
    """Output rows for scored pairs: probabilities rounded to 5 places, argmax label.

    ``raw``, when given, are the teacher's probabilities before its fitted temperature
    (sharper targets: ``train_nli.py --distill-field raw_probs``).

    Example:
        >>> row = label_rows([("p", "h", "real:a")], [[0.7, 0.2, 0.1]], [[0.9, 0.08, 0.02]])[0]
        >>> row["label"], row["raw_probs"]
        ('contradiction', [0.9, 0.08, 0.02])
    """
    rows = []
    raws: Sequence[Sequence[float] | None] = [None] * len(pairs) if raw is None else raw
    for (premise, hyp, source), p, r in zip(pairs, probs, raws, strict=True):
        values = [round(float(x), 5) for x in p]
        row: dict[str, object] = {
            "premise": premise,
            "hypothesis": hyp,
            "probs": values,
            "label": Probs(*values).label,
            "source": source,
        }
        if r is not None:
            row["raw_probs"] = [round(float(x), 5) for x in r]
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder")
    p.add_argument("--real", type=Path, action="append", default=[], help="real-news dev half")
    p.add_argument("--fnc1-bodies", type=int, default=600, help="FNC-1 train bodies to sample")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--teacher", default="accurate", help="teacher model (default: accurate)")
    p.add_argument("--precision", default="auto", choices=["auto", "bf16", "fp32"])
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument(
        "--both-directions",
        action="store_true",
        help="also label each pair the other way round (statement as premise), as the "
        "pipeline scores both directions",
    )
    p.add_argument(
        "--pairing",
        default=DEFAULT_PAIRING,
        choices=PAIRINGS,
        help=f"how the pipeline pairs claims (default {DEFAULT_PAIRING}: the earlier "
        "distillation runs' pairing; v0.2 and nli score use ranked)",
    )
    p.add_argument(
        "--leave-out-fold",
        type=int,
        default=None,
        help="leave out the --real articles of this fold (make_real_pairs.fold_of), kept "
        "unseen for choosing between students",
    )
    p.add_argument("--folds", type=int, default=2, help="folds of --leave-out-fold (2)")
    p.add_argument("-o", "--output", type=Path, required=True)
    args = p.parse_args(argv)
    if args.folds < 2:
        p.error("--folds must be at least 2")
    if args.leave_out_fold is not None and not 0 <= args.leave_out_fold < args.folds:
        p.error(f"--leave-out-fold must lie in 0..{args.folds - 1}")

    articles = [a for path in args.real for a in real_articles(path)]
    if args.leave_out_fold is not None:
        articles = without_fold(articles, args.folds, args.leave_out_fold)
    articles += fnc1_articles(args.data_dir, args.fnc1_bodies, args.seed)
    scoring = ScoringConfig(
        model=args.teacher, precision=args.precision, batch_size=args.batch_size
    )
    config = ArticleConfig(scoring=scoring, pairing=args.pairing)
    done = done_keys(args.output, folds=args.folds, leave_out_fold=args.leave_out_fold)
    found = list(tqdm(candidate_pairs(articles, config), desc="pairs", unit="pair"))
    if args.both_directions:
        found = with_reverse(found)
    pairs = [pair for pair in found if pair[:2] not in done]
    print(
        f"{len(articles)} articles: {len(pairs)} pairs to score ({len(done)} already done)",
        file=sys.stderr,
    )
    scorer = load_scorer(scoring)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a", encoding="utf-8") as out:
        for start in tqdm(range(0, len(pairs), CHUNK), desc="teacher", unit="chunk"):
            chunk = pairs[start : start + CHUNK]
            raw = scorer.predict([(pr, hy) for pr, hy, _ in chunk], show_progress_bar=False)
            rows = label_rows(chunk, scorer.calibrated_probs(raw).tolist(), raw.tolist())
            out.write("".join(json.dumps(r) + "\n" for r in rows))
            out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
