"""Tests for nli.pairing."""

from __future__ import annotations

import pytest

from nli.pairing import content_words, pair_claims
from nli.types import Claim


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
