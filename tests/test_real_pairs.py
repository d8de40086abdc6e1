"""Training rows from the real-news dev half (make_real_pairs.py) and the calibration of a
model trained on them with its fold models (calibrate_folds.py)."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import calibrate_folds
import make_real_pairs
import numpy as np
import pytest
from calibrate_folds import article_of, fold_probs
from make_real_pairs import fold_of, gold_rows

from nli.calibration import read_calibration
from nli.evaluate import GoldArticle, GoldPair
from nli.model import ContradictionScorer
from nli.tiny import build_tiny_model
from nli.types import Article, PairRecord

TEXT = "Troops arrived, Y said. The ministry denied it. Prices rose, Z said."


def test_doctests() -> None:
    for module in (make_real_pairs, calibrate_folds):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


def test_gold_rows_are_the_annotated_spans_with_the_verdict_as_label() -> None:
    gold = [
        GoldArticle(
            Article("a1", TEXT),
            (
                GoldPair((24, 47), (0, 23), "contradiction"),
                GoldPair((24, 47), (48, 68), "neutral"),
            ),
        )
    ]
    rows = gold_rows(gold)
    assert [(r["premise"], r["hypothesis"], r["label"]) for r in rows] == [
        ("Troops arrived, Y said.", "The ministry denied it.", "contradiction"),
        ("Prices rose, Z said.", "The ministry denied it.", "neutral"),
    ]
    assert {r["article_id"] for r in rows} == {"a1"} and {r["polarity"] for r in rows} == {"+"}


def test_gold_rows_of_a_dev_file_split_by_fold(tmp_path: Path) -> None:
    articles = [f"art-{i}" for i in range(8)]
    gold = tmp_path / "dev.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {
                    "id": a,
                    "text": TEXT,
                    "statements": [{"span": [24, 47]}],
                    "reports": [{"span": [0, 23]}],
                    "pairs": [{"statement": 0, "report": 0, "label": "contradiction"}],
                }
            )
            + "\n"
            for a in articles
        ),
        encoding="utf-8",
    )
    out, held = tmp_path / "rows.jsonl", tmp_path / "held.jsonl"
    args = [str(gold), "-o", str(out), "--spans", "gold", "--folds", "2", "--fold", "0"]
    assert make_real_pairs.main([*args, "--heldout", str(held)]) == 0
    kept = [json.loads(line)["article_id"] for line in out.read_text().splitlines()]
    left = [json.loads(line)["article_id"] for line in held.read_text().splitlines()]
    assert sorted(kept + left) == articles
    assert all(fold_of(a, 2) == 1 for a in kept) and all(fold_of(a, 2) == 0 for a in left)


@pytest.fixture(scope="module")
def fold_models(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("folds")
    return [build_tiny_model(root / f"m{seed}", seed=seed) for seed in (1, 2, 3)]


def _records() -> list[PairRecord]:
    ids = ["real-a-0", "real-b-1", "real-c-2", "real-d-3", "hand-1", "hand-2"]
    labels = ["contradiction", "neutral", "entailment", "contradiction", "neutral", "entailment"]
    return [
        PairRecord(i, f"the ministry denied claim {n}", f"troops arrived at {n}", label)
        for n, (i, label) in enumerate(zip(ids, labels, strict=True))
    ]


def test_each_row_is_scored_by_the_model_that_did_not_train_on_its_article(
    fold_models: list[Path],
) -> None:
    records = _records()
    final, folds = str(fold_models[2]), [str(m) for m in fold_models[:2]]
    probs = fold_probs(records, final, folds, "fp32")
    for i, record in enumerate(records):
        article = article_of(record.id)
        name = final if article is None else folds[fold_of(article, 2)]
        (scored,) = ContradictionScorer(name, precision="fp32").score_pairs(
            [record.statement], [record.report]
        )
        expected = [scored.probs.contradiction, scored.probs.neutral, scored.probs.entailment]
        assert probs[i] == pytest.approx(expected, abs=1e-5)
    # the three tiny models differ, so the choice of model shows in the probabilities
    assert len({round(float(p[0]), 6) for p in probs}) > 1


def test_one_calibration_is_written_into_every_model(
    fold_models: list[Path], tmp_path: Path
) -> None:
    dev = tmp_path / "calibration_dev.jsonl"
    dev.write_text(
        "".join(
            json.dumps({"id": r.id, "statement": r.statement, "report": r.report, "label": r.label})
            + "\n"
            for r in _records()
        ),
        encoding="utf-8",
    )
    args = [str(dev), "--model", str(fold_models[2]), "--fold-models"]
    args += [str(fold_models[0]), str(fold_models[1]), "--write", *map(str, fold_models)]
    assert calibrate_folds.main(args) == 0
    written = [(m / "calibration.json").read_bytes() for m in fold_models]
    assert written[0] == written[1] == written[2]
    calibration = read_calibration(fold_models[0])
    assert calibration is not None and calibration.n == 6
    assert np.isfinite(calibration.temperature) and calibration.temperature > 0


def test_a_top_layers_stage_trains_only_the_top_layers_the_pooler_and_the_head(
    fold_models: list[Path],
) -> None:
    from train_nli import freeze_below_top_layers, load_model

    model = load_model(fold_models[0])
    layers = model.config.num_hidden_layers
    trained = set(freeze_below_top_layers(model, 1))
    assert trained == {n for n, p in model.named_parameters() if p.requires_grad}
    top = f".layer.{layers - 1}."
    for name, _ in model.named_parameters():
        expected = top in name or "pooler" in name or name.startswith("classifier")
        assert (name in trained) == expected, name
    with pytest.raises(ValueError, match="--train-top-layers"):
        freeze_below_top_layers(model, layers + 1)
