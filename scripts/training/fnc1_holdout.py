"""Which FNC-1 train bodies training may read, fixed before any model of version 2 was trained.

Two groups of FNC-1 train bodies are kept away from every training script:

* **the FNC-1 hold-out**: 20 % of the body ids (the fifth with the smallest salted SHA-256 of
  the id, so the choice never depends on file order, seeds or the Python version), with all
  their headlines.
  The model card reports how well the contradiction score separates disagree from agree bodies
  on it (``scripts/training/eval_fnc1_holdout.py``);
* **the bodies of the real-news set** (``fixtures/real/*.jsonl``, ``fnc1_body_id``): they are
  measured as real articles, so no headline/body pair of theirs is trained on either;
* **every body that repeats text of the real-news set**: FNC-1 repeats sentences (and whole
  bodies) under other body ids, so a body that shares a sentence or an annotated claim of
  :data:`MIN_SHARED_CHARS` or more characters with any article of the set, either half, web
  pages included, is left out too (:func:`real_set_text_ids`; compared after
  :func:`comparable`).

``python scripts/training/fnc1_holdout.py --data-dir ../shared/data`` prints the counts.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from nli.segment import split_sentences

#: Salt of the hold-out hash. Changing it changes the hold-out: never do that.
HOLDOUT_SALT = "denial-nli fnc1 holdout v2"
#: Share of the bodies held out.
HOLDOUT_FRACTION = 0.2
#: The real-news set, relative to the repository root.
REAL_SET = Path(__file__).resolve().parents[2] / "fixtures" / "real"
BODIES = Path("stance") / "fnc1" / "train_bodies.csv.gz"
STANCES = Path("stance") / "fnc1" / "train_stances.csv.gz"
#: Shortest text (characters, after :func:`comparable`) a body may not share with an article
#: of the real-news set: long enough that a shared passage is copied text, not a phrase.
MIN_SHARED_CHARS = 40

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


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


def comparable(text: str) -> str:
    """Text with straight quotes and single spaces, to find repeats across texts.

    >>> comparable("“No  troops” were \t sent")
    '"No troops" were sent'
    """
    return " ".join(text.translate(_QUOTES).split())


@lru_cache(maxsize=4)
def real_set_passages(
    real_dir: Path = REAL_SET, min_chars: int = MIN_SHARED_CHARS
) -> frozenset[str]:
    """Every sentence and annotated claim of the real-news set (both halves) that a body may
    not share: :func:`comparable` text of at least ``min_chars`` characters.

    Sentences are split as the pipeline splits them (:func:`nli.segment.split_sentences`);
    the statements' and reports' texts are added as annotated, since a claim can be part of
    a sentence.
    """
    passages: set[str] = set()
    for path in sorted(real_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                article = json.loads(line)
                texts = [s.text for s in split_sentences(article["text"])]
                texts += [c["text"] for key in ("statements", "reports") for c in article[key]]
                passages.update(t for t in map(comparable, texts) if len(t) >= min_chars)
    return frozenset(passages)


def sharing_ids(bodies: Mapping[str, str], passages: Collection[str]) -> frozenset[str]:
    """Ids of the bodies that contain any of ``passages`` (both compared as :func:`comparable`).

    >>> sharing_ids({"7": "He said: “No  troops were sent.”", "8": "Other text."},
    ...             ['"No troops were sent."'])
    frozenset({'7'})
    """
    wanted = [comparable(p) for p in passages]
    found = set()
    for body_id, text in bodies.items():
        body = comparable(text)
        if any(p in body for p in wanted):
            found.add(body_id)
    return frozenset(found)


def real_set_text_ids(bodies: Mapping[str, str], real_dir: Path = REAL_SET) -> frozenset[str]:
    """Ids of the bodies that share a sentence or claim of :data:`MIN_SHARED_CHARS` or more
    characters with an article of the real-news set (the set's own bodies included)."""
    return sharing_ids(bodies, real_set_passages(real_dir))


def excluded_ids(data_dir: Path, *, shared_text: bool = True) -> frozenset[str]:
    """Every body id that training must not read.

    Args:
        data_dir (Path): The shared data folder.
        shared_text (bool): Also every body that repeats text of the real-news set
            (:func:`real_set_text_ids`). Defaults to True; ``make_synthetic.py`` passes False
            and drops the repeated sentences themselves.

    Returns:
        frozenset[str]: The hold-out, the real-news set's bodies and (``shared_text``) the
        bodies sharing its text.
    """
    bodies = read_bodies(data_dir)
    ids = heldout_ids(bodies) | real_set_body_ids()
    if shared_text:
        ids |= real_set_text_ids(bodies)
    return ids


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
    shared = real_set_text_ids(bodies)
    counts: dict[str, dict[str, int]] = {
        "heldout": {},
        "real_set": {},
        "shares_real_set_text": {},
        "trainable": {},
    }
    for row in read_stances(args.data_dir):
        body = row["Body ID"]
        if body in held:
            group = "heldout"
        elif body in real:
            group = "real_set"
        elif body in shared:
            group = "shares_real_set_text"
        else:
            group = "trainable"
        counts[group][row["Stance"]] = counts[group].get(row["Stance"], 0) + 1
    print(
        json.dumps(
            {
                "bodies": len(bodies),
                "heldout_bodies": len(held),
                "real_set_bodies": len(real),
                "real_set_bodies_in_heldout": len(real & held),
                "bodies_sharing_real_set_text": len(shared - real),
                "of_those_outside_heldout": len(shared - real - held),
                "trainable_bodies": len(set(bodies) - held - real - shared),
                "stances": counts,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
