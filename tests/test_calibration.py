"""Tests for temperature scaling, the fitted threshold, calibration.json and ``nli calibrate``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from nli.calibration import (
    CALIBRATION_FILE,
    Calibration,
    apply_temperature,
    fit_calibration,
    fit_temperature,
    fit_threshold,
    read_calibration,
    write_calibration,
)
from nli.cli import app
from nli.config import ArticleConfig, ScoringConfig
from nli.evaluate import expected_calibration_error, top_label_confidence
from nli.model import ContradictionScorer
from nli.pair_jobs import run_eval
from nli.runs import run_score
from nli.types import LABELS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEV, TEST = FIXTURES / "pairs_dev.jsonl", FIXTURES / "pairs_test.jsonl"
runner = CliRunner()


def _softmax(logits: np.ndarray) -> np.ndarray:
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def _overconfident_case(n: int, seed: int, sharpness: float = 3.0):
    """Labels drawn from softmax(z); the "model" reports softmax(sharpness * z)."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, 3, size=n)
    logits = rng.normal(0.0, 1.0, size=(n, 3))
    logits[np.arange(n), gold] += 1.5
    truth = _softmax(logits)
    labels = [LABELS[rng.choice(3, p=row)] for row in truth]
    return _softmax(sharpness * logits), labels


@pytest.fixture()
def model_copy(tmp_path: Path, tiny_model_dir: Path) -> Path:
    """A private copy of the tiny model, so a calibration.json never leaks between tests."""
    return Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))


def _calibration(temperature: float = 2.0, threshold: float | None = 0.4) -> Calibration:
    return Calibration(
        temperature=temperature,
        threshold=threshold,
        fitted_on={"file": "dev.jsonl", "sha256": "0" * 64},
        n=10,
        ece_before=0.2,
        ece_after=0.1,
        nll_before=1.0,
        nll_after=0.9,
        f1_at_threshold=0.5,
        created="2026-01-01T00:00:00+00:00",
    )


# --------------------------------------------------------------------------- temperature


def test_apply_temperature_equals_softmax_of_scaled_logits():
    logits = np.random.default_rng(0).normal(size=(20, 3)) * 4
    probs = _softmax(logits)
    for temperature in (0.5, 1.0, 2.5):
        np.testing.assert_allclose(
            apply_temperature(probs, temperature), _softmax(logits / temperature), atol=1e-12
        )


def test_apply_temperature_keeps_argmax_and_handles_zero_probabilities():
    probs = np.array([[1.0, 0.0, 0.0], [0.2, 0.5, 0.3]], dtype=np.float32)
    scaled = apply_temperature(probs, 4.0)
    assert np.all(np.isfinite(scaled))
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    assert scaled.argmax(axis=1).tolist() == [0, 1]
    assert scaled[1].max() < 0.5  # softer


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_apply_temperature_rejects_bad_values(temperature):
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature(np.array([[0.5, 0.25, 0.25]]), temperature)


def test_temperature_scaling_lowers_ece_on_a_miscalibrated_example():
    dev_probs, dev_labels = _overconfident_case(1500, seed=1)
    test_probs, test_labels = _overconfident_case(1500, seed=2)
    temperature = fit_temperature(dev_probs, dev_labels)
    # The "model" multiplied the true logits by 3, so T should come out near 3.
    assert temperature == pytest.approx(3.0, rel=0.15)
    before = expected_calibration_error(*top_label_confidence(test_probs, test_labels))
    after = expected_calibration_error(
        *top_label_confidence(apply_temperature(test_probs, temperature), test_labels)
    )
    # Measured when written: T = 3.06; ECE 0.185 before, 0.026 after on the held-out half.
    assert before > 0.15
    assert after < before / 3


def test_temperature_above_one_is_not_fitted_for_an_underconfident_model():
    probs, labels = _overconfident_case(1500, seed=3, sharpness=0.4)
    assert fit_temperature(probs, labels) < 0.6


# --------------------------------------------------------------------------- threshold


