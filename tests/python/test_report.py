"""The HTML report (leadscore/report.py), opened in a real headless browser.

Built from the session's demo warehouse (`demo_warehouse`: 1,500 contacts, `dbt build`; the
build warehouse has schema marts too) and opened in Debian's Chromium through Playwright:
the page loads with no console error and no request leaving the file, every chart renders
an SVG with marks, and the headline figures shown on the page (the elements with a
`data-figure` attribute) equal the marts, queried here. A screenshot of the whole page is
saved in the test's tmp dir.

Chromium is not part of the Python environment: `make test` installs Debian's package when
it is missing (`make browser`); without it these tests fail with one line saying what to
install. $LEADSCORE_CHROMIUM points them at another Chromium binary.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


import pytest

from leadscore import report
from leadscore.db import connect
from leadscore.dbt_runner import PROJECT_DIR

CHROMIUM = Path(os.environ.get("LEADSCORE_CHROMIUM", "/usr/bin/chromium"))
# As the machine notes start it: no sandbox (root), no GPU, and none of the background
# connections Chromium makes at start (the network is closed here; refused connections
# would otherwise be retried). Playwright adds --headless and a fresh, empty profile.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
RENDER_TIMEOUT_MS = 60_000


def query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    con = connect(path, read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                    "(`apt-get install -y chromium` as root, which `make test` does through "
                    "`make browser`), or set LEADSCORE_CHROMIUM to a Chromium binary",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: run `make setup`", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: tuple[Path, Any]) -> Path:
    path, result = demo_warehouse
    assert result.success, result.failures()
    return path


@pytest.fixture(scope="module")
def report_file(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    return report.build_report(warehouse, out)


class PageLoad:
    """A page opened in Chromium, with what went wrong on the way."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        self.outside_requests: list[str] = []


def open_page(browser: Any, html_file: Path) -> PageLoad:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    load = PageLoad(page)
    url = html_file.resolve().as_uri()

    def on_console(message: Any) -> None:
        if message.type == "error":
            load.console_errors.append(message.text)

    def route(r: Any) -> None:
        # Anything but the page itself would be a fetch from outside: record it, refuse it.
        if r.request.url == url or r.request.url.startswith("data:"):
            r.continue_()
        else:
            load.outside_requests.append(r.request.url)
            r.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: load.console_errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: load.failed_requests.append(request.url))
    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.wait_for_selector("body[data-charts-rendered]", state="attached",
                           timeout=RENDER_TIMEOUT_MS)
    return load


# Tables, charts, paragraphs and lists whose right edge lies beyond the page's white card (main).
OVERFLOW_JS = """
() => {
  const edge = document.querySelector('main').getBoundingClientRect().right;
  return Array.from(document.querySelectorAll('main table, main [data-chart], main p, main ul'))
    .filter(el => el.getBoundingClientRect().right > edge + 1)
    .map(el => el.tagName + ' ' + (el.getAttribute('data-table') || el.getAttribute('data-chart')
                                   || el.textContent.slice(0, 40)));
}
"""


# Per chart container: whether it rendered, its SVG, and its marks (items of Vega's mark
# groups, not axes or gridlines).
CHART_STATE_JS = """
() => Array.from(document.querySelectorAll('[data-chart]')).map(el => ({
  id: el.getAttribute('data-chart'),
  rendered: el.getAttribute('data-rendered'),
  svgs: el.querySelectorAll('svg').length,
  marks: el.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect,'
                              + ' svg g.role-mark > line, svg g.role-mark > text').length,
  width: el.getBoundingClientRect().width,
  height: el.getBoundingClientRect().height,
}))
"""

FIGURES_JS = """
() => Array.from(document.querySelectorAll('[data-figure]')).map(el => ({
  name: el.getAttribute('data-figure'),
  model: el.getAttribute('data-scoring-model'),
  value: el.getAttribute('data-value'),
  text: el.textContent.trim(),
}))
"""


