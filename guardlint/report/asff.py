"""`--format asff`: the AWS Security Finding Format, as BatchImportFindings takes it.

The output is the request body `{"Findings": [...]}`. Security Hub accepts at most 100
findings per call; split the list when importing a large scan. The account and region in
ProductArn and AwsAccountId are placeholders from `--asff-account` / `--asff-region`: Security
Hub only accepts findings for the account that imports them.
"""

from __future__ import annotations

import datetime
from typing import Any

from guardlint import INFORMATION_URI, __version__
from guardlint.engine.scan import ScanResult
from guardlint.model import Finding, Severity
from guardlint.report.encode import to_json

SCHEMA_VERSION = "2018-10-08"
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
TYPE_NAMESPACE = "Software and Configuration Checks"
LABELS = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFORMATIONAL",
}
# Security Hub's documented limits for these fields.
MAX_TITLE, MAX_DESCRIPTION, MAX_RECOMMENDATION, MAX_ID, MAX_NOTE = 256, 1024, 512, 512, 512


def product_arn(account: str, region: str) -> str:
    """The ARN of a custom integration's default product in that account."""
    return f"arn:aws:securityhub:{region}:{account}:product/{account}/default"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def asff_finding(finding: Finding, account: str, region: str, now: str) -> dict[str, Any]:
    """One ASFF finding; a suppressed one is imported with workflow status SUPPRESSED."""
    rule_url = f"{INFORMATION_URI}/blob/main/docs/rules.md#{finding.rule_id.lower()}"
    data: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": _clip(f"guardlint/{finding.path}/{finding.fingerprint}", MAX_ID),
        "ProductArn": product_arn(account, region),
        "ProductName": "guardlint",
        "CompanyName": "guardlint",
        "GeneratorId": finding.rule_id,
        "AwsAccountId": account,
        # namespace/category/classifier: the category itself has the last two parts.
        "Types": [f"{TYPE_NAMESPACE}/{finding.category}"],
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
                "Text": _clip(
                    finding.remediation or "See the rule's documentation.", MAX_RECOMMENDATION
                ),
                "Url": rule_url,
            }
        },
        "SourceUrl": rule_url,
        "ProductFields": {
            "guardlint/Version": __version__,
            "guardlint/Path": finding.path,
            "guardlint/Line": str(finding.region.start_line),
            "guardlint/Category": finding.category,
            "guardlint/FindingType": finding.finding_type,
            "guardlint/Fingerprint": finding.fingerprint,
        },
        "Resources": [
            {
                "Type": "Other",
                "Id": _clip(f"{finding.path}#{finding.resource}", MAX_ID),
                "Partition": "aws",
                "Region": region,
            }
        ],
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
    findings = [asff_finding(f, account, region, now) for f in result.findings]
    return to_json({"Findings": findings})
