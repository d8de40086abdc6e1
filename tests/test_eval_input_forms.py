"""scripts/eval_input_forms.py: gold pairs matched to findings, scored in three input forms."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import eval_input_forms  # noqa: E402

from nli.evaluate import GoldArticle, GoldPair  # noqa: E402
from nli.types import Article  # noqa: E402

TEXT = (
    "The ministry said: we have no troops in the region. "
    "Reuters reported that 300 soldiers had arrived. "
    "Officials said the weather was fine."
)
DENIAL = (0, TEXT.index(" Reuters"))
REPORT = (TEXT.index("Reuters"), TEXT.index(" Officials"))
OTHER = (TEXT.index("Officials"), len(TEXT))


def _finding(statement: tuple[int, int], report: tuple[int, int], calibrated: float) -> dict:
    return {
        "article_id": "a",
        "statement": {"span": list(statement)},
        "report": {"span": list(report)},
        "calibrated": calibrated,
        "normalised": {
            "premise": "300 soldiers had arrived",
            "hypothesis": "troops",
            "polarity": "-",
        },
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


def test_reached_pairs_keeps_matched_gold_pairs_with_both_span_forms() -> None:
    findings = [_finding(DENIAL, REPORT, 0.2), _finding(DENIAL, REPORT, 0.9)]
    pairs = eval_input_forms.reached_pairs(GOLD, findings)
    assert len(pairs) == 1  # the neutral gold pair's statement was never found
    (pair,) = pairs
    assert pair.contradiction and pair.polarity == "-"
    assert pair.finder_statement == TEXT[DENIAL[0] : DENIAL[1]]
    assert pair.gold_statement == "we have no troops in the region."
    assert pair.gold_report == pair.finder_report == TEXT[REPORT[0] : REPORT[1]]
    blanket = _finding(DENIAL, REPORT, 0.9)
    blanket["statement"]["blanket"] = True
    assert len(eval_input_forms.reached_pairs(GOLD, [blanket])) == 1
    assert eval_input_forms.reached_pairs(GOLD, [blanket], skip_blanket=True) == []


def test_form_scores_gives_one_probability_per_pair_and_form(tiny_scorer) -> None:  # type: ignore[no-untyped-def]
    pairs = eval_input_forms.reached_pairs(GOLD, [_finding(DENIAL, REPORT, 0.5)]) * 3
    scores = eval_input_forms.form_scores(tiny_scorer, pairs)
    assert set(scores) == set(eval_input_forms.FORMS)
    for values in scores.values():
        assert values.shape == (3,)
        assert ((values >= 0) & (values <= 1)).all()
    assert scores["pipeline"][0] == scores["pipeline"][2]  # the same pair scores the same