def assert_charts_render(load: PageLoad, expected: set[str]) -> None:
    assert load.console_errors == []
    assert load.failed_requests == []
    assert load.outside_requests == []
    charts = load.page.evaluate(CHART_STATE_JS)
    assert {c["id"] for c in charts} == expected
    assert load.page.get_attribute("body", "data-charts-rendered") == str(len(charts))
    for chart in charts:
        assert chart["rendered"] == "true", chart
        assert chart["svgs"] >= 1, chart
        assert chart["marks"] >= 3, chart
        assert chart["width"] > 100 and chart["height"] > 100, chart


def shown_decimals(text: str) -> int:
    match = re.search(r"\.(\d+)", text)
    return len(match.group(1)) if match else 0


def assert_shows(text: str, value: float, *, percent: bool = False, suffix: str = "") -> None:
    """`text` is `value` rounded to the digits it shows (a percentage when `percent`)."""
    assert text.endswith(suffix), text
    number = float(text[: len(text) - len(suffix)].rstrip("%").replace(",", ""))
    scale = 100 if percent else 1
    assert abs(number - value * scale) <= 0.5 * 10 ** -shown_decimals(text) + 1e-9, (text, value)


# --------------------------------------------------------------------------- the page itself


EXPECTED_CHARTS = {f"chart-{key}-1" for key in
                   ("distribution", "bands", "roc", "rules", "thresholds", "funnel")}


