#!/usr/bin/env python3
"""The calibration dev set of the shipped model: real-news pairs plus the hand-written ones.

Usage::

    python scripts/training/make_calibration_dev.py -o fixtures/calibration_dev.jsonl
    nli calibrate fixtures/calibration_dev.jsonl --model MODEL --force

``nli calibrate`` fits on one model's scores of these pairs: right for a model that never
trained on the dev half. The shipped models since v0.4 trained on its gold pairs, so they are
calibrated with their fold models instead (``scripts/training/calibrate_folds.py``, which
reads the same pairs; commands in each model card).

Rows, in the ``nli pairs`` schema (``statement``, ``report``, ``label``):

* the gold pairs of the real-news **dev** half that the pipeline reaches, exactly as the model
  sees them in ``nli score`` (``make_real_pairs.py``: ``report`` = the report's content,
  ``statement`` = the statement in its own words, as the pipeline cuts it);
* every pair of ``fixtures/pairs_dev.jsonl`` (hand-written, the earlier calibration set).

The test half is never read: it is only measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_real_pairs  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    """Write the calibration dev set."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--gold", type=Path, default=ROOT / "fixtures" / "real" / "dev.jsonl")
    p.add_argument("--hand", type=Path, default=ROOT / "fixtures" / "pairs_dev.jsonl")
    p.add_argument("--model", default="default")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real.jsonl"
        make_real_pairs.main(
            [str(args.gold), "-o", str(real), "--model", args.model, "--precision", "fp32"]
        )
        rows = [json.loads(line) for line in real.read_text(encoding="utf-8").splitlines()]
    with args.output.open("w", encoding="utf-8") as out:
        for i, r in enumerate(rows):
            record = {
                "id": f"real-{r['article_id']}-{i}",
                "statement": r["hypothesis"],
                "report": r["premise"],
                "label": r["label"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        for line in args.hand.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.write(line + "\n")
    print(f"{len(rows)} real-news rows + hand-written rows -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
