"""The notebook API: nli.score_articles, nli.load_findings, nli.summarize (nli.api)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import nli
from nli.cli import app

runner = CliRunner()

ARTICLES = [
    {
        "id": "a1",
        "outlet": "Daily Planet",
        "published": "12 March 2015",
        "text": '"We have no troops in Karsk," the defence minister said. Witnesses told '
        "Reuters that hundreds of troops had arrived in Karsk on Monday.",
    },
    {
        "id": "a2",
        "outlet": "Gazette",
        "published": "2015-04-02",
        "text": "The ministry denied that the Dolna dam was damaged. According to engineers, "
        "cracks had appeared in the Dolna dam on Friday.",
    },
    {
        "id": "a3",
        "outlet": "Daily Planet",
        "text": "The company denied that it would close the Lessa plant. Union sources said "
        "the Lessa plant would close on Tuesday.",
    },
]


@pytest.fixture()
def collection(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ARTICLES), encoding="utf-8")
    return path


def _cli_findings(source: Path, out: Path, model: Path, *options: str) -> pd.DataFrame:
    args = ["score", str(source), "-o", str(out), "-m", str(model), "--precision", "fp32"]
    result = runner.invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    return nli.load_findings(out)


def test_api_returns_the_findings_the_cli_writes(
    collection: Path, tmp_path: Path, tiny_model_dir: Path
):
    options = ["--keep-fields", "outlet", "--date-field", "published"]
    cli = _cli_findings(collection, tmp_path / "cli.jsonl", tiny_model_dir, *options)
    api = nli.score_articles(
        collection,
        model=str(tiny_model_dir),
        precision="fp32",
        keep_fields=["outlet"],
        date_field="published",
    )
    assert len(cli) >= 3 and set(cli["article_id"]) == {"a1", "a2", "a3"}
    pd.testing.assert_frame_equal(api, cli)


def test_a_dataframe_and_a_dataset_give_the_findings_of_the_same_rows_on_disk(
    collection: Path, tmp_path: Path, tiny_model_dir: Path, tiny_scorer
):
    import datasets

    cli = _cli_findings(
        collection, tmp_path / "cli.jsonl", tiny_model_dir, "--keep-fields", "outlet"
    )
    frame = pd.DataFrame(ARTICLES)
    options = {"model": str(tiny_model_dir), "scorer": tiny_scorer, "keep_fields": ("outlet",)}
    from_frame = nli.score_articles(frame, **options)
    from_dataset = nli.score_articles(datasets.Dataset.from_pandas(frame), **options)
    scores = ["score", "calibrated", "probs.contradiction", "probs.neutral", "probs.entailment"]
    for got in (from_frame, from_dataset):
        pd.testing.assert_frame_equal(got.drop(columns=scores), cli.drop(columns=scores))
        pd.testing.assert_frame_equal(got[scores], cli[scores], atol=1e-5)  # batch size 8 vs 64


def test_run_details_and_errors_come_with_the_findings(tiny_model_dir: Path, tiny_scorer):
    frame = pd.DataFrame([ARTICLES[0], {"id": "no-text", "text": None}])
    findings = nli.score_articles(frame, model=str(tiny_model_dir), scorer=tiny_scorer)
    run = findings.attrs["nli"]
    assert run.counts["read"] == 2 and run.counts["errored"] == 1
    assert [(e["source"], e["line"], e["id"]) for e in run.errors] == [("<table>", 2, "no-text")]
    assert "'text'" in run.errors[0]["message"]
    assert run.manifest["input"] == "<table>" and run.manifest["output"] is None


def test_other_sources_are_refused():
    with pytest.raises(TypeError, match="DataFrame"):
        nli.score_articles(ARTICLES)  # type: ignore[arg-type]


def test_summarize_is_the_function_even_after_its_module_is_imported(tiny_model_dir, tiny_scorer):
    from nli.summarize import wilson_interval  # the module's helpers import as usual

    assert wilson_interval(1, 2)[1] > 0.5
    findings = nli.score_articles(
        pd.DataFrame(ARTICLES),
        model=str(tiny_model_dir),
        scorer=tiny_scorer,
        keep_fields=["outlet"],
        date_field="published",
    )
    by_outlet = nli.summarize(findings, by="outlet")
    assert set(by_outlet["outlet"]) == {"Daily Planet", "Gazette"}
    assert by_outlet["pairs"].sum() == len(findings)
    by_month = nli.summarize(findings, by="month")
    assert set(by_month["month"]) == {"2015-03", "2015-04", "(unknown)"}


def test_keep_fields_takes_a_comma_separated_string_as_the_cli_does(
    collection: Path, tiny_model_dir: Path, tiny_scorer
):
    options = {"model": str(tiny_model_dir), "scorer": tiny_scorer}
    as_text = nli.score_articles(collection, keep_fields="outlet, published", **options)
    as_list = nli.score_articles(collection, keep_fields=["outlet", "published"], **options)
    pd.testing.assert_frame_equal(as_text, as_list)
    assert [c for c in as_text.columns if c.startswith("article.")] == [
        "article.outlet",
        "article.published",
    ]  # not one field per character
    with pytest.raises(ValueError, match="empty field name"):
        nli.score_articles(collection, keep_fields="outlet,,published", **options)


def test_extract_ahead_reaches_the_run(collection: Path, monkeypatch: pytest.MonkeyPatch):
    seen: list[bool | None] = []

    def run_score(input_path, output, config, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(config.extract_ahead)
        raise RuntimeError("stop here")

    monkeypatch.setattr("nli.runs.run_score", run_score)
    for value in (True, False, None):
        with pytest.raises(RuntimeError, match="stop here"):
            nli.score_articles(collection, extract_ahead=value)
    assert seen == [True, False, None]


def test_every_option_of_nli_score_that_shapes_the_findings_is_an_api_parameter():
    import inspect

    import typer.main

    # options about the command's files, engine and printing, not about the findings
    cli_only = {"input_path", "output", "resume", "force", "report", "verbose"}
    cli_only |= {"engine", "address", "workers"}
    command = typer.main.get_command(app).commands["score"]  # type: ignore[attr-defined]
    options = {param.name for param in command.params} - cli_only
    assert options <= set(inspect.signature(nli.score_articles).parameters)
