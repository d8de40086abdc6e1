"""Issue 8: bad inputs never stop a run, each gets a clear message, and the counts add up.

Each case puts one bad input next to a good article. The run must finish, score the
good article, and either record the bad one in ``errors.jsonl`` (with a message that
says what is wrong) or count it as skipped; in every run
``read == scored + skipped + errored`` and the manifest says the same. Inputs that are
unusable as a whole (missing, empty, unknown format) end the run with exit code 2 and
one line on stderr, and leave no partial files behind.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.io import InputError, write_records
from nli.runs import run_score

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOOD = (FIXTURES / "articles" / "a01.txt").read_text(encoding="utf-8")
runner = CliRunner()


@dataclass
class Run:
    """What one scoring run left behind."""

    counts: RunCounts
    findings: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    manifest: dict[str, Any]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _score(source: Path, tmp_path: Path, scorer, model_dir: Path, **options: Any) -> Run:  # type: ignore[no-untyped-def]
    out = tmp_path / "out" / "findings.jsonl"
    config = ArticleConfig(scoring=ScoringConfig(model=str(model_dir), precision="fp32"), **options)
    result = run_score(source, out, config, scorer=scorer)
    run = Run(
        result.counts,
        _read_jsonl(out),
        _read_jsonl(out.with_name("findings.jsonl.errors.jsonl")),
        json.loads(result.manifest_path.read_text(encoding="utf-8")),
    )
    counts = run.counts
    assert counts.read == counts.scored + counts.skipped + counts.errored
    assert run.manifest["counts"] == vars(counts)
    assert len(run.errors) == counts.errored == len(result.errors)
    assert counts.findings_written == len(run.findings)
    assert (
        sorted(
            p.name for p in out.parent.iterdir() if "partial" in p.name or "checkpoint" in p.name
        )
        == []
    )
    return run


def _folder(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / name).write_bytes(content)
    return folder


def _gzip_truncated(data: bytes) -> bytes:
    whole = gzip.compress(data)
    return whole[: len(whole) // 2]


def _varied_text(n_chars: int) -> str:
    rng = random.Random(0)
    words = ["the", "ministry", "said", "troops", "arrived", "in", "city", "on", "Sunday"]
    parts: list[str] = []
    size = 0
    while size < n_chars:
        sentence = " ".join(rng.choice(words) for _ in range(12)).capitalize() + ". "
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


NESTED_HTML = (
    "<html><body>"
    + "<div>" * 5000
    + "<p>The ministry denied that troops crossed the border.</p>"
    + "</div>" * 5000
    + "</body></html>"
)

# (file name, content, expected outcome of that file: "error:<message>", "skipped",
# "empty" (skipped, counted as empty) or "scored")
FOLDER_CASES = [
    ("empty.txt", b"", "empty"),  # zero bytes
    ("blank.txt", b"  \n\t \r\n  ", "empty"),  # whitespace only
    ("latin1.txt", GOOD.replace("Karsk", "Kársk").encode("latin-1"), "scored"),  # Latin-1
    ("utf16.txt", GOOD.encode("utf-16"), "scored"),  # UTF-16 with BOM
    ("bad-utf8.txt", GOOD.encode() + b"\n\xff\xfa\xfb broken bytes", "scored"),  # read as Latin-1
    ("binary.txt", bytes(range(256)) * 8, "error:binary"),  # NUL bytes in a .txt
    ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "error:binary"),  # image as .html
    (
        "cut.txt.gz",
        _gzip_truncated(GOOD.encode() * 20),
        "error:cannot read article",
    ),  # truncated gzip
    ("no-end.txt", ("word " * 2000).encode(), "skipped"),  # no sentence end at all
    ("quotes.txt", '"""" “”“” \'\'\' «» „“'.encode(), "skipped"),  # only quote marks
    (
        "foreign.txt",  # Chinese, Arabic and Russian, no English
        "外交部发言人否认了这一报道。\nنفت الوزارة التقارير.\nМинистерство опровергло.".encode(),
        "skipped",
    ),
    ("no-body.html", b"<html><head><title>Only a title</title></head></html>", "empty"),  # no body
    ("nested.html", NESTED_HTML.encode(), "empty"),  # 5,000 nested divs: no crash
    ("huge.txt", _varied_text(2_000_000).encode(), "error:max_article_chars"),  # a 2 MB article
]


