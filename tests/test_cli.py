"""Tests for the nli command line (typer runner, tiny random model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nli import __version__
from nli.cli import app

runner = CliRunner()
FIXTURE_PAIRS = Path(__file__).resolve().parent.parent / "fixtures" / "pairs.jsonl"


def _write(path: Path, rows: list[dict] | list[str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    for command in ("pairs", "eval"):
        help_result = runner.invoke(app, [command, "--help"])
        assert help_result.exit_code == 0
        assert "Example" in help_result.output


def test_verbose_is_shown_as_a_flag_to_repeat_not_a_number():
    result = runner.invoke(app, ["score", "--help"], env={"COLUMNS": "120"})
    line = next(x for x in result.output.splitlines() if "--verbose" in x)
    assert "<int>" not in line and "INTEGER" not in line


def test_pairs_writes_probs_score_and_label(tmp_path: Path, tiny_model_dir: Path):
    out = tmp_path / "scored.jsonl"
    result = runner.invoke(
        app, ["pairs", str(FIXTURE_PAIRS), "-o", str(out), "--model", str(tiny_model_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    source = [json.loads(line) for line in FIXTURE_PAIRS.read_text().splitlines()]
    assert [r["id"] for r in rows] == [s["id"] for s in source]
    first = rows[0]
    assert set(first["probs"]) == {"contradiction", "neutral", "entailment"}
    assert first["score"] == pytest.approx(first["probs"]["contradiction"])
    assert first["label"] in ("contradiction", "neutral", "entailment")
    assert first["gold_label"] == source[0]["label"]
    assert first["phenomenon"] == source[0]["phenomenon"]  # extra fields kept


def test_pairs_bad_rows_go_to_errors_jsonl_with_exit_3(tmp_path: Path, tiny_model_dir: Path):
    src = _write(
        tmp_path / "in.jsonl",
        [{"statement": "No troops.", "report": "Troops came."}, '{"statement": ', {"report": "x"}],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["pairs", str(src), "-o", str(out), "-m", str(tiny_model_dir)])
    assert result.exit_code == 3
    assert len(out.read_text().splitlines()) == 1
    errors = [
        json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()
    ]
    assert [e["line"] for e in errors] == [2, 3]


def test_pairs_force_rerun_without_bad_rows_removes_the_old_errors_file(
    tmp_path: Path, tiny_model_dir: Path
):
    bad = _write(
        tmp_path / "bad.jsonl", [{"statement": "No troops.", "report": "Troops came."}, "{"]
    )
    good = _write(tmp_path / "good.jsonl", [{"statement": "No troops.", "report": "Troops came."}])
    out = tmp_path / "out.jsonl"
    first = runner.invoke(app, ["pairs", str(bad), "-o", str(out), "-m", str(tiny_model_dir)])
    assert first.exit_code == 3
    assert (tmp_path / "out.jsonl.errors.jsonl").exists()
    again = runner.invoke(
        app, ["pairs", str(good), "-o", str(out), "-m", str(tiny_model_dir), "--force"]
    )
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()


def test_pairs_long_report_is_windowed(tmp_path: Path, tiny_model_dir: Path):
    report = " ".join(["Witnesses said troops arrived."] * 20000)  # about 100,000 words
    src = _write(tmp_path / "in.jsonl", [{"statement": "We have no troops.", "report": report}])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["pairs", str(src), "-o", str(out), "-m", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text())
    assert row["n_windows"] > 100


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "file not found"),  # input does not exist
        ("empty", "file is empty"),  # zero-byte input
    ],
)
def test_pairs_input_errors_exit_2_with_one_line(
    tmp_path: Path, tiny_model_dir: Path, setup, message
):
    src = tmp_path / "in.jsonl"
    if setup == "empty":
        src.write_text("")
    result = runner.invoke(
        app, ["pairs", str(src), "-o", str(tmp_path / "o.jsonl"), "-m", str(tiny_model_dir)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_pairs_refuses_to_overwrite_without_force(tmp_path: Path, tiny_model_dir: Path):
    out = tmp_path / "o.jsonl"
    out.write_text("keep\n")
    result = runner.invoke(
        app, ["pairs", str(FIXTURE_PAIRS), "-o", str(out), "-m", str(tiny_model_dir)]
    )
    assert result.exit_code == 2
    assert out.read_text() == "keep\n"


def test_pairs_pickle_model_is_refused_cleanly(tmp_path: Path, tiny_model_dir: Path):
    import shutil

    bad = tmp_path / "bad-model"
    shutil.copytree(tiny_model_dir, bad)
    (bad / "model.safetensors").rename(bad / "pytorch_model.bin")
    result = runner.invoke(
        app, ["pairs", str(FIXTURE_PAIRS), "-o", str(tmp_path / "o.jsonl"), "-m", str(bad)]
    )
    assert result.exit_code == 2
    assert "safetensors" in result.output


def test_eval_json_has_documented_keys(tiny_model_dir: Path):
    result = runner.invoke(app, ["eval", str(FIXTURE_PAIRS), "-m", str(tiny_model_dir), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    for key in ("accuracy", "f1_contradiction", "roc_auc", "pr_auc", "macro_f1", "n"):
        assert key in metrics
    assert metrics["n"] == len(FIXTURE_PAIRS.read_text().splitlines())


def test_eval_table_is_human_readable(tiny_model_dir: Path):
    result = runner.invoke(app, ["eval", str(FIXTURE_PAIRS), "-m", str(tiny_model_dir)])
    assert result.exit_code == 0
    assert "ROC-AUC" in result.stdout
    assert "contradiction" in result.stdout


def test_eval_gate_fails_with_exit_1(tiny_model_dir: Path):
    # A random model cannot reach a contradiction F1 of 0.99.
    result = runner.invoke(
        app, ["eval", str(FIXTURE_PAIRS), "-m", str(tiny_model_dir), "--min-f1", "0.99"]
    )
    assert result.exit_code == 1
    assert "gate failed" in result.output


def test_eval_without_labels_is_an_input_error(tmp_path: Path, tiny_model_dir: Path):
    src = _write(tmp_path / "in.jsonl", [{"statement": "a b", "report": "c d"}])
    result = runner.invoke(app, ["eval", str(src), "-m", str(tiny_model_dir)])
    assert result.exit_code == 2
    assert "no labelled pairs" in result.output


def _arrow_conflict() -> None:
    import pyarrow as pa

    pa.Table.from_pylist([{"x": 5}, {"x": "AP"}])  # a ValueError from inside a library


def _refused_option() -> None:
    from nli.config import ArticleConfig

    ArticleConfig(top_k=0)  # a ValueError this package raises on purpose


def _missing_key() -> None:
    {}["x"]  # noqa: B018 - a bug of any other kind


@pytest.mark.parametrize(
    ("fail", "code", "words"),
    [
        (_arrow_conflict, 4, "internal error (ArrowInvalid"),  # not an input error
        (_missing_key, 4, "internal error (KeyError"),  # nor is any other exception
        (_refused_option, 2, "top_k must be >= 1"),  # a deliberate refusal is one
    ],
)
def test_unexpected_errors_are_internal_errors_with_their_traceback_at_v(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail, code: int, words: str
):
    import nli.runs

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        fail()

    monkeypatch.setattr(nli.runs, "run_score", broken)
    source = _write(tmp_path / "a.jsonl", [{"id": "a", "text": "The army denied it."}])
    args = ["score", str(source), "-o", str(tmp_path / "f.jsonl")]
    quiet = runner.invoke(app, args)
    assert quiet.exit_code == code, quiet.output
    assert words in quiet.output and "Traceback" not in quiet.output
    assert ("rerun with -v for the traceback" in quiet.output) == (code == 4)
    loud = runner.invoke(app, [*args, "-v"])
    assert loud.exit_code == code and "Traceback" in loud.output


def test_help_names_the_default_pairing_and_every_model_calibrate_takes():
    score = runner.invoke(app, ["score", "--help"])
    assert score.exit_code == 0
    assert "share topic words" not in score.output and "ranker" in score.output
    calibrate = runner.invoke(app, ["calibrate", "--help"])
    assert calibrate.exit_code == 0 and "accurate" in calibrate.output


def test_summarize_fails_when_no_grouping_asked_for_can_be_written(tmp_path: Path):
    finding = {
        "article_id": "a",
        "report_article_id": "a",
        "statement": {"text": "s", "speaker": "Pentagon", "polarity": "-", "span": [0, 5]},
        "report": {"text": "r", "source": "Reuters", "span": [10, 20]},
        "probs": {"contradiction": 0.1, "neutral": 0.1, "entailment": 0.8},
        "score": 0.8,
        "calibrated": 0.8,
        "label": "contradiction",
    }
    findings = _write(tmp_path / "f.jsonl", [finding])  # scored without --keep-fields
    out = tmp_path / "summary"
    result = runner.invoke(app, ["summarize", str(findings), "-o", str(out), "--by", "outlet"])
    assert result.exit_code == 2
    assert "nothing written" in result.output and "no outlet table" in result.output
    assert not out.exists()  # not even an empty folder


def _main_exit(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    start_up: Any,
) -> tuple[object, str]:
    """The exit code and standard error of ``nli summarize`` run through the console entry
    point, with ``start_up`` in place of its logging set-up (the first thing it does)."""
    import nli.cli as cli

    monkeypatch.setattr(cli, "_setup_logging", start_up)
    monkeypatch.setattr("sys.argv", ["nli", "summarize", str(tmp_path / "f.jsonl"), "-o", "out"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    return done.value.code, capsys.readouterr().err.strip()


def test_ctrl_c_before_a_command_reports_is_said_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def interrupt(verbose: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the command starts up

    assert _main_exit(monkeypatch, capsys, tmp_path, interrupt) == (130, "interrupted")


def test_an_interrupt_a_command_reported_itself_is_not_said_twice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from nli.cli import _fail

    def interrupt(verbose: int) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:  # as `nli score` reports an interrupted run
            raise _fail("interrupted; rerun with --resume", 130) from None

    assert _main_exit(monkeypatch, capsys, tmp_path, interrupt) == (
        130,
        "error: interrupted; rerun with --resume",
    )
