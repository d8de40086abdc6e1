"""scripts/eval_input_forms.py: gold pairs matched to findings, scored in three input forms."""

from __future__ import annotations

import eval_input_forms

from nli.evaluate import GoldArticle, GoldPair
from nli.types import Article

TEXT = (
    "The ministry said: we have no troops in the region. "
    "Reuters reported that 300 soldiers had arrived. "
    "Officials said the weather was fine."
)
DENIAL = (0, TEXT.index(" Reuters"))
REPORT = (TEXT.index("Reuters"), TEXT.index(" Officials"))
OTHER = (TEXT.index("Officials"), len(TEXT))
PREMISE = "300 soldiers had arrived"


def _finding(
    calibrated: float, premise: str = PREMISE, polarity: str = "-", blanket: bool = False
) -> dict:
    return {
        "article_id": "a",
        "statement": {"span": list(DENIAL), "blanket": blanket},
        "report": {"span": list(REPORT)},
        "calibrated": calibrated,
        "normalised": {"premise": premise, "hypothesis": "troops", "polarity": polarity},
    }


GOLD = [
    GoldArticle(
        Article(id="a", text=TEXT),
        (
            GoldPair((DENIAL[0] + 19, DENIAL[1]), REPORT, "contradiction"),
            GoldPair(OTHER, REPORT, "neutral"),
        ),
    )
]


def test_reached_pairs_keeps_the_best_matching_finding_and_both_span_forms() -> None:
    findings = [_finding(0.2, "low"), _finding(0.9, "high"), _finding(0.5, "middle")]
    pairs = eval_input_forms.reached_pairs(GOLD, findings)
    assert len(pairs) == 1  # the neutral gold pair's statement was never found
    (pair,) = pairs
    assert pair.premise == "high"  # the best-scored matching finding's inputs
    assert pair.contradiction and pair.polarity == "-"
    assert pair.finder_statement == TEXT[DENIAL[0] : DENIAL[1]]
    assert pair.gold_statement == "we have no troops in the region."
    assert pair.gold_report == pair.finder_report == TEXT[REPORT[0] : REPORT[1]]
    blanket = [_finding(0.9, blanket=True)]
    assert len(eval_input_forms.reached_pairs(GOLD, blanket)) == 1
    assert eval_input_forms.reached_pairs(GOLD, blanket, skip_blanket=True) == []


def test_form_scores_reads_the_target_of_each_polarity(tiny_scorer) -> None:  # type: ignore[no-untyped-def]
    denial = eval_input_forms.reached_pairs(GOLD, [_finding(0.5)])[0]
    assertion = eval_input_forms.reached_pairs(GOLD, [_finding(0.5, polarity="+")])[0]
    scores = eval_input_forms.form_scores(tiny_scorer, [denial, assertion])
    assert set(scores) == set(eval_input_forms.FORMS)
    for values in scores.values():
        assert values.shape == (2,)
        assert ((values >= 0) & (values <= 1)).all()
    (denied,) = tiny_scorer.score_pairs(["troops"], [PREMISE], targets=["entailment"])
    (asserted,) = tiny_scorer.score_pairs(["troops"], [PREMISE])
    assert scores["pipeline"][0] == tiny_scorer.calibrate(denied.probs).entailment
    assert scores["pipeline"][1] == tiny_scorer.calibrate(asserted.probs).contradiction
    assert scores["gold spans"][0] == scores["gold spans"][1]  # the span forms ignore polarity