def test_the_page_is_one_self_contained_file(report_file: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I)
    assert not re.search(r"<link\b", text, re.I)
    assert not re.search(r"@import|@font-face", text, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*['\"]?(https?:)?//", text, re.I)
    assert "window.vegaEmbed" in text  # the libraries are inline


def test_the_page_renders_in_headless_chromium(browser: Any, report_file: Path,
                                               tmp_path: Path) -> None:
    load = open_page(browser, report_file)
    try:
        assert_charts_render(load, EXPECTED_CHARTS)
        headings = load.page.locator("h2").all_inner_texts()
        assert headings[0] == "The headline"
        assert any(h.startswith("Does each rule earn its points?") for h in headings)
        # Nothing runs past the right edge of the page.
        overflowing = load.page.evaluate(OVERFLOW_JS)
        assert overflowing == [], overflowing
        shot = tmp_path / "report.png"
        load.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000
        print(f"screenshot: {shot}")
    finally:
        load.page.close()


def test_the_headline_figures_equal_the_marts(browser: Any, report_file: Path,
                                              warehouse: Path) -> None:
    load = open_page(browser, report_file)
    try:
        figures = load.page.evaluate(FIGURES_JS)
    finally:
        load.page.close()
    evaluation = {row[0]: row[1:] for row in query(warehouse, """
        select scoring_model, auc, base_rate, top_decile_conversion_rate, top_decile_lift
        from marts.score_evaluation where score_name = 'lead_score' and snapshot_at is null""")}
    contradicting = dict(query(warehouse, """
        select scoring_model, count(*) filter (where verdict = 'contradicts')
        from marts.scoring_rule_audit group by 1"""))
    (build_id, as_of), = query(warehouse, """
        select build_id, strftime(max(as_of), '%Y-%m-%d') from marts.publish_log
        where is_live group by build_id""")
    assert evaluation and set(contradicting) == set(evaluation)
    recommended = dict(query(warehouse, "select scoring_model, recommended_mql_threshold"
                                        " from marts.threshold_recommendation"))

    seen: dict[tuple[str, str | None], int] = {}
    for f in figures:
        name, model, text = f["name"], f["model"], f["text"]
        seen[(name, model)] = seen.get((name, model), 0) + 1
        if name == "build_id":
            assert text == f["value"] == build_id
        elif name == "as_of":
            assert text == f["value"] == as_of
        elif name == "contradicting_rules":
            assert int(f["value"]) == contradicting[model]
            assert text.split()[0] == str(contradicting[model])
        elif name == "recommended_mql_threshold":
            expected_threshold = recommended[model]
            assert f["value"] == ("" if expected_threshold is None else str(expected_threshold)), f
            assert text == ("none meets the targets" if expected_threshold is None
                            else f"{expected_threshold:g}"), f
        else:
            auc, base_rate, top_rate, lift = evaluation[model]
            expected = {"auc": auc, "base_rate": base_rate,
                        "top_decile_conversion_rate": top_rate, "top_decile_lift": lift}[name]
            if expected is None:  # a model without buyers (or without non-buyers)
                assert (f["value"], text) == ("", "n/a"), f
            elif name == "auc":
                assert float(f["value"]) == pytest.approx(expected, rel=1e-12), f
                assert text == f"{expected:.2f}"
            elif name == "top_decile_lift":
                assert float(f["value"]) == pytest.approx(expected, rel=1e-12), f
                assert_shows(text, expected, suffix="×")
            else:
                assert float(f["value"]) == pytest.approx(expected, rel=1e-12), f
                assert_shows(text, expected, percent=True, suffix="%")
    # Every model's four figures are in the table; the default model's also in the sentence.
    for model in evaluation:
        for name in ("auc", "base_rate", "top_decile_conversion_rate", "top_decile_lift",
                     "contradicting_rules"):
            assert seen.get((name, model), 0) == (2 if model == "default" else 1), (name, model)
    assert seen[("build_id", None)] == 1 and seen[("as_of", None)] == 1


def test_the_contradicting_rules_come_first(report_file: Path, warehouse: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    table = text[text.index('data-table="contradicting-rules"'):]
    table = table[: table.index("</table>")]
    listed = re.findall(r'<tr data-rule="([^"]+)">', table)
    expected = [rule for (rule,) in query(warehouse, """
        select rule_id from marts.scoring_rule_audit
        where scoring_model = 'default' and verdict = 'contradicts' order by audit_rank""")]
    assert listed == expected


# --------------------------------------------------------------------------- missing marts


def test_without_the_evaluation_marts_the_page_says_so(warehouse: Path, tmp_path: Path,
                                                       browser: Any) -> None:
    """Built with --exclude tag:evaluation and never published: no evaluation marts."""
    path = tmp_path / "no_evaluation.duckdb"
    shutil.copyfile(warehouse, path)
    con = connect(path)
    try:
        for table in report.EVALUATION_MARTS:
            con.execute(f"drop table marts.{table}")
    finally:
        con.close()
    out = report.build_report(path, tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    assert 'data-notice="evaluation-missing"' in text
    assert "--exclude tag:evaluation" in text
    for table in ("score_band_conversion", "scoring_rule_audit", "threshold_tradeoff"):
        assert f'data-missing="{table}"' in text
    load = open_page(browser, out)
    try:
        assert_charts_render(load, {"chart-distribution-1", "chart-funnel-1"})
    finally:
        load.page.close()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadscore.cli", "report", *args],
                          cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


def test_a_missing_file_or_one_without_marts_is_one_line_and_exit_2(tmp_path: Path,
                                                                    warehouse: Path) -> None:
    missing = run_cli("--duckdb", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "a.html"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"report: error: warehouse {tmp_path / 'nope.duckdb'} does not exist: run `make demo`"
        " (or `dbt build`) first"]

    empty = tmp_path / "empty.duckdb"
    connect(empty).close()
    no_marts = run_cli("--duckdb", str(empty), "--out", str(tmp_path / "b.html"))
    assert no_marts.returncode == 2
    assert len(no_marts.stderr.strip().splitlines()) == 1
    assert "has no marts.scored_contacts" in no_marts.stderr

    unknown = run_cli("--duckdb", str(warehouse), "--out", str(tmp_path / "c.html"),
                      "--scoring-model", "nope")
    assert unknown.returncode == 2
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "no scoring model 'nope'" in unknown.stderr
    assert not any((tmp_path / name).exists() for name in ("a.html", "b.html", "c.html"))
