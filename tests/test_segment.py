"""Tests for nli.segment: sentence splitting with offsets into the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nli.segment import split_sentences
from nli.types import Sentence


def texts(text: str) -> list[str]:
    """Return the sentence texts of ``text``."""
    return [sentence.text for sentence in split_sentences(text)]


def test_empty_text_gives_no_sentences() -> None:
    assert split_sentences("") == []


def test_blank_text_gives_no_sentences() -> None:
    assert split_sentences(" \n\t ") == []


def test_two_sentences_are_split() -> None:
    assert texts("Iran denied it. Reuters disagreed.") == ["Iran denied it.", "Reuters disagreed."]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Smith flew to the U.S. on Monday. He met officials."
    assert texts(text) == ["Dr. Smith flew to the U.S. on Monday.", "He met officials."]


def test_closing_quote_belongs_to_sentence() -> None:
    text = 'He said, "We did not send troops." Then he left.'
    assert texts(text) == ['He said, "We did not send troops."', "Then he left."]


def test_curly_closing_quote_belongs_to_sentence() -> None:
    assert texts("He said “no.” She agreed.") == ["He said “no.”", "She agreed."]


def test_very_short_sentence_survives() -> None:
    assert "No." in texts("Did Iran send troops? No. It sent advisers.")


def test_paragraph_break_ends_a_sentence() -> None:
    assert texts("Iran Denies Troops\n\nOfficials spoke.") == [
        "Iran Denies Troops",
        "Officials spoke.",
    ]


def test_offsets_are_exact() -> None:
    text = "  First one.   Second one.\n\nThird.  "
    sentences = split_sentences(text)
    assert sentences == [
        Sentence("First one.", 2, 12),
        Sentence("Second one.", 15, 26),
        Sentence("Third.", 28, 34),
    ]


def test_ranges_limit_the_split() -> None:
    text = "Menu item. Body starts here. Body ends here. Footer."
    start, end = text.index("Body starts"), text.index(" Footer")
    assert [s.text for s in split_sentences(text, [(start, end)])] == [
        "Body starts here.",
        "Body ends here.",
    ]


def test_out_of_bounds_ranges_are_clipped() -> None:
    assert texts("Short.") == [s.text for s in split_sentences("Short.", [(-5, 99)])]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_offsets_point_back_to_text(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert previous_end <= sentence.start
        previous_end = sentence.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400))))
def test_never_raises_with_any_ranges(text: str, ranges: list[tuple[int, int]]) -> None:
    for sentence in split_sentences(text, ranges):
        assert text[sentence.start : sentence.end] == sentence.text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_no_text_is_lost(text: str) -> None:
    joined = "".join(sentence.text for sentence in split_sentences(text))
    assert "".join(joined.split()) == "".join(text.split())


def test_pieces_are_pysbd_segments_without_its_span_search() -> None:
    from nli.segment import _pysbd_pieces, _segmenter

    chunk = (
        'Mr. Smith said the U.S. Army "did not" move. It was 3 p.m. on Jan. 5. '
        "Reports said 12 troops arrived; officials denied it!  Another one?"
    )
    assert [p.strip() for p in _pysbd_pieces(chunk)] == [
        p.strip() for p in _segmenter().segment(chunk)
    ]
