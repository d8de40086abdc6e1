"""End-to-end tests of the article pipeline (nli score / nli extract) with a tiny model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, ScoringConfig
from nli.findings import finding_label
from nli.runs import run_extract, run_score
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
    errors = [
        json.loads(line)
        for line in (out.with_name(out.name + ".errors.jsonl")).read_text().splitlines()
    ]
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
    errors = [json.loads(line) for line in (tmp_path / "claims.jsonl.errors.jsonl").open()]
    assert [e["id"] for e in errors] == ["binary.txt"]


def test_two_runs_into_one_folder_keep_their_own_errors(
    articles_dir: Path, tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    table = tmp_path / "table.jsonl"
    table.write_text(
        json.dumps({"id": "t1", "text": "The ministry denied it."}) + "\n{broken\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_score(articles_dir, out / "folder.jsonl", _config(tiny_model_dir), scorer=tiny_scorer)
    run_score(table, out / "table.csv", _config(tiny_model_dir), scorer=tiny_scorer)
    folder_errors = [json.loads(line) for line in (out / "folder.jsonl.errors.jsonl").open()]
    table_errors = [json.loads(line) for line in (out / "table.csv.errors.jsonl").open()]
    assert [e["id"] for e in folder_errors] == ["binary.txt"]
    assert [e["line"] for e in table_errors] == [2]
    assert not (out / "errors.jsonl").exists()
    manifest = json.loads((out / "table.csv.manifest.json").read_text())
    assert manifest["errors_file"] == str(out / "table.csv.errors.jsonl")


def test_force_rerun_without_errors_leaves_no_stale_errors_file(
    articles_dir: Path, tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    out = tmp_path / "f.jsonl"
    run_score(articles_dir, out, _config(tiny_model_dir), scorer=tiny_scorer)
    assert out.with_name("f.jsonl.errors.jsonl").exists()
    (articles_dir / "binary.txt").unlink()  # the only article that fails
    result = run_score(
        articles_dir, out, _config(tiny_model_dir), scorer=tiny_scorer, overwrite=True
    )
    assert result.counts.errored == 0
    assert not out.with_name("f.jsonl.errors.jsonl").exists()
    assert json.loads(result.manifest_path.read_text())["errors_file"] is None


def test_the_model_reads_the_report_claim_against_the_statement_and_scores_contradiction(
    articles_dir: Path, tmp_path: Path, tiny_model_dir: Path, tiny_scorer
):
    out = tmp_path / "findings.jsonl"
    run_score(articles_dir, out, _config(tiny_model_dir))
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    assert any(f["statement"]["polarity"] == "-" for f in findings), "a denial is among them"
    for finding in findings:
        normalised = finding["normalised"]
        assert normalised == {
            "premise": finding["report"]["content"],
            "hypothesis": finding["statement"]["text"],
            "polarity": "+",
        }
        # the score is the model's P(contradiction) of exactly that input, denial or not
        (scored,) = tiny_scorer.score_pairs([normalised["hypothesis"]], [normalised["premise"]])
        assert finding["score"] == pytest.approx(scored.probs.contradiction, abs=1e-5)
        assert finding["probs"]["contradiction"] == pytest.approx(finding["score"], abs=1e-9)


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


def _fixture_folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "fixture-articles"
    folder.mkdir()
    for name in names:
        source = Path(__file__).resolve().parent.parent / "fixtures" / "articles" / name
        (folder / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_counts_add_up_and_articles_without_pairs_are_skipped(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    folder = _fixture_folder(tmp_path, ["a01.txt"])
    (folder / "blank.txt").write_text(" \n", encoding="utf-8")
    # a statement and no report: a claim, but nothing to pair it with
    (folder / "alone.txt").write_text('"We have no troops here," the minister said.\n')
    result = run_score(folder, tmp_path / "f.jsonl", _config(tiny_model_dir), scorer=tiny_scorer)
    c = result.counts
    assert (c.read, c.scored, c.skipped, c.errored, c.empty) == (3, 1, 2, 0, 1)
    assert c.pairs == c.findings_written > 0


def test_manifest_records_model_hash_versions_and_rate(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    import hashlib

    folder = _fixture_folder(tmp_path, ["a01.txt"])
    result = run_score(folder, tmp_path / "f.jsonl", _config(tiny_model_dir), scorer=tiny_scorer)
    manifest = json.loads(result.manifest_path.read_text())
    weights = (tiny_model_dir / "model.safetensors").read_bytes()
    assert manifest["model_sha256"] == hashlib.sha256(weights).hexdigest()
    assert manifest["model"] == str(tiny_model_dir)
    assert manifest["input_fingerprint"]["files"] == 1
    assert {"python", "torch", "transformers", "nli"} <= set(manifest["versions"])
    assert manifest["articles_per_second"] > 0 and manifest["timing"]["sessions"] == 1
    assert manifest["config"]["max_article_chars"] == 200_000
    assert manifest["counts"]["read"] == 1 and manifest["errors_file"] is None


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_writes_csv_and_parquet(tmp_path: Path, tiny_scorer, tiny_model_dir: Path, suffix):
    import csv

    import pyarrow.parquet as pq

    folder = _fixture_folder(tmp_path, ["a01.txt", "a02.txt"])
    out = tmp_path / f"f{suffix}"
    result = run_score(folder, out, _config(tiny_model_dir), scorer=tiny_scorer)
    reference = tmp_path / "f.jsonl"
    run_score(folder, reference, _config(tiny_model_dir), scorer=tiny_scorer)
    expected = [json.loads(line) for line in reference.read_text().splitlines()]
    if suffix == ".csv":
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["article_id"] for r in rows] == [e["article_id"] for e in expected]
        assert [json.loads(r["statement.span"]) for r in rows] == [
            e["statement"]["span"] for e in expected
        ]
        assert float(rows[0]["probs.contradiction"]) == pytest.approx(
            expected[0]["probs"]["contradiction"]
        )
    else:
        assert pq.read_table(out).to_pylist() == expected
    assert result.counts.findings_written == len(expected)
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_failing_extraction_is_recorded_and_the_run_goes_on(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path, monkeypatch
):
    import nli.claims

    folder = _fixture_folder(tmp_path, ["a01.txt", "a02.txt", "a03.txt"])
    real = nli.claims.extract_claims

    def fails_on_a02(article, finder="parse", **options):
        if article.id == "a02.txt":
            raise RuntimeError("segmenter crashed")
        return real(article, finder, **options)

    monkeypatch.setattr(nli.claims, "extract_claims", fails_on_a02)
    result = run_score(folder, tmp_path / "f.jsonl", _config(tiny_model_dir), scorer=tiny_scorer)
    assert [(e.id, "segmenter crashed" in e.message) for e in result.errors] == [("a02.txt", True)]
    assert (result.counts.scored, result.counts.errored) == (2, 1)


def test_model_failure_on_one_article_keeps_the_others(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    class BreaksOnZebulon:
        """Fails on any call that includes a pair about Zebulon (only one article has it)."""

        def score_pairs(self, statements, reports, **kwargs):
            if any("Zebulon" in text for text in [*statements, *reports]):
                raise RuntimeError("CUDA error: out of memory")
            return tiny_scorer.score_pairs(statements, reports, **kwargs)

        def __getattr__(self, name):
            return getattr(tiny_scorer, name)

    folder = _fixture_folder(tmp_path, ["a01.txt", "a02.txt"])
    (folder / "a00.txt").write_text(
        '"We have no troops in Zebulon," the minister said. Witnesses told Reuters that '
        "hundreds of troops had arrived in Zebulon.\n"
    )
    result = run_score(
        folder, tmp_path / "f.jsonl", _config(tiny_model_dir), scorer=BreaksOnZebulon()
    )
    assert [e.id for e in result.errors] == ["a00.txt"]
    assert "out of memory" in result.errors[0].message
    found = {
        json.loads(line)["article_id"] for line in (tmp_path / "f.jsonl").read_text().splitlines()
    }
    assert found == {"a01.txt", "a02.txt"}


def test_pairs_over_the_limit_keep_the_strongest_and_are_counted(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path
):
    from nli.config import RunCounts
    from nli.pairing import article_pairs
    from nli.types import Article

    folder = _fixture_folder(tmp_path, ["a15.txt"])
    text = (folder / "a15.txt").read_text(encoding="utf-8")
    every = len(article_pairs(Article("a15.txt", text), ArticleConfig(), RunCounts()))
    assert every > 2
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"), max_pairs_per_article=2
    )
    result = run_score(folder, tmp_path / "f.jsonl", config, scorer=tiny_scorer)
    assert (result.counts.pairs, result.counts.pairs_dropped) == (2, every - 2)


def test_strongest_pairs_prefers_shared_topic_words_and_keeps_order():
    from nli.pairing import strongest_pairs
    from nli.types import Claim

    def claim(kind, content, start):
        return Claim(kind, content, content, "X", "said", "+", (start, start + 1))

    statement = claim("statement", "no troops in Karsk province", 0)
    weak = claim("report", "troops seen", 1)
    strong = claim("report", "troops crossed into Karsk province", 2)
    other = claim("report", "Karsk troops", 3)
    pairs = [(statement, weak), (statement, strong), (statement, other)]
    assert [r.span[0] for _, r in strongest_pairs(pairs, 2)] == [2, 3]


def test_progress_bar_reports_articles_per_second(
    tmp_path: Path, tiny_scorer, tiny_model_dir: Path, capsys
):
    folder = _fixture_folder(tmp_path, ["a01.txt"])
    run_score(
        folder,
        tmp_path / "f.jsonl",
        _config(tiny_model_dir),
        scorer=tiny_scorer,
        show_progress_bar=True,
    )
    assert "article/s" in capsys.readouterr().err


def test_score_cli_help_documents_resume_and_formats():
    result = runner.invoke(app, ["score", "--help"])
    assert result.exit_code == 0
    for text in ("--resume", "--articles-per-batch", "--max-chars", ".parquet"):
        assert text in result.output


DENIAL = (
    "Ministry denies troop movements\n\n"
    '"We have no troops in Karsk province," Defence Minister Anton Brask told reporters.\n'
)
REPORT = (
    "Witnesses describe soldiers near Karsk\n\n"
    "Witnesses in Dolna said soldiers had set up checkpoints in Karsk province on Monday.\n"
)


def _event_collection(tmp_path: Path, events: tuple[str, str]) -> Path:
    source = tmp_path / "articles.jsonl"
    rows = [
        {"id": "denial", "text": DENIAL, "story": events[0]},
        {"id": "report", "text": REPORT, "story": events[1]},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("events", "event_field", "crossed"),
    [
        (("karsk", "karsk"), "story", True),  # same event: paired across articles
        (("karsk", "other"), "story", False),  # different events: not paired
        (("karsk", "other"), None, True),  # no event field: the collection is one event
    ],
)
def test_cross_article_pairs_a_denial_with_another_articles_report(
    tmp_path: Path, tiny_model_dir: Path, events, event_field, crossed
):
    source = _event_collection(tmp_path, events)
    out = tmp_path / "findings.jsonl"
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"),
        cross_article=True,
        event_field=event_field,
    )
    result = run_score(source, out, config)
    findings = [json.loads(line) for line in out.read_text().splitlines()]
    cross = [f for f in findings if f["report_article_id"] != f["article_id"]]
    assert bool(cross) == crossed
    assert result.counts.cross_article_pairs == len(cross)
    assert result.counts.read == 2  # the second pass reads no record twice
    for finding in cross:
        assert (finding["article_id"], finding["report_article_id"]) == ("denial", "report")
        start, end = finding["report"]["span"]  # into the report's own article
        assert REPORT[start:end] == finding["report"]["text"]
        start, end = finding["statement"]["span"]
        assert DENIAL[start:end] == finding["statement"]["text"]
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["config"]["cross_article"] is True
    from nli.report import report_from_files

    page = report_from_files(out, tmp_path / "report.html", articles_path=source)
    assert page.findings == len(findings)  # the other article's span is not drawn here


def test_cross_article_needs_the_local_engine_and_event_field_needs_it(tmp_path: Path):
    source = _event_collection(tmp_path, ("a", "a"))
    out = str(tmp_path / "f.jsonl")
    ray = runner.invoke(
        app, ["score", str(source), "-o", out, "--cross-article", "--engine", "ray"]
    )
    assert ray.exit_code == 2 and "--engine local only" in ray.output
    alone = runner.invoke(app, ["score", str(source), "-o", out, "--event-field", "story"])
    assert alone.exit_code == 2 and "needs --cross-article" in alone.output


def test_report_of_a_cross_article_run_keeps_both_texts_and_names_the_other_article(
    tmp_path: Path, tiny_model_dir: Path
):
    from nli.io import read_findings
    from nli.report import prepare_report

    source = _event_collection(tmp_path, ("karsk", "karsk"))
    out = tmp_path / "findings.jsonl"
    config = ArticleConfig(
        scoring=ScoringConfig(model=str(tiny_model_dir), precision="fp32"), cross_article=True
    )
    run_score(source, out, config)
    rows, _ = read_findings(out)
    content = prepare_report(rows, {"denial": DENIAL, "report": REPORT})
    denial = next(a for a in content.data["articles"] if a["id"] == "denial")
    assert denial["has_text"] and denial["note"] is None  # not "spans do not match"
    elsewhere = [c for c in denial["claims"] if c["elsewhere"]]
    assert elsewhere and all(c["elsewhere"] == "report" and c["span"] is None for c in elsewhere)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"event_field": "story"}, "needs cross_article"),  # a field without the pass
        ({"cross_article": True, "event_field": "id"}, "text or id field"),  # not an event
    ],
)
def test_article_config_refuses_event_fields_that_cannot_work(options, message):
    with pytest.raises(ValueError, match=message):
        ArticleConfig(**options)


def test_the_summary_line_counts_one_article_in_the_singular() -> None:
    from nli.cli import _count

    assert _count(1, "article") == "1 article"
    assert _count(3, "article") == "3 articles"
    assert _count(1200, "article") == "1,200 articles"


BARE_TEXT = (
    "Pakistan disputes rise in quake death toll. The ministry denied that 500 people had died, "
    "a spokesman said. Local media reported that 500 people had died in the quake. Photo: AP."
)


def test_ranked_pairing_adds_bare_sentences_and_counts_only_claims() -> None:
    from nli.claims import article_claims, claim_to_dict, extract_claims
    from nli.config import RunCounts
    from nli.types import Article

    article = Article("q", BARE_TEXT)
    found = extract_claims(article)
    counts = RunCounts()
    ranked = article_claims(article, ArticleConfig(), counts)
    bare = [c for c in ranked if c.bare]
    # the headline has no speaker and no cue: a bare candidate; "Photo: AP." is too short
    assert [c.text for c in bare] == ["Pakistan disputes rise in quake death toll."]
    assert ranked == found + bare and counts.claims == len(found)
    assert claim_to_dict(bare[0])["bare"] is True
    assert not any(claim_to_dict(c)["bare"] for c in found)
    topics = article_claims(article, ArticleConfig(pairing="topics"), RunCounts())
    assert topics == found
    without = article_claims(article, ArticleConfig(), RunCounts(), with_bare=False)
    assert without == found


def test_extract_writes_no_bare_sentences(tmp_path: Path):
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"id": "q", "text": BARE_TEXT}) + "\n", encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    counts = run_extract(source, out, ArticleConfig())
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and counts.claims == len(rows)
    assert not any(row["bare"] for row in rows)
    assert "Pakistan disputes rise in quake death toll." not in {row["text"] for row in rows}


@pytest.mark.parametrize(
    ("flag", "both"), [([], False), (["--both-ways"], True), (["--one-way"], False)]
)
def test_score_scores_one_way_unless_told_both_ways(
    tmp_path: Path, tiny_model_dir: Path, flag: list[str], both: bool
):
    folder = _fixture_folder(tmp_path, ["a01.txt"])
    out = tmp_path / "f.jsonl"
    args = ["score", str(folder), "-o", str(out), "--model", str(tiny_model_dir)]
    result = runner.invoke(app, [*args, "--precision", "fp32", *flag])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "f.jsonl.manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["both_directions"] is both
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    directions = {row["direction"] for row in rows}
    assert rows and directions <= {"report->statement", "statement->report"}
    if not both:
        assert directions == {"report->statement"}


def test_both_ways_and_one_way_together_are_refused(tmp_path: Path, tiny_model_dir: Path):
    folder = _fixture_folder(tmp_path, ["a01.txt"])
    args = ["score", str(folder), "-o", str(tmp_path / "f.jsonl"), "--model", str(tiny_model_dir)]
    result = runner.invoke(app, [*args, "--both-ways", "--one-way"])
    assert result.exit_code == 2 and "contradict each other" in result.output
