"""The HTML report in a real browser: headless Chromium renders it, dumps the DOM, screenshots it.

.ci/run installs Debian's ``chromium``; where it cannot be installed these tests are
skipped with that reason.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from nli.config import ArticleConfig, ScoringConfig
from nli.report import report_from_files, write_report
from nli.runs import run_score

FIXTURE_ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
WINDOW = (1280, 2400)

EVIL_ARTICLE = (
    "Ministry rejects border claims <script>document.title='PWNED'</script>\n\n"
    "The defence ministry denied that soldiers had crossed the border near Tarn "
    "<script>document.title='PWNED'</script> on Monday.\n\n"
    "Reuters reported that <img src=x onerror=\"document.title='PWNED'\"> hundreds of "
    "soldiers had crossed the border near Tarn on Monday night.\n"
)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium is not installed and could not be (.ci/run: apt-get install chromium)")


def _run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        # This machine has no network: without these Chromium keeps trying to reach
        # Google's services at start-up.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def _dump_dom(chromium: str, tmp_path: Path, url: str) -> str:
    return _run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout


def _findings_table(dom: str) -> str:
    """The rendered table body (the no-script fallback table is left out)."""
    match = re.search(r'<tbody id="findings-body">(.*?)</tbody>', dom, re.S)
    assert match is not None
    return match.group(1)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory: pytest.TempPathFactory, tiny_scorer) -> tuple[Path, int]:  # type: ignore[no-untyped-def]
    """A report of two fixture articles and one carrying script; and a finding of that one."""
    root = tmp_path_factory.mktemp("browser")
    articles = root / "articles"
    articles.mkdir()
    (articles / "evil.txt").write_text(EVIL_ARTICLE, encoding="utf-8")
    for name in ("a01.txt", "a02.txt"):
        shutil.copy(FIXTURE_ARTICLES / name, articles / name)
    findings = root / "findings.jsonl"
    config = ArticleConfig(scoring=ScoringConfig(model="tiny", precision="fp32"))
    run_score(articles, findings, config, scorer=tiny_scorer)
    rows = findings.read_text(encoding="utf-8").splitlines()
    # the finding of the ministry's denial sentence (the headline is a statement too)
    evil_index = next(
        i
        for i, row in enumerate(rows)
        if '"article_id": "evil.txt"' in row
        and json.loads(row)["statement"]["speaker"] == "The defence ministry"
        and "<img" in json.loads(row)["report"]["text"]
    )
    report = root / "report.html"
    report_from_files(findings, report, articles_path=articles)
    return report, evil_index


def test_browser_shows_highlights_and_runs_no_script_from_articles(
    chromium: str, evil_report: tuple[Path, int], tmp_path: Path
):
    report, evil_index = evil_report
    dom = _dump_dom(chromium, tmp_path, f"{report.as_uri()}#finding-{evil_index}")

    assert 'data-rendered="true"' in dom  # the page's own script ran to the end
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None and "PWNED" not in title.group(1)
    assert dom.count("<script") == 2  # only the data block and the page script
    assert "<img" not in dom
    # the article's markup is on the page as text, inside the highlighted spans
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=" in dom
    assert re.search(r'<mark class="hl hl-statement active"[^>]*>[^<]*&lt;script&gt;', dom)
    assert re.search(r'<mark class="hl hl-report active"[^>]*>[^<]*&lt;img src=x', dom)
    assert 'class="tag tag-statement">Official statement by The defence ministry' in dom
    # the table lists every finding and marks the selected one
    selected = re.findall(r'<tr\b[^>]*\bclass="selected"[^>]*>', dom)
    assert len(selected) == 1 and f'id="row-{evil_index}"' in selected[0]
    assert 'id="article-title">evil.txt<' in dom


def test_browser_screenshot_of_the_report(
    chromium: str, evil_report: tuple[Path, int], tmp_path: Path
):
    report, _ = evil_report
    png = tmp_path / "report.png"
    _run_chromium(chromium, tmp_path / "profile", f"--screenshot={png}", report.as_uri())
    assert _png_size(png) == WINDOW
    assert png.stat().st_size > 20_000  # a blank page compresses to a few kB


def test_browser_pages_through_ten_thousand_findings(chromium: str, tmp_path: Path):
    text = "The ministry denied it. Reuters reported it."
    statement, report = "The ministry denied it.", "Reuters reported it."
    rows = [
        {
            "article_id": f"a{i // 10:04d}",
            "statement": {"text": statement, "speaker": "The ministry", "span": [0, 23]},
            "report": {"text": report, "source": "Reuters", "span": [24, 44]},
            "probs": {"contradiction": 0.2, "neutral": 0.3, "entailment": 0.5},
            "score": (i % 997) / 997,
            "label": "neutral",
        }
        for i in range(10_000)
    ]
    page = write_report(tmp_path / "big.html", rows, {f"a{i:04d}": text for i in range(1000)})
    dom = _dump_dom(chromium, tmp_path, page.as_uri())

    assert 'data-rendered="true"' in dom
    table = _findings_table(dom)
    assert len(re.findall(r'<tr id="row-\d+"', table)) == 50
    assert "Showing 1–50 of 10,000 findings" in dom
    assert "Page 1 of 200" in dom
    scores = [float(s) for s in re.findall(r'<td class="num[^"]*">([\d.]+)</td>', table)]
    assert scores == sorted(scores, reverse=True) and scores[0] == round(996 / 997, 3)


def test_browser_shows_the_summary_section(chromium: str, tmp_path: Path):
    from test_summarize import FINDINGS

    page = write_report(tmp_path / "summary.html", [dict(row) for row in FINDINGS])
    dom = _dump_dom(chromium, tmp_path, page.as_uri())
    assert 'data-rendered="true"' in dom  # the page script still runs to the end
    section = re.search(r'<section id="who".*?</section>', dom, re.S)
    assert section is not None
    for by in ("speaker", "source", "outlet", "month"):
        assert f'id="by-{by}"' in section.group(0)
    speaker = re.search(r'id="by-speaker".*?</table>', section.group(0), re.S)
    assert speaker is not None
    cells = re.findall(r'<td class="g-name-cell">([^<]*)</td>', speaker.group(0))
    assert cells == ["Iran's foreign ministry", "Pentagon"]
    assert "2/2 (100%)" in speaker.group(0) and "1/2 (50%)" in speaker.group(0)
    assert section.group(0).count('class="bar above"') == 3  # one red bar per month
    png = tmp_path / "summary.png"
    _run_chromium(chromium, tmp_path / "profile", f"--screenshot={png}", page.as_uri())
    assert _png_size(png) == WINDOW
    assert png.stat().st_size > 20_000
