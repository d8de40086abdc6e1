"""Pairing by the learned ranker (nli/ranking.py) and its fitting script."""

from __future__ import annotations

import json
from pathlib import Path

import fit_pair_ranker
import numpy as np
import pytest

from nli.findings import make_finding
from nli.ranking import (
    DEFAULT_RANKER_PATH,
    FEATURES,
    ROLE_FEATURES,
    ROLE_INPUTS,
    ClaimRoles,
    PairRanker,
    expand_features,
    load_ranker,
    n_weights,
    pair_features,
    rank_pairs,
    select_pairs,
)
from nli.types import Claim, finding_order

ROOT = Path(__file__).resolve().parent.parent


def _claim(kind: str, text: str, start: int, polarity: str = "+", **kw: object) -> Claim:
    return Claim(kind, text, text, None, "said", polarity, (start, start + len(text)), **kw)  # type: ignore[arg-type]


DENIAL = _claim("statement", "The ministry denied reports of troops.", 0, "-")
CARRIED = _claim("report", "troops", 31, within=(0, 38))
REPORT = _claim("report", "Troops arrived, sources said.", 40)
OTHER = _claim("statement", "The weather was fine.", 71)
CLAIMS = [DENIAL, CARRIED, REPORT, OTHER]
EMB = np.array([[1.0, 0.0], [0.9, 0.436], [0.8, 0.6], [0.0, 1.0]])


