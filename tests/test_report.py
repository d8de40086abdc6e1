"""Tests for the HTML report (nli/report.py and nli report); no browser needed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.config import ArticleConfig, ScoringConfig
from nli.io import read_findings, write_records
from nli.report import (
    NOSCRIPT_ROWS,
    format_seconds,
    highlight_segments,
    json_for_script,
    prepare_report,
    ranking_score,
    render_report,
    render_report_content,
    report_from_files,
    score_histogram,
    summary_tables,
    write_report,
)
from nli.runs import run_score

FIXTURE_ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
runner = CliRunner()

SCRIPT_PAYLOAD = "<script>document.title='PWNED'</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.title='PWNED'\">"
EVIL_ARTICLE = (
    f"Ministry rejects border claims {SCRIPT_PAYLOAD}\n\n"
    f"The defence ministry denied that soldiers had crossed the border near Tarn "
    f"{SCRIPT_PAYLOAD} on Monday.\n\n"
    f"Reuters reported that {IMG_PAYLOAD} hundreds of soldiers had crossed the border "
    "near Tarn on Monday night.\n"
)


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _page_data(html: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S
    )
    assert match is not None
    return json.loads(match.group(1))


def _finding(article_id: str, text: str, statement: str, report: str, score: float) -> dict:
    """A findings row in the nli score schema, spans located in ``text``."""
    s_start, r_start = text.index(statement), text.index(report)
    return {
        "article_id": article_id,
        "statement": {
            "text": statement,
            "speaker": "The ministry",
            "cue": "denied",
            "content": statement,
            "polarity": "-",
            "span": [s_start, s_start + len(statement)],
        },
        "report": {
            "text": report,
            "source": "Reuters",
            "cue": "reported",
            "content": report,
            "polarity": "+",
            "span": [r_start, r_start + len(report)],
        },
        "probs": {"contradiction": 0.1, "neutral": 0.2, "entailment": 0.7},
        "score": score,
        "calibrated": None,
        "label": "contradiction" if score >= 0.5 else "neutral",
        "direction": "report->statement",
        "model": "tiny",
    }


def _evil_findings() -> list[dict]:
    statement = EVIL_ARTICLE.splitlines()[2]
    report = EVIL_ARTICLE.splitlines()[4]
    return [_finding("evil.txt", EVIL_ARTICLE, statement, report, 0.8)]


def _claim_texts_from_segments(article: dict) -> dict[int, str]:
    """What the page highlights for each claim: the pieces carrying its index, joined."""
    shown: dict[int, str] = {}
    for segment in article["segments"]:
        if len(segment) == 2:
            for index in segment[1]:
                shown[index] = shown.get(index, "") + segment[0]
    return shown


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory, tiny_scorer) -> Path:  # type: ignore[no-untyped-def]
    """Findings and manifest of the fixture articles, scored by the tiny model."""
    out = tmp_path_factory.mktemp("run") / "findings.jsonl"
    config = ArticleConfig(scoring=ScoringConfig(model="tiny", precision="fp32"))
    run_score(FIXTURE_ARTICLES, out, config, scorer=tiny_scorer)
    return out


# --------------------------------------------------------------------------- pure parts


def test_highlight_segments_pieces_rebuild_the_text_and_each_span():
    text = "Intro. We deny it. Middle. Reuters says so. End."
    spans = [(7, 18, 0), (27, 43, 1)]
    segments = highlight_segments(text, spans)
    assert "".join(piece for piece, _ in segments) == text
    shown = _claim_texts_from_segments({"segments": segments})
    assert shown == {0: "We deny it.", 1: "Reuters says so."}


def test_highlight_segments_overlapping_spans_carry_both_claims():
    text = "abcdefghij"
    segments = highlight_segments(text, [(0, 6, 0), (4, 10, 1)])
    assert segments == [["abcd", [0]], ["ef", [0, 1]], ["ghij", [1]]]


def test_highlight_segments_replaces_dropped_chrome_with_a_gap_but_keeps_spans():
    text = "Subscribe now!\nBody line.\nMenu\nMore menu"
    # keep only "Body line."; the span in the dropped menu is still shown
    segments = highlight_segments(text, [(26, 30, 0)], keep=[(15, 25)])
    assert segments[0] == [15]  # "Subscribe now!\n" left out
    assert ["Body line.", []] in segments
    assert ["Menu", [0]] in segments
    assert segments[-1] == [len(text) - 30]


def test_json_for_script_leaves_no_markup_and_round_trips():
    value = {"text": "</script><script>alert(1)</script><!-- & \u2028"}
    encoded = json_for_script(value)
    assert not set("<>&\u2028") & set(encoded)
    assert json.loads(encoded) == value


def test_score_histogram_counts_every_score_and_marks_the_threshold():
    bins = score_histogram([0.0, 0.49, 0.5, 0.99, 1.0], threshold=0.5, bins=4)
    assert [b.count for b in bins] == [1, 1, 1, 2]
    assert [b.above_threshold for b in bins] == [False, False, True, True]


# --------------------------------------------------------------------------- rendering


def test_report_for_fixture_articles_highlights_every_claim_exactly(fixture_run: Path, tmp_path):
    out = tmp_path / "report.html"
    result = report_from_files(fixture_run, out, articles_path=FIXTURE_ARTICLES)
    html = out.read_text(encoding="utf-8")
    rows, _ = read_findings(fixture_run)
    manifest = json.loads(fixture_run.with_name("findings.jsonl.manifest.json").read_text())

    assert result.findings == len(rows) > 0
    assert result.articles_with_text == result.articles == len({r["article_id"] for r in rows})
    data = _page_data(html)
    assert len(data["findings"]) == len(rows)
    texts = {p.name: p.read_text(encoding="utf-8") for p in FIXTURE_ARTICLES.glob("*.txt")}
    for article in data["articles"]:
        assert article["has_text"] and article["note"] is None
        shown = _claim_texts_from_segments(article)
        for index, claim in enumerate(article["claims"]):
            start, end = claim["span"]
            assert shown[index] == texts[article["id"]][start:end] == claim["text"]
    # both kinds of span occur, and each finding points at one of each
    for finding in data["findings"]:
        claims = data["articles"][finding["article"]]["claims"]
        assert claims[finding["statement"]]["kind"] == "statement"
        assert claims[finding["report"]]["kind"] == "report"
    # the summary takes its counts from the manifest
    counts = manifest["counts"]
    assert re.search(rf'id="n-articles">{counts["read"]}\b', html)
    assert f'id="n-claims">{counts["claims"]}<' in html
    assert f'id="n-pairs">{counts["pairs"]}<' in html
    assert f'id="run-time">{format_seconds(manifest["seconds"])}<' in html
    # one histogram bar per bin, holding every finding
    bars = re.findall(r'<rect class="bar[^"]*"[^>]*><title>[^<]*: (\d+) findings', html)
    assert len(bars) == 20 and sum(map(int, bars)) == len(rows)


def test_article_markup_is_escaped_and_cannot_break_out():
    html = render_report(_evil_findings(), {"evil.txt": EVIL_ARTICLE}, title="<b>T</b>")
    assert SCRIPT_PAYLOAD not in html
    assert "<img" not in html
    assert "</script>document" not in html.lower()
    assert "&lt;b&gt;T&lt;/b&gt;" in html  # the title went through autoescape
    page = _parse(html)
    assert [tag for tag, _ in page.tags].count("script") == 2  # the data block and ours
    assert not any(tag == "img" for tag, _ in page.tags)
    # the no-script table shows the article text as text
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html
    # and the data block gives the page script the text exactly as written
    article = _page_data(html)["articles"][0]
    assert SCRIPT_PAYLOAD in "".join(s[0] for s in article["segments"] if len(s) == 2)


def test_page_makes_no_requests_and_allows_only_its_own_script():
    html = render_report(_evil_findings(), {"evil.txt": EVIL_ARTICLE})
    page = _parse(html)
    assert not any(tag == "link" for tag, _ in page.tags)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?i)(https?:)?//", value), (tag, name, value)
    csp = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    ours = page.scripts[1]
    digest = base64.b64encode(hashlib.sha256(ours.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "innerHTML" not in ours


def test_report_without_articles_shows_the_claim_texts_only():
    data = _page_data(render_report(_evil_findings()))
    article = data["articles"][0]
    assert not article["has_text"]
    assert "--articles" in article["note"]
    pieces = [s[0] for s in article["segments"] if len(s) == 2 and s[1]]
    assert pieces == [claim["text"] for claim in article["claims"]]


def test_report_without_articles_shows_a_shared_sentence_once():
    first = _evil_findings()[0]
    second = json.loads(json.dumps(first))
    second["statement"]["content"] = "another claim read from the same sentence"
    article = _page_data(render_report([first, second]))["articles"][0]
    highlighted = [s for s in article["segments"] if len(s) == 2 and s[1]]
    assert [indices for _, indices in highlighted] == [[0, 2], [1]]


def test_report_with_a_different_text_falls_back_to_claims_and_says_so():
    data = _page_data(render_report(_evil_findings(), {"evil.txt": "Some other article."}))
    article = data["articles"][0]
    assert not article["has_text"]
    assert "does not match" in article["note"]


def test_same_sentence_claims_with_different_content_stay_separate():
    first = _evil_findings()[0]
    second = json.loads(json.dumps(first))
    second["statement"]["content"], second["statement"]["polarity"] = "another claim", "+"
    data = _page_data(render_report([first, second], {"evil.txt": EVIL_ARTICLE}))
    claims = data["articles"][0]["claims"]
    assert len(claims) == 3  # two statements on one span, one report
    assert data["findings"][0]["statement"] != data["findings"][1]["statement"]


def test_malformed_rows_are_counted_not_shown():
    rows = [*_evil_findings(), {"article_id": "x", "score": 0.9}, {"score": float("nan")}]
    content = prepare_report(rows, rows_not_read=1)
    assert content.summary.findings == 1
    assert content.summary.rows_not_shown == 3
    assert 'id="rows-not-shown">3 ' in render_report_content(content)


def test_summary_uses_manifest_threshold_model_and_calibration():
    manifest = {
        "model": "models/default",
        "input": "in/articles",
        "config": {"threshold": 0.9},
        "counts": {"read": 7, "claims": 5, "pairs": 3},
        "seconds": 125.0,
        "calibration": {"temperature": 1.5, "threshold": 0.9, "n": 40},
    }
    content = prepare_report(_evil_findings(), manifest=manifest)
    summary = content.summary
    assert (summary.threshold, summary.articles_read, summary.pairs_scored) == (0.9, 7, 3)
    assert summary.contradictions == 0  # 0.8 < 0.9
    assert summary.calibration == "temperature scaling, T = 1.5"
    html = render_report_content(content)
    assert "2 min 5 s" in html and "models/default" in html
    assert (
        prepare_report(_evil_findings(), manifest=manifest, threshold=0.5).summary.contradictions
        == 1
    )


def test_summary_without_manifest_says_what_was_not_recorded():
    html = render_report(_evil_findings())
    assert 'id="n-claims">not recorded<' in html
    assert 'id="run-time">not recorded<' in html
    assert "none (scores are raw model probabilities)" in html


def test_ten_thousand_findings_are_embedded_once_and_listed_by_script():
    text = "The ministry denied it. Reuters reported it."
    rows = [
        _finding(
            f"a{i // 10:04d}", text, "The ministry denied it.", "Reuters reported it.", i / 1e4
        )
        for i in range(10_000)
    ]
    html = render_report(rows, {f"a{i:04d}": text for i in range(1000)})
    data = _page_data(html)
    assert len(data["findings"]) == 10_000 and len(data["articles"]) == 1000
    # the article with the strongest finding comes first
    assert data["articles"][0]["id"] == "a0999"
    # the table body is filled by the page script page by page; only the no-script
    # fallback is in the HTML, and it is capped
    assert '<tbody id="findings-body"></tbody>' in html
    assert html.count('<tr><td class="num">') == NOSCRIPT_ROWS
    assert len(html) < 5_000_000


@pytest.mark.parametrize(
    "suffix",
    [
        ".csv",  # nested fields JSON-encoded in cells
        ".parquet",  # nested fields as structs
    ],
)
def test_findings_files_in_other_formats_give_the_same_report(tmp_path: Path, suffix: str):
    rows = _evil_findings()
    path = tmp_path / f"findings{suffix}"
    write_records(path, rows)
    loaded, errors = read_findings(path)
    assert not errors
    assert _page_data(render_report(loaded)) == _page_data(render_report(rows))


def test_empty_findings_file_gives_a_report_of_zero_findings(tmp_path: Path):
    findings = tmp_path / "findings.jsonl"
    findings.write_text("", encoding="utf-8")
    result = report_from_files(findings, tmp_path / "r.html")
    assert result.findings == 0
    assert 'id="n-findings">0<' in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_write_report_replaces_the_file_atomically(tmp_path: Path):
    out = tmp_path / "deep" / "report.html"
    write_report(out, _evil_findings(), {"evil.txt": EVIL_ARTICLE})
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600


# --------------------------------------------------------------------------- command line


def test_report_cli_writes_the_page_and_refuses_to_overwrite(fixture_run: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    args = ["report", str(fixture_run), "-o", str(out), "--articles", str(FIXTURE_ARTICLES)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "with text" in result.output
    assert _page_data(out.read_text(encoding="utf-8"))["articles"][0]["has_text"]
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force", "--threshold", "0.2"]).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "findings file not found"),  # FINDINGS does not exist
        (["--manifest", "nope.json"], "manifest not found"),  # explicit manifest missing
    ],
)
def test_report_cli_missing_inputs_exit_2(tmp_path: Path, extra: list[str], message: str):
    findings = tmp_path / "findings.jsonl"
    if extra:
        write_records(findings, _evil_findings())
    args = ["report", str(findings), "-o", str(tmp_path / "r.html"), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_report_cli_exit_3_when_rows_are_unreadable(tmp_path: Path):
    findings = tmp_path / "findings.jsonl"
    good = json.dumps(_evil_findings()[0])
    findings.write_text(f"{good}\n{{broken\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(findings), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 3
    assert "1 rows not shown" in result.output


def test_score_with_report_writes_the_same_page_as_nli_report(tmp_path: Path, tiny_model_dir):
    findings, page = tmp_path / "findings.jsonl", tmp_path / "report.html"
    args = ["score", str(FIXTURE_ARTICLES), "-o", str(findings), "-m", str(tiny_model_dir)]
    result = runner.invoke(app, [*args, "--precision", "fp32", "--report", str(page)])
    assert result.exit_code == 0, result.output
    assert f"-> {page}" in result.output
    data = _page_data(page.read_text(encoding="utf-8"))
    assert len(data["findings"]) == len(findings.read_text(encoding="utf-8").splitlines()) > 0
    assert all(article["has_text"] for article in data["articles"])  # the input's texts
    separate = tmp_path / "separate.html"
    report_args = ["report", str(findings), "-o", str(separate), "-a", str(FIXTURE_ARTICLES)]
    assert runner.invoke(app, report_args).exit_code == 0
    assert _page_data(separate.read_text(encoding="utf-8")) == data
    again = runner.invoke(app, [*args, "--force", "--report", str(findings)])
    assert again.exit_code == 2 and "--report must differ" in again.output


@pytest.mark.parametrize("name", ["findings.csv", "findings.out"])  # CSV; JSONL under any suffix
def test_report_of_the_tools_own_outputs_with_no_findings_and_other_suffixes(
    tmp_path: Path, name: str
):
    empty = tmp_path / name
    write_records(empty, [])
    assert read_findings(empty) == ([], [])
    row = {"article_id": "a", "statement": {"text": "s"}, "report": {"text": "r"}, "score": 0.5}
    other = tmp_path / f"one-{name}"
    write_records(other, [row])
    rows, errors = read_findings(other)
    assert errors == [] and len(rows) == 1 and rows[0]["article_id"] == "a"


def _summary_rows() -> list[dict[str, Any]]:
    """Six findings of three articles, counted by hand in tests/test_summarize.py."""
    from test_summarize import FINDINGS

    return [dict(row) for row in FINDINGS]


def test_summary_tables_count_as_nli_summarize_does():
    tables, timeline = summary_tables(_summary_rows(), threshold=0.5)
    assert [t.by for t in tables] == ["speaker", "source", "outlet", "month"]
    speaker = tables[0]
    assert [(r.name, r.statements, r.denials, r.pairs, r.contradictions) for r in speaker.rows] == [
        ("Iran's foreign ministry", 2, 1, 3, 2),  # 0.9 and 0.6 are >= 0.5
        ("Pentagon", 2, 2, 3, 1),
    ]
    assert speaker.rows[0].rate == 1.0 and speaker.rows[0].top_calibrated == 0.9
    assert [(m.month, m.denials, m.contradicted) for m in timeline] == [
        ("2015-01", 1, 1),
        ("2015-02", 0, 0),
        ("2015-03", 1, 0),
    ]


def test_summary_tables_follow_the_report_threshold():
    tables, _ = summary_tables(_summary_rows(), threshold=0.8)
    assert [r.contradictions for r in tables[0].rows] == [1, 0]  # only 0.9


def test_summary_section_without_article_fields_has_speaker_and_source_only():
    rows = [{k: v for k, v in row.items() if k != "article"} for row in _summary_rows()]
    tables, timeline = summary_tables(rows, threshold=0.5)
    assert [t.by for t in tables] == ["speaker", "source"] and timeline == []
    html = render_report(rows)
    assert 'id="by-speaker"' in html and 'id="by-month"' not in html
    assert 'id="timeline"' not in html


def test_summary_section_is_rendered_and_escaped():
    rows = _summary_rows()
    rows[0]["statement"] = {**rows[0]["statement"], "speaker": "<b>Evil</b> ministry"}
    html = render_report(rows)
    assert 'id="who"' in html and 'id="by-outlet"' in html and 'id="timeline"' in html
    assert "&lt;b&gt;Evil&lt;/b&gt; ministry" in html and "<b>Evil</b>" not in html


def test_no_summary_section_without_findings():
    assert 'id="who"' not in render_report([])


def test_each_finding_carries_the_priority_the_page_orders_an_article_by():
    first = _evil_findings()[0]
    second = json.loads(json.dumps(first))
    second["statement"]["content"] = "another claim read from the same sentence"
    first.update(calibrated=0.9, priority=0.3)
    second.update(calibrated=0.6, priority=0.5)
    unranked = json.loads(json.dumps(first))
    del unranked["priority"]  # a run without the pair ranker: its calibrated score
    findings = _page_data(render_report([first, second, unranked]))["findings"]
    assert [f["priority"] for f in findings] == [0.3, 0.5, 0.9]
    assert [f["score"] for f in findings] == [0.9, 0.6, 0.9]
    html = render_report([first])
    assert "findings[b].priority - findings[a].priority" in html


def test_a_run_labelled_by_priority_counts_its_labels():
    """A run that labelled ranked findings by priority (nli/labels.py) records
    priority_threshold; the report then counts the run's labels, not scores >= threshold."""
    rows = [
        {**row, "label": "contradiction" if k == 0 else "neutral"}
        for k, row in enumerate(_summary_rows())
    ]
    manifest = {"config": {"threshold": 0.5, "priority_threshold": 0.1}}
    content = prepare_report(rows, manifest=manifest)
    assert content.summary.by_label and content.summary.contradictions == 1
    assert sum(r.contradictions for r in content.groups[0].rows) == 1
    assert content.data["by_label"] is True  # the page's script marks rows by label
    html = render_report_content(content)
    assert "Labelled by the run" in html and "calibrated-score threshold" in html
    # a row without a label is no contradiction there, as nli summarize counts
    unlabelled = [{k: v for k, v in row.items() if k != "label"} for row in rows]
    assert prepare_report(unlabelled, manifest=manifest).summary.contradictions == 0
    # a threshold given by the user counts scores again; so does a run without priorities
    given = prepare_report(rows, manifest=manifest, threshold=0.5).summary
    plain = prepare_report(rows, manifest={"config": {"threshold": 0.5}}).summary
    expected = sum(ranking_score(row) >= 0.5 for row in rows)
    assert not given.by_label and given.contradictions == expected != 1
    assert not plain.by_label and plain.contradictions == expected


