"""Check annotated real-news files against the format of ``fixtures/real/README.md``.

Usage::

    python scripts/check_gold.py fixtures/real/dev.jsonl fixtures/real/test.jsonl
    python scripts/check_gold.py fixtures/real/parts/*.jsonl --fnc1 ../shared/data/stance/fnc1

Every problem is printed as ``FILE:LINE id: message``; the exit code is 1 when there is any.
Only the standard library is used, so annotators can run it before anything is installed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

LABELS = ("contradiction", "neutral", "entailment")
ORIGINS = ("pages", "fnc1")
DOMAINS = (
    "military",
    "politics",
    "business",
    "health",
    "sport",
    "protests",
    "courts",
    "disasters",
    "science",
    "entertainment",
    "crime",
    "other",
)
REQUIRED = ("id", "origin", "url", "query", "text", "statements", "reports", "pairs")


def load_fnc1_bodies(folder: Path) -> dict[str, str]:
    """Body id -> body text of the FNC-1 train bodies in ``folder``."""
    csv.field_size_limit(10**8)
    with gzip.open(folder / "train_bodies.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}


def _check_claims(art: dict[str, Any], key: str, who: str, entity: str) -> list[str]:
    problems: list[str] = []
    text = art["text"]
    claims = art.get(key)
    if not isinstance(claims, list):
        return [f"{key} is not a list"]
    seen: set[tuple[int, int]] = set()
    for i, claim in enumerate(claims):
        where = f"{key}[{i}]"
        span = claim.get("span") if isinstance(claim, dict) else None
        if (
            not isinstance(span, list)
            or len(span) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)
        ):
            problems.append(f"{where}: span must be [start, end] integers")
            continue
        start, end = span
        if not 0 <= start < end <= len(text):
            problems.append(f"{where}: span {span} outside the text (length {len(text)})")
            continue
        if claim.get("text") != text[start:end]:
            problems.append(
                f"{where}: text differs from text[{start}:{end}] = {text[start:end][:60]!r}"
            )
        if text[start:end] != text[start:end].strip():
            problems.append(f"{where}: span starts or ends with whitespace")
        if (start, end) in seen:
            problems.append(f"{where}: span {span} listed twice")
        seen.add((start, end))
        if not str(claim.get(who) or "").strip():
            problems.append(f"{where}: no {who}")
        if not isinstance(claim.get(entity), str) or not claim[entity].strip():
            problems.append(f"{where}: no {entity} (one canonical name per person or body)")
    return problems


def check_article(art: dict[str, Any], fnc1: dict[str, str] | None = None) -> list[str]:
    """Problems of one annotated article (an empty list when it is well formed)."""
    missing = [k for k in REQUIRED if k not in art]
    if missing:
        return [f"missing fields: {', '.join(missing)}"]
    if not isinstance(art["text"], str) or not art["text"].strip():
        return ["text is empty"]
    problems: list[str] = []
    if art["origin"] not in ORIGINS:
        problems.append(f"origin {art['origin']!r} not one of {ORIGINS}")
    domain = art.get("domain")
    if not isinstance(domain, str) or not domain.strip():
        problems.append(f"domain missing or empty; one of {DOMAINS}")
    elif domain not in DOMAINS:
        problems.append(f"domain {domain!r} not one of {DOMAINS}")
    if art["origin"] == "fnc1":
        body_id = str(art.get("fnc1_body_id", ""))
        if not body_id:
            problems.append("fnc1 article without fnc1_body_id")
        elif fnc1 is not None and fnc1.get(body_id) != art["text"]:
            problems.append(f"text differs from FNC-1 body {body_id}")
    problems += _check_claims(art, "statements", "speaker", "speaker_entity")
    problems += _check_claims(art, "reports", "source", "source_entity")
    n_st, n_rep = len(art["statements"]), len(art["reports"])
    seen: set[tuple[int, int]] = set()
    for i, pair in enumerate(art["pairs"]):
        st, rep = pair.get("statement"), pair.get("report")
        if not (isinstance(st, int) and 0 <= st < n_st):
            problems.append(f"pairs[{i}]: statement index {st!r} out of range")
        if not (isinstance(rep, int) and 0 <= rep < n_rep):
            problems.append(f"pairs[{i}]: report index {rep!r} out of range")
        if pair.get("label") not in LABELS:
            problems.append(f"pairs[{i}]: label {pair.get('label')!r} not one of {LABELS}")
        if (st, rep) in seen:
            problems.append(f"pairs[{i}]: pair ({st}, {rep}) listed twice")
        seen.add((st, rep))
    return problems


def check_files(paths: list[Path], fnc1: dict[str, str] | None) -> tuple[list[str], Counter]:
    """Check every article of ``paths``; ids and urls must be unique across all of them."""
    problems: list[str] = []
    counts: Counter = Counter()
    ids: dict[str, str] = {}
    urls: dict[str, str] = {}
    for path in paths:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                art = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not JSON ({exc})")
                continue
            if not isinstance(art, dict):
                problems.append(f"{where}: not an object")
                continue
            aid = str(art.get("id"))
            problems += [f"{where} {aid}: {p}" for p in check_article(art, fnc1)]
            if aid in ids:
                problems.append(f"{where} {aid}: id already used at {ids[aid]}")
            ids[aid] = where
            url = str(art.get("url"))
            if url in urls:
                problems.append(f"{where} {aid}: url already used at {urls[url]}")
            urls[url] = where
            counts["articles"] += 1
            counts[f"origin:{art.get('origin')}"] += 1
            counts["statements"] += len(art.get("statements") or [])
            counts["reports"] += len(art.get("reports") or [])
            labels = [p.get("label") for p in art.get("pairs") or []]
            for label in labels:
                counts[f"pairs:{label}"] += 1
            if "contradiction" in labels:
                counts["articles with a contradiction"] += 1
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--fnc1",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared/data/stance/fnc1",
        help="FNC-1 folder, to compare fnc1 texts with their bodies (skipped if absent)",
    )
    args = parser.parse_args(argv)
    fnc1 = load_fnc1_bodies(args.fnc1) if (args.fnc1 / "train_bodies.csv.gz").exists() else None
    if fnc1 is None:
        print(f"note: {args.fnc1} not found; FNC-1 texts not compared", file=sys.stderr)
    problems, counts = check_files(args.files, fnc1)
    for problem in problems:
        print(problem)
    for key in sorted(counts):
        print(f"{key}: {counts[key]}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
