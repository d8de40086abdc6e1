"""Write synthetic in-domain NLI training pairs (official statement vs third-party report).

Template pairs come from ``synthetic.py`` next to this script (phenomena over slot-filled
event templates, whose tables are in ``synthetic_events.json``); real pairs come from report
sentences of the FNC-1 *train* bodies
(``stance/fnc1/train_bodies.csv.gz``, train-eligible in ``shared/data/SPLITS.md``), read
with the project's own sentence splitter and attribution rules. Only the bodies are read,
never the stance labels or headlines, and only the bodies training may read: the FNC-1
hold-out and the real-news set's bodies (``fnc1_holdout.excluded_ids``) are skipped, and so
is any sentence of a kept body that an excluded body has too (FNC-1 repeats text under
other body ids).

Phenomena are grouped into ingredients (``synthetic.INGREDIENTS``: denial, blanket, hedge,
conflict, compatible, confirmation); ``--ingredients`` and ``--without`` choose which are
drawn, so an ablation can train with and without each. Both take ingredient or phenomenon
names, comma-separated.

Output rows (JSONL, CSV or Parquet by suffix, written atomically):
``{premise, hypothesis, label, phenomenon, origin, ingredient}`` with ``origin`` =
``template`` or ``real``. Counts per label, ingredient, phenomenon and origin are printed at
the end.

Usage:
    python scripts/training/make_synthetic.py --data-dir ../shared/data -o runs/synthetic.jsonl \\
        --n 20000 --seed 13 [--real-fraction 0.3] [--max-bodies N] \\
        [--ingredients denial,blanket,...] [--without hedge]
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import sys
import time
from collections.abc import Collection, Sequence
from pathlib import Path

from nli.io import write_records

# synthetic.py and fnc1_holdout.py are training modules next to this script, not part of
# the nli package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fnc1_holdout  # noqa: E402
from synthetic import (  # noqa: E402
    INGREDIENTS,
    PHENOMENON_INGREDIENT,
    ReportSentence,
    count_pairs,
    make_pairs,
    phenomenon_label,
    report_sentences,
    select_phenomena,
)

LOG = logging.getLogger("make_synthetic")

#: The FNC-1 file read for real sentences, relative to ``--data-dir``.
FNC1_BODIES = fnc1_holdout.BODIES

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"


def split_bodies(
    data_dir: Path, excluded: Collection[str] | None = None
) -> tuple[list[str], list[str]]:
    """Return the FNC-1 train bodies training may read and those it may not, in file order.

    Args:
        data_dir (Path): The shared data folder.
        excluded (Collection[str], optional): Body ids training may not read. Defaults to
            the hold-out and the real-news set's bodies,
            ``fnc1_holdout.excluded_ids(data_dir, shared_text=False)``: the bodies that
            repeat their text stay, but :func:`drop_shared_sentences` drops the repeated
            sentences (this keeps the output of the runs the model cards describe).

    Returns:
        tuple[list[str], list[str]]: The texts of the trainable and of the excluded bodies.

    Raises:
        FileNotFoundError: When the file is not under ``data_dir``.
    """
    path = data_dir / FNC1_BODIES
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found (is --data-dir the shared data folder?)")
    csv.field_size_limit(sys.maxsize)
    bodies = fnc1_holdout.read_bodies(data_dir)
    if excluded is None:
        blocked = fnc1_holdout.excluded_ids(data_dir, shared_text=False)
    else:
        blocked = excluded
    kept = [text for body_id, text in bodies.items() if body_id not in blocked]
    held = [text for body_id, text in bodies.items() if body_id in blocked]
    return kept, held


def drop_shared_sentences(
    sentences: Sequence[ReportSentence], excluded_bodies: Sequence[str]
) -> list[ReportSentence]:
    """The sentences whose claim no excluded body contains.

    FNC-1 repeats sentences (and some whole bodies) under different body ids, often with
    other quote marks or another attribution around them, so skipping the excluded ids alone
    would still train on some of their text; the claim's content is what is compared.
    """
    comparable = fnc1_holdout.comparable
    held = [comparable(text) for text in excluded_bodies]
    return [
        item for item in sentences if not any(comparable(item.content) in text for text in held)
    ]


def collect_sentences(
    bodies: Sequence[str], *, max_bodies: int | None, seed: int
) -> list[ReportSentence]:
    """Report sentences of (a seeded sample of) the bodies; the group id is the body index."""
    order = list(range(len(bodies)))
    if max_bodies is not None and max_bodies < len(order):
        order = sorted(random.Random(seed).sample(order, max_bodies))
    sentences: list[ReportSentence] = []
    for index in order:
        sentences.extend(report_sentences(bodies[index], index))
    return sentences


def _names(text: str | None) -> list[str] | None:
    """A comma-separated list of names (None stays None)."""
    if text is None:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


_INGREDIENTS_HELP = (
    "comma-separated ingredients (or single phenomena) to draw from; default all: "
    + ", ".join(INGREDIENTS)
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # fmt: off
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="the shared data folder (holds stance/fnc1/)")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="output file (.jsonl, .csv or .parquet)")
    parser.add_argument("--n", type=int, default=20000, help="number of pairs")
    parser.add_argument("--seed", type=int, default=13, help="random seed")
    parser.add_argument("--real-fraction", type=float, default=0.3,
                        help="share of pairs derived from real FNC-1 sentences (0 = none)")
    parser.add_argument("--max-bodies", type=int, default=None,
                        help="read at most this many FNC-1 bodies (seeded sample); default all")
    parser.add_argument("--ingredients", default=None, help=_INGREDIENTS_HELP)
    parser.add_argument("--without", default="",
                        help="comma-separated ingredients (or single phenomena) to leave out")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    # fmt: on
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error(f"--n must be >= 0, got {args.n}")
    if not 0.0 <= args.real_fraction <= 1.0:
        parser.error(f"--real-fraction must be in [0, 1], got {args.real_fraction}")
    if args.max_bodies is not None and args.max_bodies < 1:
        parser.error(f"--max-bodies must be >= 1, got {args.max_bodies}")
    try:
        args.phenomena = select_phenomena(_names(args.ingredients), _names(args.without) or ())
    except ValueError as error:
        parser.error(str(error))
    if not args.phenomena:
        parser.error("--ingredients/--without leave no phenomenon to draw")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the pairs, write them, print counts; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    started = time.perf_counter()
    sentences: list[ReportSentence] = []
    if args.real_fraction > 0:
        try:
            bodies, excluded = split_bodies(args.data_dir)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        found = collect_sentences(bodies, max_bodies=args.max_bodies, seed=args.seed)
        sentences = drop_shared_sentences(found, excluded)
        print(
            f"FNC-1 bodies: {len(bodies)} read, {len(excluded)} skipped (hold-out, real-news "
            f"set); {len(found) - len(sentences)} of {len(found)} report sentences dropped "
            "because an excluded body has them too"
        )
    rng = random.Random(args.seed)
    try:
        pairs = make_pairs(
            args.n,
            rng,
            sentences=sentences,
            real_fraction=args.real_fraction,
            phenomena=args.phenomena,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    written = write_records(args.output, (pair.as_dict() for pair in pairs))
    counts = count_pairs(pairs)
    print(f"wrote {written} pairs to {args.output} in {time.perf_counter() - started:.1f} s")
    print(f"real report sentences used: {len(sentences)}")
    for key in ("label", "origin", "ingredient"):
        print(f"by {key}:")
        for name, count in sorted(counts[key].items(), key=lambda item: (-item[1], item[0])):
            print(f"  {name:<26} {count:>6}  {count / max(written, 1):6.1%}")
    print("by phenomenon:")
    order = {name: index for index, name in enumerate(INGREDIENTS)}
    rows = sorted(
        counts["phenomenon"].items(),
        key=lambda item: (order[PHENOMENON_INGREDIENT[item[0]]], item[0]),
    )
    for name, count in rows:
        print(
            f"  {PHENOMENON_INGREDIENT[name]:<13} {name:<27} {phenomenon_label(name):<14}"
            f"{count:>6}  {count / max(written, 1):6.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
