"""Tests for nli.evaluate and ``nli eval``, checked against scikit-learn computed independently."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from typer.testing import CliRunner

from nli.cli import app
from nli.evaluate import (
    GoldArticle,
    GoldPair,
    bootstrap_intervals,
    compute_metrics,
    confusion,
    decide_labels,
    ece_if_calibrated,
    expected_calibration_error,
    match_findings,
    read_gold_articles,
    reliability_bins,
    stratified_split,
)
from nli.types import LABELS, Article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAIRS, DEV, TEST = (FIXTURES / f"{name}.jsonl" for name in ("pairs", "pairs_dev", "pairs_test"))
ARTICLES = FIXTURES / "articles.jsonl"
runner = CliRunner()

#: Keys ``nli eval --json`` documents in README (article mode adds the match counts).
DOCUMENTED_KEYS = {
    "n",
    "accuracy",
    "macro_f1",
    *(f"{kind}_{label}" for kind in ("precision", "recall", "f1") for label in LABELS),
    "roc_auc",
    "pr_auc",
    "ece",
    "ece_contradiction",
    "ece_raw",
    "ece_floor",
    "brier",
    "brier_contradiction",
    "confusion_matrix",
    "labels",
    "f1_contradiction_ci",
    "macro_f1_ci",
    "roc_auc_ci",
    "pr_auc_ci",
    "threshold",
    "temperature",
    "calibrated",
    "bootstrap_resamples",
    "seed",
    "pairs_per_second",
    "errors",
    "unlabelled",
}
ARTICLE_KEYS = {
    "articles",
    "pairs_gold",
    "pairs_matched",
    "pairs_without_finding",
    "findings_without_gold",
    "pipeline",
}


def _random_case(seed: int, n: int = 60):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([1, 1, 1], size=n)
    refs = list(rng.choice(["contradiction", "neutral", "entailment"], size=n))
    return probs, refs


def _sklearn_ece(confidences, outcomes, n_bins=10) -> float:
    """ECE from scikit-learn's calibration_curve plus bin counts with the same edges."""
    observed, predicted = calibration_curve(outcomes, confidences, n_bins=n_bins)
    counts = np.histogram(confidences, bins=np.linspace(0, 1, n_bins + 1))[0]
    # np.histogram's bins are [a, b) (last closed) while calibration_curve's are (a, b]; the
    # random confidences used here never sit exactly on an edge, so the counts agree.
    counts = counts[counts > 0]
    return float(np.sum(np.abs(observed - predicted) * counts) / len(confidences))


# --------------------------------------------------------------------------- metrics


@pytest.mark.parametrize(
    ("seed", "threshold"),
    [
        (0, None),  # argmax decisions
        (1, None),
        (2, 0.3),  # a contradiction threshold changes the decisions
    ],
)
def test_metrics_agree_with_sklearn(seed, threshold):
    probs, refs = _random_case(seed)
    metrics = compute_metrics(probs, refs, threshold=threshold)
    preds = decide_labels(probs, threshold=threshold)
    assert metrics["n"] == len(refs)
    assert metrics["accuracy"] == pytest.approx(accuracy_score(refs, preds))
    for label in LABELS:
        one = {"labels": [label], "average": "macro", "zero_division": 0}
        assert metrics[f"precision_{label}"] == pytest.approx(precision_score(refs, preds, **one))
        assert metrics[f"recall_{label}"] == pytest.approx(recall_score(refs, preds, **one))
        assert metrics[f"f1_{label}"] == pytest.approx(f1_score(refs, preds, **one))
    assert metrics["macro_f1"] == pytest.approx(
        f1_score(refs, preds, labels=list(LABELS), average="macro", zero_division=0)
    )
    is_c = np.array([r == "contradiction" for r in refs])
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(is_c, probs[:, 0]))
    assert metrics["pr_auc"] == pytest.approx(average_precision_score(is_c, probs[:, 0]))
    assert metrics["brier_contradiction"] == pytest.approx(brier_score_loss(is_c, probs[:, 0]))
    # scikit-learn orders string labels alphabetically: contradiction, entailment, neutral.
    assert metrics["brier"] == pytest.approx(
        brier_score_loss(refs, probs[:, [0, 2, 1]], labels=sorted(LABELS))
    )
    correct = probs.argmax(axis=1) == np.array([LABELS.index(r) for r in refs])
    assert metrics["ece"] == pytest.approx(_sklearn_ece(probs.max(axis=1), correct))
    assert metrics["ece_contradiction"] == pytest.approx(_sklearn_ece(probs[:, 0], is_c))


