"""`--format markdown`: a short report for a GitHub job summary or a pull request comment.

Counts per severity, the top findings (most severe first) and what was suppressed. When the
GitHub Actions variables are set (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA), each
location links to the file at the scanned commit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from guardlint.model import Finding, Severity
from guardlint.report.summary import summarize

TOP_FINDINGS = 15
_ICONS = {
    Severity.CRITICAL: "\U0001f7e3",
    Severity.HIGH: "\U0001f534",
    Severity.MEDIUM: "\U0001f7e0",
    Severity.LOW: "\U0001f7e1",
    Severity.INFO: "\u26aa",
}


# What can start markup inside a table cell on GitHub: a backslash escape, a code span,
# emphasis or strikethrough, a link or image, HTML or an autolink in angle brackets, an entity,
# a cell boundary, math; and the `:` of `https://` and the `.` of `www.` that start autolinks.
_MARKUP = re.compile(r"[\\`*_~\[\]<&|$]|:(?=//)|(?<=[wW]{3})\.")
_BACKTICKS = re.compile(r"`+")


def _one_line(text: str) -> str:
    return " ".join(str(text).splitlines())


def _cell(text: str) -> str:
    """Text from a scanned file or a rule pack as a table cell that shows exactly that text:
    each character that could start markup is backslash-escaped, so no HTML (`<img src=x
    onerror=...>`; GitHub renders a job summary's HTML), link, image or autolink can form."""
    return _MARKUP.sub(lambda found: "\\" + found.group(), _one_line(text))


def _code(text: str) -> str:
    """A code span in a table cell that `text` cannot end early: its fence is one backtick
    longer than the longest run inside, and a pipe is escaped (tables split cells first)."""
    text = _one_line(text).replace("|", "\\|")
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _location(finding: Finding, environ: Mapping[str, str]) -> str:
    where = _code(f"{finding.path}:{finding.region.start_line}")
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    sha = environ.get("GITHUB_SHA")
    if not (server and repository and sha):
        return where
    prefix = environ.get("GUARDLINT_PATH_PREFIX", "").strip("/")
    path = f"{prefix}/{finding.path}" if prefix else finding.path
    # Percent-encoded: a `)`, a space or a `<` in a file name would end the link's URL.
    url = f"{server}/{repository}/blob/{sha}/{quote(path)}#L{finding.region.start_line}"
    return f"[{where}]({url})"


def render(result: Any, environ: Mapping[str, str] | None = None, **_: Any) -> str:
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
                f"| {finding.severity.label} | {_cell(f'{finding.rule_id} {finding.rule_name}')} | "
                f"{_location(finding, environ)} | {_cell(finding.message)} |"
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
