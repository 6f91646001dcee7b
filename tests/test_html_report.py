"""`--format html`: self-contained, hostile text stays text, and in a real browser (headless
Chromium, driven by tools/html_check.py) it shows the JSON report's counts and filters."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.report import reporter
from tests.conftest import FIXTURES, run_scan, write_file
from tools.html_check import Browser, check_report, find_browser, page_problems

BROWSER = find_browser()
# .ci/run installs Chromium and sets this: there, a missing browser fails instead of skipping.
needs_browser = pytest.mark.skipif(
    BROWSER is None and not os.environ.get("GUARDLINT_REQUIRE_BROWSER"),
    reason="no Chromium on this machine (apt-get install chromium); .ci/run installs it",
)
HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
HOSTILE_COMPOSE = f"""\
services:
  {json.dumps(HOSTILE)}:
    image: nginx:1.27
    privileged: true
"""


class Page(HTMLParser):
    """Every element's attributes, and the text of each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.bodies: dict[str, list[str]] = {"script": [], "style": []}
        self._inside: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._inside = tag if tag in self.bodies else None

    def handle_endtag(self, tag):
        self._inside = None

    def handle_data(self, data):
        if self._inside:
            self.bodies[self._inside].append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@pytest.fixture(scope="module")
def fixtures_result():
    return run_scan(FIXTURES, jobs=1)


def test_html_report_is_one_file_that_loads_nothing(fixtures_result):
    page = parse(reporter("html")(fixtures_result))
    tags = [tag for tag, _ in page.elements]
    assert "link" not in tags and "iframe" not in tags and "img" not in tags
    assert [a for _, attrs in page.elements for a in ("src", "href") if a in attrs] == []
    policy = next(
        attrs["content"]
        for tag, attrs in page.elements
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in policy
    # The policy allows exactly the inline script and style sheet the page has, by hash.
    code = [s for (tag, attrs), s in zip(
        [e for e in page.elements if e[0] == "script"], page.bodies["script"], strict=True
    ) if attrs.get("type") != "application/json"]  # fmt: skip
    assert len(code) == 1 and f"'sha256-{sha256(code[0])}'" in policy
    assert f"'sha256-{sha256(page.bodies['style'][0])}'" in policy


def test_html_report_text_from_files_cannot_become_markup(tmp_path):
    write_file(tmp_path, "compose.yaml", HOSTILE_COMPOSE)
    result = run_scan(tmp_path, only_rules={"CMP001"})
    assert HOSTILE in result.findings[0].resource
    text = reporter("html")(result)
    assert HOSTILE not in text
    assert text.count("</script>") == 2  # the data's and the code's own
    page = parse(text)
    data = next(
        body
        for (tag, attrs), body in zip(
            [e for e in page.elements if e[0] == "script"], page.bodies["script"], strict=True
        )
        if attrs.get("id") == "guardlint-data"
    )
    assert json.loads(data)["findings"][0]["resource"] == result.findings[0].resource
    assert [tag for tag, _ in page.elements].count("img") == 0


def test_html_format_from_the_output_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "compose.yaml", HOSTILE_COMPOSE)
    outcome = CliRunner().invoke(cli, ["scan", ".", "-o", "report.html"])
    assert outcome.exit_code == 1, outcome.output
    assert Path("report.html").read_text().startswith("<!DOCTYPE html>")
    outcome = CliRunner().invoke(cli, ["scan", ".", "--output-dir", "out", "-f", "html"])
    assert os.listdir("out") == ["guardlint.html"]


def write_reports(tmp_path: Path, target: Path) -> tuple[Path, dict]:
    html_path, json_path = tmp_path / "report.html", tmp_path / "report.json"
    for path in (html_path, json_path):
        CliRunner().invoke(cli, ["scan", str(target), "-o", str(path)], catch_exceptions=False)
    return html_path, json.loads(json_path.read_text())


@needs_browser
def test_html_report_in_chromium_shows_the_json_reports_counts_and_filters(tmp_path):
    html_path, report = write_reports(tmp_path, FIXTURES)
    assert report["summary"]["findings"] > 100
    assert check_report(html_path, report, BROWSER) == []


@needs_browser
def test_hostile_report_runs_no_script_in_chromium(tmp_path):
    write_file(tmp_path / "repo", "compose.yaml", HOSTILE_COMPOSE)
    html_path, report = write_reports(tmp_path, tmp_path / "repo")
    assert check_report(html_path, report, BROWSER) == []
    with Browser(BROWSER) as chromium:
        session = chromium.open(html_path.as_uri())
        assert chromium.evaluate(session, "window.pwned === undefined") is True
        cells = chromium.evaluate(
            session, "[...document.querySelectorAll('#findings-body td')].map(c => c.textContent)"
        )
        assert any(HOSTILE in cell for cell in cells)
        assert chromium.evaluate(session, "document.querySelectorAll('img').length") == 0


@needs_browser
def test_a_finding_opens_on_its_source_line_and_rule_docs(tmp_path):
    write_file(tmp_path / "repo", "compose.yaml", HOSTILE_COMPOSE)
    html_path, _ = write_reports(tmp_path, tmp_path / "repo")
    with Browser(BROWSER) as chromium:
        session = chromium.open(html_path.as_uri())
        opened = chromium.evaluate(
            session,
            """(() => {
              document.querySelector("#findings-body tr.finding").click();
              const details = document.querySelector("#findings-body tr.details");
              return {snippet: details.querySelector(".snippet").textContent,
                      docs: details.querySelector(".docs").textContent};
            })()""",
        )
        assert opened["snippet"] == "4: privileged: true"
        assert opened["docs"].startswith("CMP001 ") and "How to fix it:" in opened["docs"]
        closed = "document.querySelector('#findings-body tr.finding').click();"
        assert chromium.evaluate(session, closed + "document.querySelector('tr.details')") is None
        assert page_problems(chromium.events, html_path.as_uri()) == []


@needs_browser
def test_the_browser_check_sees_console_errors_and_requests(tmp_path):
    """The check above can fail: a console error, an exception and a request for an outside
    URL are each reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('boom'); null.x;</script>"
    )
    with Browser(BROWSER) as chromium:
        chromium.open(page.as_uri())
        problems = page_problems(chromium.events, page.as_uri())
    assert any(p.startswith("console error: boom") for p in problems), problems
    assert any(p.startswith("uncaught exception") for p in problems), problems
    assert any(re.search(r"loaded http://127\.0\.0\.1:9/x\.png", p) for p in problems), problems