def test_threshold_changes_contradiction_decisions():
    probs = np.array([[0.4, 0.5, 0.1], [0.35, 0.05, 0.6]])
    assert decide_labels(probs) == ["neutral", "entailment"]
    assert decide_labels(probs, threshold=0.3) == ["contradiction", "contradiction"]
    assert decide_labels(probs, threshold=0.9) == ["neutral", "entailment"]


def test_auc_is_nan_when_one_class_only():
    probs = np.array([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1]])
    metrics = compute_metrics(probs, ["contradiction", "contradiction"])
    assert np.isnan(metrics["roc_auc"])
    assert metrics["f1_contradiction"] == 1.0


@pytest.mark.parametrize(
    ("probs", "refs", "message"),
    [
        (np.zeros((2, 3)), ["neutral"], "references"),  # length mismatch
        (np.zeros((0, 3)), [], "no labelled pairs"),  # empty
        (np.zeros((1, 3)), ["yes"], "unknown reference"),  # bad label
        (np.zeros((1, 2)), ["neutral"], "shape"),  # wrong width
    ],
)
def test_bad_metric_inputs_raise(probs, refs, message):
    with pytest.raises(ValueError, match=message):
        compute_metrics(probs, refs)


@pytest.mark.parametrize("threshold", [None, 0.4])  # argmax; thresholded
def test_confusion_matrix_agrees_with_sklearn(threshold):
    probs, refs = _random_case(3)
    expected = confusion_matrix(
        refs, decide_labels(probs, threshold=threshold), labels=list(LABELS)
    )
    assert confusion(probs, refs, threshold=threshold) == expected.tolist()


