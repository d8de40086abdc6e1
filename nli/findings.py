"""Scoring an article's statement/report pairs into findings.

A batch of articles is paired (:func:`nli.pairing.pair_article_claims`: by default the pair
ranker's choice, :func:`nli.ranking.rank_pairs`), all its pairs go to
the model in one call (:func:`score_article_batch`), and each scored pair becomes a
finding in the documented output schema (:func:`make_finding`), labelled on the
official's position (:func:`finding_label`). A failure in one article is recorded as an
error row and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from nli import __version__
from nli.claims import article_claims, claim_to_dict
from nli.config import ArticleConfig, RunCounts, decision_threshold
from nli.labels import ranked_priority, run_priority_threshold
from nli.model import ContradictionScorer
from nli.pairing import ClaimPair, pair_article_claims
from nli.prefetch import FoundClaims
from nli.speakers import add_speaker_entities
from nli.types import Article, Claim, ErrorRecord, PairScore, Probs, finding_order

logger = logging.getLogger(__name__)

#: The polarity of what the model reads (:func:`model_input`): the statement's own words,
#: scored for contradiction. Findings of earlier versions carry ``-`` for a reported denial
#: scored as its denied proposition; :func:`finding_label` and ``nli eval`` still read both.
MODEL_POLARITY = "+"


def finding_label(
    probs: Probs, polarity: str, *, threshold: float, score: float | None = None
) -> str:
    """The verdict of a finding on the official's position.

    For a direct assertion (``+``) the NLI label carries over. For a reported denial
    (``-``: the hypothesis is the denied proposition) the report entailing it
    contradicts the official, and the report contradicting it confirms the denial.
    ``score`` is what ``threshold`` is compared with: by default the probability of the
    official's target (contradiction for ``+``, entailment for ``-``); a ranked finding's
    ``priority`` where it is labelled by priority (:mod:`nli.labels`).

    Example:
        >>> finding_label(Probs(0.1, 0.1, 0.8), "-", threshold=0.5)
        'contradiction'
        >>> finding_label(Probs(0.7, 0.2, 0.1), "-", threshold=0.5)
        'entailment'
        >>> finding_label(Probs(0.4, 0.5, 0.1), "+", threshold=0.3, score=0.35)  # a priority
        'contradiction'
    """
    if polarity == "+":
        official, agree = probs.contradiction, probs.entailment
    elif polarity == "-":
        official, agree = probs.entailment, probs.contradiction
    else:
        raise ValueError(f"polarity must be '+' or '-', got {polarity!r}")
    if (official if score is None else score) >= threshold:
        return "contradiction"
    return "entailment" if agree > probs.neutral else "neutral"


def _error_for(article: Article, message: str) -> ErrorRecord:
    return ErrorRecord(article.source or "", None, article.id, message)


def failed_article(article: Article, error: Exception) -> ErrorRecord:
    """The error row of an article whose processing raised: a ValueError says why in
    words (too long, ...), anything else is shown as it was raised."""
    message = str(error) if isinstance(error, ValueError) else f"failed: {error!r}"
    return _error_for(article, message)


def model_input(statement: Claim, report: Claim) -> tuple[str, str]:
    """What the model reads for a pair: ``(premise, hypothesis)``, what the report claims
    (:attr:`Claim.content`, its attribution left out) and the statement in its own words as
    the finder cut it (:attr:`Claim.text`).

    The model is asked whether the report contradicts the statement, whatever the
    statement's polarity: a denial ("X denied that P", "the reporting is wrong") is
    scored in its own words rather than as the proposition it denies. On the dev half of
    the real-news set this ranks the pairs the pipeline reaches better than scoring the
    denied proposition for entailment (README, "What the model reads"), above all for
    blanket denials, whose denied proposition is the report itself.

    Example:
        >>> s = Claim("statement", "It is false, X said.", "it is false", "X", "said", "-",
        ...           (0, 20), blanket=True)
        >>> r = Claim("report", "Troops arrived, Y said.", "troops arrived", "Y", "said", "+",
        ...           (21, 44))
        >>> model_input(s, r)
        ('troops arrived', 'It is false, X said.')
    """
    return report.content, statement.text


def score_claim_pairs(
    pairs: Sequence[ClaimPair], scorer: ContradictionScorer, config: ArticleConfig
) -> list[PairScore]:
    """Score (statement, report) claim pairs with the model, as ``nli score`` scores them.

    The premise is what the report claims and the hypothesis the statement in its own
    words (:func:`model_input`); the score is the probability of contradiction. All pairs go to
    the model in one call.

    Args:
        pairs (Sequence[ClaimPair]): The pairs, statement first.
        scorer (ContradictionScorer): The model.
        config (ArticleConfig): Its ``scoring`` gives ``both_directions`` and ``batch_size``.

    Returns:
        list[PairScore]: One score per pair, in order.
    """
    inputs = [model_input(statement, report) for statement, report in pairs]
    return scorer.score_pairs(
        [hypothesis for _, hypothesis in inputs],
        [premise for premise, _ in inputs],
        both_directions=config.scoring.both_directions,
        batch_size=config.scoring.batch_size,
        show_progress_bar=False,
    )


def _score_articles(
    prepared: Sequence[tuple[Article, list[ClaimPair]]],
    scorer: ContradictionScorer,
    config: ArticleConfig,
) -> list[list[PairScore] | ErrorRecord]:
    """Scores of each article's pairs: all in one model call, one by one if that fails."""
    flat = [pair for _, pairs in prepared for pair in pairs]
    try:
        scores = score_claim_pairs(flat, scorer, config)
    except Exception as error:  # find the article that broke the batch, keep the others
        if len(prepared) == 1:
            return [_error_for(prepared[0][0], f"scoring failed: {error!r}")]
        logger.warning("scoring a batch failed (%r); scoring its articles one by one", error)
        return [_score_articles([item], scorer, config)[0] for item in prepared]
    out: list[list[PairScore] | ErrorRecord] = []
    start = 0
    for _, pairs in prepared:
        out.append(scores[start : start + len(pairs)])
        start += len(pairs)
    return out