def test_fit_threshold_maximises_f1_over_all_cut_offs():
    rng = np.random.default_rng(5)
    positives = rng.random(200) < 0.4
    scores = np.clip(rng.normal(0.35 + 0.25 * positives, 0.2), 0, 1)
    threshold = fit_threshold(scores, positives)
    best = max(f1_score(positives, scores >= cut) for cut in np.unique(scores))
    assert f1_score(positives, scores >= threshold) == pytest.approx(best)
    assert 0.0 < threshold < 1.0


def test_fit_threshold_needs_a_positive():
    with pytest.raises(ValueError, match="no gold contradictions"):
        fit_threshold([0.2, 0.3], [False, False])


def test_fit_calibration_records_the_dev_file_and_improvement(tmp_path: Path):
    probs, labels = _overconfident_case(600, seed=4)
    dev = tmp_path / "dev.jsonl"
    dev.write_text("anything\n")
    calibration = fit_calibration(probs, labels, fitted_on=dev)
    assert calibration.fitted_on == {
        "file": "dev.jsonl",
        "sha256": hashlib.sha256(b"anything\n").hexdigest(),
    }
    assert calibration.n == 600
    assert calibration.ece_after < calibration.ece_before
    assert calibration.nll_after < calibration.nll_before
    assert calibration.threshold is not None and 0 < calibration.threshold < 1


# --------------------------------------------------------------------------- calibration.json


def test_calibration_file_round_trips(tmp_path: Path):
    path = write_calibration(tmp_path, _calibration())
    assert path == tmp_path / CALIBRATION_FILE
    assert read_calibration(tmp_path) == _calibration()


def test_no_calibration_file_means_none(tmp_path: Path):
    assert read_calibration(tmp_path) is None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",  # malformed
        json.dumps({"threshold": 0.5}),  # no temperature
        json.dumps({"temperature": -1.0}),  # impossible temperature
        json.dumps({"temperature": 1.0, "threshold": 1.5}),  # threshold outside [0, 1]
    ],
)
def test_invalid_calibration_file_is_refused(tmp_path: Path, content: str):
    (tmp_path / CALIBRATION_FILE).write_text(content)
    with pytest.raises(ValueError, match="calibration"):
        read_calibration(tmp_path)


# --------------------------------------------------------------------------- scorer


def test_scorer_without_calibration_returns_raw_scores(tiny_scorer):
    probs = np.array([[0.7, 0.2, 0.1]], dtype=np.float32)
    assert tiny_scorer.calibration is None
    assert tiny_scorer.decision_threshold is None
    np.testing.assert_allclose(tiny_scorer.calibrated_probs(probs), probs)


def test_scorer_applies_calibration_from_the_model_directory(model_copy: Path):
    write_calibration(model_copy, _calibration(temperature=2.0, threshold=0.4))
    scorer = ContradictionScorer(model_copy, precision="fp32")
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])
    np.testing.assert_allclose(scorer.calibrated_probs(probs), apply_temperature(probs, 2.0))
    assert scorer.decision_threshold == 0.4
    (scored,) = scorer.score_pairs(["We have no troops."], ["Troops arrived."])
    expected = apply_temperature(np.array([list(scored.probs.as_dict().values())]), 2.0)
    assert scorer.calibrated_score(scored.probs) == pytest.approx(expected[0, 0])
    assert scorer.calibrated_score(scored.probs, "entailment") == pytest.approx(expected[0, 2])


def test_eval_uses_the_calibrated_threshold_unless_one_is_given(model_copy: Path):
    write_calibration(model_copy, _calibration(temperature=0.5, threshold=0.3))
    config = ScoringConfig(model=str(model_copy), precision="fp32")
    result = run_eval(TEST, config, n_resamples=0)
    assert (result.threshold, result.temperature) == (0.3, 0.5)
    override = run_eval(
        TEST, ScoringConfig(model=str(model_copy), precision="fp32", threshold=0.9), n_resamples=0
    )
    assert override.threshold == 0.9
    predicted_contradictions = sum(row[0] for row in result.confusion)
    assert predicted_contradictions == int(np.sum(result.probs[:, 0] >= 0.3))


