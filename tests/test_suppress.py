"""Inline suppressions: comments, CloudFormation Metadata, Kubernetes annotations, and GL003."""

from __future__ import annotations

import json

from guardlint.model.documents import SourceFile
from guardlint.report.sarif import build_log
from guardlint.suppress.comments import RealComments
from guardlint.suppress.directives import comment_directives
from tests.conftest import ROOT, run_scan, write_file

POLICIES = str(ROOT / "docs" / "examples" / "policies")
PRIVILEGED = "services:\n  a:\n    image: nginx:1.27\n    privileged: true\n"


def scan(path, *rules: str):
    return run_scan(path, rule_dirs=[POLICIES], only_rules={*rules, "GL003"})


def by_rule(result, rule_id: str) -> list[tuple[int, str | None]]:
    """(line, suppression justification or None) of each finding of a rule."""
    return sorted(
        (f.region.start_line, f.suppression.justification if f.suppression else None)
        for f in result.findings
        if f.rule_id == rule_id
    )


COMPOSE = """\
services:
  a:
    image: nginx:1.27
    privileged: true  # guardlint:ignore CMP001 -- needs /dev/kvm
  b:
    image: nginx:1.27
    # guardlint:ignore CMP001,CMP002 -- vendor image, isolated host
    # guardlint:ignore CMP009 -- other rule, stacked
    privileged: true
  c:
    image: nginx:1.27
    # guardlint:ignore CMP002 -- wrong rule: does not cover CMP001
    privileged: true
  d:
    image: nginx:1.27

    privileged: true
"""


def test_comment_on_the_line_or_above_suppresses_only_its_rules(tmp_path):
    result = scan(write_file(tmp_path, "compose.yaml", COMPOSE).parent, "CMP001")
    assert by_rule(result, "CMP001") == [
        (4, "needs /dev/kvm"),
        (9, "vendor image, isolated host"),
        (13, None),
        (17, None),
    ]
    assert [f.region.start_line for f in result.active_findings] == [13, 17]


def test_file_level_ignore(tmp_path):
    text = "# guardlint:ignore-file CMP001 -- lab machine\n" + COMPOSE
    result = scan(write_file(tmp_path, "compose.yaml", text).parent, "CMP001")
    assert {reason for _, reason in by_rule(result, "CMP001")} == {"lab machine"}
    assert not result.active_findings


def test_file_level_ignore_covers_a_finding_past_the_last_line(tmp_path):
    """A YAML file that ends inside a node is reported at the end of the stream, on the line
    after its last one: still the file's finding, which ignore-file covers."""
    text = (
        "apiVersion: v1\nkind: ConfigMap\n"
        '# guardlint:ignore-file GL001 -- generated\ndata:\n  a: "open\n'
    )
    result = scan(write_file(tmp_path, "configmap.yaml", text).parent, "GL001")
    assert by_rule(result, "GL001") == [(len(text.splitlines()) + 1, "generated")]
    assert not result.active_findings


def test_suppressed_findings_do_not_fail_the_scan_but_stay_in_sarif(tmp_path):
    text = PRIVILEGED.replace("true", "true  # guardlint:ignore CMP001 -- ok")
    result = scan(write_file(tmp_path, "compose.yaml", text).parent, "CMP001")
    assert len(result.findings) == 1 and not result.active_findings
    (sarif_result,) = build_log(result)["runs"][0]["results"]
    assert sarif_result["suppressions"] == [{"kind": "inSource", "justification": "ok"}]


def test_dockerfile_comments(tmp_path):
    dockerfile = (
        "# guardlint:ignore ORG001 -- upstream build image, mirrored nightly\n"
        "FROM golang:1.22 AS build\n"
        "FROM python:3.12-slim  # guardlint:ignore ORG001\n"
        "FROM alpine:3.20\n"
        "RUN apk add curl && \\\n"
        "# guardlint:ignore DKR008 -- a comment line inside the instruction (Docker drops it)\n"
        "    curl -fsSL https://example.com/a.sh | sh\n"
        'RUN echo "#" && curl -fsSL https://example.com/b.sh | sh # guardlint:ignore DKR008 b\n'
    )
    result = scan(write_file(tmp_path, "Dockerfile", dockerfile).parent, "ORG001", "DKR008")
    assert by_rule(result, "ORG001") == [
        (2, "upstream build image, mirrored nightly"),
        (3, ""),
        (4, None),
    ]
    assert by_rule(result, "DKR008") == [
        (5, "a comment line inside the instruction (Docker drops it)"),
        (8, "b"),
    ]
    assert by_rule(result, "GL003") == [(3, None)]


TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Accepted": {
            "Type": "AWS::S3::Bucket",
            "Metadata": {"guardlint": {"ignore": [{"id": "ORG010", "reason": "scratch data"}]}},
            "Properties": {"Tags": [{"Key": "Team", "Value": "a"}]},
        },
        "NoReason": {
            "Type": "AWS::S3::Bucket",
            "Metadata": {"guardlint": {"ignore": [{"id": "ORG010"}]}},
        },
        "Reported": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": []}},
    },
}


def test_cloudformation_metadata_covers_only_its_resource(tmp_path):
    text = json.dumps(TEMPLATE, indent=2)
    result = scan(write_file(tmp_path, "template.json", text).parent, "ORG010")
    findings = {f.resource: f.suppression for f in result.findings if f.rule_id == "ORG010"}
    assert findings["AWS::S3::Bucket Accepted"].justification == "scratch data"
    assert findings["AWS::S3::Bucket NoReason"].justification == ""
    assert findings["AWS::S3::Bucket Reported"] is None
    (missing,) = [f for f in result.findings if f.rule_id == "GL003"]
    assert missing.resource == "AWS::S3::Bucket NoReason"
    assert '"id": "ORG010"' in text.splitlines()[missing.region.start_line - 1]


def test_cloudformation_metadata_in_yaml(tmp_path):
    template = (
        "Resources:\n"
        "  Logs:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Metadata:\n"
        "      guardlint:\n"
        "        ignore:\n"
        "          - id: ORG010\n"
        "            reason: owned by the platform account\n"
        "  Data:\n"
        "    Type: AWS::S3::Bucket\n"
    )
    result = scan(write_file(tmp_path, "template.yaml", template).parent, "ORG010")
    assert by_rule(result, "ORG010") == [(3, "owned by the platform account"), (10, None)]


MANIFESTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: accepted
  annotations:
    guardlint.dev/ignore: "ORG003, K8S010"
    guardlint.dev/ignore-reason: "third-party debug pod, deleted after the incident"
spec:
  containers:
    - name: debug
      image: busybox:1.36
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: template-annotated
spec:
  template:
    metadata:
      annotations:
        guardlint.dev/ignore: ORG003
    spec:
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata:
  name: reported
spec:
  containers:
    - name: app
      image: nginx:1.27