def make_finding(
    article: Article,
    statement: Claim,
    report: Claim,
    scored: PairScore,
    scorer: ContradictionScorer,
    config: ArticleConfig,
    *,
    report_article_id: str | None = None,
    pair_probability: float | None = None,
) -> dict[str, Any]:
    """One finding in the documented output schema.

    ``report_article_id`` is the article the report comes from (its span points into
    that article's text); it defaults to ``article.id``, the statement's article.
    ``pair_probability`` is the pair ranker's probability that the two claims are a
    denial and the report it answers (:mod:`nli.ranking`); ``priority``, the order of an
    article's findings, is ``calibrated`` times it (``calibrated`` without it).

    ``calibrated`` is the score after the model's temperature scaling. ``label`` is decided
    on the calibrated probabilities with :func:`nli.config.decision_threshold`, as ``nli
    eval`` decides; for a ranked finding (with ``pair_probability``), on ``priority`` against
    ``config.priority_threshold``, or without it and without ``threshold``, against the
    model's fitted priority threshold where it has one
    (:func:`nli.labels.run_priority_threshold`).
    """
    calibrated = scorer.calibrate(scored.probs)
    score = calibrated.contradiction
    priority = ranked_priority(score, pair_probability)
    by_priority = None if pair_probability is None else run_priority_threshold(config, scorer)
    label = (
        finding_label(calibrated, MODEL_POLARITY, threshold=by_priority, score=priority)
        if by_priority is not None
        else finding_label(calibrated, MODEL_POLARITY, threshold=decision_threshold(config, scorer))
    )
    premise, hypothesis = model_input(statement, report)
    return {
        "article_id": article.id,
        "report_article_id": report_article_id or article.id,
        "statement": claim_to_dict(statement),
        "report": claim_to_dict(report),
        "normalised": {"premise": premise, "hypothesis": hypothesis, "polarity": MODEL_POLARITY},
        "probs": scored.probs.as_dict(),
        "score": scored.score,
        "calibrated": score,
        "pair_probability": pair_probability,
        "priority": priority,
        "label": label,
        "direction": scored.direction,
        "window": scored.window,
        "model": config.scoring.model,
        "version": __version__,
    }


def _batch_embeddings(
    found: Sequence[tuple[Article, Sequence[Claim]]], config: ArticleConfig
) -> list[np.ndarray | None]:
    """The ranked pairing's claim embeddings of a batch of articles, in one encoder call
    (None for each article otherwise, or when that call fails: each article is then
    encoded, and fails, on its own)."""
    if config.pairing != "ranked" or not found:
        return [None] * len(found)
    from nli.ranking import claim_embeddings

    try:
        return list(claim_embeddings([claims for _, claims in found]))
    except Exception:  # noqa: BLE001 - retried article by article, where errors are recorded
        logger.warning("encoding the batch's claims failed; encoding article by article")
        return [None] * len(found)