def test_a_given_threshold_without_calibration_file_is_not_calibration(
    tiny_scorer, tiny_model_dir: Path
):
    config = ScoringConfig(model=str(tiny_model_dir), threshold=0.5)
    result = run_eval(TEST, config, scorer=tiny_scorer, n_resamples=0)
    assert (result.threshold, result.temperature, result.calibrated) == (0.5, 1.0, False)
    assert result.metrics["ece"] == result.metrics["ece_raw"]


def test_findings_carry_the_calibrated_score(tmp_path: Path, model_copy: Path):
    write_calibration(model_copy, _calibration(temperature=3.0, threshold=0.4))
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        'The ministry denied that troops had crossed the border. "We have no troops there," '
        "the minister said. Witnesses told Reuters that hundreds of troops crossed the border "
        "on Sunday.",
        encoding="utf-8",
    )
    out = tmp_path / "findings.jsonl"
    config = ArticleConfig(scoring=ScoringConfig(model=str(model_copy), precision="fp32"))
    run_score(articles, out, config)
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    assert findings
    for finding in findings:
        probs = np.array([[finding["probs"][label] for label in LABELS]])
        column = 2 if finding["normalised"]["polarity"] == "-" else 0
        assert finding["calibrated"] == pytest.approx(apply_temperature(probs, 3.0)[0, column])
        assert finding["calibrated"] != pytest.approx(finding["score"])


# --------------------------------------------------------------------------- nli calibrate


def test_calibrate_writes_calibration_json_fitted_on_dev(model_copy: Path):
    result = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy)])
    assert result.exit_code == 0, result.output
    assert "ECE" in result.stdout
    stored = json.loads((model_copy / CALIBRATION_FILE).read_text())
    assert set(stored) >= {"temperature", "threshold", "fitted_on", "n", "ece_before"}
    assert set(stored) >= {"ece_after", "created"}
    assert stored["fitted_on"] == {
        "file": "pairs_dev.jsonl",
        "sha256": hashlib.sha256(DEV.read_bytes()).hexdigest(),
    }
    assert stored["n"] == len(DEV.read_text().splitlines())
    assert stored["ece_after"] <= stored["ece_before"] + 1e-9  # NLL fit on the same data
    evaluated = runner.invoke(
        app, ["eval", str(TEST), "-m", str(model_copy), "--json", "--bootstrap", "0"]
    )
    metrics = json.loads(evaluated.stdout)
    assert metrics["calibrated"] is True
    assert metrics["temperature"] == pytest.approx(stored["temperature"])
    assert metrics["threshold"] == pytest.approx(stored["threshold"])


def test_calibrate_refuses_to_overwrite_without_force(model_copy: Path):
    write_calibration(model_copy, _calibration())
    refused = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy)])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert read_calibration(model_copy) == _calibration()
    forced = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert read_calibration(model_copy) != _calibration()


def test_calibrate_force_replaces_a_broken_calibration_file(model_copy: Path):
    (model_copy / "calibration.json").write_text("{not json", encoding="utf-8")
    scoring = runner.invoke(app, ["eval", str(DEV), "-m", str(model_copy), "--bootstrap", "0"])
    assert scoring.exit_code == 2 and "not a valid calibration file" in scoring.output
    forced = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert read_calibration(model_copy) is not None


def test_recalibrating_fits_the_raw_scores(model_copy: Path):
    first = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy)])
    assert first.exit_code == 0, first.output
    temperature = read_calibration(model_copy).temperature  # type: ignore[union-attr]
    again = runner.invoke(app, ["calibrate", str(DEV), "-m", str(model_copy), "--force"])
    assert again.exit_code == 0, again.output
    assert read_calibration(model_copy).temperature == pytest.approx(temperature)  # type: ignore[union-attr]


def test_calibrate_needs_a_local_model_directory():
    result = runner.invoke(app, ["calibrate", str(DEV), "-m", "someone/hub-model"])
    assert result.exit_code == 2
    assert "local model directory" in result.output
