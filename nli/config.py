"""The options and the accounting every step of a run shares.

:class:`ScoringConfig` holds the model's options (``nli pairs``, ``nli eval``,
``nli calibrate``), :class:`ArticleConfig` those of the article pipeline (``nli score``,
``nli extract``), and :class:`RunCounts` what an article run read, scored, skipped and
dropped. All are plain dataclasses, so they travel to worker processes and Ray actors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nli.model import ContradictionScorer


@dataclass(frozen=True)
class ScoringConfig:
    """Options shared by ``nli pairs`` and ``nli eval``.

    Attributes:
        model (str): ``"default"``, a local model directory or a hub id.
        batch_size (int): Pairs per forward pass.
        precision (str): ``"auto"``, ``"int8"``, ``"bf16"`` or ``"fp32"``.
        max_length (int | None): Token limit per input; longer reports are windowed.
        both_directions (bool): Also score statement -> report and keep the higher
            (default False: on the real-news dev half one way scores as well, with fewer
            model inputs).
        threshold (float | None): Contradiction decision threshold (None: argmax).
        show_progress_bar (bool | None): Progress bar over batches.
    """

    model: str = "default"
    batch_size: int = 64
    precision: str = "auto"
    max_length: int | None = None
    both_directions: bool = False
    threshold: float | None = None
    show_progress_bar: bool | None = None


#: Claim finders (``ArticleConfig.finder``) and pairing methods (``ArticleConfig.pairing``).
FINDERS: tuple[str, ...] = ("parse", "rules")
PAIRINGS: tuple[str, ...] = ("ranked", "retrieval", "topics")
#: Retrieval defaults, tuned on the dev half of the real-news set (``fixtures/real/``).
DEFAULT_TOP_K = 3
DEFAULT_DENIAL_TOP_K = 8
DEFAULT_BLANKET_TOP_K = 3
DEFAULT_MIN_SIMILARITY = 0.2


@dataclass(frozen=True)
class ArticleConfig:
    """Options of ``nli score`` / ``nli extract`` beyond the model's.

    Attributes:
        scoring (ScoringConfig): Model options.
        text_field (str): Article text field in tabular inputs.
        id_field (str): Article id field in tabular inputs.
        min_overlap (int): With ``pairing="topics"``: shared topic words a statement and
            a report need to be paired (cross-article pairing always uses topics).
        finder (str): How claims are found: ``"parse"`` (the rules of
            :mod:`nli.attribution` plus spaCy's dependency parse, :mod:`nli.parsed`) or
            ``"rules"`` (the rules alone).
        pairing (str): ``"ranked"`` (claims paired both ways, kept by the learned pair
            ranker fitted on the real-news dev half, :mod:`nli.ranking`), ``"retrieval"``
            (each statement keeps its ``top_k`` most similar reports by sentence
            embedding, :mod:`nli.retrieval`) or ``"topics"`` (every pair sharing
            ``min_overlap`` topic words).
        top_k (int): Reports kept per statement with ``pairing="retrieval"``.
        denial_top_k (int): Reports kept per denial (polarity ``-`` or a blanket
            denial): denials are what the tool is for, so they get a wider net.
        blanket_top_k (int): Reports kept per blanket denial ("the report is false"):
            it is scored against each report's own content, so a wrong report would be
            flagged; a narrower net keeps precision.
        min_similarity (float): Lowest cosine similarity of a retrieved pair.
        min_score (float | None): Write only findings scoring at least this (None: all).
        threshold (float | None): Calibrated score at which a finding is labelled
            ``"contradiction"``; None uses the threshold ``nli calibrate`` fitted for the
            model, else :data:`DEFAULT_THRESHOLD`.
        priority_threshold (float | None): With ranked pairing, the ``priority`` at which a
            finding is labelled ``"contradiction"`` (:mod:`nli.labels`); None uses the one
            fitted for the model (``finding_threshold.json``) unless ``threshold`` is given.
        articles_per_batch (int): Articles whose pairs go to the model together; also
            how often ``nli score`` checkpoints.
        max_article_chars (int): Longer articles are not processed and get an error
            row (sentence splitting slows down sharply on huge texts).
        max_pairs_per_article (int): An article with more statement/report pairs keeps
            those sharing the most topic words; the rest are counted as dropped. With
            ``cross_article``, the same limit applies to its cross-article pairs.
        cross_article (bool): Also pair each article's statements with the reports of
            the other articles about the same event (see
            :func:`nli.cross_article.cross_article_pairs`).
        event_field (str | None): With ``cross_article``: the field of a table input
            naming each article's event; articles with the same value are about one
            event, articles without one are paired with no other. None: the whole
            collection is about one event.
        keep_fields (tuple[str, ...]): Fields of each article copied into its findings
            as the object ``article`` (see :mod:`nli.metadata`): a table's columns, or
            for ``.html`` pages ``date``, ``outlet``, ``url`` and ``title`` as the page
            gives them.
        date_field (str | None): Field parsed as a date into ``article.date`` (ISO);
            unreadable dates are null and counted.
        extract_ahead (bool | None): Find the claims of the next batch in a second
            process while this batch is scored (:mod:`nli.prefetch`; same findings,
            less wall time). None: where two or more CPUs are available.
    """

    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    text_field: str = "text"
    id_field: str = "id"
    min_overlap: int = 1
    finder: str = "parse"
    pairing: str = "ranked"
    top_k: int = DEFAULT_TOP_K
    denial_top_k: int = DEFAULT_DENIAL_TOP_K
    blanket_top_k: int = DEFAULT_BLANKET_TOP_K
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    min_score: float | None = None
    threshold: float | None = None
    priority_threshold: float | None = None
    articles_per_batch: int = 32
    max_article_chars: int = 200_000
    max_pairs_per_article: int = 1_000
    cross_article: bool = False
    event_field: str | None = None
    keep_fields: tuple[str, ...] = ()
    date_field: str | None = None
    extract_ahead: bool | None = None

    @property
    def table_fields(self) -> list[tuple[str, str]]:
        """The fields this config reads from each row of a table, with the option naming
        each (``[("outlet", "--keep-fields"), ("published", "--date-field")]``), so that a
        table without one of them is refused before any work
        (:func:`nli.io.check_article_input`)."""
        named = [(name, "--keep-fields") for name in self.keep_fields]
        if self.date_field is not None:
            named.append((self.date_field, "--date-field"))
        if self.event_field is not None:
            named.append((self.event_field, "--event-field"))
        return named

    @property
    def keeps_article_fields(self) -> bool:
        """Whether findings carry an ``article`` object (``keep_fields`` or ``date_field``)."""
        return bool(self.keep_fields) or self.date_field is not None

    def __post_init__(self) -> None:
        if isinstance(self.keep_fields, str):
            raise TypeError("keep_fields must be a sequence of field names, not a string")
        object.__setattr__(self, "keep_fields", tuple(self.keep_fields))  # a list is fine too
        for name in (*self.keep_fields, self.date_field):
            if name is not None and not name.strip():
                raise ValueError("keep_fields and date_field need non-empty field names")
        if self.text_field in self.keep_fields:
            raise ValueError(
                f"keep_fields must not hold the text field {self.text_field!r} (each finding "
                "would carry the whole article)"
            )
        if self.finder not in FINDERS:
            raise ValueError(f"finder must be one of {FINDERS}, got {self.finder!r}")
        if self.pairing not in PAIRINGS:
            raise ValueError(f"pairing must be one of {PAIRINGS}, got {self.pairing!r}")
        for name in ("top_k", "denial_top_k", "blanket_top_k"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("threshold", "priority_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if self.priority_threshold is not None and self.pairing != "ranked":
            raise ValueError("priority_threshold needs ranked pairing (only it gives priorities)")
        if not -1.0 <= self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in [-1, 1], got {self.min_similarity}")
        for name in ("articles_per_batch", "max_article_chars", "max_pairs_per_article"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.event_field is not None and not self.cross_article:
            raise ValueError("event_field needs cross_article")
        if self.event_field in (self.text_field, self.id_field):
            raise ValueError(
                f"event_field {self.event_field!r} is the text or id field; name the field "
                "that says which event an article is about"
            )


#: Contradiction threshold of an uncalibrated model when none is given.
DEFAULT_THRESHOLD = 0.5


def decision_threshold(config: ArticleConfig, scorer: ContradictionScorer) -> float:
    """The calibrated-score threshold findings are labelled with: the given one, the
    calibrated one, or 0.5 (ranked findings may be labelled by priority instead:
    :func:`nli.labels.run_priority_threshold`)."""
    if config.threshold is not None:
        return config.threshold
    fitted = scorer.decision_threshold
    return fitted if fitted is not None else DEFAULT_THRESHOLD


@dataclass
class RunCounts:
    """Accounting of a run: ``read = scored + skipped + errored``.

    Attributes:
        read (int): Records read: articles, plus files or rows that could not be read.
        scored (int): Articles with at least one statement/report pair sent to the
            model (``nli extract``: articles with at least one claim).
        skipped (int): Articles read without trouble that had nothing to score: empty
            (see ``empty``), or no statement/report pair (no claim).
        errored (int): Records written to ``OUTPUT.errors.jsonl``: unreadable files or rows,
            duplicate ids, texts longer than ``max_article_chars``, failed articles.
        empty (int): Of ``skipped``, articles whose text is empty or only whitespace.
        claims (int): Statements and reports found.
        pairs (int): Statement/report pairs scored.
        pairs_dropped (int): Pairs beyond ``max_pairs_per_article``, not scored.
        cross_article_pairs (int): Of ``pairs``, those of a statement and a report
            from two articles of one event (``cross_article``).
        findings_written (int): Rows written to the output (after ``min_score``).
        dates_missing (int): With ``date_field``: articles without a date.
        dates_unparsed (int): With ``date_field``: articles whose date cannot be read
            (their ``article.date`` is null).
    """

    read: int = 0
    scored: int = 0
    skipped: int = 0
    errored: int = 0
    empty: int = 0
    claims: int = 0
    pairs: int = 0
    pairs_dropped: int = 0
    cross_article_pairs: int = 0
    findings_written: int = 0
    dates_missing: int = 0
    dates_unparsed: int = 0


def pairing_settings(config: ArticleConfig) -> dict[str, object]:
    """The options that decide which claims are found and paired (for run settings and
    manifests: a resumed run must find and pair as the interrupted one did)."""
    return {
        "finder": config.finder,
        "pairing": config.pairing,
        "top_k": config.top_k,
        "denial_top_k": config.denial_top_k,
        "blanket_top_k": config.blanket_top_k,
        "min_similarity": config.min_similarity,
    }


def cache_root() -> Path:
    """Where files derived from shipped or installed weights are kept between runs.

    ``$DENIAL_NLI_CACHE``, else ``$XDG_CACHE_HOME/denial-nli``, else ``~/.cache/denial-nli``
    (the int8 models of :mod:`nli.int8`, the accurate model's base of :mod:`nli.accurate`).
    """
    root = os.environ.get("DENIAL_NLI_CACHE") or (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "denial-nli"
    )
    return Path(root)


def field_names(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Field names given as ``"outlet, url"`` (as ``--keep-fields`` and ``--by`` take them) or
    as a sequence: stripped, repeats dropped, in order. The CLI and the Python API both read
    their field-name options here.

    Raises:
        ValueError: For an empty name (``"outlet,,url"``, ``""``).
        TypeError: For a value that is neither.

    Example:
        >>> field_names("outlet, url"), field_names(["date", "date"]), field_names(None)
        (('outlet', 'url'), ('date',), ())
    """
    if value is None:
        return ()
    if isinstance(value, str):
        names: Sequence[Any] = value.split(",")
    elif isinstance(value, Sequence):
        names = value
    else:
        raise TypeError(f"field names must be a str or a sequence, got {type(value).__name__}")
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"field names must be strings, got {list(names)!r}")
    stripped = [name.strip() for name in names]
    if not all(stripped):
        raise ValueError(f"empty field name in {value!r}")
    return tuple(dict.fromkeys(stripped))
