"""Boilerplate removal: trafilatura for HTML, line-level heuristics for plain text.

:func:`clean_text` never rewrites the text. It returns the ``[start, end)``
character ranges of the original string that are article body, so every later
offset still points into the text as read.

The line rules are applied repeatedly to the surviving lines until nothing more
is dropped, so cleaning the kept text again keeps all of it (idempotence).
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

#: A trailing "about the author" block starts at or after this fraction of the text.
TAIL_FRACTION = 0.6
#: Longest line (characters) that a boxed-chrome rule (subscribe, cookies) may drop.
MAX_CHROME_LINE = 300
#: Longest line (characters) that counts as a menu item.
MAX_MENU_CHARS = 40
#: Most words a menu item may have.
MAX_MENU_WORDS = 6
#: Longest bulleted line (characters) that counts as a menu item.
MAX_BULLET_CHARS = 100
#: Consecutive menu-like lines needed before they are dropped as a menu.
MIN_MENU_RUN = 3

_BULLET = re.compile(r"^[•·▪‣◦●○■□►▸»›*+|\-–—]\s")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)\]]*$")
_SUBSCRIBE = re.compile(
    r"^(subscribe|newsletter|sign[ -]?up)\b"
    r"|\bsubscribe (now|today|to|for|here)\b"
    r"|\bsign[ -]?up (now|today|for|to|here)\b"
    r"|\b(our|the|free|daily|weekly|email) newsletters?\b"
    r"|\bnewsletter sign[ -]?up\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(
    r"\b(accept|consent|policy|settings|preferences|we use|this (site|website)|browsing)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"^about the (writer|author|authors|reporter)s?\b", re.IGNORECASE)
_LINK_LINE = re.compile(
    r"^(related( (stories|articles|content|coverage|topics))?|read more|more from|see also"
    r"|also read|share this( (article|story|page))?|share on)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^(©|\(c\)\s|copyright\b)|\ball rights reserved\b", re.IGNORECASE)


#: A stored page's date line glued to the first sentence ("date 2018-06-08 Representatives
#: of ...", or as spaCy's tokens join it, "date 2018 - 06 - 08 ..."), with the bullet that may
#: join it to a headline ("date 2021-03-14 •Soldiers only had injuries ...").
DATE_LINE = re.compile(
    r"^\s*date\s+\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}\s*(?P<bullet>[•·▪]\s*)?", re.IGNORECASE
)
#: A dateline before the first sentence's subject: "KUALA LUMPUR (BERNAMA) - ", "MOSCOW,
#: May 12 (Reuters) - ", "JERUSALEM - ", "(CNN) -- ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’]+(?:\s+[A-Z][A-Z.'’]+)*"
    r"(?:\s*,\s*(?:[A-Z][a-z]+\.?(?:\s+\d{1,2})?|(?:[A-Z]\.){2,}))?"
    r"\s*(?:\(\s*[^()]{1,40}\))?|\(\s*[^()]{1,40}\))\s+(?:-{1,2}|–|—)\s+(?=[A-Z\"“'‘])"
)


def strip_dateline(name: str) -> str:
    """A speaker's name without the page's date line or the dateline glued before it.

    Example:
        >>> strip_dateline("date 2024-07-01 Ukraine's border guards")
        "Ukraine's border guards"
        >>> strip_dateline("date 2018 - 06 - 08 Representatives of the couple")
        'Representatives of the couple'
        >>> strip_dateline("KUALA LUMPUR (BERNAMA) - Prime Minister Najib Razak")
        'Prime Minister Najib Razak'
        >>> strip_dateline("(CNN) -- Prime Minister Julia Gillard")
        'Prime Minister Julia Gillard'
        >>> strip_dateline("NAIROBI, Kenya (AP)"), strip_dateline("BBC - style reporting")
        ('NAIROBI, Kenya (AP)', 'BBC - style reporting')
    """
    return _DATELINE.sub("", DATE_LINE.sub("", name))


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` span of every line of ``text``, newlines excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _is_bullet(line: str) -> bool:
    """Return whether a stripped line is a short bulleted item."""
    return bool(_BULLET.match(line)) and len(line) <= MAX_BULLET_CHARS


def _is_menu_item(line: str) -> bool:
    """Return whether a stripped line looks like a menu item or a bare heading.

    A menu item is short, has no sentence-ending punctuation and every word that
    starts with a letter starts with a capital.
    """
    if _is_bullet(line):
        return not _SENTENCE_END.search(line)
    words = line.split()
    if not words or len(line) > MAX_MENU_CHARS or len(words) > MAX_MENU_WORDS:
        return False
    if _SENTENCE_END.search(line):
        return False
    lettered = [word for word in words if word[0].isalpha()]
    return bool(lettered) and all(word[0].isupper() for word in lettered)


def _is_chrome_line(line: str) -> bool:
    """Return whether a stripped line is chrome on its own, whatever its neighbours."""
    if _is_bullet(line) or _LINK_LINE.match(line) or _COPYRIGHT.search(line):
        return True
    if len(line) <= MAX_CHROME_LINE:
        if _SUBSCRIBE.search(line):
            return True
        if _COOKIE.search(line) and _COOKIE_CONTEXT.search(line):
            return True
    return False


def _tail_cut(lines: list[str]) -> int:
    """Return the index where a trailing "About the writer" block starts (``len`` if none).

    The cut also takes the chrome lines just before the marker: repeated lines
    and menu-like lines (for example a promo heading and its repeated tagline).
    """
    total = sum(len(line) + 1 for line in lines)
    position = 0
    for index, line in enumerate(lines):
        if _ABOUT.match(line) and total and position / total >= TAIL_FRACTION:
            counts: dict[str, int] = {}
            for other in lines:
                counts[other] = counts.get(other, 0) + 1
            cut = index
            while cut > 0 and (counts[lines[cut - 1]] > 1 or _is_menu_item(lines[cut - 1])):
                cut -= 1
            return cut
        position += len(line) + 1
    return len(lines)


def _drop_flags(lines: list[str]) -> list[bool]:
    """Return, for each stripped non-blank line, whether it is page chrome.

    Args:
        lines: The non-blank lines of a document, stripped, in order.

    Returns:
        One flag per line, ``True`` for lines to drop.
    """
    drop = [False] * len(lines)
    cut = _tail_cut(lines)
    for index in range(cut, len(lines)):
        drop[index] = True
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line in seen or _is_chrome_line(line):
            drop[index] = True
        seen.add(line)
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if line and _is_menu_item(line):
            run.append(index)
            continue
        if len(run) >= MIN_MENU_RUN:
            for member in run:
                drop[member] = True
        run = []
    return drop


def _merge(spans: list[tuple[int, int]], keep: list[bool | None]) -> list[tuple[int, int]]:
    """Merge kept line spans into ranges; blank lines between kept lines stay inside a range."""
    ranges: list[tuple[int, int]] = []
    open_start: int | None = None
    open_end = 0
    for (start, end), kept in zip(spans, keep, strict=True):
        if kept is None:
            continue
        if kept:
            if open_start is None:
                open_start = start
            open_end = end
        elif open_start is not None:
            ranges.append((open_start, open_end))
            open_start = None
    if open_start is not None:
        ranges.append((open_start, open_end))
    return ranges


def clean_text(text: str) -> list[tuple[int, int]]:
    """Return the character ranges of ``text`` that are article body.

    Page chrome is dropped line by line: repeated lines (beyond their first
    occurrence), subscribe/newsletter/sign-up boxes, cookie banners, a trailing
    "About the writer" block and everything after it, "Related:"/"Read more"/
    "Share this" lines, bulleted or menu-like runs of short lines, and copyright
    lines. The rules are re-applied to the surviving lines until stable. A dateline
    opening one of the first three kept lines ("ELON, N.C. – ", "MOSCOW (Reuters) - ")
    is left out too.

    Args:
        text: The article text, as read.

    Returns:
        Sorted, non-overlapping ``[start, end)`` ranges into ``text``; each starts
        at the start of a kept line (or after its dateline) and ends at the end of a
        kept line (or before a dateline).
    """
    spans = _line_spans(text)
    stripped = [text[start:end].strip() for start, end in spans]
    active = [index for index, line in enumerate(stripped) if line]
    while True:
        flags = _drop_flags([stripped[index] for index in active])
        if not any(flags):
            break
        active = [index for index, dropped in zip(active, flags, strict=True) if not dropped]
    kept_set = set(active)
    keep: list[bool | None] = [
        None if not line else index in kept_set for index, line in enumerate(stripped)
    ]
    ranges = _merge(spans, keep)
    # a dateline opening one of the first lines ("ELON, N.C. – ", "WASHINGTON (Reuters) - ")
    # is no part of the sentence after it
    for index in active[:3]:
        line = text[spans[index][0] : spans[index][1]].lstrip()
        start = spans[index][1] - len(line)
        found = _DATELINE.match(line)
        if found is not None:
            ranges = _cut(ranges, start, start + found.end())
    logger.debug("clean_text kept %d of %d lines", len(active), len(spans))
    return ranges


def _cut(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """``ranges`` without ``[start, end)``."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if b <= start or a >= end:
            out.append((a, b))
            continue
        if a < start:
            out.append((a, start))
        if end < b:
            out.append((end, b))
    return out


