"""ASFF, JUnit and markdown reporters, several formats in one scan, SARIF with suppressions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.cli.destinations import FILE_NAMES, format_for
from guardlint.report import asff, junit, markdown, markup
from guardlint.report.encode import to_json
from guardlint.report.sarif import build_log
from tests.conftest import CONFIGMAP, ROOT, run_scan, write_file
from tools.sarif_check import github_problems

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
MULTITOOL_DIR = Path(os.environ.get("SARIF_MULTITOOL_DIR", ROOT.parent / "npmtools"))

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    privileged: true  # guardlint:ignore CMP001 -- emulator needs /dev/kvm
  admin:
    image: adminer:4 | tee
    privileged: true
"""
SECRET = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ok: plain\n"

# The fields BatchImportFindings requires, with the constraints Security Hub enforces.
ISO8601 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"
PRODUCT_ARN = r"^arn:aws:securityhub:[a-z0-9-]+:\d{12}:product/\d{12}/default$"
NAMESPACES = "|".join(
    ("Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
     "Sensitive Data Identifications")
)  # fmt: skip
TYPE = rf"^({NAMESPACES})(/[^/]+){{1,2}}$"  # namespace/category[/classifier]
WORKFLOW = ["NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"]
ASFF_SCHEMA = {
    "type": "object",
    "required": [
        "SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
        "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources",
    ],
    "properties": {
        "SchemaVersion": {"const": "2018-10-08"},
        "Id": {"type": "string", "minLength": 1, "maxLength": 512},
        "ProductArn": {"type": "string", "pattern": PRODUCT_ARN},
        "GeneratorId": {"type": "string", "minLength": 1, "maxLength": 512},
        "AwsAccountId": {"type": "string", "pattern": r"^\d{12}$"},
        "Types": {
            "type": "array", "minItems": 1, "maxItems": 50,
            "items": {"type": "string", "pattern": TYPE},
        },
        "CreatedAt": {"type": "string", "pattern": ISO8601},
        "UpdatedAt": {"type": "string", "pattern": ISO8601},
        "Severity": {
            "type": "object",
            "required": ["Label"],
            "properties": {
                "Label": {"enum": ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]},
                "Normalized": {"type": "integer", "minimum": 0, "maximum": 100},
            },
        },
        "Title": {"type": "string", "minLength": 1, "maxLength": 256},
        "Description": {"type": "string", "minLength": 1, "maxLength": 1024},
        "Resources": {
            "type": "array", "minItems": 1, "maxItems": 32,
            "items": {
                "type": "object",
                "required": ["Type", "Id"],
                "properties": {"Type": {"type": "string"}, "Id": {"minLength": 1}},
            },
        },
        "Remediation": {
            "type": "object",
            "required": ["Recommendation"],
            "properties": {"Recommendation": {"type": "object", "required": ["Text"],
                           "properties": {"Text": {"type": "string", "maxLength": 512}}}},
        },
        "Workflow": {"properties": {"Status": {"enum": WORKFLOW}}},
        "RecordState": {"enum": ["ACTIVE", "ARCHIVED"]},
        "Note": {"type": "object", "required": ["Text", "UpdatedBy", "UpdatedAt"]},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    write_file(root, "compose.yaml", COMPOSE)
    write_file(root, "k8s/configmap.yaml", SECRET)
    return run_scan(root)


def test_asff_findings_have_every_required_field(result):
    findings = json.loads(asff.render(result, asff_account="123456789012", asff_region="eu-west-1"))
    assert set(findings) == {"Findings"}
    assert len(findings["Findings"]) == len(result.findings) > 1
    for finding in findings["Findings"]:
        jsonschema.validate(finding, ASFF_SCHEMA)
        assert finding["ProductArn"].startswith("arn:aws:securityhub:eu-west-1:123456789012:")
    ids = [f["Id"] for f in findings["Findings"]]
    assert len(ids) == len(set(ids))


def test_asff_maps_severity_types_and_suppression(result):
    findings = json.loads(asff.render(result))["Findings"]
    by_rule = {(f["GeneratorId"], f["Workflow"]["Status"]): f for f in findings}
    suppressed = by_rule[("CMP001", "SUPPRESSED")]
    assert "emulator needs /dev/kvm" in suppressed["Note"]["Text"]
    active = by_rule[("CMP001", "NEW")]
    assert active["Severity"] == {"Label": "CRITICAL", "Normalized": 95, "Original": "9.5"}
    assert active["Types"] == ["Software and Configuration Checks/AWS Security Best Practices"]
    assert active["Resources"][0]["Id"] == "compose.yaml#service admin"
    assert active["Resources"][0]["Type"] == "Container"
    assert active["AwsAccountId"] == "000000000000"


def test_junit_one_case_per_rule_and_file(result):
    root = ET.fromstring(junit.render(result))
    cases = root.findall("testsuite/testcase")
    keys = [(c.get("classname").rsplit(".", 1)[1], c.get("name")) for c in cases]
    assert len(keys) == len(set(keys))
    files = {name for _, name in keys}
    assert files == {"compose.yaml", "k8s/configmap.yaml"}
    compose_rules = {r.id for r in result.rules if "compose" in r.kinds}
    assert {rule for rule, name in keys if name == "compose.yaml"} >= compose_rules | {"SEC001"}
    case = {key: c for key, c in zip(keys, cases, strict=True)}
    failure = case[("CMP001", "compose.yaml")].find("failure")
    assert failure is not None and failure.get("type") == "critical"
    assert "compose.yaml:7:" in failure.text and ":4:" not in failure.text
    assert case[("CMP002", "compose.yaml")].find("failure") is None
    assert case[("SEC001", "k8s/configmap.yaml")].find("failure") is None
    suite = root.find("testsuite")
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)


