"""Property-based tests (hypothesis) of cleaning, segmentation, attribution and readers.

Whatever the text, the steps must not raise, every offset must point back at the text
it names, and cleaning the text that cleaning kept must keep all of it. Examples mix
arbitrary Unicode with lines that look like news and page chrome, so the rules fire.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nli.attribution import find_claims
from nli.claims import extract_claims
from nli.clean import clean_text
from nli.io import read_articles, write_records
from nli.segment import split_sentences
from nli.types import Article

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Lines a news page is made of: sentences with and without attribution, chrome.
NEWSY_LINES = [
    '"We have no troops in Karsk," the defence minister said.',
    "The ministry denied that its forces had crossed the border.",
    "Witnesses told Reuters that hundreds of troops had arrived.",
    "According to a report by the monitor, tanks were seen near the town.",
    "It is not true that we closed the plant, a spokesman said.",
    "Subscribe to our newsletter",
    "We use cookies to improve this site. Accept cookies",
    "About the writer",
    "Home",
    "World",
    "Politics",
    "• Related stories",
    "© 2015 All rights reserved",
    "Read more",
    "No.",
    "“Untrue,” he said.",
    "",
    "   ",
]

line_text = st.one_of(st.sampled_from(NEWSY_LINES), st.text(max_size=60))
newsy_text = st.lists(line_text, max_size=14).flatmap(
    lambda lines: st.sampled_from(["\n", "\n\n", "\r\n", " "]).map(lambda sep: sep.join(lines))
)
any_text = st.one_of(st.text(max_size=300), newsy_text)


def _assert_ranges_are_line_aligned(text: str, ranges: list[tuple[int, int]]) -> None:
    previous_end = -1
    for start, end in ranges:
        assert 0 <= start < end <= len(text)
        assert start > previous_end  # sorted, disjoint, and separated by a line break
        assert start == 0 or text[start - 1] == "\n"
        assert end == len(text) or text[end] == "\n"
        previous_end = end


@FAST
@given(any_text)
def test_clean_text_ranges_are_sorted_disjoint_and_line_aligned(text: str):
    _assert_ranges_are_line_aligned(text, clean_text(text))


@FAST
@given(any_text)
def test_clean_text_is_idempotent_on_what_it_keeps(text: str):
    kept = "\n".join(text[start:end] for start, end in clean_text(text))
    assert clean_text(kept) == ([(0, len(kept))] if kept else [])


@FAST
@given(any_text)
def test_sentences_point_back_at_their_text_and_lose_nothing(text: str):
    sentences = split_sentences(text)
    covered: set[int] = set()
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
        covered.update(range(sentence.start, sentence.end))
    visible = {i for i, char in enumerate(text) if not char.isspace()}
    assert visible <= covered


@FAST
@given(any_text)
def test_sentences_stay_inside_the_cleaned_ranges(text: str):
    ranges = clean_text(text)
    for sentence in split_sentences(text, ranges):
        assert any(start <= sentence.start and sentence.end <= end for start, end in ranges)
        assert text[sentence.start : sentence.end] == sentence.text


@FAST
@given(any_text)
def test_claims_point_back_at_their_sentence(text: str):
    sentences = split_sentences(text)
    spans = {(s.start, s.end) for s in sentences}
    for claim in find_claims(sentences):
        assert claim.span in spans
        assert text[claim.span[0] : claim.span[1]] == claim.text
        assert claim.kind in ("statement", "report")
        assert claim.polarity in ("+", "-")
        assert claim.content.strip()


@FAST
@given(any_text)
def test_extract_claims_never_raises_and_spans_index_the_article(text: str):
    for claim in extract_claims(Article("a", text)):
        assert text[claim.span[0] : claim.span[1]] == claim.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5), st.sampled_from([".jsonl", ".csv"]))
def test_article_texts_survive_a_write_and_read_round_trip(tmp_path: Path, texts, suffix):
    path = tmp_path / f"articles{suffix}"
    write_records(path, ({"id": f"n{i}", "text": text} for i, text in enumerate(texts)))
    records = list(read_articles(path))
    assert all(isinstance(r, Article) for r in records), records
    assert [(r.id, r.text) for r in records] == [(f"n{i}", t) for i, t in enumerate(texts)]


def test_round_trip_example_with_line_separators(tmp_path: Path):
    # Line and paragraph separators are where line-based readers usually go wrong.
    text = "a\u2028b\r\nc\x85d"
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    (article,) = read_articles(path)
    assert isinstance(article, Article) and article.text == text
