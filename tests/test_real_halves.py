"""The test-half guard (scripts/real_halves.py) and the scripts that fit, tune or train with it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from real_halves import TEST_HALF, article_ids, refuse_test_half

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "fixtures" / "real"


def _copy(source: Path, target: Path) -> Path:
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_the_guard_reads_the_test_half_of_the_repository() -> None:
    assert TEST_HALF == REAL / "test.jsonl"
    assert len(article_ids(TEST_HALF)) >= 40


def test_a_renamed_copy_of_the_test_half_is_refused(tmp_path: Path) -> None:
    renamed = _copy(REAL / "test.jsonl", tmp_path / "half2.jsonl")
    with pytest.raises(ValueError, match=r"half2\.jsonl: holds \d+ article\(s\) of the test half"):
        refuse_test_half(renamed)


def test_a_dev_file_with_test_in_its_name_is_accepted(tmp_path: Path) -> None:
    refuse_test_half(_copy(REAL / "dev.jsonl", tmp_path / "latest-dev.jsonl"))


def test_one_test_article_among_dev_articles_is_refused_and_named(tmp_path: Path) -> None:
    test_row = (REAL / "test.jsonl").read_text(encoding="utf-8").splitlines()[0]
    mixed = _copy(REAL / "dev.jsonl", tmp_path / "dev.jsonl")
    mixed.write_text(mixed.read_text(encoding="utf-8") + test_row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=json.loads(test_row)["id"]):
        refuse_test_half(mixed)


def test_pair_rows_are_checked_by_their_article_id(tmp_path: Path) -> None:
    test_id = json.loads((REAL / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]
    rows = tmp_path / "real-dev.jsonl"  # make_real_pairs.py's rows carry article_id
    rows.write_text(json.dumps({"premise": "p", "article_id": test_id}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="test half"):
        refuse_test_half(rows)
    rows.write_text(json.dumps({"premise": "p", "article_id": "no-such-id"}) + "\n")
    refuse_test_half(rows)


def test_a_file_that_is_not_json_lines_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not JSON"):
        refuse_test_half(bad)


def _fit_pair_ranker(path: Path, tmp: Path) -> object:
    import fit_pair_ranker

    return fit_pair_ranker.main([str(path), "-o", str(tmp / "ranker.json")])


def _ranking_diagnostics(path: Path, tmp: Path) -> object:
    import ranking_diagnostics

    return ranking_diagnostics.main([str(path), "oracle"])


def _tune_pairing(path: Path, tmp: Path) -> object:
    import tune_pairing

    return tune_pairing.main([str(path)])


def _make_real_pairs(path: Path, tmp: Path) -> object:
    import make_real_pairs

    return make_real_pairs.main([str(path), "-o", str(tmp / "rows.jsonl")])


def _make_distill_pairs(path: Path, tmp: Path) -> object:
    import make_distill_pairs

    args = ["--data-dir", str(tmp), "--real", str(path), "-o", str(tmp / "pairs.jsonl")]
    return make_distill_pairs.main(args)


def _bench_precision(path: Path, tmp: Path) -> object:
    import bench_precision

    return bench_precision.main(["--rows", str(path)])


@pytest.mark.parametrize(
    "run",
    [
        _fit_pair_ranker,  # fits the pair ranker
        _tune_pairing,  # tunes retrieval pairing
        _ranking_diagnostics,  # where the pair ranker's recall is lost
        _make_real_pairs,  # training rows from gold pairs
        _make_distill_pairs,  # teacher-labelled training pairs
        _bench_precision,  # the rows int8's guard is recorded from
    ],
)
def test_every_script_that_fits_tunes_or_trains_refuses_a_renamed_test_half(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], run: Callable[[Path, Path], object]
) -> None:
    renamed = _copy(REAL / "test.jsonl", tmp_path / "half2.jsonl")
    with pytest.raises(SystemExit) as raised:
        run(renamed, tmp_path)
    message = str(raised.value.code) + capsys.readouterr().err
    assert "holds" in message and "only measured" in message