def test_reliability_bins_put_edges_in_the_lower_bin_like_sklearn():
    bins = reliability_bins([0.0, 0.1, 0.1001, 1.0], [0, 1, 1, 1], n_bins=10)
    assert bins.counts.tolist() == [2, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert bins.observed[0] == 0.5
    assert np.isnan(bins.observed[2])  # empty bin


def test_ece_is_zero_when_frequencies_match_confidences():
    confidences = [0.25] * 4 + [0.75] * 4
    outcomes = [1, 0, 0, 0, 1, 1, 1, 0]
    assert expected_calibration_error(confidences, outcomes) == pytest.approx(0.0)
    assert expected_calibration_error([0.95] * 4, [0, 0, 0, 0]) == pytest.approx(0.95)


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_intervals_are_reproducible_by_seed():
    probs, refs = _random_case(4, n=80)
    first = bootstrap_intervals(probs, refs, n_resamples=300, seed=7)
    assert first == bootstrap_intervals(probs, refs, n_resamples=300, seed=7)
    assert first != bootstrap_intervals(probs, refs, n_resamples=300, seed=8)
    metrics = compute_metrics(probs, refs)
    for name in ("f1_contradiction", "macro_f1", "roc_auc", "pr_auc"):
        low, high = first[name]
        assert 0.0 <= low < high <= 1.0
        assert low <= metrics[name] <= high


def test_bootstrap_of_a_perfect_model_is_a_point():
    refs = ["contradiction", "neutral", "entailment"] * 10
    probs = np.array([np.eye(3)[LABELS.index(r)] * 0.9 + 0.1 / 3 for r in refs])
    intervals = bootstrap_intervals(probs, refs, n_resamples=100, seed=0)
    assert intervals["f1_contradiction"] == (1.0, 1.0)
    assert intervals["roc_auc"] == (1.0, 1.0)


def test_bootstrap_auc_is_nan_without_a_second_class():
    probs = np.array([[0.9, 0.05, 0.05]] * 5)
    intervals = bootstrap_intervals(probs, ["contradiction"] * 5, n_resamples=20)
    assert np.isnan(intervals["roc_auc"][0])
    assert intervals["f1_contradiction"] == (1.0, 1.0)


# --------------------------------------------------------------------------- fixture split


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_fixture_split_is_the_seeded_stratified_split_of_pairs_jsonl():
    # Regenerate after editing fixtures/pairs.jsonl (README, "Fixtures").
    lines = _rows(PAIRS)
    dev_index, test_index = stratified_split([json.loads(line) for line in lines], seed=0)
    assert _rows(DEV) == [lines[i] for i in dev_index]
    assert _rows(TEST) == [lines[i] for i in test_index]


def test_fixture_split_is_a_disjoint_40_60_cover_with_every_stratum_in_test():
    dev, test, union = _rows(DEV), _rows(TEST), _rows(PAIRS)
    assert not set(dev) & set(test)
    assert sorted(dev + test) == sorted(union)
    assert len(dev) / len(union) == pytest.approx(0.4, abs=0.03)
    for key in ("label", "phenomenon"):
        values = {json.loads(line)[key] for line in union}
        for part in (dev, test):
            assert {json.loads(line)[key] for line in part} == values


def test_stratified_split_keeps_each_stratum_proportion():
    rows = [{"label": "a", "phenomenon": "x"}] * 10 + [{"label": "b", "phenomenon": "y"}] * 20
    dev, test = stratified_split(rows, dev_fraction=0.4, seed=3)
    assert sum(rows[i]["label"] == "a" for i in dev) == 4
    assert sum(rows[i]["label"] == "b" for i in dev) == 8
    assert stratified_split(rows, dev_fraction=0.4, seed=3) == (dev, test)
    assert stratified_split(rows, dev_fraction=0.4, seed=4) != (dev, test)


# --------------------------------------------------------------------------- articles


def _finding(article_id, statement_span, report_span, probs, polarity="+", score=None):
    return {
        "article_id": article_id,
        "statement": {"span": list(statement_span)},
        "report": {"span": list(report_span)},
        "normalised": {"polarity": polarity},
        "probs": dict(zip(LABELS, probs, strict=True)),
        "score": score if score is not None else probs[0 if polarity == "+" else 2],
    }


def test_match_findings_by_span_overlap():
    gold = [
        GoldArticle(
            Article("a", "x" * 100),
            (
                GoldPair((0, 20), (30, 50), "contradiction"),  # found twice: best score wins
                GoldPair((0, 20), (60, 80), "contradiction"),  # a reported denial
                GoldPair((0, 20), (85, 99), "neutral"),  # never paired
            ),
        )
    ]
    findings = [
        _finding("a", (5, 15), (35, 40), [0.6, 0.3, 0.1]),
        _finding("a", (10, 20), (45, 55), [0.2, 0.7, 0.1]),
        _finding("a", (0, 20), (60, 80), [0.1, 0.1, 0.8], polarity="-"),
        _finding("a", (21, 29), (30, 50), [0.5, 0.4, 0.1]),  # statement off gold
        _finding("b", (0, 20), (30, 50), [0.5, 0.4, 0.1]),  # another article
    ]
    match = match_findings(gold, findings)
    assert match.references == ["contradiction", "contradiction", "neutral"]
    assert match.probs.tolist() == [[0.6, 0.3, 0.1], [0.8, 0.1, 0.1], [0.0, 1.0, 0.0]]
    assert (match.matched, match.missed, match.unmatched_findings) == (2, 1, 2)


def test_read_gold_articles_reads_the_fixture_with_texts():
    rows = [json.loads(line) for line in _rows(ARTICLES)]
    gold = read_gold_articles(ARTICLES)
    assert [g.article.id for g in gold] == [row["id"] for row in rows]
    assert sum(len(g.pairs) for g in gold) == sum(len(row["pairs"]) for row in rows)
    first, row = gold[0], rows[0]
    start, end = first.pairs[0].statement_span
    assert first.article.text[start:end] == row["statements"][row["pairs"][0]["statement"]]["text"]


def test_read_gold_articles_rejects_a_missing_article_file(tmp_path: Path):
    src = tmp_path / "gold.jsonl"
    src.write_text(
        json.dumps({"id": "x", "file": "nope.txt", "statements": [], "reports": [], "pairs": []})
    )
    with pytest.raises(Exception, match="not a labelled article"):
        read_gold_articles(src)


# --------------------------------------------------------------------------- nli eval


def _eval_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["eval", *args, "--json"])
    payload = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, payload


