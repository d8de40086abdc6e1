"""Tests for nli.clean: line-level boilerplate removal with exact offsets."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nli.clean import clean_text, html_to_text

# The real 2015 article in ../shared/examples beside the repository.
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "examples"
    / "newsweek-2015-iran-syria-denial.txt"
)
BODY = (
    "Iran denied on Tuesday that it had sent troops to Syria.\n\n"
    "Officials said only military advisers were present in the country.\n\n"
    "Western diplomats disputed the account, citing satellite images.\n"
)


def kept(text: str) -> str:
    """Return the kept text of ``text``, ranges joined by newlines."""
    return "\n".join(text[start:end] for start, end in clean_text(text))


def test_plain_body_is_kept_whole() -> None:
    assert kept(BODY) == BODY.rstrip("\n")


def test_empty_text_gives_no_ranges() -> None:
    assert clean_text("") == []


def test_repeated_line_keeps_only_first_occurrence() -> None:
    line = "Newsweek is committed to challenging conventional wisdom."
    text = BODY + line + "\n" + "Another body sentence follows here.\n" + line + "\n"
    assert kept(text).count(line) == 1


def test_subscribe_box_is_dropped() -> None:
    text = BODY + "Subscribe to our daily newsletter for the latest news\n" + BODY.upper()
    assert "newsletter" not in kept(text)


def test_cookie_banner_is_dropped() -> None:
    text = "We use cookies to improve your experience. Accept all cookies.\n" + BODY
    assert "cookies" not in kept(text)


def test_about_the_writer_near_end_drops_the_rest() -> None:
    text = BODY * 3 + "About the writer\nJane Doe covers the Middle East.\n"
    assert "Jane Doe" not in kept(text)


def test_about_the_author_early_is_kept() -> None:
    text = "About the author of the report, little is known.\n" + BODY * 3
    assert "About the author" in kept(text)


def test_related_read_more_and_share_lines_are_dropped() -> None:
    text = BODY + "Related: Iran denies troops\nRead more about Syria\nShare this article\n"
    assert kept(text) == BODY.rstrip("\n")


def test_bullet_lines_are_dropped() -> None:
    text = BODY + "  • Newsweek magazine delivered to your door\n  • Comment on articles\n"
    assert kept(text) == BODY.rstrip("\n")


def test_run_of_menu_items_is_dropped() -> None:
    text = "Home\nWorld\nPolitics\nOpinion\n" + BODY
    assert kept(text) == BODY.rstrip("\n")


def test_single_heading_is_kept() -> None:
    text = "Iran Denies Troops\n\n" + BODY
    assert kept(text).startswith("Iran Denies Troops")


def test_copyright_line_is_dropped() -> None:
    text = BODY + "© 2015 Newsweek. All rights reserved.\n"
    assert "2015" not in kept(text)


def test_offsets_point_into_original_text() -> None:
    text = "Home\nNews\nSport\n" + BODY + "Share this\n"
    for start, end in clean_text(text):
        assert 0 <= start < end <= len(text)
    assert clean_text(text)[0][0] == text.index("Iran")


def test_newsweek_example_drops_trailing_chrome() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    body = kept(text)
    assert body.startswith("Iran Sending More Military Advisers to Syria, Official Says")
    assert body.endswith("in the months prior to Russia's intervention.")
    for chrome in ("Uncommon Knowledge", "Newsweek is committed", "About the writer", "•"):
        assert chrome not in body
    assert "denied that Iranian combat troops were on the ground in Syria" in body


def test_html_to_text_extracts_article() -> None:
    paragraph = "Iran denied on Tuesday that it had sent combat troops to Syria. " * 5
    html = f"<html><body><article><h1>Iran</h1><p>{paragraph}</p></article></body></html>"
    assert "Iran denied on Tuesday" in html_to_text(html)


def test_html_to_text_empty_gives_empty_string() -> None:
    assert html_to_text("") == ""


lines = st.lists(
    st.one_of(
        st.text(max_size=60).map(lambda s: s.replace("\n", " ")),
        st.sampled_from(
            ["Home", "News", "• Menu", "Subscribe now", "About the writer", "Read more", ""]
        ),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_never_raises_and_ranges_are_valid(text: str) -> None:
    ranges = clean_text(text)
    previous_end = -1
    for start, end in ranges:
        assert previous_end < start < end <= len(text)
        assert text[start:end].strip()
        previous_end = end


@settings(max_examples=150, deadline=None)
@given(lines)
def test_clean_is_idempotent(parts: list[str]) -> None:
    once = kept("\n".join(parts))
    assert kept(once) == once


def test_a_dateline_opening_the_first_lines_is_left_out() -> None:
    text = (
        "ELON, N.C. – A recent rumor claims that the school banned the term.\n\n"
        "WASHINGTON (Reuters) - The Pentagon denied it.\n\n"
        "Later, PARIS - this line is not a dateline."
    )
    kept = [text[a:b].strip() for a, b in clean_text(text)]
    joined = " ".join(kept)
    assert joined.startswith("A recent rumor claims")
    assert "The Pentagon denied it." in joined and "WASHINGTON" not in joined
    assert "Later, PARIS - this line" in joined