def test_junit_all_suppressed_is_skipped(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE.split("  admin:")[0])
    root = ET.fromstring(junit.render(run_scan(tmp_path, only_rules={"CMP001"})))
    (case,) = [c for c in root.iter("testcase") if c.get("classname").endswith("CMP001")]
    assert case.find("skipped").get("message") == "suppressed: emulator needs /dev/kvm"


def test_markdown_summary_counts_top_findings_and_links(result):
    environ = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/infra",
        "GITHUB_SHA": "0123abc",
    }
    text = markdown.render(result, environ=environ)
    active = result.active_findings
    critical = sum(1 for f in active if f.severity.label == "critical")
    assert re.search(rf"^\| \S+ critical \| {critical} \|$", text, re.M)
    assert f"**{len(active)} finding(s)**" in text
    assert "[`compose.yaml:7`](https://github.com/acme/infra/blob/0123abc/compose.yaml#L7)" in text
    assert "1 suppressed in source" in text
    assert "`compose.yaml:7`" in markdown.render(result, environ={})


def test_markdown_cells_cannot_break_the_table():
    assert markup.cell("a|b\nc") == "a\\|b c"


def test_text_says_once_how_to_scan_skipped_helm_templates(tmp_path):
    for chart in ("web", "api"):
        write_file(
            tmp_path / chart, "Chart.yaml", f"apiVersion: v2\nname: {chart}\nversion: 1.0.0\n"
        )
        for name in ("pod.yaml", "svc.yaml"):
            write_file(tmp_path / chart / "templates", name, "kind: Pod\nmetadata: {{ .Values }}\n")
    output = CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-color"]).output
    helm_lines = [line for line in output.splitlines() if "Helm chart template" in line]
    assert helm_lines == [
        "  helm:        4 Helm chart template(s) not scanned (Go templates, not YAML yet): scan "
        "what they render, `helm template CHART | guardlint scan -`"
    ]
    write_file(tmp_path / "plain", "compose.yaml", COMPOSE)
    plain = CliRunner().invoke(cli, ["scan", str(tmp_path / "plain"), "--no-color"]).output
    assert "helm" not in plain.lower()


def test_compact_text_is_one_gnu_style_line_per_finding(tmp_path):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    write_file(tmp_path, "cm.yaml", CONFIGMAP)
    as_json = CliRunner().invoke(cli, ["scan", str(tmp_path), "-f", "json"]).output
    expected = [
        f"{f['path']}:{f['region']['start_line']}:{f['region']['start_column']}: "
        f"{f['severity'].upper()} {f['rule_id']} "
        f"{f['message']}"
        for f in json.loads(as_json)["findings"]
        if not f.get("suppression")
    ]
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--compact"])
    assert result.exit_code == 1
    assert sorted(result.output.splitlines()) == sorted(expected) and len(expected) > 3
    assert "cm.yaml:" in result.output and "CRITICAL SEC001" in result.output
    refused = CliRunner().invoke(cli, ["scan", str(tmp_path), "--compact", "-f", "sarif"])
    assert refused.exit_code == 2 and "applies only to the text format" in refused.output


def test_format_from_output_name():
    assert [format_for(n) for n in ("a.sarif", "a.asff.json", "a.json", "r.xml", "s.md", "x")] == [
        "sarif", "asff", "json", "junit", "markdown", "text",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["report.yaml.txt2", "out.yaml", "dir.d/x.SARIF2"])
