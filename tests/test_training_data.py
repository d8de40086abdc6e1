"""Tests for the training data layer: scripts/training/nli_data.py and fnc1_holdout.py."""

from __future__ import annotations

import csv
import doctest
import gzip
import json
import sys
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parent.parent / "scripts" / "training"
sys.path.insert(0, str(TRAINING))

import fnc1_holdout  # noqa: E402
import nli_data  # noqa: E402


def _write_jsonl_gz(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")


def _write_fnc1(
    data_dir: Path, bodies: dict[str, str], stances: list[tuple[str, str, str]]
) -> None:
    base = data_dir / "stance" / "fnc1"
    base.mkdir(parents=True, exist_ok=True)
    with gzip.open(base / "train_bodies.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(bodies.items())
    with gzip.open(base / "train_stances.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(stances)


@pytest.mark.parametrize("module", [nli_data, fnc1_holdout])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_holdout_is_a_fixed_fifth_independent_of_order() -> None:
    ids = [str(i) for i in range(500)]
    held = fnc1_holdout.heldout_ids(ids)
    assert len(held) == 100
    assert fnc1_holdout.heldout_ids(reversed(ids)) == held
    # adding bodies never moves an id out of a larger set's order: keys are per id
    assert all(fnc1_holdout.holdout_key(i) == fnc1_holdout.holdout_key(i) for i in held)


def test_real_set_bodies_are_read_from_the_fixtures() -> None:
    real = fnc1_holdout.real_set_body_ids()
    assert len(real) >= 60  # the real-news set holds 70 FNC-1 articles
    assert all(b.isdigit() for b in real)


def test_eval_only_files_are_refused(tmp_path: Path) -> None:
    _write_jsonl_gz(tmp_path / "mnli" / "dev_matched.jsonl.gz", [])
    with pytest.raises(ValueError, match="evaluation-only"):
        nli_data.load_nli_file(tmp_path, "mnli/dev_matched.jsonl.gz", tmp_path / "cache")


def test_two_way_contradiction_becomes_not_entailment_and_bad_rows_drop(tmp_path: Path) -> None:
    rel = "rte/train.jsonl.gz"
    _write_jsonl_gz(
        tmp_path / rel,
        [
            {"premise": "A", "hypothesis": "B", "label": "contradiction", "two_way": True},
            {"premise": "A", "hypothesis": "C", "label": "entailment", "two_way": True},
            {"premise": "", "hypothesis": "C", "label": "entailment"},
            {"premise": "A", "hypothesis": "D", "label": "-"},
        ],
    )
    ds = nli_data.load_nli_file(tmp_path, rel, tmp_path / "cache")
    assert ds.column_names == list(nli_data.COLUMNS)
    assert ds["label"] == [nli_data.LABEL2ID["neutral"], nli_data.LABEL2ID["entailment"]]
    assert ds["two_way"] == [True, True]


def test_fnc1_skips_heldout_and_real_set_bodies(tmp_path: Path) -> None:
    bodies = {str(i): f"Body {i} says the troops arrived. Weather was fine." for i in range(40)}
    stances = [(f"Troops arrived {i}", str(i), "agree") for i in range(40)]
    stances += [("Unrelated", "1", "unrelated")]
    _write_fnc1(tmp_path, bodies, stances)
    ds = nli_data.load_fnc1(tmp_path, seed=1)
    held = fnc1_holdout.heldout_ids(bodies)
    real = fnc1_holdout.real_set_body_ids()
    used = {h.split()[-1] for h in ds["hypothesis"]}
    assert used and not used & (held | real)
    assert used == set(bodies) - held - real
    assert set(ds["label"]) == {nli_data.LABEL2ID["entailment"]}


def test_mix_draws_rows_at_the_weights(tmp_path: Path) -> None:
    from datasets import Dataset

    def source(name: str, n: int) -> Dataset:
        return Dataset.from_list(
            [
                {
                    "premise": f"{name}{i}",
                    "hypothesis": "h",
                    "label": 0,
                    "two_way": False,
                    "source": name,
                }
                for i in range(n)
            ]
        )

    sources = {"big": source("big", 300), "small": source("small", 20)}
    mixed = nli_data.mix(sources, {"big": 0.75, "small": 0.25}, rows=400, seed=3)
    counts = nli_data.source_counts(mixed)
    assert len(mixed) == 400
    assert 60 <= counts["small"] <= 140  # about a quarter, so the small source repeats
    again = nli_data.mix(sources, {"big": 0.75, "small": 0.25}, rows=400, seed=3)
    assert again["premise"] == mixed["premise"]
    other = nli_data.mix(sources, {"big": 0.75, "small": 0.25}, rows=400, seed=4)
    assert other["premise"] != mixed["premise"]
    with pytest.raises(ValueError, match="no source"):
        nli_data.mix(sources, {"big": 0.0}, rows=10, seed=0)
