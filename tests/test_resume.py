"""Interrupt safety of ``nli score``: a killed run resumes without losing or repeating a record.

The subprocess test kills ``nli score`` with SIGKILL part-way through and resumes it;
the in-process tests interrupt the run at a chosen batch (and while it finishes), add
what a kill half-wrote, and check that the resumed output equals an uninterrupted
run's, record for record, in every output format.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, ScoringConfig
from nli.io import InputError
from nli.runs import InterruptedRunError, RunFiles, run_score

runner = CliRunner()

#: Short articles with one official statement and one third-party report each.
TEMPLATES = (
    '"We have no troops in {place}," the defence minister said. Witnesses told Reuters that '
    "hundreds of troops had arrived in {place} on {day}.",
    "The ministry denied that the {place} dam was damaged. According to engineers, cracks had "
    "appeared in the {place} dam on {day}.",
    "The company denied that it would close the {place} plant. Union sources said the {place} "
    "plant would close on {day}.",
)
PLACES = ("Karsk", "Dolna", "Lessa", "Varn", "Telis")
DAYS = ("Monday", "Tuesday", "Friday")


def _short_article(i: int) -> str:
    template = TEMPLATES[i % len(TEMPLATES)]
    return template.format(place=PLACES[i % len(PLACES)], day=DAYS[i % len(DAYS)])


def _write_collection(path: Path, n: int) -> Path:
    """JSONL with ``n`` articles and a malformed line after every 7th, for errors.jsonl."""
    lines = []
    for i in range(n):
        lines.append(json.dumps({"id": f"art-{i:03d}", "text": _short_article(i)}))
        if i % 7 == 3:
            lines.append('{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _config(model_dir: Path, **options: Any) -> ArticleConfig:
    scoring = ScoringConfig(model=str(model_dir), precision="fp32", batch_size=8)
    return ArticleConfig(scoring=scoring, **options)


def _rows(path: Path) -> list[dict[str, Any]]:
    """The records of an output file in any format, for comparison."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_same_records(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    def key(row: dict[str, Any]) -> str:
        return json.dumps(
            {k: v for k, v in row.items() if not isinstance(v, float)}, sort_keys=True, default=str
        )

    assert [key(row) for row in actual] == [key(row) for row in expected]  # same order, no dupes
    for got, want in zip(actual, expected, strict=True):
        for name, value in want.items():
            if isinstance(value, float):
                assert got[name] == pytest.approx(value, abs=1e-5)


class InterruptingScorer:
    """The tiny scorer, but Ctrl-C arrives during its ``after``-th call to ``score_pairs``."""

    def __init__(self, scorer: Any, after: int) -> None:
        self._scorer = scorer
        self._calls = 0
        self._after = after

    def score_pairs(self, *args: Any, **kwargs: Any) -> Any:
        self._calls += 1
        if self._calls == self._after:
            raise KeyboardInterrupt
        return self._scorer.score_pairs(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scorer, name)


def _interrupt(source: Path, out: Path, config: ArticleConfig, scorer: Any, after: int) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_score(source, out, config, scorer=InterruptingScorer(scorer, after))
    files = RunFiles.for_output(out)
    assert files.partial.exists() and files.checkpoint.exists()
    assert not out.exists()


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_collection(tmp_path_factory.mktemp("collection") / "articles.jsonl", 12)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_interrupted_run_resumes_to_the_uninterrupted_output(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path, suffix: str
):
    config = _config(tiny_model_dir, articles_per_batch=2)
    reference = run_score(collection, tmp_path / "ref" / f"f{suffix}", config, scorer=tiny_scorer)
    out = tmp_path / "run" / f"f{suffix}"
    _interrupt(collection, out, config, tiny_scorer, after=4)
    files = RunFiles.for_output(out)
    with files.partial.open("ab") as handle:  # what a kill in mid-write leaves behind
        handle.write(b'{"article_id": "art-999", "statement": {"te')
    with files.errors_partial.open("ab") as handle:
        handle.write(b'{"source": "x", "line": 1, "id": "dup"}\n')
    result = run_score(collection, out, config, scorer=tiny_scorer, resume=True)
    assert result.resumed
    _assert_same_records(_rows(out), _rows(tmp_path / "ref" / f"f{suffix}"))
    assert vars(result.counts) == vars(reference.counts)
    errors = (tmp_path / "run" / f"f{suffix}.errors.jsonl").read_text(encoding="utf-8")
    assert errors == (tmp_path / "ref" / f"f{suffix}.errors.jsonl").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        [out.name, f"{out.name}.errors.jsonl", f"{out.name}.manifest.json"]
    )
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["counts"] == vars(reference.counts)
    assert manifest["timing"]["sessions"] == 2