"""


def test_kubernetes_annotations_cover_their_object(tmp_path):
    result = scan(write_file(tmp_path, "pods.yaml", MANIFESTS).parent, "ORG003")
    assert by_rule(result, "ORG003") == [
        (11, "third-party debug pod, deleted after the incident"),
        (25, ""),
        (34, None),
    ]
    assert by_rule(result, "GL003") == [(21, None)]


TOKEN = "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"


def test_an_objects_trailing_comments_are_its_own(tmp_path):
    """An annotation or Metadata entry covers the comments after its object's last value,
    up to what comes next (the next resource, `---`)."""
    manifests = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: accepted\n"
        "  annotations: {guardlint.dev/ignore: SEC001, guardlint.dev/ignore-reason: test data}\n"
        f"data:\n  mode: test\n\n  # old token: {TOKEN}\n# {TOKEN}\n"
        f"---\n# {TOKEN}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: reported\n"
    )
    result = scan(write_file(tmp_path / "k8s", "cms.yaml", manifests).parent, "SEC001")
    assert by_rule(result, "SEC001") == [(9, "test data"), (10, "test data"), (12, None)]
    template = (
        "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"
        "    Metadata: {guardlint: {ignore: [{id: SEC001, reason: test data}]}}\n"
        f"    # {TOKEN}\n  Data:\n    Type: AWS::S3::Bucket\n    # {TOKEN}\n"
    )
    result = scan(write_file(tmp_path / "cfn", "template.yaml", template).parent, "SEC001")
    assert by_rule(result, "SEC001") == [(5, "test data"), (8, None)]


def test_json_has_no_comments(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "# guardlint:ignore-file SEC001", "Effect": "Allow"}],
    }
    path = write_file(tmp_path, "policy.json", json.dumps(policy))
    assert not scan(path.parent, "SEC001").findings


def test_gl003_can_be_disabled(tmp_path):
    text = (
        "services:\n  a:\n    image: nginx:1.27\n    privileged: true  # guardlint:ignore CMP001\n"
    )
    path = write_file(tmp_path, "compose.yaml", text)
    assert [f.rule_id for f in run_scan(path.parent, only_rules={"CMP001", "GL003"}).findings] == [
        "CMP001",
        "GL003",
    ]
    assert not [
        f for f in run_scan(path.parent, skip_rules={"GL003"}).findings if f.rule_id == "GL003"
    ]


def test_comment_syntax_variants():
    lines = [
        "x: 1  #guardlint:ignore cmp001 -- lower-case ID",
        "y: 2  # guardlint: ignore=CMP002 reason without dashes",
        "z: 3  # guardlint:ignore",  # no ID: ignored, it cannot say what it suppresses
        "w: 4  # guardlint:ignored CMP003",  # not our keyword
        'url: "http://example.com/#guardlint:ignore CMP004"',  # no space before #
    ]
    comments = RealComments(SourceFile("x.yaml", "x.yaml", "structured"), "\n".join(lines), lines)
    found = {
        (d.first_line, d.reason): sorted(d.rule_ids) for d in comment_directives(lines, comments)
    }
    assert found == {
        (1, "lower-case ID"): ["CMP001"],
        (2, "reason without dashes"): ["CMP002"],
    }


def test_malformed_directives_name_only_rule_ids(tmp_path):
    template = (
        "Resources:\n"
        "  A:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Metadata: {guardlint: {ignore: [null, 1, {id: null}, {id: [ORG010, 7]},"
        " {reason: x}, 'CFN001 not-an-id']}}\n"
        "  B:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Metadata: {guardlint: [1]}\n"
        "  C: [1, 2]\n"
    )
    write_file(tmp_path, "template.yaml", template)
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
        "    guardlint.dev/ignore: 12345\n    guardlint.dev/ignore-reason: {x: 1}\n"
        "spec: {template: [1]}\n",
    )
    result = scan(tmp_path, "ORG010")
    suppressions = {
        f.resource: f.suppression and f.suppression.justification
        for f in result.findings
        if f.rule_id == "ORG010"
    }
    assert suppressions == {"AWS::S3::Bucket A": "", "AWS::S3::Bucket B": None}
    missing = sorted(
        f.properties["suppressedRules"] for f in result.findings if f.rule_id == "GL003"
    )
    assert missing == [["CFN001"], ["ORG010"]]


def test_suppressions_are_the_same_with_worker_processes(tmp_path):
    for index in range(45):  # above the engine's threshold for a process pool
        reason = " -- ok" if index % 2 else ""
        text = PRIVILEGED.replace("true", f"true  # guardlint:ignore CMP001{reason}")
        write_file(tmp_path, f"s{index:02}/compose.yaml", text)

    def outcome(jobs: int) -> list[tuple]:
        result = run_scan(tmp_path, only_rules={"CMP001", "GL003"}, jobs=jobs)
        return [
            (f.path, f.rule_id, f.suppression and f.suppression.justification)
            for f in result.findings
        ]

    serial = outcome(1)
    assert len(serial) == 45 + 23 and serial == outcome(2)


def test_trailing_comment_on_a_continuation_line_of_a_multi_line_finding(tmp_path):
    dockerfile = (
        "FROM registry.example.com/python:3.12\n"
        "RUN apt-get update && \\\n"
        "    curl -fsSL https://x.example/i.sh | sh  # guardlint:ignore DKR008 -- vendored\n"
        "RUN curl -fsSL https://example.com/other.sh | sh\n"
    )
    result = run_scan(write_file(tmp_path, "Dockerfile", dockerfile).parent, only_rules={"DKR008"})
    assert by_rule(result, "DKR008") == [(2, "vendored"), (4, None)]
