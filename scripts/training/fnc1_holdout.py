"""Which FNC-1 train bodies training may read, fixed before any model of version 2 was trained.

Two groups of FNC-1 train bodies are kept away from every training script:

* **the FNC-1 hold-out**: 20 % of the body ids (the fifth with the smallest salted SHA-256 of
  the id, so the choice never depends on file order, seeds or the Python version), with all
  their headlines.
  The model card reports how well the contradiction score separates disagree from agree bodies
  on it (``scripts/training/eval_fnc1_holdout.py``);
* **the bodies of the real-news set** (``fixtures/real/*.jsonl``, ``fnc1_body_id``): they are
  measured as real articles, so no headline/body pair of theirs is trained on either.

``python scripts/training/fnc1_holdout.py --data-dir ../shared/data`` prints the counts.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Salt of the hold-out hash. Changing it changes the hold-out: never do that.
HOLDOUT_SALT = "denial-nli fnc1 holdout v2"
#: Share of the bodies held out.
HOLDOUT_FRACTION = 0.2
#: The real-news set, relative to the repository root.
REAL_SET = Path(__file__).resolve().parents[2] / "fixtures" / "real"
BODIES = Path("stance") / "fnc1" / "train_bodies.csv.gz"
STANCES = Path("stance") / "fnc1" / "train_stances.csv.gz"


def holdout_key(body_id: str | int) -> int:
    """The salted hash that orders bodies for the hold-out (smallest first)."""
    digest = hashlib.sha256(f"{HOLDOUT_SALT}:{str(body_id).strip()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def heldout_ids(body_ids: Iterable[str]) -> frozenset[str]:
    """The 20 % of ``body_ids`` with the smallest hold-out key.

    >>> len(heldout_ids(str(i) for i in range(1000)))
    200
    """
    ids = sorted({str(b).strip() for b in body_ids}, key=holdout_key)
    return frozenset(ids[: round(HOLDOUT_FRACTION * len(ids))])


def real_set_body_ids(real_dir: Path = REAL_SET) -> frozenset[str]:
    """FNC-1 body ids of the articles of the real-news set (dev and test halves)."""
    ids: set[str] = set()
    for path in sorted(real_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    body = json.loads(line).get("fnc1_body_id")
                    if body is not None:
                        ids.add(str(body).strip())
    return frozenset(ids)


def excluded_ids(data_dir: Path) -> frozenset[str]:
    """Every body id that training must not read: the hold-out and the real-news set's bodies."""
    return heldout_ids(read_bodies(data_dir)) | real_set_body_ids()


def read_bodies(data_dir: Path) -> dict[str, str]:
    """All FNC-1 train bodies, ``{body id: text}``."""
    with gzip.open(data_dir / BODIES, "rt", encoding="utf-8", newline="") as fh:
        return {row["Body ID"].strip(): row["articleBody"] for row in csv.DictReader(fh)}


def read_stances(data_dir: Path) -> list[dict[str, str]]:
    """All FNC-1 train stance rows (``Headline``, ``Body ID``, ``Stance``)."""
    with gzip.open(data_dir / STANCES, "rt", encoding="utf-8", newline="") as fh:
        return [
            {
                "Headline": r["Headline"].strip(),
                "Body ID": r["Body ID"].strip(),
                "Stance": r["Stance"].strip(),
            }
            for r in csv.DictReader(fh)
        ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print how many bodies and headline pairs fall in each group."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder")
    args = p.parse_args(argv)
    bodies = read_bodies(args.data_dir)
    real = real_set_body_ids()
    held = heldout_ids(bodies)
    counts: dict[str, dict[str, int]] = {"heldout": {}, "real_set": {}, "trainable": {}}
    for row in read_stances(args.data_dir):
        body = row["Body ID"]
        group = "heldout" if body in held else "real_set" if body in real else "trainable"
        counts[group][row["Stance"]] = counts[group].get(row["Stance"], 0) + 1
    print(
        json.dumps(
            {
                "bodies": len(bodies),
                "heldout_bodies": len(held),
                "real_set_bodies": len(real),
                "real_set_bodies_in_heldout": len(real & held),
                "stances": counts,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
