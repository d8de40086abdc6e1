"""How the steps compose, and which module does what.

An article run (``nli score``) flows one way::

    collection --read (nli.io)--> Article
      --clean, segment, attribute (nli.claims)--> Claim (statements and reports)
      --pair (nli.pairing)--> (statement, report) pairs within the article
      --score, aggregate (nli.findings)--> findings in the output schema
      [--cross-article (nli.cross_article)--> findings of pairs across one event's articles]
      --write (nli.runs)--> findings file, OUTPUT.errors.jsonl, run manifest

- :mod:`nli.config`: :class:`ScoringConfig`, :class:`ArticleConfig` and
  :class:`RunCounts`, the options and accounting every step shares.
- :mod:`nli.claims`: the claims of one article (:func:`extract_claims`,
  :func:`article_claims`; with ranked pairing also its bare sentences,
  :func:`nli.claims.bare_sentences`) and how outputs write a claim (:func:`claim_to_dict`).
- :mod:`nli.pairing`: topic words, and the statement/report pairs of one article
  (:func:`article_pairs`, :func:`strongest_pairs`).
- :mod:`nli.findings`: a batch of articles scored into findings
  (:func:`score_article_batch`, :func:`score_record_batch`, :func:`make_finding`,
  :func:`finding_label`); the function the local and the Ray engine both call per batch.
- :mod:`nli.cross_article`: statements paired with the reports of other articles about
  the same event (:func:`score_cross_article`).
- :mod:`nli.runs`: a scoring job on disk: batching, checkpoint, resume, lock and manifest
  (:func:`run_score`), and :func:`run_extract`.
- :mod:`nli.pair_jobs`: the pair-level jobs :func:`run_pairs`, :func:`run_eval`,
  :func:`run_eval_articles` and :func:`run_calibrate`.
- :mod:`nli.distributed`: the Ray engine, built on :mod:`nli.findings` and :mod:`nli.runs`.

The names below are re-exported so that ``from nli.pipeline import X`` keeps working;
new code imports from the module that defines a name. Patching a name here changes
nothing: patch it where it is looked up (for example ``nli.claims.extract_claims``).
"""

from __future__ import annotations

from nli.claims import article_claims, claim_to_dict, extract_claims
from nli.config import (
    DEFAULT_THRESHOLD,
    ArticleConfig,
    RunCounts,
    ScoringConfig,
    decision_threshold,
)
from nli.cross_article import (
    CrossPair,
    EventArticle,
    cross_article_pairs,
    event_article,
    score_cross_article,
)
from nli.findings import (
    finding_label,
    make_finding,
    score_article_batch,
    score_record_batch,
)
from nli.pair_jobs import (
    CalibrateResult,
    EvalResult,
    PairsResult,
    evaluate_scores,
    load_scorer,
    run_calibrate,
    run_eval,
    run_eval_articles,
    run_pairs,
    score_records,
    scored_to_dict,
    write_errors,
)
from nli.pairing import ClaimPair, article_pairs, strongest_pairs
from nli.runs import (
    CHECKPOINT_FORMAT,
    InterruptedRunError,
    RunFiles,
    ScoreResult,
    library_versions,
    model_fingerprint,
    run_extract,
    run_score,
    run_settings,
)

__all__ = [
    "CHECKPOINT_FORMAT",
    "DEFAULT_THRESHOLD",
    "ArticleConfig",
    "CalibrateResult",
    "ClaimPair",
    "CrossPair",
    "EvalResult",
    "EventArticle",
    "InterruptedRunError",
    "PairsResult",
    "RunCounts",
    "RunFiles",
    "ScoreResult",
    "ScoringConfig",
    "article_claims",
    "article_pairs",
    "claim_to_dict",
    "cross_article_pairs",
    "decision_threshold",
    "evaluate_scores",
    "event_article",
    "extract_claims",
    "finding_label",
    "library_versions",
    "load_scorer",
    "make_finding",
    "model_fingerprint",
    "run_calibrate",
    "run_eval",
    "run_eval_articles",
    "run_extract",
    "run_pairs",
    "run_score",
    "run_settings",
    "score_article_batch",
    "score_cross_article",
    "score_record_batch",
    "score_records",
    "scored_to_dict",
    "strongest_pairs",
    "write_errors",
]