def test_findings_without_their_manifest_count_the_run_labels_as_summarize_does():
    """Without the manifest the report cannot know how the run labelled; the labels the
    findings carry are the run's verdict (nli summarize counts them too), not score >= 0.5."""
    rows = [
        {**row, "label": "contradiction" if k == 0 else "neutral"}
        for k, row in enumerate(_summary_rows())
    ]
    assert sum(ranking_score(row) >= 0.5 for row in rows) != 1
    alone = prepare_report(rows).summary
    assert alone.by_label and alone.contradictions == 1
    # rows without labels fall back to the default threshold on the score
    unlabelled = [{k: v for k, v in row.items() if k != "label"} for row in rows]
    plain = prepare_report(unlabelled).summary
    assert not plain.by_label
    assert plain.contradictions == sum(ranking_score(row) >= 0.5 for row in rows)


def test_report_cli_warns_when_no_finding_is_in_the_articles_given(fixture_run: Path, tmp_path):
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "elsewhere", "text": "Nothing here."}) + "\n")
    args = ["report", str(fixture_run), "-o", str(tmp_path / "r.html")]
    wrong = runner.invoke(app, [*args, "--articles", str(other)])
    assert wrong.exit_code == 0, wrong.output
    assert "(0 with text)" in wrong.output and "none of the findings' article ids" in wrong.output
    right = runner.invoke(app, [*args, "--articles", str(FIXTURE_ARTICLES), "--force"])
    assert right.exit_code == 0 and "none of the findings" not in right.output
