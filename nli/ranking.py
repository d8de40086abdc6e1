"""Pair claims by a learned ranking: which (statement, report) pairs of an article to score.

Real news rarely says plainly which sentence is the official's and which the report's: the
claim finder takes a denial for a report ("Reports of an abduction are incorrect, he is
safe") or a rival government's account for a statement. So ranking pairs claims **both
ways**: any claim may take the statement slot and any other the report slot, and a small
logistic model over the pair's features (:data:`FEATURES`) gives the probability that the
pair is a denial and the report it answers (with ``degree=2``, the model also weighs every
product of two features, :func:`expand_features`: "a denial *and* a similar report"). Each
article keeps the pairs at or above the ranker's ``threshold``, best first, at most
``max_pairs`` of them, and at least its ``min_pairs`` best ones whatever their probability
(so that an article with few claims is still scored); a report carried inside a denial ("X
denied reports that P") is kept whatever its probability. A pair is never kept twice over:
a pair whose statement overlaps the statement of a pair already kept (better rated) *and*
whose report overlaps that pair's report is the same contradiction again (a quote and the
sentence around it; a claim the finder found in both roles) and is skipped, so its place
goes to the next pair. In the statement slot a report carried inside a denial never stands for
the denial around it (nor the other way round): "P" against a report is no denial of it.
A claim placed in the slot of the other kind is written as that kind (its ``kind`` is
swapped, nothing else).

A ranker may also have claim roles (:class:`ClaimRoles`, the shipped one does): per claim,
from its embedding, the probability that it is the denial side and the report side of some
contradiction in its article; the ranker then reads three more features
(:data:`ROLE_FEATURES`).

The weights live in ``nli/pair_ranker.json``, fitted on the dev half of the real-news set
by ``scripts/fit_pair_ranker.py`` (which states the command and the cross-validated
numbers in the file); nothing here is tuned by hand.

Example:
    >>> import numpy as np
    >>> from nli.types import Claim
    >>> d = Claim("statement", "X denied the troops report.", "no troops", "X", "denied", "-",
    ...           (0, 27))
    >>> r = Claim("report", "Troops arrived, sources said.", "troops arrived", "sources",
    ...           "said", "+", (28, 57))
    >>> emb = np.array([[1.0, 0.0], [0.8, 0.6]])
    >>> names, rows = pair_features([d, r], emb, text_length=57)
    >>> rows.shape, names[0], float(rows[0, 0])
    ((2, 21), (0, 1), 0.8)
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nli.retrieval import SentenceEncoder, carried, claim_query, is_denial, load_encoder
from nli.types import Claim

#: Where the shipped ranker's weights are.
DEFAULT_RANKER_PATH = Path(__file__).with_name("pair_ranker.json")

#: Words of denial in a claim's sentence ("denied", "false", "rumour", "baseless").
DENIAL_WORDS = re.compile(
    r"\b(den(?:y|ies|ied|ial)|reject|dismiss|refut|rebut|false|fake|untrue|baseless|unfounded"
    r"|nonsense|inaccurate|incorrect|wrong|rumou?r|fabricat|misleading|not true|no truth|hoax)",
    re.IGNORECASE,
)
#: Words of reporting in a claim's sentence ("reports", "allegedly", "sources", "posts").
REPORT_WORDS = re.compile(
    r"\b(report|reported|reports|reportedly|rumou?rs?|claim|claims|claimed|alleg|accord|media"
    r"|sources?|websites?|social media|posts?|tweets?)",
    re.IGNORECASE,
)

#: Largest similarity rank the features tell apart (``statement_rank``, ``report_rank`` and
#: their logs); on the dev half 99 % of candidate pairs rank below 26 and every gold one below 32.
RANK_CAP = 15

#: The pair features, in the order of the weights (s: the claim in the statement slot,
#: r: the claim in the report slot).
FEATURES: tuple[str, ...] = (
    "similarity",  # cosine of the claims' retrieval embeddings (claim_query)
    "statement_rank",  # r's rank among s's candidates by similarity (0: most similar)
    "report_rank",  # s's rank among r's candidates
    "log_statement_rank",
    "log_report_rank",
    "s_is_statement",  # the finder took s for a statement
    "r_is_report",  # the finder took r for a report
    "s_denial",  # s is a denial: polarity "-" or a blanket denial
    "s_blanket",
    "r_negative",  # r has polarity "-"
    "carried",  # r is named inside s ("X denied reports that P")
    "r_carried",  # r is a report carried inside some denial
    "s_position",  # where s starts, as a share of the article's length
    "r_position",
    "s_denial_words",  # DENIAL_WORDS in s's sentence
    "s_report_words",  # REPORT_WORDS in s's sentence
    "r_report_words",
    "s_length",  # log(1 + characters of s's content)
    "r_length",
    "s_bare",  # s is a sentence in which no claim was found (Claim.bare)
    "r_bare",
)

#: Features a ranker with claim roles (:class:`ClaimRoles`) adds after :data:`FEATURES`.
ROLE_FEATURES: tuple[str, ...] = (
    "s_denial_side",  # P(s is the denial of some gold contradiction), from its embedding
    "r_report_side",  # P(r is the report of some gold contradiction)
    "sides",  # their product
)

#: What :class:`ClaimRoles` reads of a claim beside its embedding, in this order.
ROLE_INPUTS: tuple[str, ...] = ("statement", "report", "negative", "blanket", "carried", "bare")


def logistic(logits: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so that large logits give 0 or 1 without overflow.

    Example:
        >>> logistic(np.array([0.0, 1000.0])).tolist()
        [0.5, 1.0]
    """
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -500.0, 500.0)))


