"""The Ray engine (nli.distributed): same findings as the local engine, and its plumbing.

Tests marked ``ray`` start one local Ray instance (3 logical CPUs) for the module; they run in
CI, which installs the ``ray`` extra. The others are pure and need no Ray.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.distributed import (
    BATCH,
    ERROR,
    FINDING,
    ArticleBatchScorer,
    RayOptions,
    RayUnavailableError,
    _Collected,
    encode_batch_output,
    file_rows,
    model_location,
    read_file_row,
    run_score_ray,
    stream_findings,
    threads_per_worker,
)
from nli.io import row_to_article
from nli.runs import run_score
from nli.types import Article, ErrorRecord

FIXTURE_ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
TOLERANCE = 1e-6
runner = CliRunner()


def _config(model_dir: Path) -> ArticleConfig:
    # 4 articles per batch, so the fixture articles make several batches for 2 workers.
    return ArticleConfig(
        scoring=ScoringConfig(model=str(model_dir), precision="fp32"), articles_per_batch=4
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_same_findings(ray_rows: list[dict[str, Any]], local_rows: list[dict[str, Any]]):
    """Equal field by field, with floats (probabilities and scores) equal within TOLERANCE."""
    assert [r["article_id"] for r in ray_rows] == [r["article_id"] for r in local_rows]
    for got, want in zip(ray_rows, local_rows, strict=True):
        assert abs(got["score"] - want["score"]) <= TOLERANCE
        for label, p in want["probs"].items():
            assert abs(got["probs"][label] - p) <= TOLERANCE
        exact = {k: v for k, v in want.items() if k not in ("score", "probs")}
        assert {k: got[k] for k in exact} == exact
        assert set(got) == set(want)


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[None]:
    """One local Ray instance for the module (run_score_ray reuses it).

    3 logical CPUs: 2 for the two scoring actors, 1 for Ray Data's read tasks.
    """
    import ray

    ray.init(num_cpus=3, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


# ----------------------------------------------------------------------------- with Ray


@pytest.mark.ray
def test_ray_engine_with_two_workers_matches_local_engine_on_fixture_articles(
    ray_instance: None, tiny_model_dir: Path, tmp_path: Path
):
    config = _config(tiny_model_dir)
    local = run_score(FIXTURE_ARTICLES, tmp_path / "local" / "findings.jsonl", config)
    out = tmp_path / "ray" / "findings.jsonl"
    result = run_score_ray(
        FIXTURE_ARTICLES, out, config, RayOptions(workers=2, threads_per_worker=1)
    )
    local_rows = _read_jsonl(tmp_path / "local" / "findings.jsonl")
    assert len(local_rows) > 20, "the fixture articles must give findings to compare"
    _assert_same_findings(_read_jsonl(out), local_rows)
    assert vars(result.counts) == vars(local.counts)
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["engine"] == "ray"
    assert (manifest["ray"]["workers"], manifest["ray"]["threads_per_worker"]) == (2, 1)
    assert manifest["counts"]["findings_written"] == len(local_rows)


def _write_collection(path: Path, rows: list[dict[str, Any]]) -> None:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "text", "title"])
            writer.writeheader()
            writer.writerows(rows)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)


@pytest.mark.ray
@pytest.mark.parametrize(
    "suffix",
    [
        ".jsonl",  # ray.data.read_json
        ".csv",  # ray.data.read_csv, every column read as text
        ".parquet",  # ray.data.read_parquet
    ],
)
def test_ray_engine_reads_tables_like_the_local_engine(
    ray_instance: None, tiny_model_dir: Path, tmp_path: Path, suffix: str
):
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURE_ARTICLES.glob("*.txt"))[:3]]
    rows: list[dict[str, Any]] = [
        {"id": f"00{i}", "text": text, "title": None} for i, text in enumerate(texts)
    ]
    rows.insert(1, {"id": "no-text", "text": None, "title": "a row without its text"})
    collection = tmp_path / f"articles{suffix}"
    _write_collection(collection, rows)
    config = _config(tiny_model_dir)
    local = run_score(collection, tmp_path / "local" / "findings.jsonl", config)
    result = run_score_ray(collection, tmp_path / "ray" / "findings.jsonl", config)
    local_rows = _read_jsonl(tmp_path / "local" / "findings.jsonl")
    # Ids keep their leading zeros (a CSV or JSON reader that guessed types would drop them).
    assert {row["article_id"] for row in local_rows} == {"000", "001", "002"}
    _assert_same_findings(_read_jsonl(tmp_path / "ray" / "findings.jsonl"), local_rows)
    assert [(e.id, e.message) for e in result.errors] == [(e.id, e.message) for e in local.errors]
    assert vars(result.counts) == vars(local.counts)
    # CSV has no null: the row's text is "" there, an empty article rather than an error.
    assert result.counts.errored == (0 if suffix == ".csv" else 1)


@pytest.mark.ray
def test_cli_scores_on_ray_and_says_so_in_the_manifest(
    ray_instance: None, tiny_model_dir: Path, tmp_path: Path
):
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in sorted(FIXTURE_ARTICLES.glob("*.txt"))[:2]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "findings.jsonl"
    args = ["score", str(folder), "-o", str(out), "-m", str(tiny_model_dir), "--engine", "ray"]
    result = runner.invoke(app, [*args, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert {row["article_id"] for row in _read_jsonl(out)} == {"a01.txt", "a02.txt"}
    manifest = json.loads((tmp_path / "findings.jsonl.manifest.json").read_text())
    assert (manifest["engine"], manifest["ray"]["workers"]) == ("ray", 2)


@pytest.mark.ray
def test_ray_engine_respects_an_interrupted_local_run_and_discards_it_with_force(
    ray_instance: None, tiny_model_dir: Path, tmp_path: Path
):
    folder = tmp_path / "articles"
    folder.mkdir()
    source = sorted(FIXTURE_ARTICLES.glob("*.txt"))[0]
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "findings.jsonl"
    left = [tmp_path / "findings.jsonl.partial.jsonl", tmp_path / "findings.jsonl.checkpoint.json"]
    for path in left:  # what a killed local run leaves behind
        path.write_text("{}\n", encoding="utf-8")
    args = ["score", str(folder), "-o", str(out), "-m", str(tiny_model_dir), "--engine", "ray"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "--resume" in refused.output and "--force" in refused.output
    assert all(path.exists() for path in left) and not out.exists()
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.exists() and not any(path.exists() for path in left)
    assert not (tmp_path / "findings.jsonl.lock").exists()


# ----------------------------------------------------------------------------- no Ray


@pytest.mark.parametrize(
    "options",
    [
        ["--engine", "spark"],  # no such engine
        ["--workers", "2"],  # a Ray option with the local engine
        ["--address", "auto"],  # likewise
        ["--engine", "ray", "--resume"],  # resuming is the local engine's
    ],
)
def test_cli_refuses_engine_options_that_do_not_fit(options: list[str], tmp_path: Path):
    out = tmp_path / "findings.jsonl"
    result = runner.invoke(app, ["score", str(FIXTURE_ARTICLES), "-o", str(out), *options])
    assert result.exit_code == 2
    assert not out.exists()


def test_missing_ray_is_reported_as_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tiny_model_dir: Path, tmp_path: Path
):
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError
    with pytest.raises(RayUnavailableError, match=r"denial-nli\[ray\]"):
        run_score_ray(FIXTURE_ARTICLES, tmp_path / "f.jsonl", _config(tiny_model_dir))


@pytest.mark.parametrize(
    ("options", "node_cpus", "expected"),
    [
        (RayOptions(workers=2), [3.0], 1),  # this machine (2 CPUs + the reserve): 2 x 1 thread
        (RayOptions(workers=1), [3.0], 2),  # ... or 1 worker x 2 threads
        (RayOptions(workers=2), [4.0, 4.0, 4.0], 4),  # capped at the largest node
        (RayOptions(workers=4, threads_per_worker=3), [16.0], 3),  # explicit value wins
    ],
)
def test_threads_per_worker_shares_cpus_evenly(
    options: RayOptions, node_cpus: list[float], expected: int
):
    assert threads_per_worker(options, node_cpus) == expected


@pytest.mark.parametrize(
    ("options", "node_cpus"),
    [
        (RayOptions(workers=3), [3.0]),  # 3 actors on 2 CPUs + the reserve
        (RayOptions(workers=2, threads_per_worker=2), [4.0]),  # 4 CPUs for actors, 3 free
    ],
)
def test_threads_per_worker_keeps_a_cpu_for_reading_the_input(
    options: RayOptions, node_cpus: list[float]
):
    with pytest.raises(ValueError, match="kept for reading the input"):
        threads_per_worker(options, node_cpus)


@pytest.mark.parametrize("bad", [{"workers": 0}, {"threads_per_worker": 0}])
def test_ray_options_reject_non_positive_sizes(bad: dict[str, int]):
    with pytest.raises(ValueError, match="must be >= 1"):
        RayOptions(**bad)


def test_batch_output_round_trips_findings_errors_and_counts():
    findings = [{"article_id": "a", "score": 0.25, "statement": {"span": [1, 5]}}]
    errors = [ErrorRecord("in.jsonl", None, "b", "field 'text' missing")]
    counts = RunCounts(read=3, scored=1, errored=1, skipped=1, claims=4, pairs=1)
    columns = encode_batch_output(findings, errors, counts, precision="fp32")
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    collected = _Collected(RunCounts(read=1, errored=1), [], set())
    assert list(stream_findings(iter([table, table]), collected)) == findings * 2
    assert collected.errors == errors * 2
    assert collected.counts == RunCounts(
        read=7, scored=2, skipped=2, errored=3, claims=8, pairs=2, findings_written=0
    )
    assert collected.precisions == {"fp32"}
    assert columns["kind"] == [FINDING, ERROR, BATCH]


def test_batch_scorer_carries_kept_fields_as_the_local_engine_does(tiny_model_dir: Path):
    text = '"We have no troops in Karsk," the minister said. Reuters said troops arrived in Karsk.'
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
        finder="rules",
        pairing="topics",
        keep_fields=("outlet",),
        date_field="published",
    )
    scorer = ArticleBatchScorer(config, row_kind="table", source="in.jsonl")  # no Ray needed
    rows = [
        {"id": "a", "text": text, "outlet": "AP", "published": "12 March 2015"},
        {"id": "b", "text": text, "outlet": "UPI", "published": "someday"},
    ]
    collected = _Collected(RunCounts(), [], set())
    findings = list(stream_findings(iter([scorer(pa.Table.from_pylist(rows))]), collected))
    assert {f["article_id"]: f["article"] for f in findings} == {
        "a": {"outlet": "AP", "date": "2015-03-12"},
        "b": {"outlet": "UPI", "date": None},
    }
    assert collected.counts.dates_unparsed == 1


def test_stream_findings_refuses_an_unknown_row_kind():
    table = pa.table({"kind": ["summary"], "record": ["{}"]})
    collected = _Collected(RunCounts(), [], set())
    with pytest.raises(ValueError, match="unknown row kind 'summary'"):
        list(stream_findings(iter([table]), collected))


def test_file_rows_give_the_ids_the_local_reader_gives(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.html").write_text("<p>First.</p>", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    rows = file_rows(tmp_path)
    assert [row["id"] for row in rows] == ["a.html", "sub/b.txt"]
    assert all(Path(os.fsdecode(row["path"])).is_absolute() for row in rows)
    article = read_file_row(rows[1])
    assert isinstance(article, Article)
    assert (article.id, article.text) == ("sub/b.txt", "Second.")


def test_file_rows_of_a_name_that_is_not_utf8_give_a_text_id_and_read_the_file(tmp_path: Path):
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"The ministry denied the report.")
    (row,) = file_rows(tmp_path)
    assert row["id"] == "caf\\xe9.txt"
    row["id"].encode("utf-8")  # valid text: it goes into Arrow tables and UTF-8 outputs
    article = read_file_row(row)
    assert isinstance(article, Article)
    assert (article.id, article.text) == ("caf\\xe9.txt", "The ministry denied the report.")


def test_a_file_that_vanished_is_an_error_record_not_a_crash(tmp_path: Path):
    record = read_file_row({"path": str(tmp_path / "gone.txt"), "id": "gone.txt"})
    assert isinstance(record, ErrorRecord)
    assert record.id == "gone.txt"


def test_rows_without_an_id_or_line_number_are_errors():
    record = row_to_article({"text": "Text."}, source="in.parquet", line=None)
    assert isinstance(record, ErrorRecord)
    assert record.message == "field 'id' missing"


def test_model_location_makes_local_directories_absolute(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tiny_model_dir.parent)
    assert model_location(tiny_model_dir.name) == str(tiny_model_dir.resolve())
    assert model_location("default") == "default"
    assert model_location("org/some-hub-model") == "org/some-hub-model"
