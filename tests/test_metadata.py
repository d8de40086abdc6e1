"""Article fields in findings: ``nli score --keep-fields`` and ``--date-field`` (nli.metadata)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, RunCounts, ScoringConfig
from nli.io import InputError, read_articles
from nli.metadata import add_article_fields, article_fields, parse_date
from nli.runs import RunFiles, run_score
from nli.types import Article, ErrorRecord

runner = CliRunner()

ARTICLE = (
    '"We have no troops in {place}," the defence minister said. Witnesses told Reuters that '
    "hundreds of troops had arrived in {place} on Monday."
)

PAGE = """<html><head><title>Troops in {place}</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="og:url" content="https://planet.example/{place}">
<meta property="article:published_time" content="2015-03-{day:02d}T10:00:00Z">
</head><body><article><p>{text}</p></article></body></html>"""


def _config(model_dir: Path, **options: Any) -> ArticleConfig:
    scoring = ScoringConfig(model=str(model_dir), precision="fp32", batch_size=8)
    return ArticleConfig(scoring=scoring, finder="rules", pairing="topics", **options)


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def collection(tmp_path: Path) -> Path:
    rows = [
        {
            "id": "a",
            "text": ARTICLE.format(place="Karsk"),
            "outlet": "AP",
            "published": "12 March 2015",
        },
        {
            "id": "b",
            "text": ARTICLE.format(place="Dolna"),
            "outlet": "Reuters",
            "published": "soon",
        },
        {"id": "c", "text": ARTICLE.format(place="Lessa"), "outlet": "AP"},  # no date
        {"id": "d", "text": ARTICLE.format(place="Varn"), "published": "2015-04-01T23:00:00-05:00"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-03-12", "2015-03-12"),  # ISO date
        ("2015-04-01T23:00:00-05:00", "2015-04-01"),  # ISO timestamp: the date as written
        ("Tue, 01 Jul 2024 10:00:00 GMT", "2024-07-01"),  # RFC 2822 (RSS, e-mail)
        ("12 March 2015", "2015-03-12"),  # words
        ("March 3, 2015", "2015-03-03"),  # US style
        ("Mar 2015", "2015-03-01"),  # month only: the 1st
        (dt.datetime(2015, 3, 12, 8, 30), "2015-03-12"),  # a Parquet timestamp
        (dt.date(2015, 3, 12), "2015-03-12"),  # a Parquet date
        ("yesterday", None),  # relative to the run, not the article: refused
        ("2015", None),  # a year is not enough for a month
        ("2015-13-45", None),  # ISO-shaped but impossible
        ("n/a", None),  # junk
        ("", None),  # empty
        (None, None),  # absent
    ],
)
def test_parse_date_reads_common_formats_into_iso(value: Any, expected: str | None):
    assert parse_date(value) == expected


def test_article_fields_says_whether_the_date_was_missing_or_unreadable():
    assert article_fields(Article("x", "", meta={"d": "junk"}), ["o"], "d") == (
        {"o": None, "date": None},
        "unparsed",
    )
    assert article_fields(Article("x", "", meta={"d": " "}), [], "d")[1] == "missing"
    assert article_fields(Article("x", "", meta={}), ["o"], None) == ({"o": None}, None)


def test_add_article_fields_matches_findings_to_their_article_and_counts_dates():
    records = [
        Article("a", "", meta={"outlet": "AP", "when": "12 March 2015"}),
        ErrorRecord("t.jsonl", 2, None, "bad row"),
        Article("b", "", meta={"when": "whenever"}),
    ]
    findings = [
        {"article_id": "b", "report_article_id": "b", "score": 0.1},
        {"article_id": "a", "report_article_id": "a", "score": 0.9},
    ]
    config = ArticleConfig(keep_fields=("outlet",), date_field="when")
    counts = RunCounts()
    out = add_article_fields(findings, records, config, counts)
    assert [f["article"] for f in out] == [
        {"outlet": None, "date": None},
        {"outlet": "AP", "date": "2015-03-12"},
    ]
    assert list(out[0]) == ["article_id", "report_article_id", "article", "score"]
    assert (counts.dates_unparsed, counts.dates_missing) == (1, 0)


def test_findings_are_unchanged_without_keep_fields():
    findings = [{"article_id": "a", "score": 0.5}]
    assert (
        add_article_fields(findings, [Article("a", "")], ArticleConfig(), RunCounts()) == findings
    )


def test_config_refuses_the_text_field_and_a_bare_string():
    with pytest.raises(ValueError, match="text field"):
        ArticleConfig(keep_fields=("text",))
    with pytest.raises(TypeError):
        ArticleConfig(keep_fields="outlet")  # type: ignore[arg-type]
    assert ArticleConfig(keep_fields=["outlet"]).keep_fields == ("outlet",)  # type: ignore[arg-type]


def test_score_carries_kept_fields_and_parsed_dates_into_every_finding(
    collection: Path, tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    config = _config(tiny_model_dir, keep_fields=("outlet", "published"), date_field="published")
    result = run_score(collection, out, config, scorer=tiny_scorer)
    findings = _rows(out)
    assert {f["article_id"] for f in findings} == {"a", "b", "c", "d"}
    expected = {
        "a": {"outlet": "AP", "published": "12 March 2015", "date": "2015-03-12"},
        "b": {"outlet": "Reuters", "published": "soon", "date": None},
        "c": {"outlet": "AP", "published": None, "date": None},
        "d": {"outlet": None, "published": "2015-04-01T23:00:00-05:00", "date": "2015-04-01"},
    }
    for finding in findings:
        assert finding["article"] == expected[finding["article_id"]]
    manifest = json.loads(result.manifest_path.read_text())
    assert (manifest["counts"]["dates_unparsed"], manifest["counts"]["dates_missing"]) == (1, 1)
    assert manifest["config"]["keep_fields"] == ["outlet", "published"]
    assert manifest["config"]["date_field"] == "published"


def test_kept_fields_are_dotted_columns_in_csv_and_a_struct_in_parquet(
    collection: Path, tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    config = _config(tiny_model_dir, keep_fields=("outlet",), date_field="published")
    run_score(collection, tmp_path / "f.csv", config, scorer=tiny_scorer)
    header = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"article.outlet", "article.date"} <= set(header)
    run_score(collection, tmp_path / "f.parquet", config, scorer=tiny_scorer)
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.schema.field("article").type.num_fields == 2
    assert {row["article"]["outlet"] for row in table.to_pylist()} == {"AP", "Reuters", None}


def test_html_pages_give_their_own_date_and_site_name(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    folder = tmp_path / "pages"
    folder.mkdir()
    for day, place in ((3, "Karsk"), (17, "Dolna")):
        text = ARTICLE.format(place=place)
        (folder / f"{place}.html").write_text(
            PAGE.format(place=place, day=day, text=text), encoding="utf-8"
        )
    (folder / "plain.txt").write_text(ARTICLE.format(place="Lessa"), encoding="utf-8")
    out = tmp_path / "f.jsonl"
    config = _config(tiny_model_dir, keep_fields=("outlet", "url"), date_field="date")
    result = run_score(folder, out, config, scorer=tiny_scorer)
    by_id = {f["article_id"]: f["article"] for f in _rows(out)}
    assert by_id["Karsk.html"] == {
        "outlet": "Daily Planet",
        "url": "https://planet.example/Karsk",
        "date": "2015-03-03",
    }
    assert by_id["Dolna.html"]["date"] == "2015-03-17"
    assert by_id["plain.txt"] == {"outlet": None, "url": None, "date": None}  # a text file has none
    assert result.counts.dates_missing == 1


def test_page_metadata_is_read_only_when_asked(tmp_path: Path):
    page = tmp_path / "p.html"
    page.write_text(PAGE.format(place="Karsk", day=3, text="Text."), encoding="utf-8")
    plain = next(read_articles(page))
    rich = next(read_articles(page, page_metadata=True))
    assert isinstance(plain, Article) and isinstance(rich, Article)
    assert plain.meta == {"format": "html"}
    assert rich.meta["outlet"] == "Daily Planet" and rich.date == "2015-03-03"
    assert rich.text == plain.text  # the text is extracted exactly as before


def test_resume_refuses_other_kept_fields_and_accepts_the_same(
    collection: Path, tmp_path: Path, tiny_scorer, tiny_model_dir: Path, monkeypatch
):
    import nli.runs

    config = _config(tiny_model_dir, keep_fields=("outlet",), articles_per_batch=1)
    out = tmp_path / "f.jsonl"
    real = nli.runs.score_record_batch
    calls = {"n": 0}

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(nli.runs, "score_record_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_score(collection, out, config, scorer=tiny_scorer)
    monkeypatch.setattr(nli.runs, "score_record_batch", real)
    assert RunFiles.for_output(out).interrupted()
    other = _config(tiny_model_dir, keep_fields=("outlet", "published"), articles_per_batch=1)
    with pytest.raises(InputError, match="keep_fields"):
        run_score(collection, out, other, scorer=tiny_scorer, resume=True)
    result = run_score(collection, out, config, scorer=tiny_scorer, resume=True)
    assert result.resumed
    outlets = {f["article_id"]: f["article"]["outlet"] for f in _rows(out)}
    assert outlets == {"a": "AP", "b": "Reuters", "c": "AP", "d": None}


def test_score_cli_keep_fields_and_date_field(
    collection: Path, tmp_path: Path, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    result = runner.invoke(
        app,
        [
            "score", str(collection), "-o", str(out), "-m", str(tiny_model_dir),
            "--finder", "rules", "--pairing", "topics",
            "--keep-fields", "outlet, published", "--date-field", "published",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(_rows(out)[0]["article"]) == {"outlet", "published", "date"}
    bad = runner.invoke(
        app, ["score", str(collection), "-o", str(out), "--keep-fields", "outlet,,x", "--force"]
    )
    assert bad.exit_code == 2 and "empty field name" in bad.output
