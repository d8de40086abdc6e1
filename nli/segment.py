"""Sentence splitting with character offsets into the original text.

pysbd decides where sentences end; the offsets are found again with
:meth:`str.find` from a moving cursor, so every :class:`~nli.types.Sentence`
satisfies ``text[s.start:s.end] == s.text``. Paragraphs (blocks separated by a
blank line) are split separately, so a headline never runs into the next line.
"""

from __future__ import annotations

import functools
import logging
import re

import pysbd

from nli.types import Sentence

logger = logging.getLogger(__name__)

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_CLOSERS = "\"'”’»)]"


@functools.lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    """Return the shared English pysbd segmenter (it keeps the text unchanged)."""
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` spans of the blank-line-separated blocks of a range."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it has no leading or trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pysbd_pieces(chunk: str) -> list[str]:
    """Return pysbd's segments of ``chunk``, or the whole chunk if pysbd fails.

    ``Segmenter.segment`` would also locate each segment in the text with a regular
    expression compiled from that segment (a third of pysbd's time); :func:`_block_spans`
    locates them itself, so the segments are taken from pysbd's processor directly.
    """
    try:
        pieces = _segmenter().processor(chunk).process()
    except Exception:  # pysbd can fail on odd input; never let it stop a run
        logger.warning("pysbd failed on a %d-character block; kept it whole", len(chunk))
        return [chunk]
    return [str(piece) for piece in pieces]


def _block_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return stripped sentence spans of one paragraph ``text[start:end]``.

    Each pysbd segment is located with ``str.find`` from a moving cursor; any
    text that could not be located becomes a sentence of its own, so nothing is
    lost. Closing quotes or brackets that pysbd put at the start of the next
    sentence are moved back to the sentence they close.
    """
    chunk = text[start:end]
    boundaries: list[tuple[int, int]] = []
    cursor = 0
    for piece in _pysbd_pieces(chunk):
        needle = piece.strip()
        if not needle:
            continue
        found = chunk.find(needle, cursor)
        if found < 0:
            continue
        if found > cursor:
            boundaries.append((cursor, found))
        boundaries.append((found, found + len(needle)))
        cursor = found + len(needle)
    boundaries.append((cursor, len(chunk)))
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in boundaries:
        span = _strip_span(text, start + piece_start, start + piece_end)
        if span[0] >= span[1]:
            continue
        if spans and spans[-1][1] == span[0] and text[span[0]] in _CLOSERS:
            closer_end = span[0]
            while closer_end < span[1] and text[closer_end] in _CLOSERS:
                closer_end += 1
            if closer_end == span[1] or text[closer_end].isspace():
                spans[-1] = (spans[-1][0], closer_end)
                span = _strip_span(text, closer_end, span[1])
                if span[0] >= span[1]:
                    continue
        spans.append(span)
    return spans


def split_sentences(text: str, ranges: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Split text into sentences with offsets into the original string.

    Args:
        text: The article text, as read.
        ranges: ``[start, end)`` ranges of ``text`` to split (for example the
            output of :func:`nli.clean.clean_text`); ``None`` means all of it.
            Ranges are clipped to the text.

    Returns:
        The sentences in text order; each satisfies ``text[s.start:s.end] == s.text``
        and has no surrounding whitespace. Empty or blank text gives ``[]``.
    """
    if ranges is None:
        ranges = [(0, len(text))]
    sentences: list[Sentence] = []
    for range_start, range_end in ranges:
        low = max(0, min(range_start, len(text)))
        high = max(low, min(range_end, len(text)))
        for para_start, para_end in _paragraphs(text, low, high):
            for start, end in _block_spans(text, para_start, para_end):
                sentences.append(Sentence(text=text[start:end], start=start, end=end))
    return sentences
