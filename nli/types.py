"""The dataclasses of the denial-nli data flow.

This module is the only place where their fields are defined. Every step of the
pipeline (read, clean, segment, attribute, pair, score, aggregate, write) takes
and returns these plain, frozen objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: The three NLI labels, in the column order of every probability array.
LABELS: tuple[str, str, str] = ("contradiction", "neutral", "entailment")

Label = Literal["contradiction", "neutral", "entailment"]
ClaimKind = Literal["statement", "report"]
Polarity = Literal["+", "-"]
Direction = Literal["report->statement", "statement->report"]


@dataclass(frozen=True)
class Probs:
    """Class probabilities of one scored pair (they sum to 1)."""

    contradiction: float
    neutral: float
    entailment: float

    def as_dict(self) -> dict[str, float]:
        """Return the probabilities keyed by label name."""
        return asdict(self)

    @property
    def label(self) -> Label:
        """The most probable label."""
        best = max(LABELS, key=lambda name: getattr(self, name))
        return best  # type: ignore[return-value]


@dataclass(frozen=True)
class Article:
    """One document of a collection, as read (before cleaning).

    ``source`` is the file the article was read from (a folder input); for a row of a
    table it is None and error records name the table instead. ``meta`` holds the
    row's other fields (or, for a file, its ``format``).
    """

    id: str
    text: str
    url: str | None = None
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    source: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence with ``[start, end)`` character offsets into its article text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """An official statement or a third-party report found in an article."""

    kind: ClaimKind
    text: str
    content: str
    speaker: str | None
    cue: str | None
    polarity: Polarity
    span: tuple[int, int]
    #: A blanket denial of a report ("the reporting is wrong", "it's all nonsense"): what
    #: it denies is the content of the report it answers, so that content is scored.
    blanket: bool = False
    #: For the reported claim P of "X denied reports that P": the span of the denial
    #: that carries it (the only statement it may overlap when paired).
    within: tuple[int, int] | None = None
    #: What retrieval embeds for this claim (default: ``content``); a blanket denial
    #: carries the sentence before it, which names what is denied.
    context: str | None = None
    #: A sentence in which the finder found no claim, kept as a weak candidate for ranked
    #: pairing (:func:`nli.claims.bare_sentences`): no speaker, no cue, the whole sentence
    #: as content; the pair ranker weighs it as such.
    bare: bool = False


@dataclass(frozen=True)
class PairRecord:
    """A statement/report pair given directly by the user (``nli pairs``/``nli eval``).

    Attributes:
        id (str): Record id, from the input, or ``row-N`` with N its 1-based data row number.
        statement (str): What the official asserts (the NLI hypothesis).
        report (str): What the third party reports (the NLI premise).
        label (str | None): Gold label when the input is labelled.
        extra (dict): Any other input fields, written back unchanged.
    """

    id: str
    statement: str
    report: str
    label: Label | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PairScore:
    """The model's verdict on one statement/report pair.

    Attributes:
        probs (Probs): Probabilities in the direction that gave the highest
            contradiction probability.
        score (float): The probability of the pair's target label: ``probs.contradiction``
            for a direct assertion, ``probs.entailment`` for a reported denial.
        direction (str): ``"report->statement"`` (premise = report) or
            ``"statement->report"``.
        window (int): Index of the premise window that gave the score (0 when the
            premise fitted in one window).
        n_windows (int): How many windows the premise was split into.
    """

    probs: Probs
    score: float
    direction: Direction
    window: int
    n_windows: int


@dataclass(frozen=True)
class ErrorRecord:
    """A record that could not be processed; written to ``OUTPUT.errors.jsonl``."""

    source: str
    line: int | None
    id: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict."""
        return asdict(self)


def finding_priority(row: Mapping[str, Any]) -> float:
    """A finding's ``priority``, or its ``calibrated`` score when the run wrote none
    (pairings other than ``ranked``).

    Example:
        >>> rows = [{"priority": 0.2, "calibrated": 0.6}, {"calibrated": 0.6}]
        >>> [finding_priority(row) for row in rows]
        [0.2, 0.6]
    """
    priority = row.get("priority")
    return float(row["calibrated"]) if priority is None else float(priority)


def finding_order(row: Mapping[str, Any]) -> tuple[float, float, float]:
    """Sort key of an article's findings, first first: ``priority`` (the calibrated score
    weighted by the pair ranker's probability), then ``calibrated``, then ``score``.

    Calibrated scores rank, not raw ones: raw probabilities of an over-confident model are
    not comparable between a contradiction target and an entailment target.

    Example:
        >>> rows = [{"priority": 0.2, "calibrated": 0.6, "score": 0.9},
        ...         {"priority": 0.3, "calibrated": 0.5, "score": 0.8}]
        >>> [r["calibrated"] for r in sorted(rows, key=finding_order)]
        [0.5, 0.6]
    """
    calibrated = float(row["calibrated"])
    return (-finding_priority(row), -calibrated, -float(row.get("score", calibrated)))