def test_output_extension_that_names_no_format_is_refused(tmp_path, name):
    write_file(tmp_path, "compose.yaml", COMPOSE)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert "names no format (known extensions: .asff.json, .junit.xml, .sarif" in result.output
    assert not (tmp_path / name).exists()
    explicit = CliRunner().invoke(
        cli, ["scan", str(tmp_path), "-f", "json", "-o", str(tmp_path / name)]
    )
    assert explicit.exit_code == 1 and json.loads((tmp_path / name).read_text())["findings"]


def test_several_formats_in_one_scan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "compose.yaml", COMPOSE)
    formats = ["sarif", "json", "asff", "junit", "markdown", "text"]
    args = ["scan", "--output-dir", "reports"] + [a for f in formats for a in ("-f", f)]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 1, outcome.output
    assert sorted(os.listdir("reports")) == sorted(FILE_NAMES[f] for f in formats)
    assert json.loads(Path("reports/guardlint.sarif").read_text())["runs"][0]["results"]
    ET.parse("reports/guardlint.junit.xml")
    assert json.loads(Path("reports/guardlint.asff.json").read_text())["Findings"]


def test_several_formats_need_an_output_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "compose.yaml", COMPOSE)
    outcome = CliRunner().invoke(cli, ["scan", "-f", "sarif", "-f", "json"])
    assert outcome.exit_code == 2 and "--output-dir" in outcome.output
    outcome = CliRunner().invoke(cli, ["scan", "-f", "asff", "-o", "x.json", "--output-dir", "d"])
    assert outcome.exit_code == 2


def test_sarif_with_suppressions_is_valid(result, tmp_path):
    log = build_log(result)
    jsonschema.validate(log, SARIF_SCHEMA)
    assert not github_problems(log)
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed == [r for r in log["runs"][0]["results"] if r["ruleId"] == "CMP001"][:1]
    assert suppressed[0]["suppressions"] == [
        {"kind": "inSource", "justification": "emulator needs /dev/kvm"}
    ]


@pytest.mark.slow
@pytest.mark.skipif(
    not (MULTITOOL_DIR / "node_modules").is_dir() or shutil.which("npx") is None,
    reason="sarif-multitool not installed (set SARIF_MULTITOOL_DIR)",
)
def test_sarif_with_suppressions_passes_the_multitool(result, tmp_path):
    path = tmp_path / "suppressed.sarif"
    log = build_log(result)
    # Both kinds: in source (above) and external (as a baseline marks them).
    log["runs"][0]["results"][-1]["suppressions"] = [
        {"kind": "external", "justification": "accepted in baseline b.json"}
    ]
    path.write_text(json.dumps(log))
    completed = subprocess.run(
        ["npx", "--no-install", "sarif-multitool", "validate", "--rule-kind", '"Gh;Sarif"',
         str(path)],
        cwd=MULTITOOL_DIR, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = completed.stdout + completed.stderr
    assert "Analysis completed successfully" in output, output
    assert not re.search(r": (error|warning) ", output), output


@pytest.mark.parametrize("hashes", [0, 3, 40, 1000])
def test_json_holds_no_workflow_command_after_any_number_of_other_hashes(hashes):
    """A report's few `#`s are looked at one by one, and one of many is searched whole (one a
    2 KB: 48 in this one): a `##[` is escaped either way, wherever it is."""
    document = {"a": "# x" * hashes, "b": ["c ##[error]d", "##[add-mask]e"], "f": "#" + "x" * 10**5}
    written = to_json(document)
    assert b"##[" not in written
    assert json.loads(written) == document


def test_json_writes_keys_that_are_not_text_as_before():
    """Maps are written without orjson's slower handling of other keys until a document holds
    one (a map keyed by numbers in a finding's properties, deep inside): it is written whole,
    its keys as text, and integers beyond 64 bits still by the standard library."""
    properties = {"ports": {8080: "web", 2.5: None, True: [1]}, "name": "x"}
    document = {"findings": [{"properties": {}}, {"properties": properties}], "n": 1}
    written = to_json(document)
    assert written == (
        b'{\n  "findings": [\n    {\n      "properties": {}\n    },\n    {\n'
        b'      "properties": {\n        "ports": {\n          "8080": "web",\n'
        b'          "2.5": null,\n          "true": [\n            1\n          ]\n'
        b'        },\n        "name": "x"\n      }\n    }\n  ],\n  "n": 1\n}\n'
    )
    assert to_json({1: 2**70}) == b'{\n  "1": 1180591620717411303424\n}\n'
