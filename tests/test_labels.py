"""Labelling ranked findings by priority (nli/labels.py) and its fitting script."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import fit_finding_threshold
import numpy as np
import pytest

from nli.calibration import Calibration, write_calibration
from nli.config import ArticleConfig, ScoringConfig
from nli.findings import make_finding
from nli.io import sha256_file
from nli.labels import (
    FINDING_THRESHOLD_FILE,
    PRIORITY_RULE,
    FindingThreshold,
    priority_threshold,
    ranked_priority,
    read_finding_threshold,
    run_priority_threshold,
    write_finding_threshold,
)
from nli.model import DEFAULT_MODEL_DIR, ContradictionScorer
from nli.ranking import DEFAULT_RANKER_PATH
from nli.types import Article, Claim, PairScore, Probs

ROOT = Path(__file__).resolve().parent.parent

STATEMENT = Claim("statement", "X said troops left.", "troops left", "X", "said", "+", (0, 19))
REPORT = Claim("report", "Troops stayed, Y said.", "troops stayed", "Y", "said", "+", (20, 42))
ARTICLE = Article("a", "X said troops left. Troops stayed, Y said.")


def _record(
    model_dir: Path, threshold: float, ranker: Path = DEFAULT_RANKER_PATH
) -> FindingThreshold:
    return FindingThreshold(
        threshold, sha256_file(ranker), sha256_file(model_dir / "calibration.json")
    )


def _fitted(folder: Path, calibration: str) -> Path:
    """A model folder with ``calibration`` and a threshold of 0.2 fitted with a ranker
    file of its own (returned)."""
    (folder / "calibration.json").write_text(calibration)
    ranker = folder / "ranker.json"
    ranker.write_text('{"weights": []}')
    write_finding_threshold(folder, _record(folder, 0.2, ranker))
    return ranker


@pytest.fixture
def model_copy(tmp_path: Path, tiny_model_dir: Path) -> Path:
    """The tiny model with a calibration (temperature 1, threshold 0.9) and no finding
    threshold yet."""
    target = tmp_path / "model"
    shutil.copytree(tiny_model_dir, target)
    write_calibration(
        target,
        Calibration(
            temperature=1.0, threshold=0.9, fitted_on={"file": "dev.jsonl", "sha256": "0" * 64},
            n=10, ece_before=0.2, ece_after=0.1, nll_before=1.0, nll_after=0.9,
            f1_at_threshold=0.5, created="2026-01-01T00:00:00+00:00",
        ),
    )  # fmt: skip
    return target


def _scored(contradiction: float) -> PairScore:
    rest = (1.0 - contradiction) / 2
    probs = Probs(contradiction, rest, rest)
    return PairScore(probs, contradiction, "report->statement", 0, 1)


def test_file_round_trips_and_bad_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "calibration.json").write_text("{}")
    record = FindingThreshold(0.125, "a" * 64, "b" * 64, {"articles": 3})
    write_finding_threshold(tmp_path, record)
    assert read_finding_threshold(tmp_path) == record
    assert read_finding_threshold(tmp_path / "missing") is None
    (tmp_path / FINDING_THRESHOLD_FILE).write_text('{"priority_threshold": 0.1}')
    with pytest.raises(ValueError, match="not a finding threshold"):
        read_finding_threshold(tmp_path)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        FindingThreshold(1.5, "a", "b")


def test_threshold_is_used_only_while_ranker_and_calibration_are_unchanged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ranker = _fitted(tmp_path, '{"temperature": 2.0}')
    assert priority_threshold(tmp_path, ranker) == 0.2
    # the calibration changed since the fit (nli calibrate): stale, with a warning; the same
    # size and a rewrite within one clock tick are still seen (the file is hashed)
    (tmp_path / "calibration.json").write_text('{"temperature": 3.0}')
    with caplog.at_level(logging.WARNING, logger="nli.labels"):
        assert priority_threshold(str(tmp_path), ranker) is None
    assert "the calibration" in caplog.text and "fit_finding_threshold.py" in caplog.text
    assert len([r for r in caplog.records if "fit_finding_threshold" in r.message]) == 1
    # a refitted ranker makes it stale too
    write_finding_threshold(tmp_path, _record(tmp_path, 0.2, ranker))
    ranker.write_text('{"weights": [1.0]}')
    assert priority_threshold(tmp_path, ranker) is None


def test_a_threshold_fitted_on_the_earlier_priority_rule_is_stale(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ranker = _fitted(tmp_path, "{}")
    assert priority_threshold(tmp_path, ranker) == 0.2
    path = tmp_path / FINDING_THRESHOLD_FILE
    raw = json.loads(path.read_text())
    assert raw["priority"] == PRIORITY_RULE
    del raw["priority"]  # a file from before the rule was recorded: the square root
    path.write_text(json.dumps(raw))
    with caplog.at_level(logging.WARNING, logger="nli.labels"):
        assert priority_threshold(tmp_path, ranker) is None
    assert "priority rule" in caplog.text
    assert ranked_priority(0.5, 0.64) == pytest.approx(0.32)


@pytest.mark.parametrize("model_dir", [DEFAULT_MODEL_DIR, DEFAULT_MODEL_DIR.parent / "accurate"])
def test_the_shipped_models_have_a_current_finding_threshold(model_dir: Path) -> None:
    """Refitting nli/pair_ranker.json or recalibrating a shipped model needs
    scripts/fit_finding_threshold.py after it; this fails until it is run. The script
    writes no threshold for a model whose priority label finds less than its calibrated
    label (the accurate model since it reads the statement's own words; its model card says
    so), and the default model must have one."""
    record = read_finding_threshold(model_dir)
    if record is None:
        assert model_dir != DEFAULT_MODEL_DIR
        assert "labelled by the calibrated score" in (model_dir / "MODEL_CARD.md").read_text()
        assert priority_threshold(model_dir) is None
        return
    assert priority_threshold(model_dir) == record.priority_threshold
    fitted = record.fitted
    # fitted on the dev half, and it cost no precision there
    assert fitted["data"] == "dev.jsonl"
    assert fitted["priority_label"]["precision"] >= fitted["calibrated_label"]["precision"]
    assert fitted["priority_label"]["recall"] > fitted["calibrated_label"]["recall"]


def test_run_threshold_only_for_ranked_pairing_without_a_given_threshold(
    model_copy: Path,
) -> None:
    write_finding_threshold(model_copy, _record(model_copy, 0.3))
    scorer = ContradictionScorer(model_copy, precision="fp32")
    assert run_priority_threshold(ArticleConfig(), scorer) == 0.3
    assert run_priority_threshold(ArticleConfig(threshold=0.5), scorer) is None
    assert run_priority_threshold(ArticleConfig(pairing="retrieval"), scorer) is None
    assert run_priority_threshold(ArticleConfig(), object()) is None  # no finding threshold


def test_make_finding_labels_ranked_findings_by_priority(model_copy: Path) -> None:
    write_finding_threshold(model_copy, _record(model_copy, 0.3))
    scorer = ContradictionScorer(model_copy, precision="fp32")
    scored = _scored(0.5)  # calibrated 0.5 (temperature 1): below the calibrated 0.9

    def label(config: ArticleConfig, pair_probability: float | None) -> str:
        finding = make_finding(
            ARTICLE, STATEMENT, REPORT, scored, scorer, config, pair_probability=pair_probability
        )
        return str(finding["label"])

    # priority 0.5 * 0.64 = 0.32 >= 0.3: contradiction; 0.5 * 0.25 = 0.125 < 0.3
    assert label(ArticleConfig(), 0.64) == "contradiction"
    assert label(ArticleConfig(), 0.25) != "contradiction"
    # without a ranker probability, or with a threshold given: the calibrated score decides
    assert label(ArticleConfig(), None) != "contradiction"
    assert label(ArticleConfig(threshold=0.45), 0.01) == "contradiction"
    assert label(ArticleConfig(threshold=0.55), 0.64) != "contradiction"


def test_recalibrating_warns_that_the_finding_threshold_is_stale(
    model_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from nli.pair_jobs import run_calibrate

    write_finding_threshold(model_copy, _record(model_copy, 0.3))
    before = ContradictionScorer(model_copy, precision="fp32")
    assert run_priority_threshold(ArticleConfig(), before) == 0.3
    with caplog.at_level(logging.WARNING, logger="nli.pair_jobs"):
        run_calibrate(ROOT / "fixtures" / "pairs_dev.jsonl", ScoringConfig(model=str(model_copy)))
    assert "stale" in caplog.text
    # a model loaded before keeps its calibration and the threshold read with it: one rule
    assert run_priority_threshold(ArticleConfig(), before) == 0.3
    scorer = ContradictionScorer(model_copy, precision="fp32")
    assert run_priority_threshold(ArticleConfig(), scorer) is None


def test_choose_threshold_takes_the_best_recall_at_the_precision_floor() -> None:
    from nli.evaluate import GoldArticle, GoldPair

    # four gold pairs in one article: two contradictions, two neutral; each finding matches
    # one gold pair, priorities 0.9 (contra), 0.8 (neutral), 0.7 (contra), 0.1 (neutral)
    spans = [((0, 5), (10, 15)), ((20, 25), (30, 35)), ((40, 45), (50, 55)), ((60, 65), (70, 75))]
    labels = ["contradiction", "neutral", "contradiction", "neutral"]
    gold = [
        GoldArticle(
            Article("g", "x" * 80),
            tuple(GoldPair(s, r, lab) for (s, r), lab in zip(spans, labels, strict=True)),
        )
    ]
    findings = [
        {"article_id": "g", "statement": {"span": list(s)}, "report": {"span": list(r)},
         "calibrated": p, "priority": p, "label": "neutral"}
        for (s, r), p in zip(spans, (0.9, 0.8, 0.7, 0.1), strict=True)
    ]  # fmt: skip
    claims = {"g": []}
    # precision >= 0.6: flag the top three (recall 1.0, precision 2/3)
    threshold, recall, precision = fit_finding_threshold.choose_threshold(
        gold, findings, claims, 4, 0.6
    )  # type: ignore[misc]
    assert (recall, precision) == (1.0, pytest.approx(2 / 3)) and 0.1 < threshold <= 0.7
    # precision >= 0.9: only the top one (recall 0.5)
    best = fit_finding_threshold.choose_threshold(gold, findings, claims, 4, 0.9)
    assert best is not None and best[1:] == (0.5, 1.0) and 0.8 < best[0] <= 0.9
    assert np.isfinite(best[0])


def test_fit_script_refuses_the_test_half(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        fit_finding_threshold.main([str(ROOT / "fixtures" / "real" / "test.jsonl"), "--dry-run"])
    assert stopped.value.code == 2 and "dev half" in capsys.readouterr().err


def test_shipped_record_names_its_command() -> None:
    raw = json.loads((DEFAULT_MODEL_DIR / FINDING_THRESHOLD_FILE).read_text())
    assert raw["fitted"]["command"].startswith("python scripts/fit_finding_threshold.py")


def test_a_given_priority_threshold_comes_first() -> None:
    assert run_priority_threshold(ArticleConfig(priority_threshold=0.2), object()) == 0.2
    # with --threshold as well: the priority one labels ranked findings
    config = ArticleConfig(threshold=0.5, priority_threshold=0.2)
    assert run_priority_threshold(config, object()) == 0.2
    with pytest.raises(ValueError, match="ranked pairing"):
        ArticleConfig(pairing="retrieval", priority_threshold=0.2)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        ArticleConfig(priority_threshold=1.5)


def test_eval_articles_labels_by_the_given_threshold_or_priority(
    tmp_path: Path, model_copy: Path
) -> None:
    from nli.pair_jobs import run_eval_articles

    write_finding_threshold(model_copy, _record(model_copy, 0.3))
    gold = tmp_path / "gold.jsonl"
    lines = (ROOT / "fixtures" / "real" / "dev.jsonl").read_text().splitlines()[:4]
    gold.write_text("\n".join(lines) + "\n")

    def quality(threshold: float | None, by_priority: float | None = None) -> dict:
        config = ScoringConfig(model=str(model_copy), precision="fp32", threshold=threshold)
        options = ArticleConfig(finder="rules", priority_threshold=by_priority)
        result = run_eval_articles(gold, config, article_config=options, n_resamples=0)
        assert result.quality is not None
        return result.quality

    fitted = quality(None)
    assert fitted["priority_threshold"] == 0.3 and fitted["pairing_recall"] > 0
    # --threshold reaches the findings' labels: nothing scores >= 1.0 calibrated ...
    strict = quality(1.0)
    assert strict["priority_threshold"] is None and strict["recall"] == 0.0
    # ... and a priority threshold of 0 flags every pair that reaches the model
    every = quality(1.0, by_priority=0.0)
    assert every["priority_threshold"] == 0.0
    assert every["recall"] == pytest.approx(every["pairing_recall"])


def test_eval_refuses_a_priority_threshold_without_articles() -> None:
    from typer.testing import CliRunner

    from nli.cli import app

    result = CliRunner().invoke(
        app, ["eval", str(ROOT / "fixtures" / "pairs_dev.jsonl"), "--priority-threshold", "0.1"]
    )
    assert result.exit_code == 2 and "--articles" in result.output


def test_make_finding_follows_the_given_thresholds_over_the_fitted_one(model_copy: Path) -> None:
    from nli.config import decision_threshold

    write_finding_threshold(model_copy, _record(model_copy, 0.3))
    scorer = ContradictionScorer(model_copy, precision="fp32")
    assert (decision_threshold(ArticleConfig(), scorer), scorer.finding_threshold) == (0.9, 0.3)
    scored = _scored(0.5)

    def label(config: ArticleConfig, pair_probability: float | None) -> str:
        finding = make_finding(
            ARTICLE, STATEMENT, REPORT, scored, scorer, config, pair_probability=pair_probability
        )
        return str(finding["label"])

    # the given priority threshold decides, not the model directory's file
    assert label(ArticleConfig(priority_threshold=0.35), 0.64) != "contradiction"  # 0.32 < 0.35
    assert label(ArticleConfig(priority_threshold=0.30), 0.64) == "contradiction"
    # no priority: the given calibrated threshold decides (calibrated 0.5)
    assert label(ArticleConfig(threshold=0.4, priority_threshold=0.45), None) == "contradiction"


def test_score_cli_labels_by_a_given_priority_threshold(tmp_path: Path, model_copy: Path) -> None:
    from typer.testing import CliRunner

    from nli.cli import app

    example = ROOT.parent / "shared" / "examples" / "newsweek-2015-iran-syria-denial.txt"
    out = tmp_path / "findings.jsonl"
    args = ["score", str(example), "-o", str(out), "-m", str(model_copy), "--finder", "rules"]
    result = CliRunner().invoke(app, [*args, "--priority-threshold", "0.0"])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    assert findings and all(f["label"] == "contradiction" for f in findings)  # priority >= 0
    manifest = json.loads(Path(f"{out}.manifest.json").read_text())
    assert manifest["config"]["priority_threshold"] == 0.0
    refused = CliRunner().invoke(
        app, [*args, "--force", "--pairing", "retrieval", "--priority-threshold", "0.1"]
    )
    assert refused.exit_code == 2 and "ranked pairing" in refused.output