class FixedEncoder:
    """Stands in for the sentence encoder: one given vector per claim text."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.array([self.vectors[t] for t in texts])


def test_features_cover_every_ordered_pair_that_may_pair() -> None:
    index, rows = pair_features(CLAIMS, EMB, text_length=92)
    assert rows.shape == (len(index), len(FEATURES)) == (11, 21)
    # overlapping spans never pair, except the report carried inside the denial
    assert (0, 1) in index and (1, 0) not in index
    assert (0, 0) not in index and len(index) == 4 * 3 - 1
    col = {name: k for k, name in enumerate(FEATURES)}
    row = rows[index.index((0, 2))]
    assert row[col["similarity"]] == pytest.approx(0.8)
    assert row[col["s_denial"]] == 1 and row[col["r_is_report"]] == 1
    assert row[col["r_report_words"]] == 1 and row[col["s_denial_words"]] == 1
    # the report is the denial's 2nd most similar candidate (after the carried one)
    assert row[col["statement_rank"]] == 1
    assert rows[index.index((0, 1)), col["carried"]] == 1
    assert rows[index.index((2, 0)), col["carried"]] == 0
    assert not rows[:, [col["s_bare"], col["r_bare"]]].any()


def test_bare_sentences_are_marked_in_either_slot() -> None:
    bare = Claim("report", "Pakistan disputes rise in quake death toll",
                 "Pakistan disputes rise in quake death toll", None, None, "+", (93, 136),
                 bare=True)  # fmt: skip
    claims = [*CLAIMS, bare]
    index, rows = pair_features(claims, np.vstack([EMB, [[0.6, 0.8]]]), text_length=136)
    col = {name: k for k, name in enumerate(FEATURES)}
    for (i, j), row in zip(index, rows, strict=True):
        assert row[col["s_bare"]] == (i == 4) and row[col["r_bare"]] == (j == 4)
    assert (4, 0) in index and (0, 4) in index


def test_claims_of_one_speaker_never_pair() -> None:
    full = Claim("statement", "We have no troops.", "we have no troops", "Hossein Amir-Abdollahian,"
                 " an Iranian deputy foreign minister", "said", "+", (0, 18))  # fmt: skip
    short = Claim("statement", "Iran is not on the ground.", "Iran is not on the ground",
                  "Amir-Abdollahian", "said", "-", (20, 46))  # fmt: skip
    other = Claim("report", "Troops arrived.", "troops arrived", "Lebanese sources", "told",
                  "+", (48, 63))  # fmt: skip
    index, _ = pair_features([full, short, other], np.eye(3), text_length=63)
    assert sorted(index) == [(0, 2), (1, 2), (2, 0), (2, 1)]


def test_a_carried_report_pairs_with_its_denial_whoever_it_names() -> None:
    # the parse gives a carried report its denier as speaker: the pair is still a candidate
    denial = Claim("statement", "Momani said reports of raids were baseless.", "raids",
                   "Mohammed al-Momani", "said", "-", (0, 43))  # fmt: skip
    carried = Claim("report", "raids", "raids", "Mohammed al-Momani", "reports", "+", (29, 34),
                    within=(0, 43))  # fmt: skip
    later = Claim("statement", "Momani added nothing.", "nothing", "Momani", "added", "+",
                  (45, 66))  # fmt: skip
    index, _ = pair_features([denial, carried, later], np.eye(3), text_length=66)
    assert (0, 1) in index
    assert (2, 1) not in index and (1, 2) not in index  # the same speaker otherwise


def test_the_carried_matrix_is_the_carried_rule_for_every_ordered_pair() -> None:
    # pair_features decides carried pairs for a whole article at once; select_pairs asks
    # nli.retrieval.carried pair by pair: both must agree, spans touching or not
    from nli.ranking import _pair_masks
    from nli.retrieval import carried

    rng = np.random.default_rng(0)
    claims = []
    for k in range(40):
        start = int(rng.integers(0, 60))
        span = (start, start + int(rng.integers(1, 20)))
        within = None
        if k % 3 == 0:
            w0 = int(rng.integers(0, 60))
            within = (w0, w0 + int(rng.integers(1, 30)))
        claims.append(_claim("report", "x" * (span[1] - span[0]), start, within=within))
    inside, allowed = _pair_masks(claims)
    for a, x in enumerate(claims):
        for b, y in enumerate(claims):
            assert inside[a, b] == carried(x, y)
            overlapping = x.span[0] < y.span[1] and y.span[0] < x.span[1]
            assert allowed[a, b] == (a != b and (carried(x, y) or not overlapping))


def test_hearsay_that_names_no_one_is_no_one_speaker() -> None:
    # a quoted refutation the finder credited to "reports" still pairs with a report of
    # "reports": hearsay is nobody's own words
    refuted = Claim("statement", "The report is false.", "the report is false", "reports",
                    "said", "-", (0, 20))  # fmt: skip
    report = Claim("report", "Judges scuffled.", "judges scuffled", "The reports", "claimed",
                   "+", (22, 38))  # fmt: skip
    named = Claim("report", "Judges met.", "judges met", "Dawn reports", "said", "+", (40, 51))
    index, _ = pair_features([refuted, report, named], np.eye(3), text_length=51)
    assert (0, 1) in index and (1, 0) in index
    # a named outlet's key is not hearsay: "Dawn reports" holds "reports" yet names Dawn,
    # and pairs like any other speaker
    assert (0, 2) in index


def test_select_keeps_threshold_cap_floor_and_carried_and_swaps_roles() -> None:
    index = [(0, 1), (0, 2), (2, 0), (3, 2), (0, 3)]
    probs = np.array([0.01, 0.9, 0.5, 0.4, 0.3])
    kept = select_pairs(CLAIMS, index, probs, threshold=0.35, max_pairs=2)
    got = {(s.text[:6], r.text[:6]) for s, r, _ in kept}
    # the carried report is kept whatever its probability; 0.4 loses to the cap of 2
    assert got == {("The mi", "troops"), ("The mi", "Troops"), ("Troops", "The mi")}
    swapped = next(s for s, r, _ in kept if s.span == REPORT.span)
    assert swapped.kind == "statement" and swapped.content == REPORT.content
    assert all(r.kind == "report" for _, r, _ in kept)
    # below the threshold an article still keeps its min_pairs best pairs
    low = select_pairs(CLAIMS, index[1:], probs[1:] / 10, threshold=0.35, max_pairs=5, min_pairs=2)
    assert [p for _, _, p in sorted(low, key=lambda t: -t[2])] == [0.09, 0.05]


def test_the_same_two_spans_are_scored_once() -> None:
    twin = _claim("statement", REPORT.text, REPORT.span[0])  # found in both roles
    claims = [DENIAL, REPORT, twin]
    kept = select_pairs(claims, [(0, 1), (0, 2)], np.array([0.9, 0.8]), threshold=0.1, max_pairs=5)
    assert len(kept) == 1


def test_rank_pairs_uses_the_ranker_and_the_encoder() -> None:
    vectors = {c.content: EMB[k] for k, c in enumerate(CLAIMS)}
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("similarity")] = 10.0  # similar pairs first
    ranker = PairRanker(tuple(weights), -7.0, threshold=0.5, max_pairs=10)  # cosine >= 0.7
    kept = rank_pairs(CLAIMS, text_length=92, ranker=ranker, encoder=FixedEncoder(vectors))  # type: ignore[arg-type]
    spans = {(s.span, r.span) for s, r, _ in kept}
    # the carried report and the report (cosine 0.98) pair first, both ways; the denial against
    # the report (0.8) is still kept: a carried report in the statement slot never stands for
    # the denial around it. The report against the denial repeats the report against the
    # carried report (same statement, overlapping reports) and is not kept twice.
    assert spans == {
        (CARRIED.span, REPORT.span),
        (REPORT.span, CARRIED.span),
        (DENIAL.span, CARRIED.span),
        (DENIAL.span, REPORT.span),
    }
    assert all(p >= 0.5 for s, r, p in kept if r.span != CARRIED.span)
    assert not any(OTHER.span in (s.span, r.span) for s, r, _ in kept)
    assert rank_pairs(CLAIMS[:1], text_length=92, ranker=ranker) == []


def test_shipped_ranker_loads_and_bad_files_are_refused(tmp_path: Path) -> None:
    ranker = load_ranker()
    data = json.loads(DEFAULT_RANKER_PATH.read_text())
    assert ranker.to_dict() == {k: data[k] for k in ranker.to_dict()}
    assert data["fitted"]["data"] == "dev.jsonl" and 0 < ranker.threshold < 1
    assert ranker.roles is not None and ranker.features == FEATURES + ROLE_FEATURES
    assert ranker.degree == 2 and len(ranker.weights) == n_weights(2, roles=True) > len(FEATURES)
    assert ranker.roles.dimension == 384  # all-MiniLM-L6-v2's embeddings
    assert ranker.min_pairs >= 1  # an article with claims is never left without a pair
    bad = dict(data, features=list(FEATURES[:-1]))
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="refit"):
        load_ranker(tmp_path / "bad.json")
    (tmp_path / "none.json").write_text("{}")
    with pytest.raises(ValueError, match="not a pair ranker"):
        load_ranker(tmp_path / "none.json")


def test_fit_returns_weights_on_raw_features() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)) * [1.0, 5.0, 0.1] + [0.0, 3.0, 1.0]
    y = (x[:, 0] + 0.2 * x[:, 1] + rng.normal(size=400) > 0.6).astype(int)
    weights, bias = fit_pair_ranker.fit(x, y, 1.0)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    ref = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000)).fit(x, y)
    mine = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
    assert np.allclose(mine, ref.predict_proba(x)[:, 1], atol=1e-6)


def test_choose_rule_stays_within_the_budget() -> None:
    claims = [_claim("statement", f"claim {k}.", 10 * k, "-" if k == 0 else "+") for k in range(4)]
    index = [(i, j) for i in range(4) for j in range(4) if i != j]
    hits = [{0} if (i, j) == (0, 1) else ({1} if (i, j) == (0, 2) else set()) for i, j in index]
    art = fit_pair_ranker.ArticlePairs(
        claims, index, np.zeros((12, len(FEATURES))), hits, 2, np.eye(4), np.zeros((4, 2))
    )
    probs = [np.array([0.9 if (i, j) == (0, 1) else 0.5 if (i, j) == (0, 2) else 0.1
                       for i, j in index])]  # fmt: skip
    threshold, max_pairs, min_pairs, recall, per = fit_pair_ranker.choose_rule([art], probs, 2.0)
    assert per <= 2.0 and recall == 1.0 and min_pairs >= 1
    assert fit_pair_ranker.pairing_recall([art], probs, 0.95, 10, 0) == (0.0, 0.0)


def test_fit_script_refuses_the_test_half(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        fit_pair_ranker.main([str(ROOT / "fixtures/real/test.jsonl"), "-o", "x.json"])
    assert "only measured" in capsys.readouterr().err


def test_findings_carry_the_pair_probability_and_sort_by_priority() -> None:
    high = {"priority": 0.55 * 0.2, "calibrated": 0.55, "score": 0.9}
    low = {"priority": 0.5 * 0.8, "calibrated": 0.5, "score": 0.8}
    plain = {"calibrated": 0.3, "score": 0.3}
    # without a priority a finding ranks by its calibrated score
    assert sorted([high, plain, low], key=finding_order) == [low, plain, high]


def test_make_finding_writes_priority(tiny_scorer) -> None:  # type: ignore[no-untyped-def]
    from nli.config import ArticleConfig
    from nli.types import Article

    article = Article("a", "x" * 100)
    scored = tiny_scorer.score_pairs(["no troops"], ["troops came"], targets=["contradiction"])[0]
    row = make_finding(article, DENIAL, REPORT, scored, tiny_scorer, ArticleConfig(),
                       pair_probability=0.25)  # fmt: skip
    assert row["pair_probability"] == 0.25
    assert row["priority"] == pytest.approx(row["calibrated"] * 0.25)  # x the probability
    plain = make_finding(article, DENIAL, REPORT, scored, tiny_scorer, ArticleConfig())
    assert plain["pair_probability"] is None and plain["priority"] == plain["calibrated"]


def test_score_with_ranked_pairing_orders_findings_by_priority(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    from nli.config import ArticleConfig, ScoringConfig
    from nli.runs import run_score

    example = ROOT.parent / "shared" / "examples" / "newsweek-2015-iran-syria-denial.txt"
    out = tmp_path / "findings.jsonl"
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"), pairing="ranked"
    )
    run_score(example, out, config)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    ranker = load_ranker()
    assert ranker.min_pairs <= len(rows) <= ranker.max_pairs + 5  # carried ones come on top
    assert all(0.0 < r["pair_probability"] < 1.0 for r in rows)
    assert [r["priority"] for r in rows] == sorted((r["priority"] for r in rows), reverse=True)
    assert all(
        r["priority"] == pytest.approx(r["calibrated"] * r["pair_probability"]) for r in rows
    )
    pairs = {(r["statement"]["content"], r["report"]["content"]) for r in rows}
    assert any("no fighting troops" in s and "hundreds of troops" in r for s, r in pairs)


def test_claims_of_a_batch_are_encoded_at_once_and_ranked_as_one_by_one() -> None:
    from nli.ranking import claim_embeddings, rank_pairs
    from nli.retrieval import SentenceEncoder

    encoder = SentenceEncoder(precision="fp32")  # bf16 may move a last digit with padding
    first = [
        _claim("statement", "The ministry denied that troops crossed the border.", 0, "-"),
        _claim("report", "Witnesses said hundreds of troops crossed the border.", 60),
    ]
    second = [
        _claim("statement", "The company said the plant will stay open.", 0),
        _claim("report", "Suppliers were told production would end in March.", 50),
        _claim("report", "The plant employs 2,300 people, the union said.", 110),
    ]
    batched = claim_embeddings([first, second], encoder)
    assert [e.shape[0] for e in batched] == [2, 3]
    alone = claim_embeddings([second], encoder)[0]
    np.testing.assert_allclose(batched[1], alone, atol=1e-5)
    for claims, embeddings in zip([first, second], batched, strict=True):
        together = rank_pairs(claims, text_length=200, embeddings=embeddings)
        one = rank_pairs(claims, text_length=200, encoder=encoder)
        # the same pairs; their probabilities (rounded to 6 places) up to float noise
        assert [(s, r) for s, r, _ in together] == [(s, r) for s, r, _ in one]
        assert [p for _, _, p in together] == pytest.approx([p for _, _, p in one], abs=2e-6)
    with pytest.raises(ValueError, match="embeddings"):
        rank_pairs(second, text_length=200, embeddings=batched[0])


def test_a_text_shared_by_several_claims_is_encoded_once() -> None:
    from nli.ranking import claim_embeddings
    from nli.retrieval import claim_query

    calls: list[list[str]] = []

    class CountingEncoder(FixedEncoder):
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(list(texts))
            return super().encode(texts)

    vectors = {claim_query(c): EMB[k] for k, c in enumerate(CLAIMS)}
    twice = [*CLAIMS, CLAIMS[0]]
    out = claim_embeddings([twice, [CLAIMS[2]]], CountingEncoder(vectors))
    assert len(calls) == 1 and sorted(calls[0]) == sorted(vectors)
    np.testing.assert_array_equal(out[0], np.vstack([EMB, EMB[:1]]))
    np.testing.assert_array_equal(out[1], EMB[2:3])
    assert claim_embeddings([[], []], CountingEncoder(vectors))[0].shape[0] == 0


def test_degree_two_ranker_weighs_products_and_round_trips(tmp_path: Path) -> None:
    n = len(FEATURES)
    rows = np.zeros((2, n))
    sim, denial = FEATURES.index("similarity"), FEATURES.index("s_denial")
    rows[:, sim] = 0.9
    rows[1, denial] = 1.0
    expanded = expand_features(rows, 2)
    assert expanded.shape == (2, n_weights(2))
    # only the product similarity * s_denial carries weight: a denial with a similar report
    a, b = np.triu_indices(n)
    weights = np.zeros(n_weights(2))
    weights[n + int(np.flatnonzero((a == sim) & (b == denial))[0])] = 10.0
    ranker = PairRanker(tuple(weights), -4.0, threshold=0.5, max_pairs=5, degree=2)
    probs = ranker.probabilities(rows)
    assert probs[0] < 0.5 < probs[1]
    (tmp_path / "r.json").write_text(json.dumps(ranker.to_dict()))
    again = load_ranker(tmp_path / "r.json")
    assert again.degree == 2 and np.allclose(again.probabilities(rows), probs)
    with pytest.raises(ValueError, match="needs"):
        PairRanker(tuple(weights[:n]), 0.0, threshold=0.5, max_pairs=5, degree=2)
    with pytest.raises(ValueError, match="degree"):
        expand_features(rows, 3)


def test_a_pair_overlapping_a_kept_pair_on_both_sides_gives_its_place_to_the_next() -> None:
    sentence = _claim("statement", 'He said: "We have no troops there," on Monday.', 0, "-")
    quote = _claim("statement", "We have no troops there", 10, "-")  # inside the sentence
    report = _claim("report", "Troops arrived, sources said.", 60)
    other = _claim("report", "Sources counted 300 soldiers.", 95)
    claims = [sentence, quote, report, other]
    index = [(0, 2), (1, 2), (0, 3), (2, 0)]
    probs = np.array([0.9, 0.8, 0.5, 0.4])
    kept = select_pairs(claims, index, probs, threshold=0.3, max_pairs=2)
    # the quote against the same report is the sentence's contradiction again: skipped, and
    # the cap of 2 goes to the next distinct pair, not to the reversed one
    assert [(s.span, r.span) for s, r, _ in kept] == [
        (sentence.span, report.span),
        (sentence.span, other.span),
    ]
    # a pair sharing only one side is distinct and kept
    both = select_pairs(claims, index, probs, threshold=0.3, max_pairs=5)
    assert len(both) == 3 and (report.span, sentence.span) in {(s.span, r.span) for s, r, _ in both}


def test_a_ranker_file_without_degree_is_linear(tmp_path: Path) -> None:
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("similarity")] = 4.0
    data = {"features": list(FEATURES), "weights": weights, "bias": -2.0, "threshold": 0.5,
            "max_pairs": 5, "min_pairs": 1}  # fmt: skip
    (tmp_path / "old.json").write_text(json.dumps(data))
    ranker = load_ranker(tmp_path / "old.json")
    rows = np.zeros((1, len(FEATURES)))
    rows[0, FEATURES.index("similarity")] = 1.0
    assert ranker.degree == 1 and ranker.probabilities(rows)[0] == pytest.approx(
        1 / (1 + np.exp(-2))
    )
    # huge logits saturate instead of overflowing
    assert ranker.probabilities(rows * 1e6)[0] == 1.0


def _roles(negative: float, report: float, dimension: int = 2) -> ClaimRoles:
    """Claim roles that read only the "negative" flag (denial side) and "report" (report
    side)."""
    denial = [0.0] * (dimension + len(ROLE_INPUTS))
    side = [0.0] * (dimension + len(ROLE_INPUTS))
    denial[dimension + ROLE_INPUTS.index("negative")] = negative
    side[dimension + ROLE_INPUTS.index("report")] = report
    return ClaimRoles(weights=(tuple(denial), tuple(side)), bias=(0.0, 0.0))


def test_claim_roles_read_the_flags_and_refuse_other_embeddings() -> None:
    probs = _roles(4.0, 4.0).probabilities(CLAIMS, EMB)
    assert probs.shape == (4, 2)
    assert probs[0, 0] > 0.95 and probs[2, 0] == pytest.approx(0.5)  # the denial's side
    assert probs[2, 1] > 0.95 and probs[0, 1] == pytest.approx(0.5)  # the report's
    with pytest.raises(ValueError, match="embeddings of 2 values, got 3"):
        _roles(1.0, 1.0).probabilities(CLAIMS, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="two weight rows"):
        ClaimRoles(weights=((0.0,), (0.0, 1.0)), bias=(0.0, 0.0))  # type: ignore[arg-type]


def test_pair_features_end_with_the_side_features() -> None:
    sides = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]])
    index, plain = pair_features(CLAIMS, EMB, text_length=92)
    same, rows = pair_features(CLAIMS, EMB, text_length=92, sides=sides)
    assert same == index and rows.shape == (len(index), len(FEATURES) + len(ROLE_FEATURES))
    np.testing.assert_array_equal(rows[:, : len(FEATURES)], plain)
    for (i, j), row in zip(index, rows, strict=True):
        assert row[len(FEATURES) :].tolist() == [
            sides[i, 0],
            sides[j, 1],
            pytest.approx(sides[i, 0] * sides[j, 1]),
        ]


def test_a_ranker_with_roles_ranks_by_them_and_round_trips(tmp_path: Path) -> None:
    roles = _roles(6.0, 6.0)
    names = FEATURES + ROLE_FEATURES
    weights = [0.0] * len(names)
    weights[names.index("sides")] = 10.0  # the denial side against the report side first
    with pytest.raises(ValueError, match="refit"):
        PairRanker(tuple(weights), -5.0, threshold=0.5, max_pairs=10, roles=roles)
    ranker = PairRanker(
        tuple(weights), -5.0, threshold=0.5, max_pairs=10, features=names, roles=roles
    )
    vectors = {c.content: EMB[k] for k, c in enumerate(CLAIMS)}
    kept = rank_pairs(CLAIMS, text_length=92, ranker=ranker, encoder=FixedEncoder(vectors))  # type: ignore[arg-type]
    ranked = {(s.span, r.span) for s, r, p in kept if r.span != CARRIED.span}
    assert ranked == {(DENIAL.span, REPORT.span)}  # the only denial-side x report-side pair
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(ranker.to_dict()))
    assert load_ranker(path) == ranker


def test_fitting_script_folds_and_side_columns() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 4))
    y = np.column_stack([x[:, 0] > 0, x[:, 1] + 0.3 * rng.normal(size=300) > 0])
    roles = fit_pair_ranker.fit_roles(x, y, 1.0)
    assert len(roles.weights) == 2 and len(roles.weights[0]) == 4
    assert abs(roles.weights[0][0]) > 5 * abs(roles.weights[0][2])  # learns its own column
    assert abs(roles.weights[1][1]) > 5 * abs(roles.weights[1][3])
    article = fit_pair_ranker.ArticlePairs(
        CLAIMS,
        [(0, 2), (2, 0)],
        np.zeros((2, len(FEATURES))),
        [{0}, set()],
        1,
        EMB,
        np.zeros((4, 2), dtype=bool),
    )
    sided = article.with_sides(np.array([[0.9, 0.1], [0, 0], [0.2, 0.7], [0, 0]]))
    np.testing.assert_allclose(
        sided.features[:, len(FEATURES) :], [[0.9, 0.7, 0.63], [0.2, 0.1, 0.02]]
    )
    folds = fit_pair_ranker.article_folds([article] * 6, 3)
    assert sorted(np.bincount(folds).tolist()) == [2, 2, 2]


def test_diagnostics_tell_each_claim_its_annotated_roles_whatever_the_pair_label() -> None:
    import ranking_diagnostics

    from nli.evaluate import GoldArticle, GoldPair
    from nli.types import Article

    # the denial against the report, labelled neutral: still a statement and a report
    gold = GoldArticle(Article("a", "x" * 92), (GoldPair((0, 38), (40, 69), "neutral"),))
    article = fit_pair_ranker.candidate_pairs(gold, list(CLAIMS), EMB)
    assert article.n_gold == 0 and not article.sides.any()  # no contradiction to take part in
    roles = ranking_diagnostics.annotated_roles(gold, article)
    # DENIAL and the report carried inside it overlap the statement; REPORT the report
    assert roles.tolist() == [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
