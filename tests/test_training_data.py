"""Tests for the training data layer: scripts/training/nli_data.py and fnc1_holdout.py."""

from __future__ import annotations

import csv
import doctest
import gzip
import json
from pathlib import Path

import fnc1_holdout
import nli_data
import pytest

TRAINING = Path(__file__).resolve().parent.parent / "scripts" / "training"


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
    assert len(real) >= 60  # the real-news set holds 91 FNC-1 articles (2026-12-04)
    assert all(b.isdigit() for b in real)


REAL = TRAINING.parents[1] / "fixtures" / "real"


def _first_long_claim(half: str) -> str:
    """An annotated statement of the real-news ``half`` of 40 or more characters."""
    for line in (REAL / f"{half}.jsonl").read_text(encoding="utf-8").splitlines():
        for claim in json.loads(line)["statements"] if line.strip() else []:
            if len(claim["text"]) >= 40:
                return str(claim["text"])
    raise AssertionError(f"no long statement in {half}.jsonl")


def _first_long_page_sentence(half: str) -> str:
    """A sentence of a web page of the real-news ``half`` that is no annotated claim."""
    from nli.segment import split_sentences

    for line in (REAL / f"{half}.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line) if line.strip() else {"origin": None}
        if article["origin"] != "pages":
            continue
        claims = {c["text"] for key in ("statements", "reports") for c in article[key]}
        for sentence in split_sentences(article["text"]):
            if len(sentence.text) >= 60 and not any(sentence.text in c for c in claims):
                return sentence.text
    raise AssertionError(f"no long page sentence in {half}.jsonl")


def _curly(text: str) -> str:
    """The text as another outlet might print it: curly quotes, doubled spaces."""
    return text.replace('"', "\u201c").replace("'", "\u2019").replace(" ", "  ", 2)


def test_bodies_repeating_real_set_text_under_other_ids_are_excluded(tmp_path: Path) -> None:
    # FNC-1 repeats text under other body ids: a test-half claim or a dev-half page sentence
    # inside a body that is not the set's own must keep that body out of training too
    bodies = {str(i): f"Body {i} says the troops arrived. Weather was fine." for i in range(40)}
    texts = [
        f"Earlier today. {_curly(_first_long_claim('test'))} More on this later.",
        f"{_first_long_page_sentence('dev')} Nothing else.",
    ]
    ids = [str(i) for i in range(9000, 9100)]
    held = fnc1_holdout.heldout_ids([*bodies, *ids])
    copies = dict(zip([i for i in ids if i not in held], texts, strict=False))
    bodies.update(copies)
    assert len(copies) == 2 and not set(copies) & fnc1_holdout.heldout_ids(bodies)
    stances = [(f"Troops arrived {b}", b, "agree") for b in bodies]
    _write_fnc1(tmp_path, bodies, stances)
    assert set(copies) <= fnc1_holdout.real_set_text_ids(bodies)
    assert set(copies) <= fnc1_holdout.excluded_ids(tmp_path)
    assert not set(copies) & fnc1_holdout.excluded_ids(tmp_path, shared_text=False)
    used = {h.split()[-1] for h in nli_data.load_fnc1(tmp_path, seed=1)["hypothesis"]}
    assert used and not used & set(copies)


def test_real_set_passages_are_long_sentences_and_claims_of_both_halves() -> None:
    passages = fnc1_holdout.real_set_passages()
    assert all(len(p) >= fnc1_holdout.MIN_SHARED_CHARS for p in passages)
    for half in ("dev", "test"):
        assert fnc1_holdout.comparable(_first_long_claim(half)) in passages
        assert fnc1_holdout.comparable(_first_long_page_sentence(half)) in passages


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


def test_datasets_cache_defaults_to_the_user_cache_not_the_working_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import train_nli

    monkeypatch.setenv("DENIAL_NLI_CACHE", str(tmp_path / "cache"))
    assert train_nli.default_cache_dir() == tmp_path / "cache" / "hf"
    monkeypatch.delenv("DENIAL_NLI_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert train_nli.default_cache_dir() == tmp_path / "home" / ".cache" / "denial-nli" / "hf"
    args = train_nli.parse_args(["--data-dir", str(tmp_path), "--output-dir", "runs/x"])
    assert args.cache_dir is None  # load_training_data then uses default_cache_dir()


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
