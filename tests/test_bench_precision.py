"""scripts/bench_precision.py: its dev rows are rebuilt when fixtures/real/dev.jsonl changes."""

from __future__ import annotations

import json
from pathlib import Path

import bench_precision
import pytest


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the model run that builds rows by one that writes a row naming the gold text."""
    made: list[str] = []

    def fake_build(path: Path, model: str, gold: Path = bench_precision.DEV) -> None:
        text = gold.read_text(encoding="utf-8").strip()
        path.write_text(json.dumps({"article_id": "a", "from": text}) + "\n", encoding="utf-8")
        made.append(text)

    monkeypatch.setattr(bench_precision, "build_rows", fake_build)
    return made


def test_rows_are_built_once_and_reused_while_dev_is_unchanged(
    tmp_path: Path, builds: list[str]
) -> None:
    gold, rows = tmp_path / "dev.jsonl", tmp_path / "real-dev.jsonl"
    gold.write_text('{"id": "a"}\n', encoding="utf-8")
    first = bench_precision.read_rows(rows, "default", gold)
    again = bench_precision.read_rows(rows, "default", gold)
    assert builds == ['{"id": "a"}'] and first == again
    assert bench_precision.rows_are_current(rows, gold)
    recorded = json.loads(bench_precision.source_path(rows).read_text(encoding="utf-8"))
    assert recorded["gold_sha256"] and recorded["model"] == "default"


def test_rows_built_from_another_version_of_dev_are_rebuilt(
    tmp_path: Path, builds: list[str]
) -> None:
    gold, rows = tmp_path / "dev.jsonl", tmp_path / "real-dev.jsonl"
    gold.write_text('{"id": "a"}\n', encoding="utf-8")
    bench_precision.read_rows(rows, "default", gold)
    gold.write_text('{"id": "a", "more": 1}\n', encoding="utf-8")  # the dev half changed
    assert not bench_precision.rows_are_current(rows, gold)
    got = bench_precision.read_rows(rows, "default", gold)
    assert got[0]["from"] == '{"id": "a", "more": 1}' and len(builds) == 2


def test_rows_without_a_record_of_their_source_are_rebuilt(
    tmp_path: Path, builds: list[str]
) -> None:
    gold, rows = tmp_path / "dev.jsonl", tmp_path / "real-dev.jsonl"
    gold.write_text('{"id": "a"}\n', encoding="utf-8")
    rows.write_text('{"article_id": "a", "from": "an older run"}\n', encoding="utf-8")
    assert not bench_precision.rows_are_current(rows, gold)
    assert bench_precision.read_rows(rows, "default", gold)[0]["from"] == '{"id": "a"}'
    assert builds == ['{"id": "a"}']
