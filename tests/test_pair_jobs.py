"""The pair-level jobs (nli.pair_jobs): ``nli pairs`` and ``nli eval`` decide alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import nli.claims
import nli.pair_jobs
from nli.calibration import CALIBRATION_FILE
from nli.config import ArticleConfig, ScoringConfig
from nli.evaluate import decide_labels
from nli.io import iter_jsonl_objects, write_json
from nli.model import ContradictionScorer
from nli.pair_jobs import run_eval, run_eval_articles, run_pairs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEV = FIXTURES / "pairs_dev.jsonl"
ARTICLES = FIXTURES / "articles.jsonl"


@pytest.fixture(scope="module")
def calibrated_scorer(
    tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> ContradictionScorer:
    """The tiny model with a calibration.json: a temperature and a fitted threshold."""
    model = tmp_path_factory.mktemp("calibrated") / "model"
    shutil.copytree(tiny_model_dir, model)
    write_json(model / CALIBRATION_FILE, {"temperature": 0.5, "threshold": 0.34})
    return ContradictionScorer(model, precision="fp32", batch_size=8)


def test_nli_pairs_labels_each_pair_as_nli_eval_does(
    calibrated_scorer: ContradictionScorer, tmp_path: Path
):
    config = ScoringConfig(model="calibrated", batch_size=8)
    output = tmp_path / "scored.jsonl"
    run_pairs(DEV, output, config, scorer=calibrated_scorer)
    rows = list(iter_jsonl_objects(output))
    evaluation = run_eval(DEV, config, scorer=calibrated_scorer, n_resamples=0)
    assert evaluation.threshold == 0.34  # the model's fitted threshold, as nli eval takes it
    expected = decide_labels(evaluation.probs, threshold=evaluation.threshold)
    raw = [
        [r["probs"][label] for label in ("contradiction", "neutral", "entailment")] for r in rows
    ]
    assert decide_labels(raw) != expected  # the raw argmax would label some pairs otherwise
    assert [row["label"] for row in rows] == expected
    assert [row["calibrated"] for row in rows] == pytest.approx(evaluation.probs[:, 0].tolist())
    assert [row["score"] for row in rows] == pytest.approx([r[0] for r in raw])  # raw kept


def test_eval_articles_finds_each_articles_claims_once(
    tiny_scorer: ContradictionScorer, monkeypatch: pytest.MonkeyPatch
):
    calls: list[str] = []
    extract = nli.claims.extract_claims

    def counted(article, finder="parse", **options):  # type: ignore[no-untyped-def]
        calls.append(article.id)
        return extract(article, finder, **options)

    monkeypatch.setattr(nli.claims, "extract_claims", counted)
    monkeypatch.setattr(nli.pair_jobs, "extract_claims", counted, raising=False)
    config = ScoringConfig(model="tiny", batch_size=8)
    result = run_eval_articles(
        ARTICLES, config, scorer=tiny_scorer, article_config=ArticleConfig(finder="rules"),
        n_resamples=0,
    )  # fmt: skip
    assert sorted(calls) == sorted(set(calls)) and len(calls) == result.counts["articles"]
    assert result.quality is not None and result.quality["pairing_recall"] > 0