def test_a_new_run_refuses_to_discard_an_interrupted_one(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    _interrupt(collection, out, _config(tiny_model_dir), tiny_scorer, after=1)
    with pytest.raises(InterruptedRunError, match="--resume"):
        run_score(collection, out, _config(tiny_model_dir), scorer=tiny_scorer)
    result = runner.invoke(
        app, ["score", str(collection), "-o", str(out), "-m", str(tiny_model_dir)]
    )
    assert result.exit_code == 2
    assert "--resume" in result.output and "--force" in result.output
    assert RunFiles.for_output(out).partial.exists()  # nothing was thrown away


def test_force_discards_an_interrupted_run_and_starts_over(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path
):
    config = _config(tiny_model_dir, articles_per_batch=2)
    reference = run_score(collection, tmp_path / "ref.jsonl", config, scorer=tiny_scorer)
    out = tmp_path / "f.jsonl"
    _interrupt(collection, out, config, tiny_scorer, after=3)
    result = run_score(collection, out, config, scorer=tiny_scorer, overwrite=True)
    assert not result.resumed
    assert vars(result.counts) == vars(reference.counts)
    _assert_same_records(_rows(out), _rows(tmp_path / "ref.jsonl"))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"min_score": 0.5}, "min_score"),  # a different filter would mix two outputs
        ({"threshold": 0.9}, "threshold"),  # labels would change half-way
        ({"input": True}, "input"),  # the collection changed since the interruption
        ({"articles_per_batch": 3}, "articles_per_batch"),  # the encoder pads per batch
        ({"encoder": "bf16"}, "encoder_precision"),  # $NLI_ENCODER_PRECISION changed
    ],
)
def test_resume_refuses_different_settings_or_input(
    tmp_path: Path,
    tiny_scorer,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, Any],
    named: str,
):
    from nli.retrieval import PRECISION_ENV

    source = _write_collection(tmp_path / "articles.jsonl", 8)
    out = tmp_path / "f.jsonl"
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    _interrupt(source, out, _config(tiny_model_dir, articles_per_batch=2), tiny_scorer, after=2)
    options = {"articles_per_batch": 2, **{k: v for k, v in change.items() if k in CONFIG_KEYS}}
    if "input" in change:
        with source.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": "new", "text": "A new article."}) + "\n")
    if "encoder" in change:
        monkeypatch.setenv(PRECISION_ENV, change["encoder"])
    config = _config(tiny_model_dir, **options)
    with pytest.raises(InputError, match=f"cannot resume: {named} differ"):
        run_score(source, out, config, scorer=tiny_scorer, resume=True)


#: Options of ``ArticleConfig`` among the changes above.
CONFIG_KEYS = ("min_score", "threshold", "articles_per_batch")


def test_resume_refuses_another_pair_ranker(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path, monkeypatch
):
    """The ranker decides which pairs are kept: a checkpoint written with another ranker
    file (refitted since) must not be continued with this one."""
    import nli.ranking

    config = _config(tiny_model_dir, articles_per_batch=2)
    out = tmp_path / "f.jsonl"
    _interrupt(collection, out, config, tiny_scorer, after=2)
    refitted = tmp_path / "pair_ranker.json"
    data = json.loads(nli.ranking.DEFAULT_RANKER_PATH.read_text(encoding="utf-8"))
    refitted.write_text(json.dumps({**data, "threshold": 0.5}), encoding="utf-8")
    monkeypatch.setattr(nli.ranking, "DEFAULT_RANKER_PATH", refitted)
    with pytest.raises(InputError, match="cannot resume: pair_ranker_sha256 differ"):
        run_score(collection, out, config, scorer=tiny_scorer, resume=True)