#: What :func:`html_page_fields` reads from a page: our field name, trafilatura's.
PAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("date", "date"),
    ("outlet", "sitename"),
    ("url", "url"),
    ("title", "title"),
)


def html_page_fields(html: str) -> dict[str, str]:
    """The page's own date, site name (as ``outlet``), URL and title, as trafilatura reads them.

    Only the fields the page gives are returned. A page whose metadata cannot be read
    gives ``{}``: its text is still usable.

    Args:
        html: The raw HTML document.

    Returns:
        dict[str, str]: Some of ``date`` (ISO), ``outlet``, ``url`` and ``title``.

    Example:
        >>> page = (
        ...     '<html><head><meta property="og:site_name" content="Daily Planet">'
        ...     '<meta property="article:published_time" content="2015-03-12T10:00:00Z">'
        ...     "</head><body><p>Text.</p></body></html>"
        ... )
        >>> html_page_fields(page)
        {'date': '2015-03-12', 'outlet': 'Daily Planet'}
    """
    if not html.strip():
        return {}
    import trafilatura

    try:
        document = trafilatura.extract_metadata(html)
    except Exception as error:  # metadata is a bonus: a parser failure must not cost the text
        logger.debug("cannot read page metadata: %r", error)
        return {}
    if document is None:
        return {}
    found = ((ours, getattr(document, theirs, None)) for ours, theirs in PAGE_FIELDS)
    return {ours: str(value) for ours, value in found if value}


def html_to_text(html: str) -> str:
    """Extract the main text of an HTML page with trafilatura.

    Args:
        html: The raw HTML document.

    Returns:
        The extracted text without comments, or ``""`` when nothing was found.
    """
    if not html.strip():
        return ""
    import trafilatura  # imported here: it is slow to import and only HTML input needs it

    extracted = trafilatura.extract(html, include_comments=False)
    return extracted or ""
