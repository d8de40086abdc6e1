"""Tests for nli.model: label mapping, loading safety, batching, windows, precision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nli.model import ContradictionScorer, resolve_label_order, resolve_model_path
from nli.tiny import build_tiny_model

PAIRS = [
    ("Hundreds of troops arrived in the city on Sunday.", "We have no troops there."),
    ("The company reported a loss.", "Profits rose."),
    ("a", "b"),
    ("Officials said the ministry denied the report about the army " * 5, "No troops."),
    ("Witnesses said police had fired.", "Police did not fire."),
]


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "contradiction", 1: "neutral", 2: "entailment"}, [0, 1, 2]),  # canonical
        ({0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}, [2, 1, 0]),  # roberta-mnli style
        ({"0": "entailment", "1": "contradiction", "2": "Neutral"}, [1, 2, 0]),  # string keys
    ],
)
def test_resolve_label_order_maps_any_order_and_case(id2label, expected):
    assert resolve_label_order(id2label) == expected


@pytest.mark.parametrize(
    "id2label",
    [
        {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"},  # unnamed labels cannot be mapped
        {0: "positive", 1: "negative"},  # not an NLI head
        {0: "contradiction", 1: "contradiction", 2: "entailment"},  # duplicate
    ],
)
def test_resolve_label_order_rejects_unmappable_labels(id2label):
    with pytest.raises(ValueError, match="id2label"):
        resolve_label_order(id2label)


def test_scorer_uses_config_label_order(tmp_path: Path):
    canonical = build_tiny_model(tmp_path / "a", seed=3)
    reordered = build_tiny_model(
        tmp_path / "b", seed=3, id2label={0: "contradiction", 1: "neutral", 2: "entailment"}
    )
    # Permute the head of model b so its rows are entailment/contradiction/neutral.
    from safetensors.torch import load_file, save_file

    weights = load_file(reordered / "model.safetensors")
    perm = [2, 0, 1]
    weights["classifier.weight"] = weights["classifier.weight"][perm].contiguous()
    weights["classifier.bias"] = weights["classifier.bias"][perm].contiguous()
    save_file(weights, reordered / "model.safetensors", metadata={"format": "pt"})
    config = json.loads((reordered / "config.json").read_text())
    config["id2label"] = {"0": "ENTAILMENT", "1": "CONTRADICTION", "2": "NEUTRAL"}
    config["label2id"] = {v: int(k) for k, v in config["id2label"].items()}
    (reordered / "config.json").write_text(json.dumps(config))

    a = ContradictionScorer(canonical, precision="fp32").predict(PAIRS)
    b = ContradictionScorer(reordered, precision="fp32").predict(PAIRS)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_pickle_only_model_directory_is_refused(tiny_model_dir: Path, tmp_path: Path):
    target = tmp_path / "pickled"
    shutil.copytree(tiny_model_dir, target)
    (target / "model.safetensors").rename(target / "pytorch_model.bin")
    with pytest.raises(ValueError, match="safetensors"):
        ContradictionScorer(target)


def test_missing_model_directory_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="not found"):
        resolve_model_path(tmp_path / "nope")


def test_a_mistyped_model_name_fails_at_once_and_a_hub_id_passes_through(tmp_path: Path):
    # "defualt" is no directory and no owner/name hub id: a clear error, no hub retries
    with pytest.raises(FileNotFoundError, match="unknown model 'defualt'"):
        resolve_model_path("defualt")
    assert resolve_model_path("cross-encoder/nli-MiniLM2-L6-H768") == (
        "cross-encoder/nli-MiniLM2-L6-H768"
    )


def test_predict_returns_probabilities_in_label_order(tiny_scorer):
    probs = tiny_scorer.predict(PAIRS)
    assert probs.shape == (len(PAIRS), 3)
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_predict_empty_input_gives_empty_array(tiny_scorer):
    assert tiny_scorer.predict([]).shape == (0, 3)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 64])
def test_predict_is_invariant_to_batch_size(tiny_scorer, batch_size):
    reference = tiny_scorer.predict(PAIRS, batch_size=len(PAIRS))
    np.testing.assert_allclose(
        tiny_scorer.predict(PAIRS, batch_size=batch_size), reference, atol=1e-5
    )


def test_predict_is_invariant_to_input_order(tiny_scorer):
    reference = tiny_scorer.predict(PAIRS, batch_size=2)
    order = [3, 0, 4, 2, 1]
    shuffled = tiny_scorer.predict([PAIRS[i] for i in order], batch_size=2)
    np.testing.assert_allclose(shuffled, reference[order], atol=1e-5)


def test_bf16_agrees_with_fp32_within_tolerance(tiny_model_dir: Path):
    fp32 = ContradictionScorer(tiny_model_dir, precision="fp32").predict(PAIRS)
    bf16_scorer = ContradictionScorer(tiny_model_dir, precision="bf16")
    assert bf16_scorer.precision == "bf16"
    np.testing.assert_allclose(bf16_scorer.predict(PAIRS), fp32, atol=0.05)


def test_long_premise_is_split_into_covering_windows(tiny_scorer):
    premise = " ".join(f"troops{i} arrived." for i in range(300))
    windows = tiny_scorer.premise_windows(premise, "We have no troops.")
    assert len(windows) > 1
    assert windows[0].startswith("troops0 ")
    assert windows[-1].endswith("troops299 arrived.")
    for window in windows:
        assert window in premise


def test_short_premise_is_one_window(tiny_scorer):
    assert tiny_scorer.premise_windows("Troops arrived.", "No troops.") == ["Troops arrived."]


def test_score_pairs_reports_window_and_direction(tiny_scorer):
    long_report = " ".join(["The army said troops arrived in the city."] * 80)
    scores = tiny_scorer.score_pairs(
        ["No troops.", "We sent none."], [long_report, "Troops came."], both_directions=True
    )
    assert scores[0].n_windows > 1
    assert 0 <= scores[0].window < scores[0].n_windows
    assert scores[1].n_windows == 1
    assert all(s.direction in ("report->statement", "statement->report") for s in scores)
    for s in scores:
        assert s.score == pytest.approx(s.probs.contradiction)


def test_score_pairs_keeps_the_higher_direction(tiny_scorer):
    statement, report = "We have no troops there.", "Hundreds of troops arrived."
    both = tiny_scorer.score_pairs([statement], [report], both_directions=True)[0]
    forward = tiny_scorer.predict([(report, statement)])[0, 0]
    backward = tiny_scorer.predict([(statement, report)])[0, 0]
    assert both.score == pytest.approx(max(forward, backward), abs=1e-6)
    one_way = tiny_scorer.score_pairs([statement], [report])[0]  # one way is the default
    assert one_way.direction == "report->statement"
    assert one_way.score == pytest.approx(forward, abs=1e-6)


def test_score_pairs_rejects_misaligned_inputs(tiny_scorer):
    with pytest.raises(ValueError, match="differ in length"):
        tiny_scorer.score_pairs(["a", "b"], ["c"])


def test_invalid_precision_is_rejected(tiny_model_dir: Path):
    with pytest.raises(ValueError, match="precision"):
        ContradictionScorer(tiny_model_dir, precision="fp8")  # type: ignore[arg-type]


def test_score_pairs_entailment_target_scores_entailment_one_way(tiny_scorer):
    statement, report = "Iran sent troops to Syria.", "Hundreds of Iranian troops arrived."
    (scored,) = tiny_scorer.score_pairs([statement], [report], targets=["entailment"])
    assert scored.direction == "report->statement"
    assert scored.score == pytest.approx(tiny_scorer.predict([(report, statement)])[0, 2], abs=1e-6)
    assert scored.score == pytest.approx(scored.probs.entailment)


def test_score_pairs_sends_each_distinct_sentence_pair_to_the_model_once(tiny_scorer, monkeypatch):
    statements = ["We have no troops there.", "We have no troops there.", "Prices rose."]
    reports = ["Troops arrived on Sunday.", "Troops arrived on Sunday.", "Troops arrived."]
    both = {"both_directions": True, "show_progress_bar": False}
    expected = tiny_scorer.score_pairs(statements[1:], reports[1:], **both)
    seen: list[int] = []
    predict = tiny_scorer.predict

    def counting(pairs, **kwargs):
        seen.append(len(pairs))
        return predict(pairs, **kwargs)

    monkeypatch.setattr(tiny_scorer, "predict", counting)
    got = tiny_scorer.score_pairs(statements, reports, **both)
    assert seen == [4]  # 2 distinct pairs x 2 directions, not 6
    assert got[0] == got[1] == expected[0]
    assert got[2] == expected[1]
