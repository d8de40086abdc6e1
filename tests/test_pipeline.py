"""End-to-end tests of the article pipeline (nli score / nli extract) with a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.pipeline import ArticleConfig, ScoringConfig, finding_label, run_extract, run_score
from nli.types import Probs

# The real 2015 article the project is built around (../shared/examples beside the repo).
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "examples"
    / "newsweek-2015-iran-syria-denial.txt"
)
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
runner = CliRunner()


@pytest.fixture()
def articles_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "iran.txt").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / ".hidden.txt").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return folder


def _config(model_dir: Path) -> ArticleConfig:
    return ArticleConfig(scoring=ScoringConfig(model=str(model_dir), precision="fp32"))


def test_score_writes_findings_with_spans_into_the_original_text(
    articles_dir: Path, tmp_path: Path, tiny_model_dir: Path
):
    out = tmp_path / "findings.jsonl"
    result = run_score(articles_dir, out, _config(tiny_model_dir))
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    assert findings, "the example pair must be found"
    for finding in findings:
        assert finding["article_id"] == "iran.txt"
        for side in ("statement", "report"):
            start, end = finding[side]["span"]
            assert EXAMPLE_TEXT[start:end] == finding[side]["text"]
        assert set(finding["probs"]) == {"contradiction", "neutral", "entailment"}
    pairs = {(f["statement"]["content"], f["report"]["content"]) for f in findings}
    assert any(
        "no fighting troops" in statement and "hundreds of troops had arrived" in report
        for statement, report in pairs
    )
    chrome_start = EXAMPLE_TEXT.index("Uncommon Knowledge")
    for finding in findings:  # no claim comes from the page chrome at the end
        assert finding["statement"]["span"][1] <= chrome_start
        assert finding["report"]["span"][1] <= chrome_start
    counts = result.counts
    assert counts.read == counts.scored + counts.skipped + counts.errored == 3
    assert (counts.skipped, counts.errored) == (1, 1)
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["counts"]["read"] == 3
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["binary.txt"]


def test_min_score_filters_findings(articles_dir: Path, tmp_path: Path, tiny_model_dir: Path):
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"), min_score=1.0
    )
    out = tmp_path / "f.jsonl"
    result = run_score(articles_dir, out, config)
    assert result.counts.pairs >= 1
    assert out.read_text() == ""


def test_score_reads_jsonl_collections_with_custom_fields(tmp_path: Path, tiny_model_dir: Path):
    src = tmp_path / "articles.jsonl"
    src.write_text(json.dumps({"doc": "n1", "body": EXAMPLE_TEXT}) + "\n", encoding="utf-8")
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
        text_field="body",
        id_field="doc",
    )
    out = tmp_path / "f.jsonl"
    run_score(src, out, config)
    assert {json.loads(line)["article_id"] for line in out.read_text().splitlines()} == {"n1"}


def test_extract_writes_statements_and_reports(articles_dir: Path, tmp_path: Path):
    out = tmp_path / "claims.jsonl"
    counts = run_extract(articles_dir, out, ArticleConfig())
    claims = [json.loads(line) for line in out.read_text().splitlines()]
    assert {c["kind"] for c in claims} == {"statement", "report"}
    assert counts.errored == 1


@pytest.mark.parametrize(
    ("probs", "polarity", "expected"),
    [
        (Probs(0.8, 0.1, 0.1), "+", "contradiction"),  # report contradicts the assertion
        (Probs(0.1, 0.1, 0.8), "+", "entailment"),  # report confirms the assertion
        (Probs(0.1, 0.1, 0.8), "-", "contradiction"),  # report entails what was denied
        (Probs(0.8, 0.1, 0.1), "-", "entailment"),  # report agrees with the denial
        (Probs(0.2, 0.6, 0.2), "-", "neutral"),  # unrelated
    ],
)
def test_finding_label_handles_polarity(probs, polarity, expected):
    assert finding_label(probs, polarity, threshold=0.5) == expected


def test_score_cli_reports_counts_and_partial_exit(
    articles_dir: Path, tmp_path: Path, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    result = runner.invoke(
        app, ["score", str(articles_dir), "-o", str(out), "-m", str(tiny_model_dir)]
    )
    assert result.exit_code == 3  # binary.txt was recorded as an error
    assert "read 3 articles" in result.output


def test_score_cli_missing_input_exits_2(tmp_path: Path, tiny_model_dir: Path):
    result = runner.invoke(
        app,
        [
            "score",
            str(tmp_path / "nope"),
            "-o",
            str(tmp_path / "f.jsonl"),
            "-m",
            str(tiny_model_dir),
        ],
    )
    assert result.exit_code == 2
    assert "not found" in result.output
