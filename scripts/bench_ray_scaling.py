"""Throughput of ``nli score`` on Ray with 1 and 2 workers (and the local engine), same CPUs.

Repeats the fixture articles (fixtures/articles/*.txt) into a JSONL collection of about
``--articles`` articles, starts one local Ray instance with ``--cpus`` CPUs, and scores
the collection with:

* the local engine, with ``--cpus`` torch threads (in this process);
* the Ray engine, 1 worker with ``--cpus`` threads;
* the Ray engine, ``--cpus`` workers with 1 thread each.

All three get the same CPUs, so the comparison is fair: the question is whether
processes scale better than threads. Each configuration runs ``--repeats`` times in
alternating order and the fastest run counts (timings on a shared machine only get
slower, never faster). Wall time includes starting the actors and loading the model in
each, as a real run pays them.

The model is the shipped default (``--model default``), a model directory, or
``--model tiny``: the tiny random model of :func:`nli.tiny.build_tiny_model`, which
measures the engines around a model that costs almost nothing. Every engine scores in
fp32 (``precision="fp32"``), not at ``nli score``'s ``auto`` (int8 for the shipped
default).

Usage:
    python scripts/bench_ray_scaling.py [--articles 520] [--cpus 2] [--repeats 2]
        [--model default|tiny|DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nli.config import ArticleConfig
    from nli.model import ContradictionScorer

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_ARTICLES = ROOT / "fixtures" / "articles"


def repeated_collection(path: Path, n_articles: int) -> int:
    """Write the fixture articles, repeated, as JSONL rows ``{id, text}``; return the count."""
    texts = [
        (p.stem, p.read_text(encoding="utf-8")) for p in sorted(FIXTURE_ARTICLES.glob("*.txt"))
    ]
    copies = -(-n_articles // len(texts))
    with path.open("w", encoding="utf-8") as handle:
        for copy in range(copies):
            for stem, text in texts:
                handle.write(json.dumps({"id": f"{stem}-{copy:03d}", "text": text}) + "\n")
    return copies * len(texts)


def split_cost(
    collection: Path, config: ArticleConfig, scorer: ContradictionScorer
) -> dict[str, float]:
    """Seconds spent extracting pairs (pure Python, one core) and scoring them (torch).

    Scoring is timed with the scorer's current thread count. These two numbers are
    what the speedup of workers over threads depends on (see the README).
    """
    from nli.config import RunCounts
    from nli.findings import score_claim_pairs
    from nli.io import read_articles
    from nli.pairing import article_pairs
    from nli.types import Article

    counts = RunCounts()
    start = time.perf_counter()
    pairs = [
        pair
        for record in read_articles(collection)
        if isinstance(record, Article)
        for pair in article_pairs(record, config, counts)
    ]
    extract = time.perf_counter() - start
    start = time.perf_counter()
    score_claim_pairs(pairs, scorer, config)  # the model's input as nli score builds it
    return {"extract_s": round(extract, 2), "score_s": round(time.perf_counter() - start, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=520)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--model", default="default", help="default, tiny or a model directory")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import ray

    from nli.config import ArticleConfig, ScoringConfig
    from nli.distributed import RESERVED_CPUS, RayOptions, run_score_ray
    from nli.model import set_threads_once
    from nli.pair_jobs import load_scorer
    from nli.runs import run_score
    from nli.tiny import build_tiny_model

    workdir = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    if args.model == "tiny":
        model, model_name = str(build_tiny_model(workdir / "tiny")), "tiny random BERT"
    else:
        model, model_name = args.model, args.model
    collection = workdir / "articles.jsonl"
    n = repeated_collection(collection, args.articles)
    config = ArticleConfig(scoring=ScoringConfig(model=model, precision="fp32"))

    set_threads_once(args.cpus)
    local_scorer = load_scorer(config.scoring)
    cost = split_cost(collection, config, local_scorer)
    # Logical CPUs: the actors get --cpus, Ray Data's read tasks the reserve.
    ray.init(num_cpus=args.cpus + RESERVED_CPUS, include_dashboard=False, logging_level="WARNING")

    def local() -> None:
        run_score(collection, workdir / "local.jsonl", config, scorer=local_scorer, overwrite=True)

    def on_ray(workers: int, threads: int) -> Callable[[], None]:
        options = RayOptions(workers=workers, threads_per_worker=threads)
        output = workdir / f"ray-{workers}.jsonl"
        return lambda: run_score_ray(collection, output, config, options, scorer=local_scorer)

    runs: dict[str, Callable[[], None]] = {
        f"local engine, {args.cpus} threads": local,
        f"ray, 1 worker x {args.cpus} threads": on_ray(1, args.cpus),
        f"ray, {args.cpus} workers x 1 thread": on_ray(args.cpus, 1),
    }
    best: dict[str, float] = {}
    for repeat in range(args.repeats):
        names = list(runs) if repeat % 2 == 0 else list(reversed(runs))
        for name in names:
            start = time.perf_counter()
            runs[name]()
            seconds = time.perf_counter() - start
            best[name] = min(best.get(name, float("inf")), seconds)
    ray.shutdown()

    one, many = (
        best[f"ray, 1 worker x {args.cpus} threads"],
        best[f"ray, {args.cpus} workers x 1 thread"],
    )
    result = {
        "model": model_name,
        "articles": n,
        "cpus": args.cpus,
        "seconds": {name: round(s, 2) for name, s in best.items()},
        "articles_per_second": {name: round(n / s, 2) for name, s in best.items()},
        "speedup_workers_vs_threads": round(one / many, 3),
        f"in-process cost, {args.cpus} threads": cost,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{n} articles, model: {model_name}, {args.cpus} CPUs, best of {args.repeats}")
    for name, seconds in best.items():
        print(f"  {name:<32} {seconds:7.1f}s  {n / seconds:7.1f} articles/s")
    print(f"  {args.cpus} workers vs 1 worker: {one / many:.2f}x")
    print(f"  in this process: extraction {cost['extract_s']}s, scoring {cost['score_s']}s")


if __name__ == "__main__":
    main()