def test_eval_json_prints_the_documented_keys_and_sklearn_numbers(
    tmp_path: Path, tiny_model_dir: Path
):
    code, metrics = _eval_json(str(TEST), "-m", str(tiny_model_dir), "--bootstrap", "50")
    assert code == 0
    assert set(metrics) == DOCUMENTED_KEYS
    # Recompute from `nli pairs` output with scikit-learn alone.
    scored = tmp_path / "scored.jsonl"
    pairs_run = runner.invoke(
        app, ["pairs", str(TEST), "-o", str(scored), "-m", str(tiny_model_dir)]
    )
    assert pairs_run.exit_code == 0, pairs_run.output
    rows = [json.loads(line) for line in scored.read_text().splitlines()]
    gold = [row["gold_label"] for row in rows]
    probs = np.array([[row["probs"][label] for label in LABELS] for row in rows])
    predicted = [LABELS[i] for i in probs.argmax(axis=1)]
    is_c = [g == "contradiction" for g in gold]
    assert metrics["n"] == len(_rows(TEST))
    assert metrics["accuracy"] == pytest.approx(accuracy_score(gold, predicted))
    assert metrics["f1_contradiction"] == pytest.approx(
        f1_score(gold, predicted, labels=["contradiction"], average="macro", zero_division=0)
    )
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(is_c, probs[:, 0]), abs=1e-6)
    assert metrics["pr_auc"] == pytest.approx(average_precision_score(is_c, probs[:, 0]), abs=1e-6)
    assert metrics["confusion_matrix"] == confusion_matrix(gold, predicted, labels=LABELS).tolist()
    assert (metrics["threshold"], metrics["temperature"], metrics["calibrated"]) == (
        None,
        1.0,
        False,
    )


def test_eval_bootstrap_intervals_are_reproducible_with_seed(tiny_model_dir: Path):
    args = (str(TEST), "-m", str(tiny_model_dir), "--bootstrap", "100")
    _, first = _eval_json(*args, "--seed", "5")
    _, again = _eval_json(*args, "--seed", "5")
    _, other = _eval_json(*args, "--seed", "6")
    names = ("f1_contradiction_ci", "macro_f1_ci", "roc_auc_ci", "pr_auc_ci")
    assert [first[name] for name in names] == [again[name] for name in names]
    assert [first[name] for name in names] != [other[name] for name in names]
    assert first["seed"] == 5 and first["bootstrap_resamples"] == 100


def test_ci_gate_on_the_test_split(tiny_model_dir: Path):
    # The gate CI will run as `nli eval fixtures/pairs_test.jsonl --model default --min-f1 X`
    # once the default model ships; the tiny model exercises the mechanism now.
    base = ["eval", str(TEST), "-m", str(tiny_model_dir), "--bootstrap", "0"]
    passed = runner.invoke(app, [*base, "--min-f1", "0.0", "--min-auc", "0.0"])
    assert passed.exit_code == 0, passed.output
    failed_f1 = runner.invoke(app, [*base, "--min-f1", "0.99"])
    assert failed_f1.exit_code == 1
    assert "gate failed: f1_contradiction" in failed_f1.output
    failed_auc = runner.invoke(app, [*base, "--min-auc", "0.99"])
    assert failed_auc.exit_code == 1
    assert "roc_auc" in failed_auc.output