def role_inputs(claims: Sequence[Claim], embeddings: np.ndarray) -> np.ndarray:
    """One row per claim: its embedding, then :data:`ROLE_INPUTS` as 0/1."""
    flags = np.array(
        [
            [c.kind == "statement", c.kind == "report", c.polarity == "-", c.blanket,
             c.within is not None, c.bare]
            for c in claims
        ],
        dtype=np.float64,
    ).reshape(len(claims), len(ROLE_INPUTS))  # fmt: skip
    return np.hstack([np.asarray(embeddings, dtype=np.float64).reshape(len(claims), -1), flags])


@dataclass(frozen=True)
class ClaimRoles:
    """Two logistic models over a claim's embedding and :data:`ROLE_INPUTS`: the
    probability that the claim is the denial side of some contradiction in its article, and
    that it is the report side.

    Which claims of an article take part in its contradictions is most of what ranking
    pairs has to find out: on the dev half, a ranker given each claim's gold sides reaches a
    pairing recall of 0.92, against 0.67 without them. The claim finder's kind tells the
    sides apart poorly (a third of the gold denials were taken for reports); the words of
    the claim, through its embedding, tell them apart somewhat better.

    Attributes:
        weights (tuple[tuple[float, ...], tuple[float, ...]]): Per side, one weight per
            input (:func:`role_inputs`), on the raw values.
        bias (tuple[float, float]): Per side, the intercept.
    """

    weights: tuple[tuple[float, ...], tuple[float, ...]]
    bias: tuple[float, float]

    def __post_init__(self) -> None:
        if len(self.weights) != 2 or len(self.bias) != 2 or len(set(map(len, self.weights))) != 1:
            raise ValueError("claim roles need two weight rows of one length and two biases")

    @property
    def dimension(self) -> int:
        """Length of the embeddings the weights are for."""
        return len(self.weights[0]) - len(ROLE_INPUTS)

    def probabilities(self, claims: Sequence[Claim], embeddings: np.ndarray) -> np.ndarray:
        """``(len(claims), 2)``: per claim, P(denial side) and P(report side).

        Raises:
            ValueError: When the embeddings are not of :attr:`dimension`.
        """
        rows = role_inputs(claims, embeddings)
        if rows.shape[1] != len(self.weights[0]):
            raise ValueError(
                f"claim roles are fitted on embeddings of {self.dimension} values, "
                f"got {rows.shape[1] - len(ROLE_INPUTS)}"
            )
        logits = rows @ np.asarray(self.weights).T + np.asarray(self.bias)
        return logistic(logits)

    def to_dict(self) -> dict[str, object]:
        """The roles as ``pair_ranker.json`` stores them."""
        return {
            "inputs": ["embedding", *ROLE_INPUTS],
            "weights": [[float(f"{float(w):.8g}") for w in row] for row in self.weights],
            "bias": [float(f"{float(b):.8g}") for b in self.bias],
        }


def _speaker_key(claim: Claim) -> str:
    """The speaker's name as letters and single spaces, lower-cased; '' when none, or when
    it is hearsay that names no one (:func:`_names_no_one`: two claims "by reports" are no
    one speaker's words, so the same-speaker rule must not keep them apart)."""
    key = _letters(claim.speaker or "")
    return "" if _names_no_one(key) else key


