"""Tests for nli.io: every input format, bad rows and atomic writes."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nli.io import (
    InputError,
    input_fingerprint,
    normalise_label,
    read_articles,
    read_findings,
    read_pairs,
    truncate_file,
    write_json,
    write_records,
)
from nli.types import Article, ErrorRecord, PairRecord

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


def test_missing_id_falls_back_to_the_row_number(tmp_path: Path):
    path = _jsonl(tmp_path / "p.jsonl", ['{"statement": "s", "report": "r"}'])
    assert next(iter(read_pairs(path))).id == "row-1"


def test_rows_without_an_id_are_numbered_by_data_row_not_by_line(tmp_path: Path):
    path = tmp_path / "p.csv"
    # a header, a field with a line break inside and a blank line: none is a data row
    path.write_text('statement,report\ns,"two\nlines"\n\ns,r\ns,r,extra\ns,r\n', encoding="utf-8")
    records = list(read_pairs(path))
    assert [r.id for r in records] == ["row-1", "row-2", None, "row-4"]
    assert records[2].line == 6  # an error row still names its line in the file


def _articles_of(path: Path, text_field: str) -> list[Article]:
    records = list(read_articles(path, text_field=text_field))
    assert all(isinstance(r, Article) for r in records), records
    return records  # type: ignore[return-value]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_article_ids_of_rows_without_one_are_row_numbers_in_every_format(
    tmp_path: Path, suffix: str
):
    rows = [{"id": "3", "text": "A."}, {"id": "x", "text": "B."}, {"id": None, "text": "C."}]
    path = tmp_path / f"a{suffix}"
    if suffix == ".jsonl":
        _jsonl(path, [json.dumps(row) for row in rows])
    else:
        write_records(path, rows)
    # the id-less third row is not "3": it would have been refused as a duplicate
    assert [a.id for a in _articles_of(path, "text")] == ["3", "x", "row-3"]


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "contradiction"),  # JSON number
        (0, "neutral"),  # JSON number
        ("1", "contradiction"),  # CSV cell
        (0.0, "neutral"),  # a float column (pandas, Parquet)
        (True, "contradiction"),  # boolean
    ],
)
def test_the_contradiction_field_takes_one_and_zero_as_booleans(value, expected):
    assert normalise_label(value, field="contradiction") == expected


@pytest.mark.parametrize(
    "value",
    [
        0,  # Hugging Face MNLI: entailment, was read as neutral
        1,  # Hugging Face MNLI: neutral, was read as contradiction
        2,  # Hugging Face MNLI: contradiction
        "1",  # the same in a CSV cell
    ],
)
def test_a_number_in_the_label_field_is_refused_naming_the_labels(value):
    with pytest.raises(ValueError, match="is a number; labels are contradiction, neutral"):
        normalise_label(value)


def test_pair_rows_with_numeric_labels_are_error_rows_and_boolean_fields_are_read(
    tmp_path: Path,
):
    lines = [
        '{"statement": "s", "report": "r", "label": 1}',
        '{"statement": "s", "report": "r", "contradiction": 1}',
        '{"statement": "s", "report": "r", "label": "", "contradiction": 0}',
    ]
    records = list(read_pairs(_jsonl(tmp_path / "p.jsonl", lines)))
    assert isinstance(records[0], ErrorRecord) and "entailment" in records[0].message
    assert [r.label for r in records[1:]] == ["contradiction", "neutral"]  # type: ignore[union-attr]


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


def test_csv_output_flattens_nested_fields_into_dotted_columns(tmp_path: Path):
    import csv

    path = tmp_path / "out.csv"
    rows = [
        {"id": "a", "probs": {"contradiction": 0.7, "neutral": 0.2}, "span": [3, 9], "x": None},
        {"id": "b", "probs": {"contradiction": 0.1, "neutral": 0.8}, "span": [0, 1], "late": "y"},
    ]
    assert write_records(path, rows) == 2
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0]) == ["id", "probs.contradiction", "probs.neutral", "span", "x", "late"]
    assert read[0]["probs.contradiction"] == "0.7"
    assert read[0]["span"] == "[3, 9]" and read[0]["x"] == "" and read[1]["late"] == "y"


def test_parquet_output_keeps_structs_and_one_schema_across_chunks(tmp_path: Path, monkeypatch):
    import nli.io

    monkeypatch.setattr(nli.io, "PARQUET_WRITE_CHUNK", 2)  # several chunks from 5 rows
    rows = [{"id": str(i), "who": {"speaker": None, "span": [i, i + 1]}} for i in range(4)]
    rows.append({"id": "4", "who": {"speaker": "the minister", "span": [4, 5]}})
    path = tmp_path / "out.parquet"
    assert write_records(path, rows) == 5
    table = pq.read_table(path)
    who = table.schema.field("who").type
    assert pa.types.is_struct(who) and who.field("speaker").type == pa.string()
    assert who.field("span").type.value_type == pa.int64()
    assert table.to_pylist() == rows


def test_empty_outputs_are_valid_files(tmp_path: Path):
    for suffix in (".jsonl", ".csv", ".parquet"):
        assert write_records(tmp_path / f"e{suffix}", []) == 0
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    assert (tmp_path / "e.jsonl").read_text() == ""


def test_read_findings_gives_csv_rows_back_as_the_jsonl_ones(tmp_path: Path):
    finding = {
        "article_id": "007",
        "report_article_id": "007",
        "statement": {"text": "No.", "speaker": None, "span": [0, 3], "blanket": True,
                      "bare": False},
        "report": {"text": "Yes.", "source": "AP", "span": [4, 8], "blanket": False,
                   "bare": True},
        "probs": {"contradiction": 0.5, "neutral": 0.25, "entailment": 0.25},
        "score": 0.5,
        "calibrated": 0.4,
        "pair_probability": None,
        "priority": 0.4,
        "label": "contradiction",
        "window": 0,
        "article": {"outlet": "Daily Planet", "date": None},
    }  # fmt: skip
    for suffix in (".jsonl", ".csv", ".parquet"):
        write_records(tmp_path / f"f{suffix}", [finding, finding])
        assert read_findings(tmp_path / f"f{suffix}") == ([finding, finding], []), suffix


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_read_findings_of_a_run_with_no_findings_is_empty(tmp_path: Path, suffix: str):
    path = tmp_path / f"f{suffix}"
    write_records(path, [])  # what nli score writes when it finds nothing
    assert read_findings(path) == ([], [])


def test_read_findings_keeps_good_rows_and_reports_bad_ones(tmp_path: Path):
    path = _jsonl(tmp_path / "f.jsonl", ['{"article_id": "a"}', "{broken"])
    rows, errors = read_findings(path)
    assert rows == [{"article_id": "a"}] and [e.line for e in errors] == [2]


def _non_utf8_name(folder: Path, name: bytes) -> Path:
    """A file whose name is not valid UTF-8 (skipped where the file system refuses one)."""
    try:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def test_file_names_that_are_not_utf8_give_ids_that_are_text(tmp_path: Path):
    _non_utf8_name(tmp_path, b"caf\xe9.txt").write_text("Officials denied it.", encoding="utf-8")
    _non_utf8_name(tmp_path, b"bin\xff.txt").write_bytes(b"\x00binary")
    records = list(read_articles(tmp_path))
    assert [r.id for r in records] == ["bin\\xff.txt", "caf\\xe9.txt"]
    assert isinstance(records[0], ErrorRecord) and isinstance(records[1], Article)
    assert records[0].source.endswith("bin\\xff.txt")
    assert records[1].source.endswith("caf\\xe9.txt")  # type: ignore[union-attr]
    # what failed before: writing them out as UTF-8
    write_records(tmp_path / "out.jsonl", [{"id": r.id, "source": r.source} for r in records])


def test_a_single_file_with_a_non_utf8_name_gets_a_text_id(tmp_path: Path):
    path = _non_utf8_name(tmp_path, b"\xe9t\xe9.txt")
    path.write_text("Officials denied it.", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.id == "\\xe9t\\xe9.txt"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (
            b"\x93We have no troops,\x94 he said \x96 twice.",
            "“We have no troops,” he said – twice.",
        ),
        (b"caf\xe9 \x85", "café …"),  # Latin-1 letters are the same in Windows-1252
        (b"\x81\x93x\x94", "\x81“x”"),  # an undefined byte stays as Latin-1 reads it
        ("“UTF-8 wins”".encode(), "“UTF-8 wins”"),  # valid UTF-8 is UTF-8
    ],
)
def test_text_files_that_are_not_utf8_are_read_as_windows_1252(
    tmp_path: Path, data: bytes, text: str
):
    (tmp_path / "a.txt").write_bytes(data)
    (article,) = read_articles(tmp_path / "a.txt")
    assert article.text == text  # type: ignore[union-attr]


_PAGE = (
    '<html><head><meta charset="{charset}"><title>t</title></head><body><article>'
    "<p>{text} {text} {text} {text} {text} {text} {text} {text}</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("charset", "encoding", "text"),
    [
        ("koi8-r", "koi8_r", "Министерство отрицает это."),  # a declared charset is honoured
        ("iso-8859-1", "cp1252", "“The ministry denied it.”"),  # Latin-1 as browsers read it
    ],
)
def test_html_pages_are_read_in_the_charset_they_declare(
    tmp_path: Path, charset: str, encoding: str, text: str
):
    page = tmp_path / "a.html"
    page.write_bytes(_PAGE.format(charset=charset, text=text).encode(encoding))
    (article,) = read_articles(page)
    assert text in article.text  # type: ignore[union-attr]


def _articles_jsonl(path: Path, ids: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "text": f"Text {i}."}) + "\n" for i in ids), encoding="utf-8"
    )
    return path


def test_read_articles_marks_repeated_ids_as_errors(tmp_path: Path):
    path = _articles_jsonl(tmp_path / "a.jsonl", ["a", "b", "a", "a"])
    records = list(read_articles(path))
    assert [type(r).__name__ for r in records] == ["Article", "Article", "ErrorRecord"] + [
        "ErrorRecord"
    ]
    assert (
        records[2].message == "duplicate article id 'a' (first at line 1); this row was not scored"
    )


def test_read_articles_skip_resumes_after_n_records_and_still_sees_old_ids(tmp_path: Path):
    path = _articles_jsonl(tmp_path / "a.jsonl", ["a", "b", "c", "a"])
    records = list(read_articles(path, skip=2))
    assert [r.id for r in records] == ["c", "a"]
    assert isinstance(records[1], ErrorRecord)  # "a" was seen in the skipped part


def test_read_articles_skip_does_not_open_skipped_files(tmp_path: Path, monkeypatch):
    import nli.io

    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name} text.", encoding="utf-8")
    opened: list[str] = []
    original = nli.io._read_article_file
    monkeypatch.setattr(
        nli.io,
        "_read_article_file",
        lambda f, i, **kw: opened.append(i) or original(f, i, **kw),
    )
    assert [r.id for r in read_articles(tmp_path, skip=2)] == ["c.txt"]
    assert opened == ["c.txt"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_text_readers_stream_in_constant_memory(tmp_path: Path, suffix):
    import tracemalloc

    path = tmp_path / f"big{suffix}"
    text = "The ministry denied it. " * 200  # about 5 KB per article
    write_records(path, ({"id": str(i), "text": text} for i in range(3000)))  # about 15 MB
    assert path.stat().st_size > 14_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_articles(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert peak < 2_000_000  # a few rows' worth, not the 15 MB collection


def test_parquet_reader_pulls_batches_lazily(tmp_path: Path, monkeypatch):
    import itertools

    path = tmp_path / "big.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": str(i), "text": "x"} for i in range(1000)]), path)
    pulled: list[int] = []
    original = pq.ParquetFile.iter_batches

    def counting(self, *args, **kwargs):
        for batch in original(self, *args, **kwargs):
            pulled.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counting)
    first = list(itertools.islice(read_articles(path), 3))
    assert [a.id for a in first] == ["0", "1", "2"]
    assert len(pulled) == 1 and pulled[0] < 1000


def test_input_fingerprint_changes_with_the_input(tmp_path: Path):
    path = _articles_jsonl(tmp_path / "a.jsonl", ["a"])
    before = input_fingerprint(path)
    assert before == input_fingerprint(path)
    _articles_jsonl(path, ["b"])
    assert input_fingerprint(path) != before
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "x.txt").write_text("x", encoding="utf-8")
    listing = input_fingerprint(folder)
    (folder / "y.txt").write_text("y", encoding="utf-8")
    assert input_fingerprint(folder)["files"] == 2 and input_fingerprint(folder) != listing


def test_truncate_file_cuts_to_a_byte_offset(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": ')
    truncate_file(path, 9)
    assert path.read_bytes() == b'{"a": 1}\n'


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet", ".json"])  # every writer
def test_atomic_outputs_get_the_permissions_of_a_plain_file(tmp_path: Path, suffix: str):
    import os

    umask = os.umask(0)
    os.umask(umask)
    out = tmp_path / f"out{suffix}"
    if suffix == ".json":
        write_json(out, {"a": 1})
    else:
        write_records(out, [{"id": "a", "n": 1}])
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_check_article_input_refuses_a_table_without_the_text_field_and_json_arrays(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from nli.io import InputError, check_article_input

    table = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": ["1"], "body": ["The ministry denied it."]}), table)
    with pytest.raises(InputError, match="no column 'text'"):
        check_article_input(table)
    check_article_input(table, text_field="body")  # the right field passes
    array = tmp_path / "a.json"
    array.write_bytes(b'\xef\xbb\xbf  [{"id": "a", "text": "x"}]')
    with pytest.raises(InputError, match="JSON Lines"):
        check_article_input(array)
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    check_article_input(lines)
    check_article_input(tmp_path)  # a folder: read file by file


def test_parquet_output_writes_fields_of_mixed_types_as_text(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from nli.io import write_records

    rows = [
        {"id": "a", "source": 5, "article": {"outlet": 5, "url": "u1"}, "score": 0.5},
        {"id": "b", "source": "AP", "article": {"outlet": "AP", "url": None}, "score": 1},
    ]
    out = tmp_path / "mixed.parquet"
    assert write_records(out, rows) == 2
    table = pq.read_table(out).to_pylist()
    assert [r["source"] for r in table] == ["5", "AP"]
    assert [r["article"]["outlet"] for r in table] == ["5", "AP"]
    assert [r["article"]["url"] for r in table] == ["u1", None]  # one type: kept as is
    assert [r["score"] for r in table] == [0.5, 1.0]  # an integer goes with a float


def test_a_pair_table_without_a_statement_or_report_column_is_refused_whole(tmp_path: Path):
    import pandas as pd

    csv = tmp_path / "pairs.csv"
    csv.write_text("id,statement,text\n1,We deny it.,Troops arrived.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column 'report'.*columns: id, statement, text"):
        list(read_pairs(csv))
    parquet = tmp_path / "pairs.parquet"
    pd.DataFrame({"claim": ["x"], "report": ["y"]}).to_parquet(parquet)
    with pytest.raises(InputError, match="no column 'statement'"):
        list(read_pairs(parquet))
    # a JSONL line without a field is that line's error, the other lines are read
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text('{"statement": "a"}\n{"statement": "b", "report": "c"}\n', encoding="utf-8")
    rows = list(read_pairs(jsonl))
    assert isinstance(rows[0], ErrorRecord) and rows[1].report == "c"
