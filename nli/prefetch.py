"""Claims of the next batch found in a second process while this batch is scored.

Claim finding (spaCy's parse, sentence splitting, the rules) runs on one core; pairing
and scoring run torch on the others. :func:`prefetched` overlaps them: while
``nli score`` pairs and scores batch *k*, one worker process finds the claims of batch
*k + 1*, a few articles per task. Scoring takes less time than finding claims, so when
this process has scored batch *k* it takes back the tasks of batch *k + 1* the worker
has not started and does them itself, while the worker goes on to batch *k + 2*. Claim
finding is a pure function of the article and the options, so the findings are the same
with and without it; only the wall time changes.

The worker is started (``spawn``, so no torch state is forked) only when there is a
second batch to read ahead, so a run of one batch costs nothing extra. If the worker
dies, the batch's claims are found in this process and the run goes on without it; if
this process dies (even by ``kill -9``), the worker ends too.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from nli.claims import article_claims
from nli.config import ArticleConfig, RunCounts
from nli.cpus import available_cpus
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


#: ``prctl`` option: the signal the kernel sends this process when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1
#: Seconds between the worker's checks that the run that started it is still there.
PARENT_POLL_SECONDS = 1.0


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that started it (``parent``) ends, however it ends.

    A killed ``nli score`` (``kill -9``) cannot stop its worker, which would then wait for
    tasks forever holding spaCy's memory. On Linux the kernel kills the worker when its
    parent dies (``PR_SET_PDEATHSIG``); elsewhere, or if that fails, a daemon thread
    checks every :data:`PARENT_POLL_SECONDS` whether the parent is gone (the worker is
    then re-parented and ``os.getppid()`` changes).
    """
    watched = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            watched = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):  # no libc prctl: fall back to polling
            watched = False
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)
    if watched:
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="nli-parent-watch", daemon=True).start()


def _start_worker(parent: int, finder: str) -> None:
    """Set up the claim-finding worker: tie it to ``parent`` (:func:`_exit_with_parent`)
    and, when the finder parses (``"parse"``), load spaCy's pipeline before the first batch
    arrives (``"rules"`` never needs it, nor its memory).

    Ctrl-C reaches every process of the terminal's group: the worker ignores it, and the
    run (the parent) stops it, so an interrupt prints one line, not the worker's traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)
    if finder != "parse":
        return
    try:
        from nli.nlp import load_nlp

        load_nlp()
    except Exception:  # noqa: BLE001 - the first batch then reports the problem
        pass


#: Articles per task sent to the worker. Tasks are small so that this process, once it
#: has scored its batch, can take over those the worker has not started (both cores then
#: find claims instead of one waiting for the other).
CHUNK = 2


#: The worker's tasks for one batch: each task's articles with its future (None: the task
#: could not be sent; it is done here).
_Tasks = list[tuple[list[Article], "Future[FoundClaims] | None"]]


def prefetched(
    batches: Iterable[list[Any]],
    config: ArticleConfig,
    *,
    on_start: Callable[[], None] | None = None,
) -> Generator[tuple[list[Any], FoundClaims | None], None, None]:
    """Each batch of records with its articles' claims found ahead (None: find them now).

    A batch holds what :func:`nli.io.read_articles` yields; only its
    :class:`~nli.types.Article` records go to the worker, in order, in tasks of
    :data:`CHUNK` articles. When this process comes for a batch's claims, it takes back
    the tasks the worker has not started, hands the worker the next batch, and finds the
    taken-back claims itself. With :func:`wanted` false, or a single batch, every batch
    comes with None and nothing is started. ``on_start`` is called when the worker
    starts (``nli score`` then leaves it a core: torch runs one thread fewer).
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
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), config.finder),
    )
    if on_start is not None:
        on_start()
    try:
        pending = _submit(pool, first, config)
        current: list[Any] | None = first
        following: list[Any] | None = second
        while current is not None:
            taken = _take_back(pending)
            if pending is not None and following is not None:
                pending = _submit(pool, following, config)
            found = _collect(taken, config)
            yield current, found
            current, following = following, (next(iterator, None) if following else None)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _submit(
    pool: ProcessPoolExecutor, batch: Sequence[Any], config: ArticleConfig
) -> _Tasks | None:
    """Send a batch's articles to the worker, :data:`CHUNK` at a time (None when the
    worker cannot take them: the run goes on without it)."""
    articles = [record for record in batch if isinstance(record, Article)]
    tasks: _Tasks = []
    try:
        for start in range(0, len(articles), CHUNK):
            chunk = articles[start : start + CHUNK]
            tasks.append((chunk, pool.submit(find_batch_claims, chunk, config)))
    except Exception as error:  # noqa: BLE001 - a broken pool: go on without it
        logger.warning("claim-finding worker unavailable (%s); finding claims here", error)
        for _, future in tasks:
            if future is not None:
                future.cancel()
        return None
    return tasks


def _take_back(tasks: _Tasks | None) -> _Tasks | None:
    """The tasks, with those the worker has not started taken back (their future None)."""
    if tasks is None:
        return None
    kept: _Tasks = []
    for chunk, future in tasks:
        started = future is not None and not future.cancel()
        kept.append((chunk, future if started else None))
    return kept


def _collect(tasks: _Tasks | None, config: ArticleConfig) -> FoundClaims | None:
    """A batch's claims: those of the tasks taken back, found here first, then the
    worker's; None when no task was sent (the scoring side finds them all)."""
    if tasks is None:
        return None
    parts = {
        k: find_batch_claims(chunk, config)
        for k, (chunk, future) in enumerate(tasks)
        if future is None
    }
    found = FoundClaims()
    for k, (chunk, future) in enumerate(tasks):
        part = parts.get(k) or _result(future) or find_batch_claims(chunk, config)
        found.claims.extend(part.claims)
        found.empty += part.empty
        found.n_claims += part.n_claims
    return found


def _result(pending: Future[FoundClaims] | None) -> FoundClaims | None:
    """The worker's result, or None (found here instead) when it failed or was taken back."""
    if pending is None:
        return None
    try:
        return pending.result()
    except Exception as error:  # noqa: BLE001 - the worker died; the run goes on
        logger.warning("claim-finding worker failed (%s); finding claims here", error)
        return None
