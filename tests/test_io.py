"""Tests for nli.io: every input format, bad rows and atomic writes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nli.io import InputError, normalise_label, read_pairs, write_records
from nli.types import ErrorRecord, PairRecord

ROWS = [
    {
        "id": "a",
        "statement": "We have no troops.",
        "report": "Troops arrived.",
        "label": "contradiction",
    },
    {
        "id": "b",
        "statement": "Sales rose.",
        "report": "Sales rose by 5%.",
        "label": "entailment",
        "domain": "corporate",
    },
]


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_jsonl_with_ids_labels_and_extra_fields(tmp_path: Path):
    path = _jsonl(tmp_path / "p.jsonl", [json.dumps(r) for r in ROWS])
    records = list(read_pairs(path))
    assert [r.id for r in records] == ["a", "b"]
    assert isinstance(records[1], PairRecord)
    assert records[1].label == "entailment"
    assert records[1].extra == {"domain": "corporate"}


def test_reads_gzipped_jsonl(tmp_path: Path):
    path = tmp_path / "p.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(r) for r in ROWS))
    assert len(list(read_pairs(path))) == 2


def test_reads_csv(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text('id,statement,report\nx,"We deny it, flatly.",It happened.\n', encoding="utf-8")
    (record,) = read_pairs(path)
    assert isinstance(record, PairRecord)
    assert record.statement == "We deny it, flatly."
    assert record.label is None


def test_reads_parquet(tmp_path: Path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    assert [r.id for r in read_pairs(path)] == ["a", "b"]


def test_missing_id_falls_back_to_line_number(tmp_path: Path):
    path = _jsonl(tmp_path / "p.jsonl", ['{"statement": "s", "report": "r"}'])
    assert next(iter(read_pairs(path))).id == "1"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"statement": "s", "report": ', "malformed JSON"),  # truncated line
        ('{"statement": "s"}', "'report' is missing"),  # missing field
        ('{"statement": "  ", "report": "r"}', "'statement' is empty"),  # blank string
        ('{"statement": 3, "report": "r"}', "not a string"),  # wrong type
        ('["s", "r"]', "expected a JSON object"),  # not an object
        ('{"statement": "s", "report": "r", "label": "maybe"}', "unknown label"),  # bad label
    ],
)
def test_bad_rows_become_error_records_and_good_rows_survive(tmp_path: Path, line, message):
    path = _jsonl(tmp_path / "p.jsonl", [json.dumps(ROWS[0]), line, json.dumps(ROWS[1])])
    records = list(read_pairs(path))
    errors = [r for r in records if isinstance(r, ErrorRecord)]
    assert [r.id for r in records if isinstance(r, PairRecord)] == ["a", "b"]
    assert len(errors) == 1
    assert errors[0].line == 2
    assert message in errors[0].message


def test_non_utf8_line_is_an_error_record(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(json.dumps(ROWS[0]).encode() + b'\n{"statement": "caf\xe9", "report": "r"}\n')
    records = list(read_pairs(path))
    assert isinstance(records[0], PairRecord)
    assert isinstance(records[1], ErrorRecord)
    assert "UTF-8" in records[1].message


def test_ragged_csv_row_is_an_error_record(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text("statement,report\ns,r\ns,r,extra\n", encoding="utf-8")
    records = list(read_pairs(path))
    assert isinstance(records[0], PairRecord)
    assert isinstance(records[1], ErrorRecord)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "file not found"),  # no such file
        ("empty.jsonl", "", "file is empty"),  # zero bytes
        ("blank.jsonl", "\n\n", "no records"),  # only blank lines
        ("pairs.xlsx", "x", "unknown format"),  # unsupported suffix
        ("bad.parquet", "not parquet", "Parquet"),  # corrupt parquet
    ],
)
def test_unreadable_inputs_raise_input_error_naming_the_file(
    tmp_path: Path, name, content, message
):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        list(read_pairs(path))
    assert name in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Contradiction", "contradiction"),  # case-insensitive
        (True, "contradiction"),  # binary label
        ("false", "neutral"),  # binary label as string
        (None, None),  # unlabelled
    ],
)
def test_normalise_label(value, expected):
    assert normalise_label(value) == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_write_records_round_trips_and_leaves_no_temp_files(tmp_path: Path, suffix):
    path = tmp_path / f"out{suffix}"
    rows = [{"id": "a", "statement": "s", "report": "r", "score": 0.5}]
    assert write_records(path, rows) == 1
    assert [r.id for r in read_pairs(path)] == ["a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_write_records_failure_keeps_the_old_file(tmp_path: Path):
    path = tmp_path / "out.jsonl"
    path.write_text("old\n", encoding="utf-8")

    def broken():
        yield {"a": 1}
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_records(path, broken())
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
