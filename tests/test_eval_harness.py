"""Tests for the evaluation harness of models v2: scripts/training/eval_fnc1_holdout.py and
eval_model.py (hold-out pairs, sampling, the grouped bootstrap, real-news pairs, scoring)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, cast

# eval_model and eval_fnc1_holdout: scripts/training, on the tests' path (pyproject.toml)
import eval_model
import numpy as np
import pytest
from eval_fnc1_holdout import (
    discuss_breakdown,
    evaluate_holdout,
    grouped_bootstrap,
    holdout_records,
    sample_records,
    score_labelled_pairs,
)
from eval_model import card_row, real_pair_records
from fnc1_holdout import heldout_ids

from nli.config import ScoringConfig
from nli.types import PairRecord

BODIES = {str(i): f"Body {i}: troops arrived in the city, officials said." for i in range(1, 11)}
STANCES = [
    {"Headline": f"Headline {b} {stance}", "Body ID": b, "Stance": stance}
    for b in BODIES
    for stance in ("agree", "disagree", "discuss", "unrelated")
]


def test_holdout_records_keep_only_heldout_agree_and_disagree_rows() -> None:
    held = heldout_ids(BODIES)
    records = holdout_records(BODIES, STANCES)
    assert {r.extra["body_id"] for r in records} == held
    assert len(held) == 2  # 20 % of 10 bodies
    assert sorted(r.extra["stance"] for r in records) == ["agree", "agree", "disagree", "disagree"]


def test_holdout_records_put_the_headline_as_statement_and_the_body_as_report() -> None:
    for record in holdout_records(BODIES, STANCES):
        body = record.extra["body_id"]
        assert record.statement == f"Headline {body} {record.extra['stance']}"
        assert record.report == BODIES[body]
        assert (
            record.label
            == {"disagree": "contradiction", "agree": "entailment"}[record.extra["stance"]]
        )


def test_holdout_record_ids_name_the_stance_row_and_repeat_across_runs() -> None:
    first = holdout_records(BODIES, STANCES)
    assert [r.id for r in first] == [r.id for r in holdout_records(BODIES, STANCES)]
    for record in first:
        row = STANCES[int(record.id.removeprefix("fnc1-"))]
        assert row["Body ID"] == record.extra["body_id"]


def test_holdout_records_add_discuss_rows_when_asked() -> None:
    records = holdout_records(BODIES, STANCES, keep=("agree", "disagree", "discuss"))
    discuss = [r for r in records if r.extra["stance"] == "discuss"]
    assert len(discuss) == 2 and all(r.label == "neutral" for r in discuss)


def test_holdout_records_refuse_unrelated_rows() -> None:
    with pytest.raises(ValueError, match="unrelated"):
        holdout_records(BODIES, STANCES, keep=("agree", "unrelated"))


def test_sample_records_is_seeded_and_keeps_file_order() -> None:
    rows = [PairRecord(str(i), "s", "r") for i in range(50)]
    ids = [int(r.id) for r in sample_records(rows, 10, seed=3)]
    assert ids == sorted(ids) and len(ids) == 10
    assert ids == [int(r.id) for r in sample_records(rows, 10, seed=3)]
    assert len(sample_records(rows, 500, seed=3)) == 50


def test_grouped_bootstrap_of_a_perfect_ranking_is_one() -> None:
    ci = grouped_bootstrap(
        [True, True, False, False, False],
        [0.9, 0.8, 0.3, 0.2, 0.1],
        predicted=[True, True, False, False, False],
        groups=["a", "b", "a", "c", "b"],
        n_resamples=200,
    )
    assert ci["roc_auc"] == (1.0, 1.0)
    assert ci["f1"] == (1.0, 1.0)


def test_grouped_bootstrap_is_seeded_and_brackets_the_auc() -> None:
    rng = np.random.default_rng(0)
    positive = rng.random(200) < 0.3
    scores = positive * 0.5 + rng.random(200)
    groups = np.arange(200) // 4
    one = grouped_bootstrap(positive, scores, groups=groups, n_resamples=300, seed=5)
    assert one == grouped_bootstrap(positive, scores, groups=groups, n_resamples=300, seed=5)
    from sklearn.metrics import roc_auc_score

    low, high = one["roc_auc"]
    assert low < roc_auc_score(positive, scores) < high
    assert "f1" not in one  # no decisions given


def test_grouped_bootstrap_with_one_class_has_no_auc() -> None:
    ci = grouped_bootstrap([True, True], [0.2, 0.3], n_resamples=20)
    assert all(math.isnan(x) for x in ci["roc_auc"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"positive": [True, False], "scores": [0.1]},  # lengths differ
        {"positive": [True, False], "scores": [0.1, 0.2], "groups": ["a"]},  # groups too short
        {"positive": [], "scores": []},  # empty
        {"positive": [True, False], "scores": [0.1, 0.2], "n_resamples": 0},  # no resamples
    ],
)
def test_grouped_bootstrap_rejects_bad_input(kwargs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        grouped_bootstrap(**kwargs)


def test_discuss_breakdown_without_discuss_rows_gives_nan() -> None:
    rows = [
        {"stance": "disagree", "score": 0.9, "neutral": 0.1},
        {"stance": "agree", "score": 0.2, "neutral": 0.3},
    ]
    out = discuss_breakdown(rows)
    assert math.isnan(out["roc_auc_disagree_vs_discuss"])
    assert out["roc_auc_disagree_vs_rest"] == 1.0
    assert out["counts"] == {"disagree": 1, "agree": 1, "discuss": 0}


def test_real_pair_records_take_statement_and_report_from_the_spans(tmp_path: Path) -> None:
    text = "The ministry denied sending troops. Hundreds of troops arrived, witnesses said."
    row = {
        "id": "a1",
        "text": text,
        "statements": [{"span": [0, 35]}],
        "reports": [{"span": [36, 62]}],
        "pairs": [{"statement": 0, "report": 0, "label": "contradiction"}],
    }
    path = tmp_path / "half.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (record,) = real_pair_records(path)
    assert record.statement == "The ministry denied sending troops."
    assert record.report == "Hundreds of troops arrived"
    assert record.label == "contradiction"
    assert record.extra == {"article_id": "a1"} and record.id == "a1/0"


def test_real_pairs_measure_only_the_dev_half_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Officials said no troops were sent. Reporters saw troops arrive."
    for half in ("dev", "test"):
        article = {
            "id": f"{half}-1",
            "text": text,
            "statements": [{"span": [0, 35], "text": text[:35]}],
            "reports": [{"span": [36, 64], "text": text[36:]}],
            "pairs": [{"statement": 0, "report": 0, "label": "contradiction"}],
        }
        (tmp_path / f"{half}.jsonl").write_text(json.dumps(article) + "\n")
    measured: list[str] = []

    def fake_score(scorer, records, config, **kwargs):  # type: ignore[no-untyped-def]
        measured.extend(r.extra["article_id"] for r in records)
        return {"n": len(records)}, []

    monkeypatch.setattr(eval_model, "score_labelled_pairs", fake_score)
    config, no_model = ScoringConfig(), cast(Any, None)  # the model is never called
    default = eval_model.evaluate_real_pairs(no_model, config, real_dir=tmp_path)
    assert list(default) == ["dev"] and measured == ["dev-1"]
    both = eval_model.evaluate_real_pairs(
        no_model, config, halves=("dev", "test"), real_dir=tmp_path
    )
    assert list(both) == ["dev", "test"] and measured == ["dev-1", "dev-1", "test-1"]
    with pytest.raises(ValueError, match="unknown halves"):
        eval_model.evaluate_real_pairs(no_model, config, halves=("train",), real_dir=tmp_path)


def test_scored_pairs_equal_nli_pairs_scores_with_windows(tiny_scorer) -> None:  # type: ignore[no-untyped-def]
    long_body = " ".join(f"troops{i} arrived." for i in range(300))
    disagree = {"body_id": "b1", "stance": "disagree"}
    agree = {"body_id": "b2", "stance": "agree"}
    records = [
        PairRecord("1", "We have no troops.", long_body, "contradiction", disagree),
        PairRecord("2", "Troops arrived.", "Hundreds of troops arrived.", "entailment", agree),
        PairRecord("3", "No troops.", "The police said people arrived.", "entailment", agree),
    ]
    config = ScoringConfig(model="tiny", batch_size=8)
    metrics, rows = score_labelled_pairs(
        tiny_scorer, records, config, group_field="body_id", n_resamples=50
    )
    direct = tiny_scorer.score_pairs(
        [r.statement for r in records], [r.report for r in records], show_progress_bar=False
    )
    assert [row["score_raw"] for row in rows] == pytest.approx([s.score for s in direct], abs=1e-6)
    assert rows[0]["n_windows"] > 1 and rows[1]["n_windows"] == 1
    assert (metrics["n"], metrics["n_positive"], metrics["n_negative"], metrics["n_groups"]) == (
        3,
        1,
        2,
        2,
    )
    assert 0.0 <= metrics["roc_auc"] <= 1.0 and len(metrics["roc_auc_ci"]) == 2


def test_evaluate_holdout_scores_agree_and_disagree_and_breaks_down_discuss(
    tiny_scorer,
    tiny_model_dir,  # type: ignore[no-untyped-def]
) -> None:
    records = holdout_records(BODIES, STANCES, keep=("agree", "disagree", "discuss"))
    config = ScoringConfig(model=str(tiny_model_dir), batch_size=8)
    result = evaluate_holdout(tiny_scorer, records, config, n_resamples=20)
    assert result["metrics"]["n"] == 4  # the discuss rows are not in the headline number
    assert result["discuss"]["counts"] == {"disagree": 2, "agree": 2, "discuss": 2}
    assert result["contaminated"] is None  # a model other than the v0.1 one
    row = card_row({"fnc1_holdout": result})
    assert row["fnc1_holdout_roc_auc"] == result["metrics"]["roc_auc"] and row["mnli_m"] is None
