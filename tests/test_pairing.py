"""Tests for nli.pairing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nli.attribution import find_claims
from nli.clean import clean_text
from nli.pairing import content_words, pair_claims, stem, topic_words
from nli.segment import split_sentences
from nli.types import Claim

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _claim(kind: str, content: str, start: int = 0) -> Claim:
    return Claim(kind, content, content, "x", "said", "+", (start, start + len(content)))  # type: ignore[arg-type]


def test_content_words_drop_function_words_and_plurals():
    assert content_words("The troops are not in Syria") == frozenset({"troop", "syria"})


def test_numbers_are_content_words():
    assert "300" in content_words("300 soldiers")


def test_pairs_only_topically_related_claims():
    statement = _claim("statement", "We have no troops in Syria.")
    related = _claim("report", "Hundreds of Iranian troops arrived in Syria.", 50)
    unrelated = _claim("report", "The football season opened on Sunday.", 100)
    assert pair_claims([statement, related, unrelated]) == [(statement, related)]


def test_min_overlap_zero_pairs_everything():
    claims = [
        _claim("statement", "a b c"),
        _claim("report", "x y z", 10),
        _claim("report", "q", 20),
    ]
    assert len(pair_claims(claims, min_overlap=0)) == 2


def test_statements_are_never_paired_with_statements():
    claims = [_claim("statement", "troops in Syria"), _claim("statement", "troops in Syria", 30)]
    assert pair_claims(claims, min_overlap=0) == []


def test_negative_min_overlap_is_rejected():
    with pytest.raises(ValueError, match="min_overlap"):
        pair_claims([], min_overlap=-1)


def test_stem_removes_one_common_suffix():
    assert [stem(w) for w in ("troops", "detained", "detentions", "shelling", "border")] == [
        "troop",
        "detain",
        "detent",
        "shell",
        "border",
    ]


def test_possessives_and_frame_words_are_not_topic_words():
    assert content_words("The dam's wall, the ministry said on Monday") == frozenset(
        {"dam", "wall", "ministry"}
    )


def test_concept_tags_link_near_synonyms():
    statement = _claim("statement", "We have no troops in Karsk province.")
    report = _claim("report", "Witnesses saw soldiers at the checkpoints.", 50)
    assert "#military" in topic_words(report.text)
    assert pair_claims([statement, report]) == [(statement, report)]


def test_a_statement_is_paired_through_its_topic():
    denial = _claim("statement", "The office denied that Brandt had met Amsel in Lindau.")
    dismissal = _claim("statement", "A spokesman called the Brandt story a fabrication.", 60)
    report = _claim("report", "Hotel staff said they served dinner to Amsel.", 120)
    pairs = pair_claims([denial, dismissal, report])
    # the dismissal shares no word with the report, only with the denial it elaborates
    assert (dismissal, report) in pairs and (denial, report) in pairs


def test_higher_min_overlap_prunes_more():
    statement = _claim("statement", "We have no troops in Syria.")
    report = _claim("report", "Hundreds of troops arrived in Aleppo.", 50)
    assert len(pair_claims([statement, report], min_overlap=1)) == 1
    assert pair_claims([statement, report], min_overlap=3) == []


def _gold_pair_recall(path: Path) -> tuple[float, float]:
    """(contradiction recall, neutral kept share) of pair_claims on extracted claims."""
    kept = {"contradiction": [0, 0], "neutral": [0, 0]}
    for line in path.read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        text = (path.parent / gold["file"]).read_text(encoding="utf-8")
        claims = find_claims(split_sentences(text, clean_text(text)))
        pairs = [(s.span, r.span) for s, r in pair_claims(claims)]
        for item in gold["pairs"]:
            if item["label"] not in kept:
                continue
            gs = gold["statements"][item["statement"]]["span"]
            gr = gold["reports"][item["report"]]["span"]
            hit = any(
                s[0] < gs[1] and gs[0] < s[1] and r[0] < gr[1] and gr[0] < r[1] for s, r in pairs
            )
            kept[item["label"]][0] += hit
            kept[item["label"]][1] += 1
    return (
        kept["contradiction"][0] / kept["contradiction"][1],
        kept["neutral"][0] / kept["neutral"][1],
    )


def test_pairing_keeps_most_gold_contradictions_and_prunes_neutral_pairs():
    recall, neutral_kept = _gold_pair_recall(FIXTURES / "articles.jsonl")
    assert recall >= 0.8
    assert neutral_kept <= 0.6