def test_eval_table_shows_intervals_calibration_and_confusion(tiny_model_dir: Path):
    result = runner.invoke(app, ["eval", str(TEST), "-m", str(tiny_model_dir), "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    for text in ("ROC-AUC", "ECE", "Brier", "confusion matrix", "temperature 1.000", "argmax"):
        assert text in result.stdout
    assert "[" in result.stdout  # bootstrap interval brackets


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_eval_plots_writes_three_pngs(tmp_path: Path, tiny_model_dir: Path):
    plots = tmp_path / "plots"
    result = runner.invoke(
        app,
        ["eval", str(TEST), "-m", str(tiny_model_dir), "--bootstrap", "0", "--plots", str(plots)],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in plots.iterdir()) == [
        "pr_curve.png",
        "reliability.png",
        "score_histograms.png",
    ]
    width, height = _png_size(plots / "reliability.png")
    assert width > height > 300  # two panels side by side
    assert (plots / "pr_curve.png").stat().st_size > 5000


def test_eval_articles_scores_gold_pairs_end_to_end(tiny_model_dir: Path):
    code, metrics = _eval_json(
        str(ARTICLES), "--articles", "-m", str(tiny_model_dir), "--bootstrap", "0"
    )
    assert code == 0
    assert set(metrics) == DOCUMENTED_KEYS | ARTICLE_KEYS
    assert metrics["f1_contradiction_ci"] is None  # --bootstrap 0
    n_gold = sum(len(json.loads(line)["pairs"]) for line in _rows(ARTICLES))
    assert metrics["n"] == metrics["pairs_gold"] == n_gold
    assert metrics["pairs_matched"] + metrics["pairs_without_finding"] == n_gold
    assert metrics["pairs_matched"] > 0
    assert metrics["articles"] == len(_rows(ARTICLES))


def test_eval_articles_min_overlap_sets_topic_pairing_as_in_score(tiny_model_dir: Path):
    # --pairing topics pairs claims sharing --min-overlap topic words: more words, fewer pairs
    per_article = {}
    for words in ("1", "4"):
        code, metrics = _eval_json(
            str(ARTICLES), "--articles", "-m", str(tiny_model_dir), "--bootstrap", "0",
            "--pairing", "topics", "--min-overlap", words,
        )  # fmt: skip
        assert code == 0
        per_article[words] = metrics["pipeline"]["pairs_per_article"]
    assert per_article["4"] < per_article["1"]


def test_eval_articles_on_a_pair_file_is_an_input_error(tiny_model_dir: Path):
    result = runner.invoke(app, ["eval", str(TEST), "--articles", "-m", str(tiny_model_dir)])
    assert result.exit_code == 2
    assert "not a labelled article" in result.output


def test_ece_floor_is_what_exact_probabilities_score_and_shrinks_with_more_data():
    rng = np.random.default_rng(3)
    small, large = rng.uniform(0.4, 0.9, 100), rng.uniform(0.4, 0.9, 10_000)
    floor = ece_if_calibrated(small, seed=1)
    assert floor == ece_if_calibrated(small, seed=1)  # seeded: reproducible
    # direct check: outcomes drawn from the probabilities themselves score about the floor
    draws = [expected_calibration_error(small, rng.random(100) < small) for _ in range(400)]
    assert floor == pytest.approx(np.mean(draws), abs=0.01)
    assert ece_if_calibrated(large, n_draws=50) < floor / 5
    assert ece_if_calibrated([1.0, 0.0]) == 0.0


def test_gold_articles_may_not_name_files_outside_their_folder(tmp_path: Path):
    from nli.io import InputError

    gold = tmp_path / "gold" / "articles.jsonl"
    gold.parent.mkdir()
    (tmp_path / "secret.txt").write_text("not an article", encoding="utf-8")
    for name in ("../secret.txt", str(tmp_path / "secret.txt")):
        row = {"id": "x", "file": name, "statements": [], "reports": [], "pairs": []}
        gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
        with pytest.raises(InputError, match="outside"):
            read_gold_articles(gold)
