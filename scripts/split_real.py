"""Split the annotated real-news articles into a dev half and a test half, by article.

Usage::

    python scripts/split_real.py fixtures/real/parts/*.jsonl --out fixtures/real

The split depends on the annotation only, never on the tool's output: within each stratum
(origin x "has a contradiction pair" x "has any pair"), articles are ordered by the SHA-256 of
their id and dealt alternately to test and dev, so both halves get the same mix. An article
already in ``dev.jsonl`` or ``test.jsonl`` keeps its half (articles never move); only new
articles are dealt, continuing the alternation of their stratum.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def stratum(article: dict[str, Any]) -> tuple[str, bool, bool]:
    """The stratum of an article: origin, has a contradiction pair, has any pair."""
    labels = {p["label"] for p in article["pairs"]}
    return article["origin"], "contradiction" in labels, bool(labels)


def _key(article_id: str) -> str:
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSONL file (none when it does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def split(
    articles: list[dict[str, Any]], fixed: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deal articles into (dev, test); ids in ``fixed`` keep the half they map to."""
    halves: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    groups: dict[tuple[str, bool, bool], list[dict[str, Any]]] = defaultdict(list)
    dealt: dict[tuple[str, bool, bool], int] = defaultdict(int)
    for article in articles:
        if article["id"] in fixed:
            halves[fixed[article["id"]]].append(article)
            dealt[stratum(article)] += 1
        else:
            groups[stratum(article)].append(article)
    for key in sorted(groups):
        for article in sorted(groups[key], key=lambda a: _key(a["id"])):
            half = "test" if dealt[key] % 2 == 0 else "dev"
            halves[half].append(article)
            dealt[key] += 1
    return halves["dev"], halves["test"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("fixtures/real"))
    args = parser.parse_args(argv)
    fixed = {}
    for half in ("dev", "test"):
        for article in read_jsonl(args.out / f"{half}.jsonl"):
            fixed[article["id"]] = half
    articles = [a for path in args.parts for a in read_jsonl(path)]
    dev, test = split(articles, fixed)
    missing = set(fixed) - {a["id"] for a in articles}
    if missing:
        print(
            f"refusing: {len(missing)} articles of the halves are not in the parts", file=sys.stderr
        )
        return 2
    for half, rows in (("dev", dev), ("test", test)):
        rows = sorted(rows, key=lambda a: a["id"])
        text = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in rows)
        (args.out / f"{half}.jsonl").write_text(text, encoding="utf-8")
        n_contra = sum(p["label"] == "contradiction" for a in rows for p in a["pairs"])
        print(f"{half}: {len(rows)} articles, {n_contra} contradiction pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