@functools.lru_cache(maxsize=4096)
def _letters(text: str) -> str:
    # cached: every ordered pair of an article's claims asks for both speakers' keys
    return " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())


def _same_key(x: str, y: str) -> bool:
    """Whether two speaker keys (:func:`_speaker_key`) name one speaker: one holds the other,
    whole words.

    Example:
        >>> a = _speaker_key(Claim("statement", "t", "c", "Hossein Amir-Abdollahian, a minister",
        ...                        None, "-", (0, 1)))
        >>> _same_key(a, "amir abdollahian"), _same_key(a, ""), _same_key(a, "hossein rouhani")
        (True, False, False)
    """
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return f" {short} " in f" {long} "


#: Words of a speaker key that names no one: "reports", "the report", "media claims".
_HEARSAY_KEY_WORDS = frozenset(
    ["the", "a", "an", "report", "reports", "claim", "claims", "rumour", "rumours", "rumor",
     "rumors", "media", "news", "allegation", "allegations", "story", "stories", "speculation"]
)  # fmt: skip


def _names_no_one(key: str) -> bool:
    """Whether a speaker key is hearsay that names no one ("reports", "the report")."""
    return all(word in _HEARSAY_KEY_WORDS for word in key.split())


def _pair_masks(claims: Sequence[Claim]) -> tuple[np.ndarray, np.ndarray]:
    """Which ordered pairs of ``claims`` are carried and which may pair, as two square
    boolean matrices (row: the claim in the statement slot, column: in the report slot).

    Carried: the report slot's claim is named inside the statement slot's sentence
    (:func:`nli.retrieval.carried`). May pair: two different claims of different speakers
    (:func:`_same_key`: an official's denial is not answered by their own words) whose
    spans do not overlap; or a carried pair ("X denied reports that P"), whatever both rules
    say: P overlaps X's sentence and the parse may give it X as its speaker.
    """
    start = np.array([c.span[0] for c in claims])
    end = np.array([c.span[1] for c in claims])
    has_within = np.array([c.within is not None for c in claims])
    w_start = np.array([c.within[0] if c.within is not None else 0 for c in claims])
    w_end = np.array([c.within[1] if c.within is not None else 0 for c in claims])
    inside = (
        has_within[None, :] & (start[:, None] < w_end[None, :]) & (w_start[None, :] < end[:, None])
    )
    overlap = (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
    keys = [_speaker_key(c) for c in claims]
    distinct = sorted(set(keys))
    same = np.array([[_same_key(x, y) for y in distinct] for x in distinct], dtype=bool)
    slot = np.array([distinct.index(key) for key in keys])
    ids = np.array([id(c) for c in claims])
    itself = ids[:, None] == ids[None, :]
    allowed = ~itself & (inside | (~same[slot[:, None], slot[None, :]] & ~overlap))
    return inside, allowed


def _ranks(sims: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Per row, each allowed column's rank by decreasing similarity (ties: column order)."""
    ranks = np.full(sims.shape, -1, dtype=np.int64)
    for i in range(sims.shape[0]):
        cols = np.flatnonzero(allowed[i])
        order = cols[np.argsort(-sims[i, cols], kind="stable")]
        ranks[i, order] = np.arange(len(order))
    return ranks


def pair_features(
    claims: Sequence[Claim],
    embeddings: np.ndarray,
    *,
    text_length: int,
    sides: np.ndarray | None = None,
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The :data:`FEATURES` of every ordered pair of claims that may pair.

    Args:
        claims (Sequence[Claim]): One article's claims.
        embeddings (np.ndarray): Their unit-length retrieval embeddings, one row each.
        text_length (int): Characters of the article (for the position features).
        sides (np.ndarray | None): The claims' side probabilities
            (:meth:`ClaimRoles.probabilities`); given, the rows end with
            :data:`ROLE_FEATURES`.

    Returns:
        tuple: ``(index pairs, features)``: ``(i, j)`` puts claim ``i`` in the statement
        slot and ``j`` in the report slot; ``features`` has one row per pair.
    """
    n = len(claims)
    width = len(FEATURES) + (len(ROLE_FEATURES) if sides is not None else 0)
    if n < 2:
        return [], np.zeros((0, width), dtype=np.float64)
    sims = np.asarray(embeddings, dtype=np.float64) @ np.asarray(embeddings, dtype=np.float64).T
    inside, allowed = _pair_masks(claims)
    s_rank = _ranks(sims, allowed)
    r_rank = _ranks(sims.T, allowed.T).T
    length = max(text_length, 1)
    # one row per claim: statement, report, denial, blanket, negative, carried, position,
    # denial words, report words, length, bare
    per = np.array(
        [
            [
                c.kind == "statement", c.kind == "report", is_denial(c), c.blanket,
                c.polarity == "-", c.within is not None, c.span[0] / length,
                DENIAL_WORDS.search(c.text) is not None,
                REPORT_WORDS.search(c.text) is not None, math.log1p(len(c.content)), c.bare,
            ]
            for c in claims
        ],
        dtype=np.float64,
    )  # fmt: skip
    i, j = np.nonzero(allowed)
    # ranks past RANK_CAP count as RANK_CAP: the dev half the ranker is fitted on rarely goes
    # further, and a model with products of ranks must not extrapolate past what it saw
    sr, rr = np.minimum(s_rank[i, j], RANK_CAP), np.minimum(r_rank[i, j], RANK_CAP)
    log1p = np.array([math.log1p(k) for k in range(n)])  # math.log1p, as the ranker was fitted
    s, r = per[i], per[j]
    rows = np.column_stack([
        sims[i, j], sr, rr, log1p[sr], log1p[rr],
        s[:, 0], r[:, 1], s[:, 2], s[:, 3], r[:, 4],
        inside[i, j], r[:, 5], s[:, 6], r[:, 6],
        s[:, 7], s[:, 8], r[:, 8], s[:, 9], r[:, 9], s[:, 10], r[:, 10],
    ]).astype(np.float64)  # fmt: skip
    if sides is not None:
        rows = np.column_stack([rows, side_columns(sides, i, j)])
    return [(int(a), int(b)) for a, b in zip(i, j, strict=True)], rows


def side_columns(sides: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The :data:`ROLE_FEATURES` of the pairs ``(i[k], j[k])``: the statement slot's denial
    side, the report slot's report side, and their product.

    Example:
        >>> side_columns(np.array([[0.8, 0.1], [0.2, 0.5]]), np.array([0]), np.array([1]))
        array([[0.8, 0.5, 0.4]])
    """
    s, r = sides[i, 0], sides[j, 1]
    return np.column_stack([s, r, s * r])


def expand_features(rows: np.ndarray, degree: int) -> np.ndarray:
    """The ranker's inputs: the feature rows, and with ``degree=2`` after them every product
    ``x[a] * x[b]`` with ``a <= b``, in the order ``(0, 0), (0, 1), ..., (1, 1), ...``.

    Example:
        >>> expand_features(np.array([[2.0, 3.0]]), 2).tolist()
        [[2.0, 3.0, 4.0, 6.0, 9.0]]
    """
    if degree == 1:
        return rows
    if degree != 2:
        raise ValueError(f"pair ranker degree must be 1 or 2, got {degree}")
    a, b = np.triu_indices(rows.shape[1])
    return np.hstack([rows, rows[:, a] * rows[:, b]])


def n_weights(degree: int, roles: bool = False) -> int:
    """How many weights a ranker of ``degree`` has over :data:`FEATURES` (and with
    ``roles``, :data:`ROLE_FEATURES`)."""
    n = len(FEATURES) + (len(ROLE_FEATURES) if roles else 0)
    return n if degree == 1 else n + n * (n + 1) // 2


@dataclass(frozen=True)
class PairRanker:
    """A logistic model over :data:`FEATURES` and the rule that keeps an article's pairs.

    Attributes:
        weights (tuple[float, ...]): One per input of :func:`expand_features` (the
            features, then with ``degree=2`` their products), on the raw values.
        bias (float): The intercept.
        threshold (float): Lowest probability of a kept pair.
        max_pairs (int): Most pairs one article keeps (carried reports come on top).
        min_pairs (int): Pairs an article keeps below the threshold when it has fewer.
        features (tuple[str, ...]): The feature names the weights belong to.
        degree (int): 1: a linear model over the features; 2: over the features and
            their pairwise products.
        roles (ClaimRoles | None): Given, the features end with :data:`ROLE_FEATURES`,
            from these claim roles.
    """

    weights: tuple[float, ...]
    bias: float
    threshold: float
    max_pairs: int
    min_pairs: int = 0
    features: tuple[str, ...] = FEATURES
    degree: int = 1
    roles: ClaimRoles | None = None

    def __post_init__(self) -> None:
        expected = FEATURES + (ROLE_FEATURES if self.roles is not None else ())
        if tuple(self.features) != expected:
            raise ValueError(
                f"pair ranker features {list(self.features)} are not this version's "
                f"{list(expected)}: refit it with scripts/fit_pair_ranker.py"
            )
        if self.degree not in (1, 2):
            raise ValueError(f"pair ranker degree must be 1 or 2, got {self.degree}")
        needed = n_weights(self.degree, self.roles is not None)
        if len(self.weights) != needed:
            raise ValueError(
                f"pair ranker of degree {self.degree} needs {needed} weights, "
                f"got {len(self.weights)}"
            )
        if not 0.0 <= self.threshold <= 1.0 or not 0 <= self.min_pairs <= self.max_pairs:
            raise ValueError(
                "pair ranker threshold must be in [0, 1] and 0 <= min_pairs <= max_pairs"
            )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(the pair is a denial and the report it answers) for each feature row."""
        if len(features) == 0:
            return np.zeros(0)
        weights = np.asarray(self.weights)
        n = features.shape[1]
        logits = features @ weights[:n] + self.bias
        if self.degree == 2:  # the products' weights as an upper-triangular matrix: no
            # pairs x products table in memory (an article of 1,000 claims has 1M pairs)
            a, b = np.triu_indices(n)
            square = np.zeros((n, n))
            square[a, b] = weights[n:]
            logits = logits + ((features @ square) * features).sum(axis=1)
        return logistic(logits)

    def to_dict(self) -> dict[str, object]:
        """The ranker as ``pair_ranker.json`` stores it (without provenance)."""
        return {
            "features": list(self.features),
            # significant digits, not decimals: a product's weight can be tiny
            "weights": [float(f"{float(w):.8g}") for w in self.weights],
            "bias": float(f"{float(self.bias):.8g}"),
            "threshold": round(float(self.threshold), 6),
            "max_pairs": int(self.max_pairs),
            "min_pairs": int(self.min_pairs),
            "degree": int(self.degree),
            **({"roles": self.roles.to_dict()} if self.roles is not None else {}),
        }

    def features_of(
        self, claims: Sequence[Claim], embeddings: np.ndarray, *, text_length: int
    ) -> tuple[list[tuple[int, int]], np.ndarray]:
        """:func:`pair_features` with this ranker's claim roles, when it has them."""
        sides = self.roles.probabilities(claims, embeddings) if self.roles is not None else None
        return pair_features(claims, embeddings, text_length=text_length, sides=sides)


def load_ranker(path: str | Path | None = None) -> PairRanker:
    """Read a ranker from JSON (default: the shipped ``nli/pair_ranker.json``).

    Raises:
        ValueError: When the file does not describe a ranker of this version.
    """
    path = Path(path) if path is not None else DEFAULT_RANKER_PATH
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        return PairRanker(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            max_pairs=int(data["max_pairs"]),
            min_pairs=int(data.get("min_pairs", 0)),
            features=tuple(data["features"]),
            degree=int(data.get("degree", 1)),
            roles=_roles_from(data["roles"]) if "roles" in data else None,
        )
    except KeyError as error:
        raise ValueError(f"{path}: not a pair ranker, missing {error}") from error


def _roles_from(data: dict[str, list]) -> ClaimRoles:  # type: ignore[type-arg]
    weights = tuple(tuple(float(w) for w in row) for row in data["weights"])
    bias = tuple(float(b) for b in data["bias"])
    return ClaimRoles(weights=weights, bias=bias)  # type: ignore[arg-type]


def as_kind(claim: Claim, kind: str) -> Claim:
    """The claim in the slot of ``kind`` (a copy with that ``kind`` when it differs)."""
    return claim if claim.kind == kind else dataclasses.replace(claim, kind=kind)  # type: ignore[arg-type]


def _overlap(a: Claim, b: Claim) -> bool:
    """Whether two claims' spans share a character, or are the same span."""
    (a0, a1), (b0, b1) = a.span, b.span
    return a.span == b.span or (a0 < a1 and b0 < b1 and a0 < b1 and b0 < a1)


def select_pairs(
    claims: Sequence[Claim],
    index: Sequence[tuple[int, int]],
    probs: np.ndarray,
    *,
    threshold: float,
    max_pairs: int,
    min_pairs: int = 0,
) -> list[tuple[Claim, Claim, float]]:
    """The kept pairs (rule in the module docstring), in text order of statement, report.

    Example:
        >>> a = Claim("statement", "a", "a", None, None, "-", (0, 1))
        >>> b = Claim("report", "b", "b", None, None, "+", (2, 3))
        >>> c = Claim("report", "c", "c", None, None, "+", (4, 5))
        >>> kept = select_pairs([a, b, c], [(0, 1), (0, 2), (2, 0)], np.array([0.9, 0.2, 0.5]),
        ...                     threshold=0.3, max_pairs=5)
        >>> [(s.text, r.text, s.kind, r.kind) for s, r, _ in kept]
        [('a', 'b', 'statement', 'report'), ('c', 'a', 'statement', 'report')]
    """
    order = sorted(range(len(index)), key=lambda k: -float(probs[k]))
    kept: list[tuple[int, int, float]] = []
    ranked = 0
    for k in order:
        i, j = index[k]
        inside = carried(claims[i], claims[j])
        if not inside and not (
            (float(probs[k]) >= threshold or ranked < min_pairs) and ranked < max_pairs
        ):
            continue
        if any(
            _overlap(claims[i], claims[a])
            and (claims[i].within is None) == (claims[a].within is None)
            and _overlap(claims[j], claims[b])
            for a, b, _ in kept
        ):
            continue  # the same contradiction as a pair already kept
        kept.append((i, j, float(probs[k])))
        if not inside:
            ranked += 1  # carried reports come on top of max_pairs
    kept.sort(key=lambda t: (claims[t[0]].span, claims[t[1]].span))
    return [
        (as_kind(claims[i], "statement"), as_kind(claims[j], "report"), round(p, 6))
        for i, j, p in kept
    ]


def rank_pairs(
    claims: Sequence[Claim],
    *,
    text_length: int,
    ranker: PairRanker | None = None,
    encoder: SentenceEncoder | None = None,
    embeddings: np.ndarray | None = None,
) -> list[tuple[Claim, Claim, float]]:
    """The (statement, report, probability) pairs one article keeps, claims paired both ways.

    Args:
        claims (Sequence[Claim]): The article's claims.
        text_length (int): Characters of the article.
        ranker (PairRanker | None): Default: the shipped one (:func:`load_ranker`).
        encoder (SentenceEncoder | None): Default: all-MiniLM-L6-v2 (:func:`load_encoder`).
        embeddings (np.ndarray | None): The claims' embeddings when already computed
            (:func:`claim_embeddings`, one row per claim); else encoded here.
    """
    if len(claims) < 2:
        return []
    ranker = ranker or _shipped_ranker()
    if embeddings is None:
        embeddings = claim_embeddings([claims], encoder)[0]
    if len(embeddings) != len(claims):
        raise ValueError(f"{len(embeddings)} embeddings for {len(claims)} claims")
    index, rows = ranker.features_of(claims, embeddings, text_length=text_length)
    return select_pairs(
        claims,
        index,
        ranker.probabilities(rows),
        threshold=ranker.threshold,
        max_pairs=ranker.max_pairs,
        min_pairs=ranker.min_pairs,
    )


def claim_embeddings(
    groups: Sequence[Sequence[Claim]], encoder: SentenceEncoder | None = None
) -> list[np.ndarray]:
    """The pairing embeddings of several articles' claims, one array per article.

    One encoder call for all of them: sorted by length across articles, batches are fuller
    and less padded than one call per article (about twice the sentences/s on the dev
    half's claims, bf16, 2-core AMD EPYC). Each distinct text is encoded once: a quote and
    the sentence around it, or one claim taken both as statement and as report, often share
    their pairing text (a quarter fewer encodes on the dev half).
    """
    encoder = encoder or load_encoder()
    texts = [claim_query(c) for claims in groups for c in claims]
    slot: dict[str, int] = {}
    rows = np.asarray([slot.setdefault(text, len(slot)) for text in texts], dtype=np.int64)
    flat = encoder.encode(list(slot))[rows]
    bounds = np.cumsum([0, *(len(claims) for claims in groups)])
    return [flat[bounds[k] : bounds[k + 1]] for k in range(len(groups))]


_SHIPPED: list[PairRanker] = []


def _shipped_ranker() -> PairRanker:
    if not _SHIPPED:
        _SHIPPED.append(load_ranker())
    return _SHIPPED[0]
