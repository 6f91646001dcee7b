"""`--format asff`: the AWS Security Finding Format, as BatchImportFindings takes it.

The output is the request body `{"Findings": [...]}`. Security Hub accepts at most 100
findings per call; split the list when importing a large scan. The account and region in
ProductArn and AwsAccountId are placeholders from `--asff-account` / `--asff-region`: Security
Hub only accepts findings for the account that imports them.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
from typing import Any

from guardlint import INFORMATION_URI, __version__
from guardlint.engine.scan import ScanResult
from guardlint.findings.make import fingerprint
from guardlint.findings.numbering import numbered
from guardlint.model.findings import Finding
from guardlint.model.rules import Rule, Severity
from guardlint.report.asff_aws import (
    finding_types,
    partition_of,
    resource_partition,
    resource_type_and_details,
)
from guardlint.report.encode import to_json
from guardlint.report.shorten import shorten

SCHEMA_VERSION = "2018-10-08"
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
LABELS = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFORMATIONAL",
}
# Security Hub's documented limits for these fields.
MAX_TITLE, MAX_DESCRIPTION, MAX_RECOMMENDATION, MAX_ID, MAX_NOTE = 256, 1024, 512, 512, 512
MORE = "\n\n(Continued in the rule's documentation.)"


@functools.cache
def product_arn(account: str, region: str) -> str:
    """The ARN of a custom integration's default product in that account."""
    return f"arn:{partition_of(region)}:securityhub:{region}:{account}:product/{account}/default"


def repository_root(root: str) -> str:
    """The nearest directory at or above the scan root that holds `.git` (a checkout or a
    worktree); the scan root itself outside a repository."""
    current = os.path.abspath(root)
    while not os.path.exists(os.path.join(current, ".git")):
        parent = os.path.dirname(current)
        if parent == current:
            return os.path.abspath(root)
        current = parent
    return current


def repository_path(root: str, repository: str, path: str) -> str:
    """The finding's path from the repository root, so that its Id does not depend on the
    directory the scan ran from."""
    moved = os.path.relpath(os.path.abspath(os.path.join(root, path)), repository)
    outside = moved == os.pardir or moved.startswith(os.pardir + os.sep)
    return path if outside else moved.replace(os.sep, "/")


def finding_id(finding: Finding, path: str) -> str:
    """`guardlint/<repository path>/<rule>/<digest>`: the digest names what is found (resource
    and line text), never where the line sits, so an Id survives edits elsewhere in the file."""
    key = f"{finding.rule_id}\0{path}\0{finding.resource}\0{' '.join(finding.snippet.split())}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    # Room for the rule, the digest and an occurrence suffix within ASFF's limit.
    return f"guardlint/{_clip(path, MAX_ID - 100)}/{finding.rule_id}/{digest}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _resource(finding: Finding, path: str, region: str) -> dict[str, Any]:
    resource_type, details = resource_type_and_details(finding)
    data: dict[str, Any] = {
        "Type": resource_type,
        "Id": _clip(f"{path}#{finding.resource}", MAX_ID),
        "Region": region,
    }
    partition = resource_partition(region)
    if partition:
        data["Partition"] = partition
    if details:
        data["Details"] = details
    return data


def repository_fingerprint(finding: Finding, path: str) -> str:
    """The finding's fingerprint with `path` in place of its scan path: the scan's own when the
    scan ran from the repository root, and the same from any directory (occurrence suffixes
    aside, which render() numbers as the scan does)."""
    if finding.fingerprint_basis is None:
        return finding.fingerprint
    return fingerprint(finding.rule_id, path, *finding.fingerprint_basis)


class _Shared:
    """The parts of a report's findings that many are the same, made once for the report: a
    rule kind's Types and a resource's Resources entry (a file may have thousands of findings
    on one resource, of one rule). Shared by those findings, never changed."""

    def __init__(self, region: str) -> None:
        self.region = region  # every finding of the report is in it
        self._types: dict[tuple[Any, ...], list[str]] = {}
        self._resources: dict[tuple[str, str, str], dict[str, Any]] = {}

    def types(self, finding: Finding, rule: Rule | None) -> list[str]:
        key = (finding.category, finding.finding_type, tuple(rule.cwe) if rule else ())
        if key not in self._types:
            self._types[key] = finding_types(finding, rule.cwe if rule else [])
        return self._types[key]

    def resource(self, finding: Finding, path: str) -> dict[str, Any]:
        key = (finding.resource, finding.pack, path)
        if key not in self._resources:
            self._resources[key] = _resource(finding, path, self.region)
        return self._resources[key]


