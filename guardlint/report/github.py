"""`--format github`: GitHub Actions workflow commands, one annotation per finding, shown on
the pull request's diff without code scanning.

`::error file=PATH,line=N,col=N,endLine=N,title=TITLE::MESSAGE` for critical and high findings,
`::warning ...` for medium and below. Everything in a command comes from the scanned
repository (paths, messages quoting its values), so it is escaped as GitHub's own toolkit
does (@actions/core, command.ts): in the message `%`, CR and LF; in properties also `:` and
`,`. A message can then neither end its line and start a second command nor, through `::` or
`,` in a property, add one.
"""

from __future__ import annotations

from typing import Any

from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from guardlint.model.rules import Severity

_DATA_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def render(result: ScanResult, **_: Any) -> str:
    return "".join(_command(finding) + "\n" for finding in result.active_findings)


def _command(finding: Finding) -> str:
    level = "error" if finding.severity >= Severity.HIGH else "warning"
    region = finding.region
    properties = {
        "file": finding.path,
        "line": region.start_line,
        "col": region.start_column,
        "endLine": region.end_line,
        "title": f"{finding.rule_id} {finding.rule_name} ({finding.severity.label})",
    }
    shown = ",".join(
        f"{name}={str(value).translate(_PROPERTY_ESCAPES)}"
        for name, value in properties.items()
        if value is not None
    )
    return f"::{level} {shown}::{finding.message.translate(_DATA_ESCAPES)}"
