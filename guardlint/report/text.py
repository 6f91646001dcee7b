"""`--format text`: findings grouped by file, coloured by severity, with the source line."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import click

from guardlint.discover import HELM_TEMPLATE, SKIP_REASONS
from guardlint.engine.scan import ScanResult
from guardlint.model.rules import Severity
from guardlint.parse.text import inert_in_ci_logs, printable
from guardlint.report.summary import summarize

_COLOURS = {
    Severity.CRITICAL: "magenta",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "white",
}


def _style(text: str, colour: bool, **style: Any) -> str:
    return click.style(text, **style) if colour else text


def _label(severity: Severity, colour: bool) -> str:
    return _style(severity.label.upper(), colour, fg=_COLOURS[severity], bold=True)


def render(result: ScanResult, colour: bool = False, compact: bool = False, **_: Any) -> str:
    if compact:
        return inert_in_ci_logs(_compact(result, colour))
    lines: list[str] = []
    findings = result.active_findings
    for path, group in groupby(findings, key=lambda f: f.path):
        lines.append(_style(path, colour, bold=True, underline=True))
        for finding in group:
            severity = finding.severity
            label = _label(severity, colour) + " " * (8 - len(severity.label))
            where = f"{finding.region.start_line}:{finding.region.start_column}"
            lines.append(f"  {where:>7}  {label} {finding.rule_id} {finding.message}")
            lines.append(
                _style(f"           {finding.category} | {finding.resource}", colour, dim=True)
            )
            if finding.snippet:
                lines.append(_style(f"           > {finding.snippet}", colour, dim=True))
        lines.append("")
    lines.extend(_summary_lines(result, colour))
    return inert_in_ci_logs("\n".join(lines) + "\n")


def _compact(result: ScanResult, colour: bool) -> str:
    """`path:line:col: SEVERITY ID message`, one line per finding, as GNU tools print
    diagnostics (editors and CI log parsers jump to them); nothing else."""
    return "".join(
        f"{f.path}:{f.region.start_line}:{f.region.start_column}: "
        f"{_label(f.severity, colour)} {f.rule_id} {f.message}\n"
        for f in result.active_findings
    )


def _summary_lines(result: Any, colour: bool) -> list[str]:
    summary = summarize(result)
    files = summary["files"]
    lines = [_style("Summary", colour, bold=True)]
    severity_cells = []
    for severity in reversed(Severity):
        count = summary["by_severity"][severity.label]
        cell = f"{severity.label} {count}"
        severity_cells.append(_style(cell, colour and count > 0, fg=_COLOURS[severity]))
    lines.append("  by severity: " + ", ".join(severity_cells))
    if summary["by_pack"]:  # a custom pack's name is the pack's own text
        packs = ", ".join(f"{printable(k)} {v}" for k, v in summary["by_pack"].items())
        lines.append(f"  by pack:     {packs}")
    lines.append(
        f"  files:       {files['scanned']} scanned, {files['skipped']} skipped, "
        f"{files['unparsable']} unparsable"
    )
    skipped = _skip_reasons(summary["skip_reasons"])
    if skipped:
        lines.append(f"  skipped:     {skipped}")
    helm = summary["skip_reasons"]["files"].get(HELM_TEMPLATE, 0)
    if helm:
        lines.append(
            f"  helm:        {helm} Helm chart template(s) not scanned (Go templates, not YAML "
            "yet): scan what they render, `helm template CHART | guardlint scan -`"
        )
    inline = summary["suppressed"] - summary["baselined"]
    suppressed = f", {inline} suppressed in source" if inline else ""
    if summary["baselined"]:
        suppressed += f", {summary['baselined']} in the baseline"
    lines.append(
        f"  findings:    {summary['findings']}{suppressed} in {summary['duration_seconds']:.2f}s"
    )
    return lines


def _skip_reasons(reasons: dict[str, dict[str, int]]) -> str:
    """`3 not IaC by name, 1 excluded; directories: 1 version control`."""

    def counts(by_reason: dict[str, int]) -> str:
        return ", ".join(f"{n} {SKIP_REASONS.get(r, r)}" for r, n in by_reason.items())

    parts = [counts(reasons["files"])] if reasons["files"] else []
    if reasons["directories"]:
        parts.append("directories: " + counts(reasons["directories"]))
    return "; ".join(parts)
