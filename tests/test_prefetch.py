"""Finding the next batch's claims in a worker process (nli.prefetch): same findings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.prefetch import (
    AHEAD_ENV,
    CHUNK,
    FoundClaims,
    _collect,
    _result,
    _take_back,
    find_batch_claims,
    prefetched,
    wanted,
)
from nli.types import Article

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "newsweek-2015-iran-syria-denial.txt"

pytest.importorskip("spacy")


def _collection(path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    rows = [
        {"id": "iran", "text": text},
        {"id": "empty", "text": "   "},
        {"id": "long", "text": "The ministry denied the report. " * 150},
        {"id": "short", "text": "The army denied that troops crossed. Witnesses said they did."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(tmp_path: Path, model: Path, ahead: bool, name: str) -> tuple[list[dict], dict]:
    from nli.runs import RunFiles, run_score

    config = ArticleConfig(
        scoring=ScoringConfig(model=str(model), precision="fp32"),
        articles_per_batch=1,
        max_article_chars=4_500,  # "long" fails in claim finding: an error row either way
        extract_ahead=ahead,
    )
    out = tmp_path / f"{name}.jsonl"
    result = run_score(_collection(tmp_path / "articles.jsonl"), out, config)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = RunFiles.for_output(out).errors.read_text(encoding="utf-8")
    manifest = json.loads(RunFiles.for_output(out).manifest.read_text(encoding="utf-8"))
    assert manifest["config"]["extract_ahead"] is ahead
    counts = result.counts
    return rows, {"counts": vars(counts), "errors": errors}


def test_findings_errors_and_counts_are_the_same_with_claims_found_ahead(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    here, here_meta = _run(tmp_path, tiny_model_dir, False, "here")
    ahead, ahead_meta = _run(tmp_path, tiny_model_dir, True, "ahead")
    assert here and ahead == here
    assert ahead_meta == here_meta
    assert here_meta["counts"]["errored"] == 1 and here_meta["counts"]["empty"] == 1
    assert "max_article_chars" in here_meta["errors"]


def test_batches_come_in_order_with_the_claims_of_their_articles() -> None:
    articles = [Article(f"a{i}", f"The ministry denied report number {i}.") for i in range(3)]
    batches = [[articles[0]], [articles[1], articles[2]]]
    started: list[bool] = []
    config = ArticleConfig(extract_ahead=True, finder="rules")
    got = list(prefetched(iter(batches), config, on_start=lambda: started.append(True)))
    assert [batch for batch, _ in got] == batches
    assert started == [True]
    for batch, found in got:
        assert found is not None
        assert found.claims == find_batch_claims(batch, config).claims


def test_a_single_batch_or_extract_ahead_off_starts_no_worker() -> None:
    started: list[bool] = []
    batch = [Article("a", "The ministry denied it.")]
    one = list(
        prefetched(
            [batch], ArticleConfig(extract_ahead=True), on_start=lambda: started.append(True)
        )
    )
    off = list(prefetched([batch, batch], ArticleConfig(extract_ahead=False)))
    assert one == [(batch, None)] and off == [(batch, None), (batch, None)]
    assert started == []


def test_wanted_follows_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AHEAD_ENV, "1")
    assert wanted(ArticleConfig()) and not wanted(ArticleConfig(extract_ahead=False))
    monkeypatch.setenv(AHEAD_ENV, "0")
    assert not wanted(ArticleConfig()) and wanted(ArticleConfig(extract_ahead=True))
    monkeypatch.setenv(AHEAD_ENV, "yes")
    with pytest.raises(ValueError, match="NLI_EXTRACT_AHEAD"):
        wanted(ArticleConfig())


def test_a_failed_worker_means_the_claims_are_found_here() -> None:
    failed: Future[FoundClaims] = Future()
    failed.set_exception(RuntimeError("worker died"))
    assert _result(failed) is None
    done: Future[FoundClaims] = Future()
    done.set_result(FoundClaims([[]], empty=1))
    assert _result(done) == FoundClaims([[]], empty=1)


def test_claims_found_ahead_add_their_counts() -> None:
    config = ArticleConfig(finder="rules")
    found = find_batch_claims(
        [Article("e", " "), Article("x", "The army denied that troops crossed the border.")],
        config,
    )
    counts = RunCounts()
    found.add_counts(counts)
    assert counts.empty == 1 and counts.claims == found.n_claims >= 1


def test_nli_score_extract_ahead_on_and_off_give_the_same_output(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    from typer.testing import CliRunner

    from nli.cli import app

    source = _collection(tmp_path / "articles.jsonl")
    outputs = []
    for flag in ("on", "off"):
        out = tmp_path / f"{flag}.jsonl"
        result = CliRunner().invoke(
            app,
            ["score", str(source), "-o", str(out), "-m", str(tiny_model_dir), "--precision",
             "fp32", "--articles-per-batch", "2", "--extract-ahead", flag],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] and outputs[0] == outputs[1]


def test_fewer_threads_leaves_a_core_and_goes_back() -> None:
    import torch

    from nli.model import fewer_threads

    before = torch.get_num_threads()
    with fewer_threads(before):
        assert torch.get_num_threads() == max(1, before - 1)  # one fewer than the cores
    with fewer_threads(1):
        assert torch.get_num_threads() == 1  # never below one
    assert torch.get_num_threads() == before


def test_nli_score_refuses_an_unknown_extract_ahead_value(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nli.cli import app

    source = _collection(tmp_path / "articles.jsonl")
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(app, ["score", str(source), "-o", str(out), "--extract-ahead", "2"])
    assert result.exit_code != 0 and "--extract-ahead must be auto, on or off" in result.output
    assert not out.exists()


def test_tasks_the_worker_has_not_started_are_taken_back_and_found_here() -> None:
    config = ArticleConfig(finder="rules")
    articles = [Article(f"a{i}", f"The army denied that {i} troops crossed.") for i in range(5)]
    chunks = [articles[k : k + CHUNK] for k in range(0, len(articles), CHUNK)]
    running: Future[FoundClaims] = Future()
    running.set_running_or_notify_cancel()  # started: cannot be taken back
    queued: Future[FoundClaims] = Future()  # not started
    failed: Future[FoundClaims] = Future()
    failed.set_running_or_notify_cancel()
    failed.set_exception(RuntimeError("worker died"))
    tasks = _take_back(list(zip(chunks, [running, queued, failed], strict=True)))
    assert tasks is not None and [f for _, f in tasks] == [running, None, failed]
    assert queued.cancelled()
    worker = find_batch_claims(chunks[0], config)
    running.set_result(worker)
    found = _collect(tasks, config)
    assert found == find_batch_claims(articles, config)
    assert found.claims[: len(chunks[0])] == worker.claims
    assert _take_back(None) is None and _collect(None, config) is None


def test_batches_larger_than_a_task_come_whole_and_in_order() -> None:
    config = ArticleConfig(extract_ahead=True, finder="rules")
    articles = [Article(f"a{i}", f"The ministry denied report number {i}.") for i in range(7)]
    batches = [articles[:5], articles[5:]]
    got = list(prefetched(iter(batches), config))
    assert [batch for batch, _ in got] == batches
    for batch, found in got:
        assert found is not None and len(found.claims) == len(batch)
        assert found == find_batch_claims(batch, config)


@pytest.mark.parametrize(
    ("finder", "loads_spacy"),
    [
        ("parse", True),  # the worker parses: spaCy is loaded before the first batch
        ("rules", False),  # the rules never need spaCy, nor its memory
    ],
)
def test_the_worker_loads_spacy_only_for_a_finder_that_parses(
    monkeypatch: pytest.MonkeyPatch, finder: str, loads_spacy: bool
) -> None:
    import nli.nlp
    import nli.prefetch

    loaded: list[bool] = []
    monkeypatch.setattr(nli.nlp, "load_nlp", lambda: loaded.append(True))
    monkeypatch.setattr(nli.prefetch, "_exit_with_parent", lambda parent: None)
    before = signal.getsignal(signal.SIGINT)
    try:
        nli.prefetch._start_worker(os.getpid(), finder)
        # Ctrl-C is the parent's to handle: the worker ignores it (no traceback of its own)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
    assert loaded == ([True] if loads_spacy else [])


#: A run that finds claims ahead, prints its worker's pid, then waits to be killed.
_RUN_WITH_A_WORKER = """
import multiprocessing, time
from nli.config import ArticleConfig
from nli.prefetch import prefetched
from nli.types import Article

