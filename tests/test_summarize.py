"""Researcher tables (nli.summarize) and ``nli summarize``, on findings counted by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from nli.cli import app
from nli.io import write_records
from nli.summarize import (
    UNKNOWN,
    load_findings,
    monthly_timeline,
    organisation_of,
    run_summarize,
    summarize,
    wilson_interval,
)

runner = CliRunner()

IRAN = "Iran's foreign ministry"


#: Outlet and date of each article; a3's statement is a blanket denial ("the report is false").
ARTICLES = {"a1": ("AP", "2015-01-10"), "a2": ("Reuters", "2 March 2015"), "a3": ("AP", None)}


def _finding(
    article: str,
    speaker: str,
    polarity: str,
    statement_span: list[int],
    source: str,
    report_span: list[int],
    calibrated: float,
    label: str,
) -> dict[str, Any]:
    outlet, date = ARTICLES[article]
    return {
        "article_id": article,
        "report_article_id": article,
        "article": {"outlet": outlet, "date": date},
        "statement": {
            "text": f"{speaker} said {statement_span}",
            "speaker": speaker,
            "polarity": polarity,
            "span": statement_span,
            "blanket": article == "a3",
        },
        "report": {
            "text": f"{source} reported {report_span}",
            "source": source,
            "span": report_span,
        },
        "probs": {"contradiction": 0.1, "neutral": 0.1, "entailment": 0.8},
        "score": calibrated,
        "calibrated": calibrated,
        "label": label,
    }


C, N = "contradiction", "neutral"
#: Three articles, four statements (S1-S4), five reports (R1-R5), six findings.
#: a1 (AP, January): S1 (Iran, denial) x R1 Reuters 0.9 C, x R2 witnesses 0.3;
#:                   S2 (Iran, assertion) x R1 Reuters 0.6 C.
#: a2 (Reuters, March): S3 (Pentagon, denial) x R3 Reuters 0.1, x R4 local media 0.2.
#: a3 (AP, no date): S4 (Pentagon, blanket denial) x R5 Reuters 0.7 C.
FINDINGS = [
    _finding("a1", IRAN, "-", [0, 40], "Reuters", [50, 90], 0.9, C),
    _finding("a1", IRAN, "-", [0, 40], "witnesses", [100, 140], 0.3, N),
    _finding("a1", IRAN, "+", [200, 240], "Reuters", [50, 90], 0.6, C),
    _finding("a2", "Pentagon", "-", [0, 30], "Reuters", [40, 80], 0.1, N),
    _finding("a2", "Pentagon", "-", [0, 30], "local media", [90, 120], 0.2, N),
    _finding("a3", "Pentagon", "+", [0, 20], "Reuters", [30, 60], 0.7, C),
]

COUNTS = ["statements", "denials", "reports", "pairs", "contradictions"]
CONTRADICTED = ["contradicted_statements", "contradicted_denials"]


@pytest.fixture()
def findings() -> pd.DataFrame:
    return pd.json_normalize(FINDINGS)


def _rows(table: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    return table[columns].values.tolist()


def test_wilson_interval_known_values_and_edges():
    assert wilson_interval(3, 10) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    assert wilson_interval(2, 2) == pytest.approx((0.3424, 1.0), abs=1e-4)
    assert wilson_interval(0, 5)[0] == 0.0
    assert all(pd.isna(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_by_speaker_counts_statements_denials_pairs_and_contradictions(findings):
    table = summarize(findings, "speaker")
    assert _rows(table, ["speaker", *COUNTS, *CONTRADICTED]) == [
        [IRAN, 2, 1, 2, 3, 2, 2, 1],  # S1 and S2 both contradicted by R1
        ["Pentagon", 2, 2, 3, 3, 1, 1, 1],  # the blanket S4 is a denial
    ]
    iran, pentagon = table.iloc[0], table.iloc[1]
    assert iran["contradiction_rate"] == 1.0
    assert (iran["rate_low"], iran["rate_high"]) == pytest.approx((0.3424, 1.0), abs=1e-4)
    assert pentagon["contradiction_rate"] == 0.5
    assert pentagon["mean_calibrated"] == pytest.approx((0.1 + 0.2 + 0.7) / 3)
    assert (iran["top_article_id"], iran["top_calibrated"]) == ("a1", 0.9)
    assert iran["top_statement"] == f"{IRAN} said [0, 40]"
    assert iran["top_report"] == "Reuters reported [50, 90]"
    assert (pentagon["top_article_id"], pentagon["top_calibrated"]) == ("a3", 0.7)


def test_by_source_counts_the_statements_each_source_was_paired_with(findings):
    table = summarize(findings, "source")
    assert _rows(table, ["source", *COUNTS, *CONTRADICTED]) == [
        ["Reuters", 4, 3, 3, 4, 3, 3, 2],
        ["local media", 1, 1, 1, 1, 0, 0, 0],  # ties on pairs: by name
        ["witnesses", 1, 1, 1, 1, 0, 0, 0],
    ]
    assert table.iloc[0]["contradiction_rate"] == 0.75


def test_by_outlet_and_month(findings):
    outlets = summarize(findings, "outlet")
    assert _rows(outlets, ["outlet", *COUNTS, "contradicted_statements"]) == [
        ["Associated Press", 3, 2, 3, 4, 3, 3],  # "AP": one name per outlet (nli.speakers)
        ["Reuters", 1, 1, 2, 2, 0, 0],
    ]
    months = summarize(findings, "month")
    assert _rows(months, ["month", "statements", "denials", "contradictions"]) == [
        ["2015-01", 2, 1, 2],
        [UNKNOWN, 1, 1, 1],  # a3 has no date
        ["2015-03", 1, 1, 0],  # "2 March 2015" is read too
    ]


def test_a_threshold_overrides_the_written_labels(findings):
    table = summarize(findings, "speaker", threshold=0.65)
    assert _rows(table, ["speaker", "contradictions", "contradicted_statements"]) == [
        [IRAN, 1, 1],  # only 0.9
        ["Pentagon", 1, 1],  # 0.7
    ]


def test_timeline_fills_months_without_findings(findings):
    timeline = monthly_timeline(findings)
    assert _rows(timeline, ["month", "statements", "denials", "contradicted_denials"]) == [
        ["2015-01", 2, 1, 1],
        ["2015-02", 0, 0, 0],
        ["2015-03", 1, 1, 0],
    ]


def test_speakers_and_sources_group_by_their_canonical_entity(findings):
    named = findings.copy()
    named["statement.speaker"] = ["FM spokesman", "Mr Zarif", "he", "Pentagon", "it", "it"]
    named["statement.speaker_entity"] = [IRAN, IRAN, IRAN, "Pentagon", "Pentagon", None]
    table = summarize(named, "speaker")
    assert table["speaker"].tolist() == [IRAN, "it", "Pentagon"]  # no entity: the text
    assert table["pairs"].tolist() == [3, 1, 2]


def test_outlet_falls_back_to_the_site_of_the_url():
    frame = pd.json_normalize(
        [
            {**FINDINGS[0], "article": {"url": "https://www.reuters.com/x"}},
            {**FINDINGS[3], "article": {"url": "not a url"}},
        ]
    )
    assert summarize(frame, "outlet")["outlet"].tolist() == ["reuters.com", UNKNOWN]


def test_groupings_that_need_article_fields_say_how_to_get_them(findings):
    bare = findings.drop(columns=["article.outlet", "article.date"])
    with pytest.raises(ValueError, match="--keep-fields outlet"):
        summarize(bare, "outlet")
    with pytest.raises(ValueError, match="--date-field"):
        summarize(bare, "month")
    with pytest.raises(ValueError, match="unknown grouping"):
        summarize(findings, "colour")


@pytest.mark.parametrize(
    ("speaker", "organisation"),
    [
        ("a spokesman for the Defence Ministry", "Defence Ministry"),  # "for the" + body word
        ("Ali R., an Iranian deputy minister", "Iranian deputy minister"),  # role after the comma
        ("The Pentagon", "Pentagon"),  # a body on its own
        ("the head of state", "head of state"),  # "of" without a body word: kept whole
        ("", UNKNOWN),  # nobody named
    ],
)  # fmt: skip
def test_organisation_of(speaker: str, organisation: str):
    assert organisation_of(speaker) == organisation


def test_empty_findings_give_empty_tables():
    empty = pd.DataFrame(columns=["article_id", "statement.speaker", "calibrated", "label"])
    assert summarize(empty, "speaker").empty


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_load_findings_reads_every_output_format_alike(tmp_path: Path, suffix: str):
    path = tmp_path / f"findings{suffix}"
    write_records(path, FINDINGS)
    loaded = load_findings(path)
    assert len(loaded) == len(FINDINGS)
    assert loaded["statement.span"].map(list).tolist()[0] == [0, 40]
    table = summarize(loaded, "speaker")
    assert _rows(table, ["speaker", *COUNTS]) == [
        [IRAN, 2, 1, 2, 3, 2],
        ["Pentagon", 2, 2, 3, 3, 1],
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_run_with_no_findings_gives_empty_tables_not_a_crash(tmp_path: Path, suffix: str):
    path = tmp_path / f"findings{suffix}"
    write_records(path, [])  # what nli score writes when it finds nothing
    assert load_findings(path).empty
    result = run_summarize(path, tmp_path / "summary")
    assert result.findings == 0 and result.skipped == []
    for name in ("speaker", "organisation", "source", "outlet", "month"):
        table = pd.read_csv(tmp_path / "summary" / f"by_{name}.csv")
        assert table.empty and list(table.columns)[:2] == [name, "statements"]


def test_load_findings_reads_csv_as_the_report_does_with_the_jsonl_types(tmp_path: Path):
    rows = [dict(f, priority=None, window=0) for f in FINDINGS]
    write_records(tmp_path / "f.jsonl", rows)
    write_records(tmp_path / "f.csv", rows)
    from_csv = load_findings(tmp_path / "f.csv")
    pd.testing.assert_frame_equal(from_csv, load_findings(tmp_path / "f.jsonl"))
    assert from_csv["statement.blanket"].tolist() == [False] * 5 + [True]


def test_run_summarize_writes_tables_and_plots(tmp_path: Path):
    path = tmp_path / "findings.jsonl"
    write_records(path, FINDINGS)
    result = run_summarize(path, tmp_path / "summary", top=5)
    names = sorted(p.name for p in result.files)
    groupings = ("speaker", "organisation", "source", "outlet", "month", "timeline")
    tables = [f"{g}.{ext}" for g in groupings for ext in ("csv", "parquet")]
    plots = ["contradictions_by_speaker.png", "contradictions_by_source.png", "timeline.png"]
    assert names == sorted(
        [name if name.startswith("timeline") else f"by_{name}" for name in tables] + plots
    )
    for png in (p for p in result.files if p.suffix == ".png"):
        assert png.read_bytes().startswith(b"\x89PNG")
    by_speaker = pd.read_parquet(tmp_path / "summary" / "by_speaker.parquet")
    assert by_speaker["contradictions"].tolist() == [2, 1]
    csv = pd.read_csv(tmp_path / "summary" / "by_source.csv")
    assert csv["pairs"].tolist() == [4, 1, 1]


def test_summarize_cli(tmp_path: Path):
    path = tmp_path / "findings.csv"
    write_records(path, [{k: v for k, v in f.items() if k != "article"} for f in FINDINGS])
    out = tmp_path / "summary"
    args = ["summarize", str(path), "-o", str(out), "--by", "speaker,outlet", "--top", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "no outlet table" in result.output  # scored without --keep-fields
    assert (out / "by_speaker.csv").exists() and not (out / "by_outlet.csv").exists()
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    bad = runner.invoke(app, ["summarize", str(path), "-o", str(out), "--by", "colour", "-f"])
    assert bad.exit_code == 2 and "unknown grouping" in bad.output
    missing = runner.invoke(app, ["summarize", str(tmp_path / "nope.csv"), "-o", str(out)])
    assert missing.exit_code == 2


def test_summarize_cli_says_how_many_rows_it_left_out_and_exits_3(tmp_path: Path):
    path = tmp_path / "findings.jsonl"
    good = json.dumps(FINDINGS[0])
    path.write_text(f"{good}\nnot json\n{good}\n", encoding="utf-8")
    out = tmp_path / "summary"
    result = runner.invoke(app, ["summarize", str(path), "-o", str(out), "--by", "speaker"])
    assert result.exit_code == 3, result.output  # partial, as nli report counts such rows
    assert "summarized 2 findings" in result.output
    assert "left out 1 row" in result.output and (out / "by_speaker.csv").exists()
    assert run_summarize(path, tmp_path / "again", by=["speaker"]).rows_not_read == 1


def test_summarize_leaves_out_rows_that_are_no_finding_and_refuses_a_file_of_none(
    tmp_path: Path,
):
    good = json.dumps(FINDINGS[0])
    path = tmp_path / "findings.jsonl"
    path.write_text(f'{good}\n{{"article_id": "zz"}}\n{good}\n', encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(path), "-o", str(tmp_path / "s")])
    assert result.exit_code == 3, result.output
    assert "summarized 2 findings" in result.output and "left out 1 row" in result.output
    # the articles that were scored, given for their findings: nothing to summarize
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"id": "a1", "text": "The ministry denied it."}\n', encoding="utf-8")
    wrong = runner.invoke(app, ["summarize", str(articles), "-o", str(tmp_path / "w")])
    assert wrong.exit_code == 2 and "none of its 1 rows is a finding" in wrong.output
    assert not (tmp_path / "w").exists()


def test_summarize_force_replaces_an_earlier_summary_whole(tmp_path: Path):
    path = tmp_path / "findings.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in FINDINGS), encoding="utf-8")
    out = tmp_path / "summary"
    first = runner.invoke(app, ["summarize", str(path), "-o", str(out), "--by", "speaker,source"])
    assert first.exit_code == 0 and (out / "by_source.csv").exists()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    # another grouping into the same folder: the earlier summary is in the way
    again = ["summarize", str(path), "-o", str(out), "--by", "speaker"]
    assert runner.invoke(app, again).exit_code == 2
    assert runner.invoke(app, [*again, "--force"]).exit_code == 0
    # nothing of the earlier run stays beside the new tables; the user's own file does
    assert not (out / "by_source.csv").exists()
    assert not (out / "contradictions_by_source.png").exists()
    assert (out / "by_speaker.csv").exists() and (out / "notes.txt").read_text() == "mine"


def test_summary_json_round_trip_of_the_table_is_plain(findings):
    table = summarize(findings, "speaker")
    # The tables go to CSV/Parquet and notebooks: plain ints and floats, no objects.
    assert json.loads(table.to_json(orient="records"))[0]["statements"] == 2


def test_the_strongest_example_is_the_pair_the_run_ranks_first(findings):
    # a run with the pair ranker: Iran's second statement x Reuters is likelier a denial
    # and the report it answers, so it outranks the higher calibrated score
    findings["priority"] = [0.3, 0.1, 0.5, 0.05, 0.1, None]
    table = summarize(findings, by="speaker").set_index("speaker")
    iran, pentagon = table.loc[IRAN], table.loc["Pentagon"]
    assert (iran["top_statement"], iran["top_calibrated"]) == (f"{IRAN} said [200, 240]", 0.6)
    # a row without priority competes with its calibrated score (a3's 0.7)
    assert (pentagon["top_article_id"], pentagon["top_calibrated"]) == ("a3", 0.7)


def test_organisation_groups_one_body_however_its_speakers_are_written():
    import pandas as pd

    speakers = [
        ("league", "League"),
        ("the League", "League"),
        ("the national basketball league", "League"),
        ("a spokesman for the Defence Ministry", "Defence Ministry spokesman"),
        ("a spokesman for the Defence ministry", "Defence Ministry spokesman"),
    ]
    rows = []
    for k, (speaker, entity) in enumerate(speakers):
        row = json.loads(json.dumps(FINDINGS[0]))
        row["statement"].update(speaker=speaker, speaker_entity=entity, span=[10 * k, 10 * k + 5])
        rows.append(row)
    table = summarize(pd.json_normalize(rows), "organisation").set_index("organisation")
    # the bare bodies go by their entity; a body read from the speaker text keeps it, one
    # group whatever its case
    assert table["statements"].to_dict() == {"League": 3, "Defence Ministry": 2}
