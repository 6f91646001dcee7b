"""`--format gitlab-sast` and `--format gitlab-codequality`: GitLab's two report artifacts.

- gitlab-sast is GitLab's security report schema for SAST, version 15.0.7
  (security-report-schemas, dist/sast-report-format.json): the merge request's security
  widget and the vulnerability report read it from `artifacts: reports: sast`.
- gitlab-codequality is the Code Quality report (a subset of Code Climate's issue format),
  read from `artifacts: reports: codequality` and shown in the merge request's diff.

Both list the active findings only: suppressed and baselined ones were accepted, and neither
format can say so. GitLab renders a vulnerability's description and solution as markdown, so
text from the scanned files, and from a custom pack, is escaped to render as itself.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from guardlint import INFORMATION_URI, __version__
from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from guardlint.model.rules import Rule, Severity
from guardlint.parse.text import clip
from guardlint.report.encode import to_json
from guardlint.report.markup import literal

SAST_SCHEMA_VERSION = "15.0.7"
SAST_SCHEMA_URI = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SAST_SCHEMA_VERSION}/dist/sast-report-format.json"
)
SAST_SEVERITIES = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
# Code Climate's words, which GitLab's Code Quality widget sorts by.
CODEQUALITY_SEVERITIES = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}
# The schema's limits for these fields.
MAX_NAME, MAX_SOLUTION, MAX_DESCRIPTION = 255, 7000, 1_048_576
_CWE = re.compile(r"^CWE-([0-9]+)$")
# Vulnerability IDs are UUIDs derived from the finding's fingerprint: the same finding has the
# same ID in every pipeline.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, INFORMATION_URI)
_TOOL = {
    "id": "guardlint",
    "name": "guardlint",
    "version": __version__,
    "vendor": {"name": "guardlint"},
    "url": INFORMATION_URI,
}


def _rule_url(rule_id: str) -> str:
    return f"{INFORMATION_URI}/blob/main/docs/rules.md#{rule_id.lower()}"


def _rule_markdown(rule: Rule | None, text: str) -> str:
    """A rule's own text: guardlint's is markdown already, a custom pack's is data."""
    return literal(text) if rule is None or rule.custom else text


def _identifiers(finding: Finding, rule: Rule | None) -> list[dict[str, str]]:
    # The first identifier is GitLab's primary one: the rule, which GitLab groups findings by.
    identifiers = [
        {
            "type": "guardlint_rule_id",
            "name": f"guardlint {finding.rule_id}",
            "value": finding.rule_id,
            "url": _rule_url(finding.rule_id),
        }
    ]
    for cwe in rule.cwe if rule else ():
        number = _CWE.match(str(cwe))
        if number:
            identifiers.append(
                {
                    "type": "cwe",
                    "name": f"CWE-{number[1]}",
                    "value": number[1],
                    "url": f"https://cwe.mitre.org/data/definitions/{number[1]}.html",
                }
            )
    return identifiers


def _vulnerability(finding: Finding, rule: Rule | None) -> dict[str, Any]:
    description = literal(finding.message)
    if rule is not None and rule.description:
        description += "\n\n" + _rule_markdown(rule, rule.description)
    solution = _rule_markdown(rule, finding.remediation or "See the rule's documentation.")
    return {
        "id": str(uuid.uuid5(_ID_NAMESPACE, finding.fingerprint)),
        "category": "sast",
        "name": clip(f"{finding.rule_id} {rule.title if rule else finding.rule_name}", MAX_NAME),
        "description": clip(description, MAX_DESCRIPTION),
        "severity": SAST_SEVERITIES[finding.severity],
        "solution": clip(solution, MAX_SOLUTION),
        "scanner": {"id": "guardlint", "name": "guardlint"},
        "location": {
            "file": finding.path,
            "start_line": finding.region.start_line,
            "end_line": finding.region.end_line,
        },
        "identifiers": _identifiers(finding, rule),
        "links": [{"name": f"guardlint {finding.rule_id}", "url": _rule_url(finding.rule_id)}],
    }


def _timestamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")  # the schema's format: UTC, no zone, no fraction


def render_sast(result: ScanResult, **_: Any) -> bytes:
    rules = {rule.id: rule for rule in result.rules}
    end = datetime.datetime.now(datetime.UTC)
    start = end - datetime.timedelta(seconds=result.duration)
    report = {
        "version": SAST_SCHEMA_VERSION,
        "schema": SAST_SCHEMA_URI,
        "scan": {
            "type": "sast",
            "status": "success",
            "start_time": _timestamp(start),
            "end_time": _timestamp(end),
            "analyzer": _TOOL,
            "scanner": _TOOL,
        },
        "vulnerabilities": [
            _vulnerability(finding, rules.get(finding.rule_id))
            for finding in result.active_findings
        ],
    }
    return to_json(report)


def render_codequality(result: ScanResult, **_: Any) -> bytes:
    issues = [
        {
            "type": "issue",
            "check_name": finding.rule_id,
            "description": f"{finding.rule_id} {finding.rule_name}: {finding.message}",
            "categories": ["Security"],
            "severity": CODEQUALITY_SEVERITIES[finding.severity],
            "fingerprint": finding.fingerprint,
            "location": {
                "path": finding.path,
                "lines": {"begin": finding.region.start_line, "end": finding.region.end_line},
            },
        }
        for finding in result.active_findings
    ]
    return to_json(issues)
