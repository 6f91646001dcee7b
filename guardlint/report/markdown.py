"""`--format markdown`: a short report for a GitHub job summary or a pull request comment.

Counts per severity, the top findings (most severe first) and what was suppressed. When the
GitHub Actions variables are set (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA), each
location links to the file at the scanned commit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from guardlint.model.rules import Severity
from guardlint.report.markup import cell, code_span
from guardlint.report.summary import summarize

TOP_FINDINGS = 15
_ICONS = {
    Severity.CRITICAL: "\U0001f7e3",
    Severity.HIGH: "\U0001f534",
    Severity.MEDIUM: "\U0001f7e0",
    Severity.LOW: "\U0001f7e1",
    Severity.INFO: "\u26aa",
}


def _location(finding: Finding, environ: Mapping[str, str]) -> str:
    where = code_span(f"{finding.path}:{finding.region.start_line}")
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    sha = environ.get("GITHUB_SHA")
    if not (server and repository and sha):
        return where
    prefix = environ.get("GUARDLINT_PATH_PREFIX", "").strip("/")
    path = f"{prefix}/{finding.path}" if prefix else finding.path
    # Percent-encoded: a `)`, a space or a `<` in a file name would end the link's URL.
    url = f"{server}/{repository}/blob/{sha}/{quote(path)}#L{finding.region.start_line}"
    return f"[{where}]({url})"


def render(result: ScanResult, environ: Mapping[str, str] | None = None, **_: Any) -> str:
    environ = os.environ if environ is None else environ
    summary = summarize(result)
    active = sorted(result.active_findings, key=lambda f: (-f.severity, f.sort_key))
    lines = ["## guardlint", ""]
    if active:
        lines.append(f"**{len(active)} finding(s)** in {summary['files']['scanned']} file(s).")
    else:
        lines.append(f"No findings in {summary['files']['scanned']} scanned file(s).")
    lines += ["", "| severity | findings |", "|---|---:|"]
    for severity in reversed(Severity):
        lines.append(
            f"| {_ICONS[severity]} {severity.label} | {summary['by_severity'][severity.label]} |"
        )
    if active:
        shown = active[:TOP_FINDINGS]
        lines += ["", f"### Top findings ({len(shown)} of {len(active)})", ""]
        lines += ["| severity | rule | location | message |", "|---|---|---|---|"]
        for finding in shown:
            lines.append(
                f"| {finding.severity.label} | {cell(f'{finding.rule_id} {finding.rule_name}')} | "
                f"{_location(finding, environ)} | {cell(finding.message)} |"
            )
    baselined = summary["baselined"]
    inline = summary["suppressed"] - baselined
    files = summary["files"]
    lines += [
        "",
        f"{inline} suppressed in source, {baselined} accepted in the baseline; "
        f"{files['scanned']} files scanned, {files['skipped']} skipped, "
        f"{files['unparsable']} unparsable, in {summary['duration_seconds']:.2f}s.",
    ]
    return "\n".join(lines) + "\n"