if __name__ == "__main__":
    batches = [[Article(f"a{i}", "The army denied that troops crossed.")] for i in range(3)]
    ahead = prefetched(iter(batches), ArticleConfig(extract_ahead=True, finder="rules"))
    next(ahead)
    print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Whether a process is still running (a zombie waiting to be reaped is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    if not Path("/proc").is_dir():
        return True  # no way to tell a zombie here
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False  # gone since
    return state != "Z"


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGKILL")
def test_the_worker_ends_when_the_run_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(_RUN_WITH_A_WORKER, encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None
        workers = [int(pid) for pid in run.stdout.readline().split()]
        assert len(workers) == 1 and _alive(workers[0])
    finally:
        run.send_signal(signal.SIGKILL)  # as kill -9 of nli score: no clean-up runs
        run.wait()
    deadline = time.monotonic() + 30
    while _alive(workers[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers[0]), "the claim-finding worker outlived its run"


def test_manifest_says_no_worker_ran_for_a_run_of_one_batch(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    from nli.runs import run_score

    source = tmp_path / "one.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "The army denied that troops crossed."}) + "\n",
        encoding="utf-8",
    )
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
        finder="rules",
        pairing="topics",
        extract_ahead=True,
    )
    result = run_score(source, tmp_path / "f.jsonl", config)
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["config"]["extract_ahead"] is False  # asked for, but nothing to overlap
