"""The shipped default model: it loads offline and beats chance on the fixture test split."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score, roc_auc_score

from nli.model import DEFAULT_MODEL_DIR, ContradictionScorer
from nli.tiny import build_tiny_model
from nli.types import LABELS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# A constant or random model gets a contradiction ROC-AUC near 0.5 and a macro-F1 near 0.2
# (one class) or 0.33 (uniform guessing); the shipped model measures about 0.73 and 0.5.
MIN_AUC = 0.65
MIN_MACRO_F1 = 0.42


def _test_split() -> tuple[list[tuple[str, str]], list[str]]:
    rows = [json.loads(line) for line in (FIXTURES / "pairs_test.jsonl").read_text().splitlines()]
    return [(r["report"], r["statement"]) for r in rows], [r["label"] for r in rows]


def _quality(scorer: ContradictionScorer) -> tuple[float, float]:
    pairs, gold = _test_split()
    probs = scorer.predict(pairs, show_progress_bar=False)
    pred = [LABELS[i] for i in probs.argmax(axis=1)]
    y_true = np.array([g == "contradiction" for g in gold])
    auc = float(roc_auc_score(y_true, probs[:, LABELS.index("contradiction")]))
    macro = float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0))
    return auc, macro


def test_default_model_is_shipped_in_safetensors_with_nli_labels() -> None:
    config = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())
    assert sorted(config["id2label"].values()) == sorted(LABELS)
    assert (DEFAULT_MODEL_DIR / "model.safetensors").stat().st_size < 50 * 2**20
    assert not list(DEFAULT_MODEL_DIR.glob("*.bin"))
    assert (DEFAULT_MODEL_DIR / "MODEL_CARD.md").exists()


def test_default_model_beats_chance_on_fixture_test_split() -> None:
    auc, macro = _quality(ContradictionScorer("default"))
    assert auc >= MIN_AUC, f"contradiction ROC-AUC {auc:.3f} < {MIN_AUC}"
    assert macro >= MIN_MACRO_F1, f"macro-F1 {macro:.3f} < {MIN_MACRO_F1}"


def test_random_model_fails_the_same_thresholds(tmp_path: Path) -> None:
    auc, macro = _quality(ContradictionScorer(build_tiny_model(tmp_path / "tiny")))
    assert auc < MIN_AUC or macro < MIN_MACRO_F1


@pytest.mark.parametrize(
    ("report", "statement", "expected"),
    [
        (
            "Lebanese sources told Reuters that hundreds of Iranian troops had arrived in Syria.",
            "We have no fighting troops in Syria.",
            "contradiction",
        ),
    ],
)
def test_default_model_reads_the_motivating_example(
    report: str, statement: str, expected: str
) -> None:
    probs = ContradictionScorer("default").predict([(report, statement)], show_progress_bar=False)
    assert LABELS[int(probs[0].argmax())] == expected


# The CI quality gate: a regression of the shipped model (or of its calibration) below
# these fails the build. Measured: contradiction F1 0.68 and ROC-AUC 0.75 (calibrated).
GATE_MIN_F1, GATE_MIN_AUC = 0.62, 0.70


def test_ci_gate_passes_with_the_calibrated_default_model() -> None:
    from typer.testing import CliRunner

    from nli.cli import app

    args = ["eval", str(FIXTURES / "pairs_test.jsonl"), "--model", "default", "--json"]
    result = CliRunner().invoke(
        app,
        [*args, "--bootstrap", "0", "--min-f1", str(GATE_MIN_F1), "--min-auc", str(GATE_MIN_AUC)],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["calibrated"] is True  # the model ships calibration.json
    assert metrics["ece"] < metrics["ece_raw"]  # calibration lowers the test ECE


def test_default_model_ships_a_calibration_fitted_on_the_dev_split() -> None:
    from nli.calibration import read_calibration
    from nli.io import sha256_file

    calibration = read_calibration(DEFAULT_MODEL_DIR)
    assert calibration is not None
    assert calibration.fitted_on == {
        "file": "calibration_dev.jsonl",
        "sha256": sha256_file(FIXTURES / "calibration_dev.jsonl"),
    }


EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples"
EXAMPLE_FILE = "newsweek-2015-iran-syria-denial.txt"


def test_example_article_ranks_the_troops_denial_against_the_reuters_report_first(
    tmp_path: Path,
) -> None:
    from nli.config import ArticleConfig
    from nli.runs import run_score

    out = tmp_path / "findings.jsonl"
    run_score(EXAMPLE / EXAMPLE_FILE, out, ArticleConfig())
    findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The deputy minister denies troops twice: in his own words ("we have no fighting troops
    # deployed in Syria") and in the reporter's ("denied that Iranian combat troops were on the
    # ground in Syria"). The top finding is one of the two against the Reuters report (v0.2 and
    # v0.4 put the reported one first, v0.1 the quote), and both are flagged among the first
    # five (up to v0.3 among the first three; v0.4 ranks the reported denial against the
    # headline "Iran Sending More Military Advisers", against "Iran is deploying more military
    # advisers" and against the Soleimani sentence above the quoted denial, which comes fifth).
    troops = ("no fighting troops", "Iranian combat troops were on the ground")

    def is_troops_pair(finding: dict) -> bool:
        return (
            any(words in finding["statement"]["content"] for words in troops)
            and finding["statement"]["speaker_entity"] == "Hossein Amir-Abdollahian"
            and "hundreds of troops had arrived" in finding["report"]["content"]
            and finding["score"] >= 0.5
            and finding["label"] == "contradiction"
        )

    assert is_troops_pair(findings[0])
    flagged = {
        words
        for f in findings[:5]
        if is_troops_pair(f)
        for words in troops
        if words in f["statement"]["content"]
    }
    assert flagged == set(troops)
    text = (EXAMPLE / EXAMPLE_FILE).read_text(encoding="utf-8")
    chrome = text.index("Uncommon Knowledge")  # the page chrome at the end yields no claim
    assert all(f[side]["span"][1] <= chrome for f in findings for side in ("statement", "report"))