@pytest.mark.parametrize(
    ("pairing", "encoder"),
    [
        ("ranked", "fp32"),  # the pair ranker embeds claims: its encoder's precision
        ("topics", None),  # topic words: no encoder
    ],
)
def test_manifest_records_articles_per_batch_and_the_encoder_precision(
    tmp_path: Path,
    collection: Path,
    tiny_scorer,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    pairing: str,
    encoder: str | None,
):
    from nli.retrieval import PRECISION_ENV

    monkeypatch.setenv(PRECISION_ENV, "fp32")
    config = _config(tiny_model_dir, articles_per_batch=5, pairing=pairing)
    result = run_score(collection, tmp_path / "f.jsonl", config, scorer=tiny_scorer)
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["config"]["articles_per_batch"] == 5
    assert manifest["encoder_precision"] == encoder


def test_parquet_output_writes_kept_fields_of_mixed_types_as_strings(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    rows = [
        {"id": f"art-{i}", "text": _short_article(i), "outlet": outlet, "tags": tags}
        for i, (outlet, tags) in enumerate(
            [(5, ["war"]), ("AP", [1, 2]), (None, None), (2.5, ["x"])]
        )
    ]
    source = tmp_path / "mixed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out" / "mixed.parquet"
    config = _config(
        tiny_model_dir, keep_fields=("outlet", "tags"), finder="rules", pairing="topics"
    )
    result = run_score(source, out, config, scorer=tiny_scorer)
    kept = {row["article_id"]: row["article"] for row in pq.read_table(out).to_pylist()}
    # one type per column: values of several JSON types become their JSON text
    assert kept == {
        "art-0": {"outlet": "5", "tags": '["war"]'},
        "art-1": {"outlet": "AP", "tags": "[1, 2]"},
        "art-2": {"outlet": None, "tags": None},
        "art-3": {"outlet": "2.5", "tags": '["x"]'},
    }
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        [out.name, f"{out.name}.manifest.json"]
    )
    jsonl = run_score(source, tmp_path / "f.jsonl", config, scorer=tiny_scorer)
    assert jsonl.counts.findings_written == result.counts.findings_written
    first = json.loads((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["article"] == {"outlet": 5, "tags": ["war"]}  # JSONL keeps them as given


def test_the_manifest_is_written_only_once_the_output_is_in_place(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path, monkeypatch
):
    import nli.runs

    config = _config(tiny_model_dir, articles_per_batch=5)
    reference = run_score(collection, tmp_path / "ref.parquet", config, scorer=tiny_scorer)
    out = tmp_path / "run" / "f.parquet"
    files = RunFiles.for_output(out)

    def failing(source: Path, target: Path) -> int:
        if Path(target) == out:
            raise OSError("disk full")
        return real(source, target)

    real = nli.runs.convert_jsonl
    monkeypatch.setattr(nli.runs, "convert_jsonl", failing)
    with pytest.raises(OSError, match="disk full"):
        run_score(collection, out, config, scorer=tiny_scorer)
    assert not out.exists() and not files.manifest.exists()  # no manifest of a missing file
    assert files.partial.exists() and files.checkpoint.exists()  # resumable
    monkeypatch.setattr(nli.runs, "convert_jsonl", real)
    result = run_score(collection, out, config, scorer=tiny_scorer, resume=True)
    assert vars(result.counts) == vars(reference.counts)
    _assert_same_records(_rows(out), _rows(tmp_path / "ref.parquet"))
    assert files.manifest.exists() and not files.interrupted()


@pytest.mark.parametrize(
    "failure",
    [
        "environment",  # $NLI_EXTRACT_AHEAD is neither 0 nor 1
        "bug",  # an unexpected error while the first batch is scored
    ],
)
def test_a_run_that_fails_before_its_first_batch_leaves_no_files(
    tmp_path: Path,
    collection: Path,
    tiny_scorer,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
):
    import nli.runs
    from nli.prefetch import AHEAD_ENV

    config = _config(tiny_model_dir, articles_per_batch=2)
    out = tmp_path / "f.jsonl"
    if failure == "environment":
        monkeypatch.setenv(AHEAD_ENV, "yes")
        expected: type[Exception] = ValueError
    else:
        expected = RuntimeError

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug")

        monkeypatch.setattr(nli.runs, "score_record_batch", broken)
    with pytest.raises(expected):
        run_score(collection, out, config, scorer=tiny_scorer)
    assert not RunFiles.for_output(out).interrupted()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    run_score(collection, out, config, scorer=tiny_scorer)  # no --resume or --force needed
    assert out.exists()


def test_resume_after_a_kill_while_finishing_completes_the_files(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path, monkeypatch
):
    config = _config(tiny_model_dir, articles_per_batch=5)
    reference = run_score(collection, tmp_path / "ref.jsonl", config, scorer=tiny_scorer)
    out = tmp_path / "f.jsonl"
    original = RunFiles.discard_partials

    def killed_after_the_output_moved(self: RunFiles) -> None:
        if self.output.exists():
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(RunFiles, "discard_partials", killed_after_the_output_moved)
    with pytest.raises(KeyboardInterrupt):
        run_score(collection, out, config, scorer=tiny_scorer)
    monkeypatch.setattr(RunFiles, "discard_partials", original)
    files = RunFiles.for_output(out)
    assert out.exists() and files.checkpoint.exists()
    result = run_score(collection, out, config, scorer=tiny_scorer, resume=True)
    assert vars(result.counts) == vars(reference.counts)
    _assert_same_records(_rows(out), _rows(tmp_path / "ref.jsonl"))
    assert not files.checkpoint.exists() and not files.errors_partial.exists()


def test_resume_with_nothing_to_resume(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    first = run_score(collection, out, _config(tiny_model_dir), scorer=tiny_scorer, resume=True)
    assert not first.resumed and out.exists()  # no interrupted run: a normal run
    with pytest.raises(InputError, match="nothing to resume"):
        run_score(collection, out, _config(tiny_model_dir), scorer=tiny_scorer, resume=True)


def test_sigkill_mid_run_then_resume_matches_an_uninterrupted_run(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    source = _write_collection(tmp_path / "articles.jsonl", 60)
    config = _config(tiny_model_dir, articles_per_batch=2)
    reference = run_score(source, tmp_path / "ref" / "f.jsonl", config, scorer=tiny_scorer)
    out = tmp_path / "run" / "f.jsonl"
    command = [
        sys.executable, "-m", "nli", "score", str(source), "-o", str(out),
        "-m", str(tiny_model_dir), "--precision", "fp32", "--batch-size", "8",
        "--articles-per-batch", "2",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    checkpoint = RunFiles.for_output(out).checkpoint
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    completed = 0
    deadline = time.monotonic() + 600
    while completed < 6:  # kill once a few batches are safely on disk
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no checkpoint appeared"
        if checkpoint.exists():  # replaced atomically, so always whole JSON
            completed = json.loads(checkpoint.read_text(encoding="utf-8"))["completed"]
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    at_kill = json.loads(checkpoint.read_text(encoding="utf-8"))["completed"]
    assert 6 <= at_kill < reference.counts.read  # it really was killed mid-run
    assert not out.exists()

    # The same command with --resume (in this process: a second interpreter start costs
    # more than the whole run).
    resumed = runner.invoke(app, [*command[3:], "--resume"])
    assert resumed.exit_code == 3, resumed.output  # the malformed lines are recorded errors
    assert "resumed" in resumed.output
    _assert_same_records(_rows(out), _rows(tmp_path / "ref" / "f.jsonl"))
    errors = (tmp_path / "run" / "f.jsonl.errors.jsonl").read_text(encoding="utf-8")
    assert errors == (tmp_path / "ref" / "f.jsonl.errors.jsonl").read_text(encoding="utf-8")
    manifest = json.loads(out.with_name("f.jsonl.manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == vars(reference.counts)
    assert not RunFiles.for_output(out).interrupted()


def test_a_second_writer_of_the_same_output_is_refused(
    tmp_path: Path, collection: Path, tiny_scorer, tiny_model_dir: Path
):
    import fcntl

    out = tmp_path / "f.jsonl"
    lock = RunFiles.for_output(out).lock
    with lock.open("a") as handle:  # as a run still going would hold it
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(InputError, match="another nli score is writing"):
            run_score(collection, out, _config(tiny_model_dir), scorer=tiny_scorer, resume=True)
    assert not out.exists() and not RunFiles.for_output(out).partial.exists()
    run_score(collection, out, _config(tiny_model_dir), scorer=tiny_scorer)  # free again
    assert out.exists() and not lock.exists()
