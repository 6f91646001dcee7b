"""`--format junit`: one test case per rule and file, for CI dashboards.

Each file gets a test case for every enabled rule that inspects one of its document kinds
(and for any rule that reported on it). A case fails when the rule has an active finding
there, is skipped when all its findings there are suppressed, and passes otherwise.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from guardlint.parse.text import inert_in_ci_logs

# Rules of these kinds inspect every scanned file.
EVERY_FILE_KINDS = frozenset({"file"})


def _cases(result: Any) -> dict[tuple[str, str], list[Finding]]:
    cases: dict[tuple[str, str], list[Finding]] = {}
    for path, kinds in result.file_kinds.items():
        present = set(kinds) | EVERY_FILE_KINDS
        for rule in result.rules:
            if present & set(rule.kinds):
                cases.setdefault((rule.id, path), [])
    for finding in result.findings:
        cases.setdefault((finding.rule_id, finding.path), []).append(finding)
    return cases


def _failure_text(findings: list[Finding]) -> str:
    return "\n".join(
        f"{f.path}:{f.region.start_line}:{f.region.start_column} {f.severity.label} "
        f"{f.rule_id} {f.message}"
        for f in findings
    )


def render(result: ScanResult, **_: Any) -> str:
    rules = {rule.id: rule for rule in result.rules}
    cases = _cases(result)
    suite = ET.Element("testsuite", name="guardlint", time=f"{result.duration:.3f}")
    failures = skipped = 0
    for (rule_id, path), findings in sorted(cases.items()):
        rule = rules.get(rule_id)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"guardlint.{rule.pack if rule else 'rules'}.{rule_id}",
            name=path,
            file=path,
            time="0",
        )
        active = [f for f in findings if f.suppression is None]
        if active:
            failures += 1
            worst = max(f.severity for f in active)
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(active)} {rule_id} finding(s): {active[0].message}",
                type=worst.label,
            )
            failure.text = _failure_text(active)
        elif findings:
            skipped += 1
            reasons = sorted(
                {
                    f.suppression.justification or "no reason given"
                    for f in findings
                    if f.suppression
                }
            )
            ET.SubElement(case, "skipped", message="suppressed: " + "; ".join(reasons))
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suites = ET.Element("testsuites", name="guardlint", time=f"{result.duration:.3f}")
    for key in ("tests", "failures", "errors", "skipped"):
        suites.set(key, suite.get(key, "0"))
    suites.append(suite)
    ET.indent(suites)
    # Often printed to a CI log, where a failure's lines start with a path: no workflow command
    # starts there, its first character a character reference (every line of the XML that
    # can start one is text).
    body = inert_in_ci_logs(ET.tostring(suites, encoding="unicode"), "&#58;", "&#35;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