def score_article_batch(
    articles: Sequence[Article],
    scorer: ContradictionScorer,
    config: ArticleConfig,
    counts: RunCounts,
    *,
    found_ahead: FoundClaims | None = None,
) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Find and score the denial/report pairs of a batch of articles.

    All pairs of the batch go to the model in one call, so batches stay full. A
    failure in one article (extraction, or the model on its pairs) is recorded as an
    error and the others go on. Every article is counted as read and as exactly one
    of scored, skipped or errored. ``found_ahead`` holds the articles' claims when they
    were found already (:mod:`nli.prefetch`, one entry per article, in order).

    Returns:
        tuple: The findings (dicts in the documented schema, in article order and per
        article in :func:`nli.types.finding_order`: priority, then calibrated score;
        speakers and sources resolved to their entities over all of each article's claims,
        :func:`nli.speakers.add_speaker_entities`;
        ``config.min_score`` applied) and the per-article errors.
    """
    errors: list[ErrorRecord] = []
    prepared: list[tuple[Article, list[ClaimPair]]] = []
    priors: list[list[float | None]] = []
    found: list[tuple[Article, list[Claim]]] = []
    if found_ahead is not None:
        if len(found_ahead.claims) != len(articles):
            raise ValueError(f"{len(found_ahead.claims)} claim lists for {len(articles)} articles")
        found_ahead.add_counts(counts)
    for k, article in enumerate(articles):
        counts.read += 1
        try:
            claims = (
                article_claims(article, config, counts)
                if found_ahead is None
                else found_ahead.claims[k]
            )
            if isinstance(claims, Exception):
                raise claims  # found ahead, failed there: recorded as here
            found.append((article, claims))
        except Exception as error:  # one bad article must not end the run
            errors.append(failed_article(article, error))
            counts.errored += 1
    for (article, claims), embeddings in zip(found, _batch_embeddings(found, config), strict=True):
        try:
            triples = pair_article_claims(article, claims, config, counts, embeddings=embeddings)
        except Exception as error:  # one bad article must not end the run
            errors.append(failed_article(article, error))
            counts.errored += 1
            continue
        if triples:
            prepared.append((article, [(s, r) for s, r, _ in triples]))
            priors.append([p for _, _, p in triples])
        else:
            counts.skipped += 1
    findings: list[dict[str, Any]] = []
    claims_of = {article.id: claims for article, claims in found}
    for (article, pairs), probabilities, outcome in zip(
        prepared, priors, _score_articles(prepared, scorer, config), strict=True
    ):
        if isinstance(outcome, ErrorRecord):
            errors.append(outcome)
            counts.errored += 1
            continue
        counts.scored += 1
        counts.pairs += len(pairs)
        made = [
            make_finding(article, statement, report, scored, scorer, config, pair_probability=prior)
            for (statement, report), prior, scored in zip(
                pairs, probabilities, outcome, strict=True
            )
        ]
        # Entities are resolved over all the article's claims before --min-score drops any
        # finding: "He" keeps the minister named in a pair that is not written.
        made = add_speaker_entities(made, {article.id: claims_of[article.id]})
        kept = [f for f in made if config.min_score is None or f["score"] >= config.min_score]
        findings.extend(sorted(kept, key=finding_order))
    for bad in errors:
        logger.warning("article %s: %s", bad.id, bad.message)
    return findings, errors


def score_record_batch(
    records: Sequence[Article | ErrorRecord],
    scorer: ContradictionScorer,
    config: ArticleConfig,
    counts: RunCounts,
    *,
    source: str,
    found_ahead: FoundClaims | None = None,
) -> tuple[list[dict[str, Any]], list[ErrorRecord]]:
    """Score a batch of what :func:`nli.io.read_articles` yields (articles and errors).

    ``found_ahead``: the claims of the batch's articles (not of its error records), when
    found already (:mod:`nli.prefetch`).

    Returns:
        tuple: The findings and the errors (unreadable records first, then articles
        that failed), each error naming ``source`` when it names no file itself.
    """
    articles = [record for record in records if isinstance(record, Article)]
    unreadable = [record for record in records if isinstance(record, ErrorRecord)]
    for error in unreadable:
        logger.warning("%s:%s: %s", error.source, error.line or "", error.message)
    counts.read += len(unreadable)
    counts.errored += len(unreadable)
    found, failed = score_article_batch(articles, scorer, config, counts, found_ahead=found_ahead)
    failed = [error if error.source else replace(error, source=source) for error in failed]
    return found, unreadable + failed


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
