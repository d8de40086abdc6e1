"""Measure speaker normalisation (nli.speakers) against the annotated entities of the real-news set.

For each article, the claims the tool finds (``--finder parse``) are matched to the gold
statements and reports they overlap (same kind, largest overlap; a claim is left out when a
shorter claim of its kind covers that gold span about as much, :func:`_tighter_claim`: the
gold span is then the tighter claim's, not the sentence's read in its other role); each
matched claim's speaker or source text is a mention whose gold entity is ``speaker_entity`` /
``source_entity``. :func:`nli.speakers.resolve_mentions` resolves all mentions of the
article. Over the pairs of distinct mentions (distinct text or position) within an article:

- merge recall: of the pairs with one gold entity, the share given one canonical entity;
- false merges: pairs of two different texts with two gold entities given one canonical
  entity (should be 0). Pairs of one text with two gold entities are counted apart
  (``same_text_two_entities``): the claims were attributed to the wrong speaker before
  normalisation, which cannot tell one text apart from itself.

The raw speaker texts (exact match after trimming) are the baseline. The measures are
given twice: over all matched claims, and over the claims whose speaker text names their
gold speaker (shares a word with the annotated speaker or entity, or is "he", "the ...":
:func:`names_gold`), which separates normalisation from attribution errors; each block
also splits its misses and false merges by that cause (:func:`error_cause`). Measure on
the dev half only (``fixtures/real/dev.jsonl``); the test half is not for tuning.

Usage::

    python scripts/eval_speakers.py fixtures/real/dev.jsonl [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import re
from itertools import combinations
from pathlib import Path
from typing import Any

from nli.claims import extract_claims
from nli.speakers import Mention, resolve_mentions
from nli.types import Article


def _overlap(a: list[int] | tuple[int, int], b: list[int] | tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def article_mentions(
    row: dict[str, Any], *, attributed_only: bool = False
) -> list[tuple[Mention, str, str, bool]]:
    """(mention, gold entity, kind, whether the speaker text names the gold speaker) for
    each claim of the article matched to a gold claim."""
    claims = extract_claims(Article(row["id"], row["text"]), "parse")
    gold = {
        "statement": [
            (s["span"], s["speaker_entity"], f"{s['speaker']} {s['speaker_entity']}")
            for s in row["statements"]
        ],
        "report": [
            (r["span"], r["source_entity"], f"{r['source']} {r['source_entity']}")
            for r in row["reports"]
        ],
    }
    found: dict[tuple[str | None, int], tuple[Mention, str, str, bool]] = {}
    all_mentions = [Mention(c.speaker, c.span[0], c.kind) for c in claims]
    for claim, mention in zip(claims, all_mentions, strict=True):
        best = max(gold[claim.kind], key=lambda g: _overlap(g[0], claim.span), default=None)
        if best is None or _overlap(best[0], claim.span) <= 0:
            continue
        if _tighter_claim(claim, best[0], claims):
            continue
        named = names_gold(claim.speaker, best[2])
        if attributed_only and not named:
            continue
        found.setdefault((claim.speaker, claim.span[0]), (mention, best[1], claim.kind, named))
    return list(found.values())


def _tighter_claim(claim: Any, span: list[int], claims: list[Any]) -> bool:
    """Whether another claim of the same kind covers the gold span about as much as
    ``claim`` does (90%: the marks around a quote may differ) and is shorter: the gold
    claim is nested in ``claim``'s sentence ("X denied allegations that P", with P a gold
    report) and the tighter claim is its mention, not the whole sentence read in the
    other role."""
    covered = _overlap(span, claim.span)
    length = claim.span[1] - claim.span[0]
    return any(
        other.kind == claim.kind
        and other.span[1] - other.span[0] < length
        and _overlap(span, other.span) >= 0.9 * covered
        for other in claims
    )


_REFERRING = {"he", "she", "they", "it", "we", "the"}


def _words(text: str) -> set[str]:
    words = (w.lower().removesuffix("'s") for w in re.findall(r"[\w'’-]+", text))
    return {w for w in words if len(w) > 2 and w not in _STOP}


_STOP = {"the", "and", "for", "its", "his", "her", "their", "said", "with", "from", "that"}


def names_gold(speaker: str | None, gold: str) -> bool:
    """Whether a claim's speaker text names its gold speaker (shares a word with the
    annotated speaker or entity), or refers back to someone ("he", "the spokesman")."""
    if speaker is None:
        return False
    first = speaker.strip().split()[0].lower() if speaker.strip() else ""
    return first in _REFERRING or bool(_words(speaker) & _words(gold))


def error_cause(a: tuple[Mention, str, str, bool], b: tuple[Mention, str, str, bool]) -> str:
    """Why a pair was missed or falsely merged: ``no_text`` (a claim without speaker text),
    ``attribution`` (a speaker text that does not name its gold speaker, by
    :func:`names_gold`, which is lenient: these counts are lower bounds) or
    ``normalisation`` (both texts name their speakers; the resolution is wrong)."""
    if a[0].text is None or b[0].text is None:
        return "no_text"
    if not (a[3] and b[3]):
        return "attribution"
    return "normalisation"


def evaluate(
    rows: list[dict[str, Any]], *, attributed_only: bool = False, show_errors: bool = False
) -> dict[str, Any]:
    totals = {"same": 0, "merged": 0, "different": 0, "false_merges": 0, "same_text_conflicts": 0}
    baseline = {"merged": 0}
    with_text = {"same": 0, "merged": 0}
    no_text = 0
    causes: dict[str, dict[str, int]] = {"misses": {}, "false_merges": {}}
    for row in rows:
        items = article_mentions(row, attributed_only=attributed_only)
        claims = extract_claims(Article(row["id"], row["text"]), "parse")
        context = [Mention(c.speaker, c.span[0], c.kind) for c in claims]
        resolved = resolve_mentions(context)
        by_mention = {(m.text, m.start): e for m, e in zip(context, resolved, strict=True)}
        entities = [by_mention[(m.text, m.start)].entity for m, _, _, _ in items]
        no_text += sum(m.text is None for m, _, _, _ in items)
        for a, b in combinations(range(len(items)), 2):
            (ma, ga, _, _), (mb, gb, _, _) = items[a], items[b]
            cause = error_cause(items[a], items[b])
            ours = entities[a] is not None and entities[a] == entities[b]
            raw = ma.text is not None and (ma.text or "").strip() == (mb.text or "").strip()
            if ga == gb:
                totals["same"] += 1
                totals["merged"] += ours
                if ma.text is not None and mb.text is not None:
                    with_text["same"] += 1
                    with_text["merged"] += ours
                baseline["merged"] += raw
                if not ours:
                    causes["misses"][cause] = causes["misses"].get(cause, 0) + 1
                if show_errors and not ours:
                    print(f"MISS({cause}) {row['id']} [{ga}] {ma.text!r} -> {entities[a]!r} | "
                          f"{mb.text!r} -> {entities[b]!r}")  # fmt: skip
            elif (ma.text or "").strip() == (mb.text or "").strip():
                # One text, two gold entities: the claims were attributed to the wrong
                # speaker upstream; no normalisation can tell them apart.
                totals["same_text_conflicts"] += 1
            else:
                totals["different"] += 1
                totals["false_merges"] += ours
                if ours:
                    causes["false_merges"][cause] = causes["false_merges"].get(cause, 0) + 1
                if show_errors and ours:
                    print(f"FALSE({cause}) {row['id']} [{ga} / {gb}] {ma.text!r} {mb.text!r} -> "
                          f"{entities[a]!r}")  # fmt: skip
    return {
        "articles": len(rows),
        "pairs_same_entity": totals["same"],
        "merge_recall": totals["merged"] / max(totals["same"], 1),
        "merge_recall_mentions_with_text": with_text["merged"] / max(with_text["same"], 1),
        "pairs_different_entities_different_texts": totals["different"],
        "false_merges": totals["false_merges"],
        "same_text_two_entities": totals["same_text_conflicts"],
        "baseline_merge_recall": baseline["merged"] / max(totals["same"], 1),
        "mentions_without_text": no_text,
        # The misses and false merges split by cause (error_cause): only "normalisation"
        # is nli.speakers' to fix; the rest come from the claim's speaker text upstream.
        "misses_by_cause": dict(sorted(causes["misses"].items())),
        "false_merges_by_cause": dict(sorted(causes["false_merges"].items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="fixtures/real/dev.jsonl")
    parser.add_argument("--show-errors", action="store_true", help="print misses and false merges")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()]
    results = {
        "all matched claims": evaluate(rows, show_errors=args.show_errors),
        # Claims whose speaker text names their gold speaker: what normalisation is given
        # when attribution is right (the other claims were attributed to someone else).
        "claims attributed right": evaluate(rows, attributed_only=True),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