@pytest.mark.parametrize(
    ("name", "content", "expected"), FOLDER_CASES, ids=[case[0] for case in FOLDER_CASES]
)
def test_bad_file_in_a_folder_is_contained(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path, name: str, content: bytes, expected: str
):
    run = _score(_folder(tmp_path, name, content), tmp_path, tiny_scorer, tiny_model_dir)
    assert run.counts.read == 2
    found_ids = {finding["article_id"] for finding in run.findings}
    assert "good.txt" in found_ids  # the good article was scored whatever its neighbour
    kind, _, message = expected.partition(":")
    if kind == "error":
        (error,) = run.errors
        assert error["id"] == name
        assert message in error["message"]
        assert name in error["source"]
    else:
        assert run.errors == []
    if kind == "scored":
        assert name in found_ids and run.counts.scored == 2
    if kind in ("skipped", "empty"):
        assert run.counts.skipped == 1
        assert run.counts.empty == (1 if kind == "empty" else 0)


def test_files_with_other_suffixes_are_ignored_not_counted(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    folder = _folder(tmp_path, "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (folder / ".hidden.txt").write_bytes(b"\x00\x01")
    run = _score(folder, tmp_path, tiny_scorer, tiny_model_dir)
    assert (run.counts.read, run.counts.errored) == (1, 0)


def _jsonl_lines(*rows: dict[str, Any] | str | bytes) -> bytes:
    out = b""
    for row in rows:
        if isinstance(row, bytes):
            out += row + b"\n"
        else:
            out += (row if isinstance(row, str) else json.dumps(row)).encode() + b"\n"
    return out


GOOD_ROW = {"id": "good", "text": GOOD}

# (case id, JSONL bytes after the good row, expected errors as (line, message) pairs,
# expected skipped count)
JSONL_CASES = [
    (
        "truncated-last-line",
        _jsonl_lines('{"id": "cut", "text": "The minis'),
        [(2, "malformed JSON")],
        0,
    ),
    (
        "not-an-object",
        _jsonl_lines("[1, 2, 3]", "42"),
        [(2, "expected a JSON object")] + [(3, "expected a JSON object")],
        0,
    ),
    (
        "invalid-utf8-line",
        _jsonl_lines(b'{"id": "x", "text": "caf\xe9"}'),
        [(2, "not valid UTF-8")],
        0,
    ),
    (
        "duplicate-id",
        _jsonl_lines({"id": "good", "text": "Another text."}),
        [(2, "duplicate article id 'good'")],
        0,
    ),
    (
        "missing-text",
        _jsonl_lines({"id": "t1"}, {"id": "t2", "text": None}),
        [(2, "'text' missing"), (3, "'text' missing")],
        0,
    ),
    ("text-not-a-string", _jsonl_lines({"id": "n", "text": 5}), [(2, "not a string (int)")], 0),
    (
        "empty-and-blank-text",
        _jsonl_lines({"id": "e", "text": ""}, {"id": "b", "text": " \n\t"}),
        [],
        2,
    ),
    ("missing-id-uses-line-number", _jsonl_lines({"text": "No claim here."}), [], 1),
]


@pytest.mark.parametrize(
    ("rows", "expected_errors", "skipped"),
    [case[1:] for case in JSONL_CASES],
    ids=[case[0] for case in JSONL_CASES],
)
def test_bad_jsonl_rows_are_recorded_and_the_rest_is_scored(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path, rows: bytes, expected_errors, skipped: int
):
    source = tmp_path / "articles.jsonl"
    source.write_bytes(_jsonl_lines(GOOD_ROW) + rows)
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    assert {f["article_id"] for f in run.findings} == {"good"}
    assert [e["line"] for e in run.errors] == [line for line, _ in expected_errors]
    for error, (_, message) in zip(run.errors, expected_errors, strict=True):
        assert message in error["message"]
    assert all(e["source"] == str(source) for e in run.errors)
    assert run.counts.skipped == skipped
    assert run.counts.scored == 1


def test_missing_id_falls_back_to_the_line_number(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    source = tmp_path / "articles.jsonl"
    source.write_bytes(_jsonl_lines({"text": GOOD}))
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    assert {f["article_id"] for f in run.findings} == {"row-1"}  # nli.io.implicit_id


def test_truncated_gzip_jsonl_keeps_the_rows_before_the_damage(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    rows = [{"id": f"r{i}", "text": f"Row {i} has no claim."} for i in range(400)]
    whole = gzip.compress(_jsonl_lines(GOOD_ROW, *rows))
    source = tmp_path / "articles.jsonl.gz"
    source.write_bytes(whole[: int(len(whole) * 0.8)])
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    (error,) = run.errors
    assert "truncated or corrupt" in error["message"]
    assert run.counts.scored == 1 and run.counts.skipped > 0


@pytest.mark.parametrize(
    ("encode", "bom"),
    [
        (lambda text: text.encode("utf-16"), "UTF-16"),  # UTF-16 with its BOM
        (lambda text: text.encode("utf-8-sig"), "UTF-8"),  # UTF-8 with a BOM
    ],
)
def test_jsonl_with_a_byte_order_mark_is_read(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path, encode, bom
):
    source = tmp_path / "articles.jsonl"
    source.write_bytes(encode(json.dumps(GOOD_ROW, ensure_ascii=False) + "\n"))
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    assert run.errors == [], bom
    assert {f["article_id"] for f in run.findings} == {"good"}


def _csv(*rows: list[str]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def test_ragged_csv_rows_are_recorded(tmp_path: Path, tiny_scorer, tiny_model_dir: Path):
    source = tmp_path / "articles.csv"
    source.write_text(
        _csv(["id", "text"], ["good", GOOD], ["long", "x", "extra"], ["short"]), encoding="utf-8"
    )
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    assert [e["message"] for e in run.errors] == [
        "row has 3 fields, the header has 2",
        "row has 1 fields, the header has 2",
    ]
    assert run.counts.scored == 1


def test_csv_row_that_is_not_utf8_is_recorded(tmp_path: Path, tiny_scorer, tiny_model_dir: Path):
    source = tmp_path / "articles.csv"
    source.write_bytes(_csv(["id", "text"], ["good", GOOD]).encode() + b"latin,caf\xe9 cr\xe8me\n")
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    (error,) = run.errors
    assert "not valid UTF-8" in error["message"]
    assert run.counts.scored == 1


def test_utf16_csv_with_a_long_article_is_read(tmp_path: Path, tiny_scorer, tiny_model_dir: Path):
    # 300,000 characters: above the csv module's default field limit (128 KiB) and
    # above max_article_chars, so the row must be read and then refused with a message.
    source = tmp_path / "articles.csv"
    long_text = _varied_text(300_000)
    source.write_bytes(_csv(["id", "text"], ["good", GOOD], ["long", long_text]).encode("utf-16"))
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    (error,) = run.errors
    assert error["id"] == "long"
    assert "300" in error["message"] and "max_article_chars" in error["message"]
    assert run.counts.scored == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "not found"),  # no such file
        ("empty.jsonl", b"", "file is empty"),  # zero bytes
        ("empty.csv", b"", "file is empty"),  # zero bytes
        ("table.xlsx", b"PK\x03\x04", "unknown format"),  # unsupported suffix
        ("doc.docx", b"PK\x03\x04", ".txt/.html/.htm file"),  # says what articles can be
        ("bad.parquet", b"not parquet at all", "Parquet"),  # corrupt Parquet
        ("twice.csv", b"id,text,id\n1,a,2\n", "repeats column"),  # ambiguous header
        ("body.csv", b"id,body\n1,The ministry denied it.\n", "no column 'text'"),  # no text
        ("array.json", b'[\n  {"id": "a", "text": "x"}\n]\n', "JSON Lines"),  # a JSON array
    ],
)
def test_unusable_input_exits_2_with_one_line_and_no_debris(
    tmp_path: Path, tiny_model_dir: Path, name: str, content: bytes | None, message: str
):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out" / "findings.jsonl"
    result = runner.invoke(app, ["score", str(source), "-o", str(out), "-m", str(tiny_model_dir)])
    assert result.exit_code == 2, result.output
    assert message in result.output and name in result.output
    assert "Traceback" not in result.output
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_run_score_raises_input_error_for_an_empty_file(
    tmp_path: Path, tiny_scorer, tiny_model_dir
):
    source = tmp_path / "empty.jsonl"
    source.write_bytes(b"")
    with pytest.raises(InputError, match="file is empty"):
        _score(source, tmp_path, tiny_scorer, tiny_model_dir)


def test_folder_of_50_good_and_20_broken_files_scores_50_and_records_20(
    tmp_path: Path, tiny_model_dir: Path
):
    sources = [p for p in sorted((FIXTURES / "articles").glob("a*.txt")) if p.name != "a04.txt"]
    folder = tmp_path / "mixed"
    folder.mkdir()
    for i in range(50):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"good-{i:02d}.txt").write_text(f"Copy {i}\n\n{text}", encoding="utf-8")
    for i in range(20):
        broken = {
            0: ("txt", b"\x00\x01\x02" * 100),  # binary
            1: ("html", b"\x00<html>" * 50),  # binary HTML
            2: ("txt.gz", _gzip_truncated(GOOD.encode() * 10)),  # truncated gzip
        }[i % 3]
        (folder / f"broken-{i:02d}.{broken[0]}").write_bytes(broken[1])
    out = tmp_path / "findings.jsonl"
    result = runner.invoke(
        app,
        ["score", str(folder), "-o", str(out), "-m", str(tiny_model_dir), "--precision", "fp32"],
    )
    assert result.exit_code == 3, result.output
    assert "read 70 articles" in result.output
    manifest = json.loads(out.with_name("findings.jsonl.manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["read"] == 70 and counts["errored"] == 20
    assert counts["scored"] + counts["skipped"] == 50
    errors = _read_jsonl(out.with_name("findings.jsonl.errors.jsonl"))
    assert sorted(e["id"] for e in errors) == sorted(p.name for p in folder.glob("broken-*"))
    scored_ids = {json.loads(line)["article_id"] for line in out.read_text().splitlines()}
    assert scored_ids and all(i.startswith("good-") for i in scored_ids)


def test_pickle_only_model_is_refused_by_score(tmp_path: Path, tiny_model_dir: Path):
    bad = tmp_path / "pickled-model"
    shutil.copytree(tiny_model_dir, bad)
    (bad / "model.safetensors").rename(bad / "pytorch_model.bin")
    source = tmp_path / "articles.jsonl"
    source.write_bytes(_jsonl_lines(GOOD_ROW))
    out = tmp_path / "findings.jsonl"
    result = runner.invoke(app, ["score", str(source), "-o", str(out), "-m", str(bad)])
    assert result.exit_code == 2
    assert "safetensors" in result.output and "pytorch_model.bin" in result.output
    assert not out.exists()


def test_paths_in_input_records_are_text_and_never_opened(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    # A record whose text is a file name must be scored as that text: the file it
    # names (here one full of claims) is never opened.
    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD, encoding="utf-8")
    source = tmp_path / "articles.jsonl"
    source.write_bytes(
        _jsonl_lines({"id": "passwd", "text": "/etc/passwd"}, {"id": "secret", "text": str(secret)})
    )
    opened: list[str] = []
    watching = [True]

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if watching[0] and event == "open" and isinstance(args[0], str | bytes | Path):
            opened.append(str(args[0]))

    sys.addaudithook(audit)  # hooks cannot be removed; the flag below turns it off
    try:
        run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    finally:
        watching[0] = False
    assert run.findings == []
    assert (run.counts.read, run.counts.skipped) == (2, 2)
    assert not any(path in ("/etc/passwd", str(secret)) for path in opened)
    assert str(source) in opened  # the hook did see the files that were opened


def test_lone_surrogate_escape_in_jsonl_is_replaced_and_the_article_scored(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    # "\ud83d" is half an emoji: valid JSON, but no UTF-8 writer can encode it.
    cut = GOOD.replace("Karsk province", "Karsk \ud83d province", 1)
    assert cut != GOOD
    source = tmp_path / "articles.jsonl"
    source.write_text(json.dumps({"id": "cut", "text": cut}) + "\n", encoding="utf-8")
    assert "\\ud83d" in source.read_text(encoding="utf-8")  # ensure_ascii escapes it
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir)
    assert run.counts.scored == 1 and run.counts.errored == 0
    statements = [f["statement"]["text"] for f in run.findings]
    assert any("Karsk \ufffd province" in text for text in statements)


@pytest.mark.parametrize("command", ["score", "extract"])  # both write findings or claims
def test_gz_output_name_is_refused_before_any_work(tmp_path: Path, tiny_model_dir: Path, command):
    source = tmp_path / "articles.jsonl"
    source.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "findings.jsonl.gz"
    model = ["-m", str(tiny_model_dir)] if command == "score" else []
    result = runner.invoke(app, [command, str(source), "-o", str(out), *model])
    assert result.exit_code == 2, result.output
    assert "not compressed" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_error_rows_of_a_table_name_the_table_even_with_a_path_column(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    source = tmp_path / "articles.jsonl"
    rows = [{"id": "good", "text": GOOD}, {"id": "long", "text": GOOD * 3, "path": "/etc/passwd"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = _score(source, tmp_path, tiny_scorer, tiny_model_dir, max_article_chars=len(GOOD) + 1)
    assert [(e["id"], e["source"]) for e in run.errors] == [("long", str(source))]


@pytest.mark.parametrize(
    ("command", "name", "options"),
    [
        ("score", "in.jsonl", ["-o", "in.jsonl"]),  # OUTPUT is the input
        ("score", "in.jsonl", ["-o", "f.jsonl", "--report", "in.jsonl"]),  # so is --report
        ("score", "f.jsonl.errors.jsonl", ["-o", "f.jsonl"]),  # so is OUTPUT's errors file
        ("score", "f.jsonl.manifest.json", ["-o", "f.jsonl"]),  # or its manifest
        ("extract", "in.jsonl", ["-o", "in.jsonl"]),  # extract writes claims over it
        ("pairs", "in.jsonl", ["-o", "in.jsonl"]),  # pairs writes scored pairs over it
        ("pairs", "f.jsonl.errors.jsonl", ["-o", "f.jsonl"]),  # or its error rows
        ("report", "in.jsonl", ["-o", "in.jsonl"]),  # report writes HTML over the findings
        ("report", "in.jsonl", ["--manifest", "in.jsonl", "-o", "in.jsonl"]),
        ("summarize", "in.jsonl", ["-o", "in.jsonl"]),  # its folder is the findings file
    ],
)
def test_the_input_is_never_overwritten_even_with_force(
    tmp_path: Path, tiny_model_dir: Path, command: str, name: str, options: list[str]
):
    source = tmp_path / name
    source.write_bytes(_jsonl_lines(GOOD_ROW))
    before = source.read_bytes()
    paths = [str(tmp_path / o) if not o.startswith("-") else o for o in options]
    model = ["-m", str(tiny_model_dir)] if command in ("score", "pairs") else []
    result = runner.invoke(app, [command, str(source), *paths, *model, "--force"])
    assert result.exit_code == 2, result.output
    assert "is the input" in result.output
    assert source.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("command", ["score", "pairs", "extract", "report"])
def test_an_output_that_is_a_folder_is_refused_before_any_work(
    tmp_path: Path, tiny_model_dir: Path, command: str
):
    source = tmp_path / "in.jsonl"
    source.write_bytes(_jsonl_lines(GOOD_ROW))
    folder = tmp_path / "out"
    folder.mkdir()
    model = ["-m", str(tiny_model_dir)] if command in ("score", "pairs") else []
    result = runner.invoke(app, [command, str(source), "-o", str(folder), *model, "--force"])
    assert result.exit_code == 2, result.output
    assert "is a folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]
    assert not any(folder.iterdir())


def test_output_dash_is_refused_not_written_as_a_file(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_bytes(_jsonl_lines(GOOD_ROW))
    result = runner.invoke(app, ["extract", str(source), "-o", "-"])
    assert result.exit_code == 2 and "standard output" in result.output
    assert not (tmp_path / "-").exists()


def test_summarize_into_a_file_is_refused(tmp_path: Path):
    findings = tmp_path / "findings.jsonl"
    findings.write_text("", encoding="utf-8")
    taken = tmp_path / "summary"
    taken.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(findings), "-o", str(taken)])
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output
    assert taken.read_text(encoding="utf-8") == "not a folder"


def test_run_score_and_run_extract_refuse_to_write_over_their_input(tmp_path: Path):
    from nli.runs import run_extract

    source = tmp_path / "in.jsonl"
    source.write_bytes(_jsonl_lines(GOOD_ROW))
    with pytest.raises(InputError, match="is the input"):
        run_score(source, source, ArticleConfig())
    with pytest.raises(InputError, match="is the input"):
        run_extract(source, source, ArticleConfig())
    assert source.read_bytes() == _jsonl_lines(GOOD_ROW)


def test_extract_error_rows_name_the_table_and_max_chars_lets_long_articles_in(tmp_path: Path):
    source = tmp_path / "articles.jsonl"
    source.write_bytes(_jsonl_lines({"id": "good", "text": GOOD}, {"id": "long", "text": GOOD * 3}))
    out = tmp_path / "claims.jsonl"
    args = ["extract", str(source), "-o", str(out), "--finder", "rules"]
    short = runner.invoke(app, [*args, "--max-chars", str(len(GOOD) + 1)])
    assert short.exit_code == 3, short.output
    errors = _read_jsonl(tmp_path / "claims.jsonl.errors.jsonl")
    assert [(e["id"], e["source"]) for e in errors] == [("long", str(source))]
    assert "raise --max-chars" in errors[0]["message"]  # an option nli extract has
    long = runner.invoke(app, [*args, "--max-chars", str(3 * len(GOOD)), "--force"])
    assert long.exit_code == 0, long.output
    assert {row["article_id"] for row in _read_jsonl(out)} == {"good", "long"}


def test_calibrate_names_a_missing_dev_file_before_the_calibration_in_the_way(tmp_path: Path):
    # the shipped model has a calibration.json: the missing input is the first thing to fix
    result = runner.invoke(app, ["calibrate", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2, result.output
    assert "missing.jsonl: not found" in result.output and "--force" not in result.output


def test_extract_names_the_bad_row_and_counts_its_errors(tmp_path: Path, caplog):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": 5}) + "\n" + json.dumps(GOOD_ROW) + "\n")
    out = tmp_path / "claims.jsonl"
    with caplog.at_level("WARNING", logger="nli.runs"):
        result = runner.invoke(app, ["extract", str(source), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert f"1 error in {out}.errors.jsonl" in result.output
    assert f"{source}:1 (id a): field 'text' not a string" in caplog.text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--keep-fields", "outlet,outlett"], "no column 'outlett' for --keep-fields"),
        (["--date-field", "dat"], "no column 'dat' for --date-field"),
        (["--cross-article", "--event-field", "evnt"], "no column 'evnt' for --event-field"),
    ],
)
def test_a_table_without_a_field_asked_for_is_refused_before_any_work(
    tmp_path: Path, tiny_model_dir: Path, options: list[str], message: str
):
    source = tmp_path / "articles.csv"
    write_records(source, [{"id": "a", "text": GOOD, "outlet": "AP", "date": "2015-10-02"}])
    out = tmp_path / "out" / "findings.jsonl"
    args = ["score", str(source), "-o", str(out), "-m", str(tiny_model_dir), *options]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "columns: id, text, outlet, date" in result.output
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_an_empty_csv_cell_is_a_null_field_as_in_jsonl(tmp_path: Path, tiny_scorer, tiny_model_dir):
    rows = [{"id": "a", "text": GOOD, "outlet": "", "url": "https://x.org/a"}]
    csv_source = tmp_path / "articles.csv"
    write_records(csv_source, rows)
    jsonl_source = tmp_path / "articles.jsonl"
    write_records(jsonl_source, [{**rows[0], "outlet": None}])
    kept = {}
    for source in (csv_source, jsonl_source):
        run = _score(source, tmp_path / source.suffix[1:], tiny_scorer, tiny_model_dir,
                     keep_fields=("outlet", "url"))  # fmt: skip
        kept[source.suffix] = {json.dumps(f["article"]) for f in run.findings}
    assert kept[".csv"] == kept[".jsonl"] == {'{"outlet": null, "url": "https://x.org/a"}'}
