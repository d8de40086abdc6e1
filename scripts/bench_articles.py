"""End-to-end throughput of ``nli score`` on synthetic news articles.

Writes N synthetic articles of about 600 words to a JSONL collection and scores it
with :func:`nli.runs.run_score`, the function behind ``nli score``. Each article is
put together from the sentences of three fixture articles (``fixtures/articles``):
their official statements, third-party reports and narrative sentences, shuffled into
paragraphs, so every article has several statement/report pairs that share a topic.

Printed: articles/s; the process's CPU time (on a busy machine wall time is not what
the pipeline costs, so the 1-minute load average is printed too); the share of the wall
time spent inside ``ContradictionScorer.predict`` (tokenising and the model forward) and
inside extraction (cleaning, sentence splitting, attribution) and inside the pairing
encoder (sentence embeddings of the claims); pairs per article; the
model load time; and the peak resident set size of the process. Then (unless
``--no-baseline``) the same articles go through the plain path: the model and the pairing
encoder in fp32, both directions scored, no claim-finding worker; its articles/s and the
ratio ``speedup_vs_baseline`` (wall time of the plain path over the measured one) follow.

Usage:
    python scripts/bench_articles.py [--n 200] [--model tiny|DIR] [--batch-size 64]
        [--articles-per-batch 32] [--pairing ranked|retrieval|topics]
        [--encoder-precision auto|int8|bf16|fp32] [--no-baseline] [--threads N] [--seed 0]
        [--json]

``--model tiny`` (the default) builds the tiny random model of :mod:`nli.tiny` in a
temporary folder: it measures the pipeline around the model, not the model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from nli.config import PAIRINGS

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_ARTICLES = ROOT / "fixtures" / "articles"
#: Words per synthetic article (approximately: whole sentences are added until reached).
ARTICLE_WORDS = 600
#: Fixture articles whose sentences make up one synthetic article.
SOURCES_PER_ARTICLE = 3


def fixture_sentences() -> list[dict[str, list[str]]]:
    """Per fixture article, its sentences by kind: ``statement``, ``report``, ``narrative``."""
    from nli.attribution import attribute_sentence
    from nli.clean import clean_text
    from nli.segment import split_sentences

    pools = []
    for path in sorted(FIXTURE_ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pool: dict[str, list[str]] = {"statement": [], "report": [], "narrative": []}
        for sentence in split_sentences(text, clean_text(text))[1:]:  # [0] is the headline
            claim = attribute_sentence(sentence)
            pool[claim.kind if claim else "narrative"].append(sentence.text)
        if pool["statement"] and pool["report"]:
            pools.append(pool)
    if not pools:
        raise SystemExit(f"no usable fixture articles in {FIXTURE_ARTICLES}")
    return pools


def synthetic_article(pools: list[dict[str, list[str]]], rng: random.Random) -> str:
    """About :data:`ARTICLE_WORDS` words: all claims of three fixture articles, plus narrative."""
    chosen = rng.sample(pools, min(SOURCES_PER_ARTICLE, len(pools)))
    claims = [s for pool in chosen for kind in ("statement", "report") for s in pool[kind]]
    narrative = [s for pool in chosen for s in pool["narrative"]]
    sentences = list(claims)
    words = sum(len(s.split()) for s in sentences)
    while words < ARTICLE_WORDS and narrative:
        sentence = rng.choice(narrative)
        sentences.append(sentence)
        words += len(sentence.split())
    rng.shuffle(sentences)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


def write_collection(path: Path, n: int, seed: int) -> float:
    """Write ``n`` synthetic articles as JSONL; return their mean length in words."""
    pools = fixture_sentences()
    rng = random.Random(seed)
    total_words = 0
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = synthetic_article(pools, rng)
            total_words += len(text.split())
            handle.write(json.dumps({"id": f"synthetic-{i:05d}", "text": text}) + "\n")
    return total_words / max(n, 1)


class Stopwatch:
    """Wraps callables and adds up the wall time spent inside them."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def run_benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Generate the collection, score it, and return the measurements."""
    import torch

    import nli.claims
    import nli.retrieval
    from nli.config import ArticleConfig, ScoringConfig
    from nli.model import ContradictionScorer, set_threads_once
    from nli.prefetch import wanted
    from nli.runs import run_score

    set_threads_once(args.threads)
    source = workdir / "articles.jsonl"
    mean_words = write_collection(source, args.n, args.seed)
    model = args.model
    if model == "tiny":
        from nli.tiny import build_tiny_model

        model = str(build_tiny_model(workdir / "tiny-model"))
    load_start = time.perf_counter()
    scorer = ContradictionScorer(model, precision=args.precision, batch_size=args.batch_size)
    load_seconds = time.perf_counter() - load_start
    forward = Stopwatch()
    scorer.predict = forward.wrap(scorer.predict)  # type: ignore[method-assign]
    extraction = Stopwatch()
    nli.claims.extract_claims = extraction.wrap(nli.claims.extract_claims)  # type: ignore[assignment]
    os.environ[nli.retrieval.PRECISION_ENV] = args.encoder_precision
    encoding = Stopwatch()
    encode = nli.retrieval.SentenceEncoder.encode
    nli.retrieval.SentenceEncoder.encode = encoding.wrap(encode)  # type: ignore[method-assign]
    config = ArticleConfig(
        scoring=ScoringConfig(model=model, precision=args.precision, batch_size=args.batch_size),
        articles_per_batch=args.articles_per_batch,
        pairing=args.pairing,
        extract_ahead={"auto": None, "on": True, "off": False}[args.extract_ahead],
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    result = run_score(source, workdir / "findings.jsonl", config, scorer=scorer)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    counts = result.counts
    baseline: dict[str, Any] = {}
    if args.baseline:
        # the plain path: fp32 model and encoder, both directions, nothing found ahead
        os.environ[nli.retrieval.PRECISION_ENV] = "fp32"
        plain = ContradictionScorer(model, precision="fp32", batch_size=args.batch_size)
        plain_config = replace(
            config,
            scoring=replace(config.scoring, precision="fp32", both_directions=True),
            extract_ahead=False,
        )
        plain_start = time.perf_counter()
        plain_result = run_score(source, workdir / "plain.jsonl", plain_config, scorer=plain)
        plain_wall = time.perf_counter() - plain_start
        os.environ[nli.retrieval.PRECISION_ENV] = args.encoder_precision
        baseline = {
            "baseline_articles_per_s": round(plain_result.counts.read / plain_wall, 2),
            "baseline_pairs_per_article": round(
                plain_result.counts.pairs / max(plain_result.counts.read, 1), 2
            ),
            "speedup_vs_baseline": round(plain_wall / wall, 2),
        }
    return {
        "model": args.model,
        "pairing": args.pairing,
        "device": str(scorer.device),
        "precision": scorer.precision,
        "threads": torch.get_num_threads(),
        "articles": counts.read,
        "mean_words": round(mean_words, 1),
        "pairs": counts.pairs,
        "pairs_per_article": round(counts.pairs / max(counts.read, 1), 2),
        "findings": counts.findings_written,
        "errored": counts.errored,
        "model_load_s": round(load_seconds, 2),
        "wall_s": round(wall, 2),
        "articles_per_s": round(counts.read / wall, 2),
        "cpu_s": round(cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "predict_s": round(forward.seconds, 2),
        "predict_fraction": round(forward.seconds / wall, 3),
        "extraction_s": round(extraction.seconds, 2),
        "extraction_fraction": round(extraction.seconds / wall, 3),
        "extract_ahead": wanted(config),
        "encoder_precision": nli.retrieval.load_encoder().precision,
        "encode_s": round(encoding.seconds, 2),
        "encode_fraction": round(encoding.seconds / wall, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        **baseline,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="Articles to generate (200).")
    parser.add_argument("--model", default="tiny", help="'tiny' or a model directory.")
    parser.add_argument("--batch-size", type=int, default=64, help="Pairs per forward (64).")
    parser.add_argument("--articles-per-batch", type=int, default=32, help="Default 32.")
    parser.add_argument("--precision", default="auto", choices=["auto", "int8", "bf16", "fp32"])
    parser.add_argument(
        "--pairing", default="ranked", choices=list(PAIRINGS), help="as nli score (ranked)"
    )
    parser.add_argument(
        "--encoder-precision",
        default="auto",
        choices=["auto", "int8", "bf16", "fp32"],
        help="the pairing encoder's (as $NLI_ENCODER_PRECISION; auto: int8 for the pinned "
        "encoder, else bf16 where native)",
    )
    parser.add_argument(
        "--extract-ahead",
        default="auto",
        choices=["auto", "on", "off"],
        help="find the next batch's claims in a second process (nli.prefetch; auto: with "
        ">= 2 CPUs); extraction_s then counts only what this process found",
    )
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the plain path (fp32 model and encoder, both directions, no worker) that "
        "is otherwise run after the measured one, on the same articles, for the ratio",
    )
    parser.add_argument("--threads", type=int, default=None, help="torch threads.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be >= 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-articles-") as tmp:
        result = run_benchmark(args, Path(tmp))
    if args.json:
        print(json.dumps(result))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