def asff_finding(
    finding: Finding,
    account: str,
    region: str,
    now: str,
    rule: Rule | None = None,
    path: str = "",
) -> dict[str, Any]:
    """One ASFF finding; a suppressed one is imported with workflow status SUPPRESSED. `path`:
    the finding's path from the repository root (default: its scan path), in its Id, its
    resource, and its Path and Fingerprint product fields."""
    return _finding(finding, account, now, rule, path or finding.path, _Shared(region))


def _finding(
    finding: Finding, account: str, now: str, rule: Rule | None, path: str, shared: _Shared
) -> dict[str, Any]:
    region = shared.region
    types = shared.types(finding, rule)
    resource = shared.resource(finding, path)
    rule_url = f"{INFORMATION_URI}/blob/main/docs/rules.md#{finding.rule_id.lower()}"
    data: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(finding, path),
        "ProductArn": product_arn(account, region),
        "ProductName": "guardlint",
        "CompanyName": "guardlint",
        "GeneratorId": finding.rule_id,
        "AwsAccountId": account,
        "Types": types,
        "CreatedAt": now,
        "UpdatedAt": now,
        "Severity": {
            "Label": LABELS[finding.severity],
            "Normalized": round(finding.score * 10),
            "Original": f"{finding.score:.1f}",
        },
        "Title": _clip(f"{finding.rule_id} {finding.rule_name}: {finding.resource}", MAX_TITLE),
        "Description": _clip(finding.message, MAX_DESCRIPTION),
        "Remediation": {
            "Recommendation": {
                "Text": shorten(
                    finding.remediation or "See the rule's documentation.", MAX_RECOMMENDATION, MORE
                ),
                "Url": rule_url,
            }
        },
        "SourceUrl": rule_url,
        "ProductFields": {
            "guardlint/Version": __version__,
            "guardlint/Path": path,
            "guardlint/Line": str(finding.region.start_line),
            "guardlint/Category": finding.category,
            "guardlint/FindingType": finding.finding_type,
            "guardlint/Fingerprint": repository_fingerprint(finding, path),
        },
        "Resources": [resource],
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
    }
    if finding.suppression is not None:
        data["Workflow"] = {"Status": "SUPPRESSED"}
        reason = finding.suppression.justification or "no reason given"
        data["Note"] = {
            "Text": _clip(f"Suppressed ({finding.suppression.kind}): {reason}", MAX_NOTE),
            "UpdatedBy": "guardlint",
            "UpdatedAt": now,
        }
    return data


def render(
    result: ScanResult,
    asff_account: str | None = None,
    asff_region: str | None = None,
    **_: Any,
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    account, region = asff_account or DEFAULT_ACCOUNT, asff_region or DEFAULT_REGION
    rules = {rule.id: rule for rule in result.rules}
    repository = repository_root(result.root)
    # Each file's path worked out once, not once per finding (a file may have thousands).
    paths = {path: repository_path(result.root, repository, path)
             for path in {f.path for f in result.findings}}  # fmt: skip
    shared = _Shared(region)
    findings = [
        _finding(f, account, now, rules.get(f.rule_id), paths[f.path], shared)
        for f in result.findings
    ]
    # Identical findings: numbered in scan order, as the scan numbers fingerprints.
    ids = numbered([f["Id"] for f in findings])
    fingerprints = numbered([f["ProductFields"]["guardlint/Fingerprint"] for f in findings])
    for data, unique_id, unique_fingerprint in zip(findings, ids, fingerprints, strict=True):
        data["Id"] = unique_id
        data["ProductFields"]["guardlint/Fingerprint"] = unique_fingerprint
    return to_json({"Findings": findings})
