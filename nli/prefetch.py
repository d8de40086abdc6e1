"""Claims of the next batch found in a second process while this batch is scored.

Claim finding (spaCy's parse, sentence splitting, the rules) runs on one core; pairing
and scoring run torch on the others. :func:`prefetched` overlaps them: while
``nli score`` pairs and scores batch *k*, one worker process finds the claims of batch
*k + 1*. Claim finding is a pure function of the article and the options, so the
findings are the same with and without it; only the wall time changes.

The worker is started (``spawn``, so no torch state is forked) only when there is a
second batch to read ahead, so a run of one batch costs nothing extra. If the worker
dies, the batch's claims are found in this process and the run goes on without it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from nli.claims import article_claims
from nli.config import ArticleConfig, RunCounts
from nli.types import Article, Claim

logger = logging.getLogger(__name__)


@dataclass
class FoundClaims:
    """The claims of a batch's articles, found ahead of scoring.

    Attributes:
        claims (list): Per article of the batch (in order), its claims, or the
            exception finding them raised (the scoring side records it).
        empty (int): Articles with an empty text (``RunCounts.empty``).
        n_claims (int): Claims found (``RunCounts.claims``).
    """

    claims: list[list[Claim] | Exception] = field(default_factory=list)
    empty: int = 0
    n_claims: int = 0

    def add_counts(self, counts: RunCounts) -> None:
        """Add what finding these claims counted to a run's counts."""
        counts.empty += self.empty
        counts.claims += self.n_claims


def find_batch_claims(articles: Sequence[Article], config: ArticleConfig) -> FoundClaims:
    """The claims of each article, as :func:`nli.claims.article_claims` finds them
    (an article that fails gets the exception instead; the run records it)."""
    counts = RunCounts()
    found = FoundClaims()
    for article in articles:
        try:
            found.claims.append(article_claims(article, config, counts))
        except Exception as error:  # noqa: BLE001 - recorded by the scoring side
            found.claims.append(error)
    found.empty, found.n_claims = counts.empty, counts.claims
    return found


def available_cpus() -> int:
    """CPUs this process may run on (its affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: Environment variable that turns finding claims ahead on ("1") or off ("0") where the
#: options leave it to the machine (``extract_ahead=None``).
AHEAD_ENV = "NLI_EXTRACT_AHEAD"


def wanted(config: ArticleConfig) -> bool:
    """Whether to find claims ahead: ``config.extract_ahead``; when it is None,
    ``$NLI_EXTRACT_AHEAD`` ("0" or "1"), else where two or more CPUs are available.

    Raises:
        ValueError: When ``$NLI_EXTRACT_AHEAD`` is set to anything else.
    """
    if config.extract_ahead is not None:
        return config.extract_ahead
    setting = os.environ.get(AHEAD_ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    if setting:
        raise ValueError(f"${AHEAD_ENV} must be 0 or 1, got {setting!r}")
    return available_cpus() >= 2


def _warm_up() -> None:
    """Load spaCy's pipeline in the worker before the first batch arrives."""
    try:
        from nli.parsed import load_nlp

        load_nlp()
    except Exception:  # noqa: BLE001 - the first batch then reports the problem
        pass


def prefetched(
    batches: Iterable[list[Any]],
    config: ArticleConfig,
    *,
    on_start: Callable[[], None] | None = None,
) -> Generator[tuple[list[Any], FoundClaims | None], None, None]:
    """Each batch of records with its articles' claims found ahead (None: find them now).

    A batch holds what :func:`nli.io.read_articles` yields; only its
    :class:`~nli.types.Article` records go to the worker, in order. With
    :func:`wanted` false, or a single batch, every batch comes with None and nothing is
    started. ``on_start`` is called when the worker starts (``nli score`` then leaves
    it a core: torch runs one thread fewer).
    """
    iterator = iter(batches)
    if not wanted(config):
        for batch in iterator:
            yield batch, None
        return
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if second is None:  # one batch: nothing to overlap with
        yield first, None
        return
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
    )
    if on_start is not None:
        on_start()
    try:
        pending = _submit(pool, first, config)
        current: list[Any] | None = first
        following: list[Any] | None = second
        while current is not None:
            found = _result(pending)
            pending = None
            if found is not None and following is not None:
                pending = _submit(pool, following, config)
            yield current, found
            current, following = following, (next(iterator, None) if following else None)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _submit(
    pool: ProcessPoolExecutor, batch: Sequence[Any], config: ArticleConfig
) -> Future[FoundClaims] | None:
    """Send a batch's articles to the worker (None when it cannot take them)."""
    articles = [record for record in batch if isinstance(record, Article)]
    try:
        return pool.submit(find_batch_claims, articles, config)
    except Exception as error:  # noqa: BLE001 - a broken pool: go on without it
        logger.warning("claim-finding worker unavailable (%s); finding claims here", error)
        return None


def _result(pending: Future[FoundClaims] | None) -> FoundClaims | None:
    """The worker's result, or None (found here instead) when it failed."""
    if pending is None:
        return None
    try:
        return pending.result()
    except Exception as error:  # noqa: BLE001 - the worker died; the run goes on
        logger.warning("claim-finding worker failed (%s); finding claims here", error)
        return None
