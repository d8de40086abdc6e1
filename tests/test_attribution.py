"""Tests for nli.attribution: statements, reports, polarity and the example article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nli.attribution import attribute_sentence, find_claims
from nli.types import Sentence

EXAMPLE = Path("/work/shared/examples/newsweek-2015-iran-syria-denial.txt")


def _sent(text: str, start: int = 0) -> Sentence:
    return Sentence(text, start, start + len(text))


def _split(text: str) -> list[Sentence]:
    """A simple splitter: sentence ends at . ! ? (plus a closing quote) before a space."""
    out = []
    for m in re.finditer(r"[^\n]+?(?:[.!?][\"”]?(?=\s|$)|$)", text):
        if m.group().strip():
            lead = len(m.group()) - len(m.group().lstrip())
            out.append(
                Sentence(
                    m.group().strip(), m.start() + lead, m.start() + lead + len(m.group().strip())
                )
            )
    return out


# fmt: off
CASES = [
    # direct (negated) assertion in quotes: content is the asserted clause, polarity +
    ('"We have no fighting troops in Syria," said Hossein Amir-Abdollahian.',
     "statement", "We have no fighting troops in Syria", "+"),
    # reported denial with "that": content is the denied proposition, polarity -
    ("Iran denied that its troops were fighting in Syria.",
     "statement", "its troops were fighting in Syria", "-"),
    # rejection of reports with a "that"-clause: the reported proposition, polarity -
    ("The ministry rejected reports that its troops had crossed the border.",
     "statement", "its troops had crossed the border", "-"),
    # dismissal without a clause: the rejected object is the content
    ("The ministry rejected the report as baseless.", "statement", "the report", "-"),
    # "reports that P were false" after a speech verb is a denial of P
    ("The ministry said reports that its troops had crossed were false.",
     "statement", "its troops had crossed", "-"),
    # "it is not true that P" inside a quote denies P
    ('"It is not true that Iran sent troops," the spokesman said.',
     "statement", "Iran sent troops", "-"),
    # witness report: a third-party source, polarity +
    ("Witnesses said dozens of soldiers crossed the border on Monday.",
     "report", "dozens of soldiers crossed the border on Monday", "+"),
    # trailing attribution by residents
    ("Troops crossed the border, residents said.", "report", "Troops crossed the border", "+"),
    # "according to" a report
    ("Hundreds of troops arrived, according to a report by Human Rights Watch.",
     "report", "Hundreds of troops arrived", "+"),
    # sources told a news agency: report even though Reuters follows the cue
    ("Lebanese sources told Reuters that hundreds of troops had arrived.",
     "report", "hundreds of troops had arrived", "+"),
    # satellite images as a source
    ("Satellite images showed new tanks at the base.", "report", "new tanks at the base", "+"),
]
# fmt: on


@pytest.mark.parametrize(("text", "kind", "content", "polarity"), CASES)
def test_attribute_sentence_cases(text: str, kind: str, content: str, polarity: str) -> None:
    claim = attribute_sentence(_sent(text, 10))
    assert claim is not None
    assert (claim.kind, claim.content, claim.polarity) == (kind, content, polarity)
    assert claim.span == (10, 10 + len(text))


@pytest.mark.parametrize(
    "text",
    [
        # plain narrative: no attribution cue
        "The offensive to retake Aleppo began last week.",
        # "did not deny" asserts nothing
        "The spokesman did not deny that troops were present.",
        # "declined to comment" asserts nothing
        "The ministry declined to comment.",
    ],
)
def test_attribute_sentence_none(text: str) -> None:
    assert attribute_sentence(_sent(text)) is None


def test_speaker_and_cue_are_recorded() -> None:
    claim = attribute_sentence(_sent("A spokeswoman for the ministry denied that it happened."))
    assert claim is not None
    assert (claim.speaker, claim.cue) == ("A spokeswoman for the ministry", "denied")


def test_example_article_statement_and_report() -> None:
    claims = find_claims(_split(EXAMPLE.read_text(encoding="utf-8")))
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    troops = [c for c in statements if "we have no fighting troops" in c.content]
    assert troops and troops[0].polarity == "+"
    assert troops[0].speaker and "Amir-Abdollahian" in troops[0].speaker
    arrived = [c for c in reports if "hundreds of troops had arrived" in c.content]
    assert arrived and arrived[0].speaker == "Lebanese sources"
    assert arrived[0].polarity == "+"


def test_example_article_spans_point_into_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for claim in find_claims(_split(text)):
        start, end = claim.span
        assert text[start:end] == claim.text
        assert claim.content in claim.text


@given(st.text(max_size=300))
def test_attribute_sentence_never_raises(text: str) -> None:
    claim = attribute_sentence(_sent(text))
    if claim is not None:
        assert claim.content
        assert claim.content in text


@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list('ab "said, that denied.')), max_size=40), max_size=6
    )
)
def test_find_claims_content_within_text(texts: list[str]) -> None:
    for claim in find_claims([_sent(t) for t in texts]):
        assert claim.content in claim.text
