"""Pairing by meaning (nli/retrieval.py): the encoder, top-k and which claims may pair."""

from __future__ import annotations

import numpy as np
import pytest

from nli.retrieval import SentenceEncoder, carried, load_encoder, may_pair, retrieve_pairs, top_k
from nli.types import Claim


def _c(kind: str, content: str, span: tuple[int, int], **kw: object) -> Claim:
    return Claim(kind, content, content, "X", "said", "+", span, **kw)  # type: ignore[arg-type]


def test_encoder_gives_unit_vectors_that_rank_paraphrases_first() -> None:
    enc = load_encoder()
    emb = enc.encode(
        [
            "We have no troops in Syria.",
            "Hundreds of soldiers arrived in Syria last week.",
            "The central bank kept interest rates unchanged.",
        ]
    )
    assert emb.shape == (3, enc.dimension)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert emb[0] @ emb[1] > emb[0] @ emb[2]
    # the same text embeds the same alone or in a batch (padding is masked)
    np.testing.assert_allclose(enc.encode(["We have no troops in Syria."])[0], emb[0], atol=1e-5)


def test_top_k_keeps_the_k_best_above_the_threshold() -> None:
    s = np.array([[1.0, 0.0], [0.0, 1.0]])
    r = np.array([[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])
    assert top_k(s, r, k=1, min_similarity=0.0) == [(0, 1, 1.0), (1, 2, 1.0)]
    assert top_k(s, r, k=3, min_similarity=0.7) == [(0, 1, 1.0), (1, 2, 1.0), (1, 0, 0.8)]
    assert top_k(s, r[:0], k=3, min_similarity=0.0) == []


def test_overlapping_claims_pair_only_when_the_report_is_carried() -> None:
    denial = _c("statement", "X denied reports that troops arrived", (0, 40))
    inside = _c("report", "troops arrived", (25, 39), within=(0, 40))
    twin = _c("report", "X denied reports that troops arrived", (0, 40))
    other = _c("report", "troops arrived", (50, 70))
    assert may_pair(denial, inside) and carried(denial, inside)
    assert not may_pair(denial, twin)
    assert may_pair(denial, other) and not carried(denial, other)


def test_retrieve_pairs_keeps_top_k_by_meaning_and_always_the_carried_report() -> None:
    claims = [
        _c("statement", "We have no fighting troops in Syria", (0, 10)),
        _c("report", "Hundreds of Iranian soldiers arrived in Syria", (20, 30)),
        _c("report", "Fuel prices rose by a fifth since January", (40, 50)),
        _c("report", "the bank will cut its rates", (60, 70), within=(0, 10)),
    ]
    pairs = retrieve_pairs(claims, k=1, min_similarity=0.0)
    reports = [r.content for _, r, _ in pairs]
    assert "Hundreds of Iranian soldiers arrived in Syria" in reports
    assert "the bank will cut its rates" in reports  # carried: kept whatever its rank
    assert "Fuel prices rose by a fifth since January" not in reports
    assert retrieve_pairs(claims[:1], k=3, min_similarity=0.0) == []


def test_denials_blanket_denials_and_reports_get_their_own_k() -> None:
    claims = [
        Claim("statement", "t", "We have no troops in Syria", "X", "denied", "-", (0, 10)),
        Claim("statement", "t", "That is false", "X", "said", "-", (11, 20), blanket=True),
        _c("report", "Hundreds of Iranian soldiers arrived in Syria", (30, 40)),
        _c("report", "Iranian troops fought near Aleppo", (41, 50)),
        _c("report", "Fuel prices rose by a fifth", (51, 60)),
    ]
    wide = retrieve_pairs(claims, k=1, denial_k=3, blanket_k=1, min_similarity=-1.0)
    per_statement = [sum(s.span == span for s, _, _ in wide) for span in ((0, 10), (11, 20))]
    assert per_statement == [3, 1]
    # each report also keeps its best statement with report_k
    both = retrieve_pairs(claims, k=1, denial_k=1, blanket_k=1, report_k=1, min_similarity=-1.0)
    assert {r.span for _, r, _ in both} == {(30, 40), (41, 50), (51, 60)}


def test_encoder_precision_bf16_stays_within_the_probe_cosine_of_fp32(monkeypatch) -> None:
    from nli.retrieval import BF16_MIN_COSINE, PRECISION_ENV, SentenceEncoder

    texts = ["We have no troops in Syria.", "Hundreds of soldiers arrived in Syria last week."]
    fp32 = SentenceEncoder(precision="fp32")
    assert fp32.precision == "fp32"
    bf16 = SentenceEncoder(precision="bf16")  # forced: runs even without native bf16
    assert bf16.precision == "bf16"
    cosines = np.sum(fp32.encode(texts) * bf16.encode(texts), axis=1)
    assert np.all(cosines >= BF16_MIN_COSINE)
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    assert load_encoder().precision == "fp32"
    with pytest.raises(ValueError, match="precision"):
        SentenceEncoder(precision="int4")


def test_batches_run_at_once_give_the_embeddings_of_one_after_the_other() -> None:
    from nli.retrieval import SentenceEncoder, forward_threads

    texts = [f"Statement number {k} says {'troops ' * (k % 7)}arrived." for k in range(23)]
    encoder = SentenceEncoder(precision="fp32", batch_size=4, threads=1)
    alone = encoder.encode(texts)
    encoder.threads = 3
    np.testing.assert_array_equal(encoder.encode(texts), alone)
    assert encoder.encode([]).shape == (0, encoder.dimension)
    assert forward_threads() >= 1
    with pytest.raises(ValueError, match="threads"):
        SentenceEncoder(threads=0)


def test_int8_encoder_runs_each_sentence_alone_close_to_fp32(monkeypatch) -> None:
    from nli.retrieval import INT8_MIN_COSINE, SentenceEncoder

    texts = [
        "We have no troops in Syria.",
        "Hundreds of soldiers arrived in Syria last week, local sources told reporters.",
        "The central bank kept interest rates unchanged.",
    ]
    int8 = SentenceEncoder(precision="int8", batch_size=2)
    assert int8.precision == "int8"
    emb = int8.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    # each sentence is run alone, so its embedding does not depend on its batch
    np.testing.assert_array_equal(int8.encode(texts[2:])[0], emb[2])
    fp32 = SentenceEncoder(precision="fp32").encode(texts)
    assert np.all(np.sum(fp32 * emb, axis=1) >= INT8_MIN_COSINE)
    assert emb[0] @ emb[1] > emb[0] @ emb[2]


def test_auto_takes_int8_only_for_the_measured_weights(monkeypatch) -> None:
    import nli.retrieval as retrieval

    assert retrieval.SentenceEncoder().precision == "int8"  # the pinned all-MiniLM-L6-v2
    monkeypatch.setattr(retrieval, "INT8_MEASURED_WEIGHTS", "0" * 64)  # other weights
    assert retrieval.SentenceEncoder().precision in ("bf16", "fp32")


def test_loading_the_encoder_and_a_scorer_draws_no_transformers_bar(capfd, tiny_model_dir) -> None:
    # the Python API (nli.score_articles) runs without the CLI's logging set-up: a notebook
    # user should not get a "Loading weights" bar per model
    from nli.model import ContradictionScorer

    capfd.readouterr()
    SentenceEncoder(precision="fp32")
    ContradictionScorer(tiny_model_dir, precision="fp32")
    assert "Loading weights" not in capfd.readouterr().err
