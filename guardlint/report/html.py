"""`--format html`: one self-contained page to read a scan in a browser.

A summary, charts of the findings by severity, pack and GuardDuty-style category, and a table
that filters by severity, pack, rule and path, where each finding opens on its source line and
its rule's documentation. The styles and the script are inline and the page loads nothing:
its Content-Security-Policy allows only that script and that style sheet (by hash), so it
works offline, from a CI artifact, and cannot call out.

Everything in it comes from the scanned files: the page's own text is HTML-escaped, and the
findings reach the script as JSON in a `<script type="application/json">` element in which
`<`, `>` and `&` are JSON escapes, so no file name or message can end that element. The script
shows them as text only.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from guardlint import INFORMATION_URI, __version__
from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from guardlint.model.rules import Severity
from guardlint.parse.digests import sha256
from guardlint.report.encode import to_json
from guardlint.report.ruledoc import rule_text
from guardlint.report.summary import summarize

_ASSETS = Path(__file__).with_name("html_assets")
# Characters that could end the data's <script> element or start markup, as JSON escapes.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _hash_source(text: str) -> str:
    digest = base64.b64encode(sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.label,
        "pack": finding.pack,
        "category": finding.category,
        "path": finding.path,
        "line": finding.region.start_line,
        "column": finding.region.start_column,
        "message": finding.message,
        "resource": finding.resource,
        "snippet": finding.snippet,
    }


def page_data(result: ScanResult) -> dict[str, Any]:
    """What the page's script draws: the active findings (most severe first) and the
    documentation of their rules."""
    active = sorted(result.active_findings, key=lambda f: (-f.severity, f.sort_key))
    used = {f.rule_id for f in active}
    return {
        "severities": [s.label for s in reversed(Severity)],
        "findings": [_finding(f) for f in active],
        "rules": {
            rule.id: {"title": rule.title, "docs": rule_text(rule)}
            for rule in result.rules
            if rule.id in used
        },
    }


def _cards(summary: dict[str, Any]) -> str:
    files = summary["files"]
    items = [("findings", summary["findings"], "findings")]
    items += [(f"severity-{s}", n, s) for s, n in summary["by_severity"].items()]
    items += [
        ("suppressed", summary["suppressed"], "suppressed or baselined"),
        ("files-scanned", files["scanned"], "files scanned"),
        ("files-skipped", files["skipped"], "files skipped"),
        ("files-unparsable", files["unparsable"], "files unparsable"),
    ]
    cards = []
    for key, count, label in items:
        severity = key.removeprefix("severity-")
        marker = f' data-severity="{severity}"' if key.startswith("severity-") else ""
        cards.append(
            f'<li id="count-{key}"{marker}><span class="count">{count}</span>'
            f'<span class="label">{html.escape(label)}</span></li>'
        )
    return "\n".join(cards)


def _chart(key: str, title: str) -> str:
    return (
        f'<figure class="chart" id="chart-{key}" data-title="{html.escape(title)}">'
        f'<figcaption><h2>{html.escape(title)}</h2></figcaption><p class="more"></p></figure>'
    )


def _filter(key: str, label: str) -> str:
    if key == "path":
        control = '<input id="filter-path" type="search" placeholder="part of a path">'
    else:
        control = f'<select id="filter-{key}"></select>'
    return f"<label>{html.escape(label)}{control}</label>"


def render(result: ScanResult, **_: Any) -> str:
    summary = summarize(result)
    style, script = _asset("report.css"), _asset("report.js")
    data = to_json(page_data(result)).decode("utf-8").translate(_SCRIPT_SAFE)
    policy = (
        f"default-src 'none'; script-src {_hash_source(script)}; "
        f"style-src {_hash_source(style)}; img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = f"guardlint: {summary['findings']} finding(s) in {summary['files']['scanned']} file(s)"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="guardlint {html.escape(__version__)}">
<title>{html.escape(title)}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>guardlint report</h1>
<p>{html.escape(title)}, in {summary["duration_seconds"]:.2f}s.
guardlint {html.escape(__version__)}, {html.escape(INFORMATION_URI)}</p>
</header>
<main>
<section id="summary"><h2>Summary</h2>
<ul class="cards">
{_cards(summary)}
</ul></section>
<section class="charts">
{_chart("severity", "Findings by severity")}
{_chart("pack", "Findings by pack")}
{_chart("category", "Findings by GuardDuty-style category")}
</section>
<section id="findings"><h2>Findings</h2>
<div class="filters">
{_filter("severity", "Severity")}
{_filter("pack", "Pack")}
{_filter("rule", "Rule")}
{_filter("path", "Path")}
<span id="shown"></span>
</div>
<table>
<thead><tr><th>Severity</th><th>Rule</th><th>Location</th><th>Pack</th><th>Message</th></tr>
</thead>
<tbody id="findings-body"></tbody>
</table>
<p class="empty" id="no-findings" hidden>No findings match.</p>
<noscript><p>The charts and the table need JavaScript; the JSON below has every finding.</p>
</noscript>
</section>
</main>
<script type="application/json" id="guardlint-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
