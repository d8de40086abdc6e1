"""Write synthetic in-domain NLI training pairs (official statement vs third-party report).

Template pairs come from ``synthetic.py`` next to this script (phenomena over slot-filled
event templates, whose tables are in ``synthetic_events.json``); real pairs come from report
sentences of the FNC-1 *train* bodies
(``stance/fnc1/train_bodies.csv.gz``, train-eligible in ``shared/data/SPLITS.md``), read
with the project's own sentence splitter and attribution rules. Only the bodies are read,
never the stance labels or headlines.

Output rows (JSONL, CSV or Parquet by suffix, written atomically):
``{premise, hypothesis, label, phenomenon, origin}`` with ``origin`` = ``template`` or
``real``. Counts per label, phenomenon and origin are printed at the end.

Usage:
    python scripts/training/make_synthetic.py --data-dir ../shared/data -o runs/synthetic.jsonl \\
        --n 20000 --seed 13 [--real-fraction 0.3] [--max-bodies N]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import logging
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from nli.io import write_records

# synthetic.py is a training module next to this script, not part of the nli package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import ReportSentence, count_pairs, make_pairs, report_sentences  # noqa: E402

LOG = logging.getLogger("make_synthetic")

#: The FNC-1 file read for real sentences, relative to ``--data-dir``.
FNC1_BODIES = Path("stance") / "fnc1" / "train_bodies.csv.gz"

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"


def read_fnc1_bodies(data_dir: Path) -> list[str]:
    """Return the article bodies of FNC-1 train, in file order.

    Raises:
        FileNotFoundError: When the file is not under ``data_dir``.
    """
    path = data_dir / FNC1_BODIES
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found (is --data-dir the shared data folder?)")
    csv.field_size_limit(sys.maxsize)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return [row["articleBody"] for row in csv.DictReader(handle)]


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
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    # fmt: on
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error(f"--n must be >= 0, got {args.n}")
    if not 0.0 <= args.real_fraction <= 1.0:
        parser.error(f"--real-fraction must be in [0, 1], got {args.real_fraction}")
    if args.max_bodies is not None and args.max_bodies < 1:
        parser.error(f"--max-bodies must be >= 1, got {args.max_bodies}")
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
            bodies = read_fnc1_bodies(args.data_dir)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        sentences = collect_sentences(bodies, max_bodies=args.max_bodies, seed=args.seed)
        LOG.info("%d report sentences from %d bodies", len(sentences), len(bodies))
    rng = random.Random(args.seed)
    pairs = make_pairs(args.n, rng, sentences=sentences, real_fraction=args.real_fraction)
    written = write_records(args.output, (pair.as_dict() for pair in pairs))
    counts = count_pairs(pairs)
    print(f"wrote {written} pairs to {args.output} in {time.perf_counter() - started:.1f} s")
    print(f"real report sentences used: {len(sentences)}")
    for key in ("label", "origin", "phenomenon"):
        print(f"by {key}:")
        for name, count in sorted(counts[key].items(), key=lambda item: (-item[1], item[0])):
            print(f"  {name:<24} {count:>6}  {count / max(written, 1):6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
