"""Custom declarative policy packs: the shipped examples work, bad packs fail with clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guardlint.checks import match
from guardlint.cli import cli
from guardlint.rulebook import load_pack, load_rulebook
from guardlint.rulebook.validation import RuleError
from tests.conftest import ROOT, findings_of, run_scan, write_file

POLICIES = ROOT / "docs" / "examples" / "policies"
CUSTOM_RULES = [
    rule for path in sorted(POLICIES.glob("*.yaml")) for rule in load_pack(path, custom=True).rules
]


def scan(path, rule_id: str):
    return run_scan(path, rule_dirs=[str(POLICIES)], only_rules={rule_id})


def lines(result, rule_id: str) -> list[int]:
    return sorted(f.region.start_line for f in findings_of(result, rule_id))


def test_examples_load_as_custom_packs():
    rulebook = load_rulebook([str(POLICIES)])
    assert {r.id for r in CUSTOM_RULES} == {"ORG001", "ORG002", "ORG003", "ORG010"}
    assert {rulebook.get(r.id).pack for r in CUSTOM_RULES} == {"org-registry", "org-tagging"}


@pytest.mark.parametrize("rule", CUSTOM_RULES, ids=lambda r: r.id)
def test_example_rules_behave_on_their_own_examples(rule, tmp_path):
    bad = write_file(tmp_path / "bad", rule.example_filename, rule.examples["bad"])
    good = write_file(tmp_path / "good", rule.example_filename, rule.examples["good"])
    assert findings_of(scan(bad.parent, rule.id), rule.id)
    assert not findings_of(scan(good.parent, rule.id), rule.id)


DOCKERFILE = """\
ARG BASE=registry.example.com/library/python:3.12-slim
FROM golang:1.22 AS build
RUN go build -o /app .
FROM build AS test
RUN go test ./...
FROM ${BASE}
COPY --from=build /app /app
FROM docker.io/library/alpine:3.20 AS tools
FROM registry.example.com.evil.io/python:3.12
FROM scratch
"""


def test_allowed_registry_in_a_dockerfile(tmp_path):
    result = scan(write_file(tmp_path, "Dockerfile", DOCKERFILE).parent, "ORG001")
    # stages FROM another stage, ARG-resolved allowed images and scratch are fine
    assert lines(result, "ORG001") == [2, 8, 9]
    assert [f.message for f in findings_of(result, "ORG001")][:2] == [
        "Stage build builds FROM golang:1.22, which is not from registry.example.com.",
        "Stage tools builds FROM docker.io/library/alpine:3.20, which is not from "
        "registry.example.com.",
    ]
    assert findings_of(result, "ORG001")[2].resource == "Dockerfile stage 4"


COMPOSE = """\
x-base: &base
  image: quay.io/acme/base:1
services:
  api:
    image: registry.example.com/api:1.2
  db:
    image: "postgres:16"
  worker:
    build: ./worker
  legacy:
    <<: *base
"""


def test_allowed_registry_in_compose(tmp_path):
    result = scan(write_file(tmp_path, "compose.yaml", COMPOSE).parent, "ORG002")
    assert lines(result, "ORG002") == [7, 11]
    assert {f.resource for f in findings_of(result, "ORG002")} == {"service db", "service legacy"}


K8S = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      containers:
        - {name: a, image: registry.example.com/a:1}
      ephemeralContainers:
        - {name: debug, image: busybox:1.36}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: registry.example.com/init:1
      containers:
        - name: db
          image: postgres:16
---
apiVersion: v1
kind: ConfigMap
metadata: {name: images}
data:
  containers: "nginx:1.27"
"""


def test_allowed_registry_in_kubernetes(tmp_path):
    result = scan(write_file(tmp_path, "k8s.yaml", K8S).parent, "ORG003")
    assert lines(result, "ORG003") == [11, 24]
    assert [(f.resource, f.message) for f in findings_of(result, "ORG003")] == [
        ("Pod default/a", "Container debug runs busybox:1.36, which is not from "
         "registry.example.com."),
        ("StatefulSet data/db", "Container db runs postgres:16, which is not from "
         "registry.example.com."),
    ]  # fmt: skip


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Tagged:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: Owner
          Value: team-data
  EmptyOwner:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - {Key: Owner, Value: ""}
  Untagged:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
"""


def test_s3_owner_tag(tmp_path):
    result = scan(write_file(tmp_path, "template.yaml", TEMPLATE).parent, "ORG010")
    assert {f.resource for f in findings_of(result, "ORG010")} == {
        "AWS::S3::Bucket EmptyOwner",
        "AWS::S3::Bucket Untagged",
    }
    assert lines(result, "ORG010") == [12, 15]


# --- validation ---------------------------------------------------------------------------------

VALID_RULE = {
    "id": "ACME001",
    "name": "no-host-network",
    "title": "Host network",
    "severity": "high",
    "category": "Policy:Container/HostNetwork",
    "kinds": ["compose"],
    "description": "x" * 90,
    "remediation": "Use a bridge network instead of the host network namespace.",
    "match": {"select": "$.services.*", "where": {"path": "network_mode", "equals": "host"}},
}


def pack_error(tmp_path: Path, **changes) -> str:
    rule = {**VALID_RULE, **changes}
    rule = {key: value for key, value in rule.items() if value is not None}
    write_file(tmp_path, "acme.yaml", yaml.safe_dump({"pack": "acme", "rules": [rule]}))
    with pytest.raises(RuleError) as caught:
        load_rulebook([str(tmp_path)])
    return str(caught.value)


def test_valid_custom_pack_loads(tmp_path):
    write_file(tmp_path, "acme.yaml", yaml.safe_dump({"pack": "acme", "rules": [VALID_RULE]}))
    assert load_rulebook([str(tmp_path)]).get("ACME001").pack == "acme"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"check": "my_function"}, "custom rules are declarative: use match, not check"),
        (
            {"template": "resource-property"},
            "custom rules are declarative: use match, not template",
        ),
        ({"kinds": ["docker-compose"]}, "unknown kind(s) docker-compose; choose from"),
        ({"severity": "urgent"}, "unknown severity 'urgent'"),
        ({"category": "Bad category"}, "is not ThreatPurpose:ResourceType/ThreatFamilyName"),
        ({"id": "acme-1"}, "invalid or missing rule id"),
        ({"id": "SEC001"}, "rule SEC001 is already defined"),
        ({"match": {"where": {"path": "x", "is": 1}}}, "exactly one of exists, equals"),
        ({"match": {"where": {"path": "x", "flag": "yes"}}}, "`flag` takes true or false"),
        ({"match": {"select": "$..[", "where": {"exists": True}}}, "invalid JSONPath"),
        ({"match": {"where": {"path": "a", "matches": "("}}}, "invalid regular expression"),
        ({"match": {"where": {"path": "a", "matches": "(?=a)"}}}, "no lookaround"),
        ({"match": None}, "needs a match"),
        ({"remediation": None}, "missing remediation"),
        ({"sevrity": "high"}, "unknown key(s): sevrity"),
        ({"defers_to_specific_secret_rules": "yes"}, "must be true or false"),
        # A repository's pack must not make its own ID an alias of the built-in rules.
        (
            {"superseded_by": {"rules": ["CMP001"], "resource_type": "service"}, "match": None},
            "superseded_by: only built-in rules are superseded",
        ),
        ({"superseded_by": ["CMP001"]}, "superseded_by: must be a map"),
    ],
)
def test_invalid_custom_packs_fail_with_clear_errors(tmp_path, changes, expected):
    message = pack_error(tmp_path, **changes)
    assert str(tmp_path / "acme.yaml") in message
    assert expected in message


def test_cli_reports_a_bad_pack_as_a_usage_error(tmp_path):
    write_file(tmp_path / "rules", "acme.yaml", "pack: acme\nrules: [{id: ACME001}]\n")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--rules", str(tmp_path / "rules")])
    assert result.exit_code == 2
    assert "invalid rule pack" in result.output and "acme.yaml" in result.output


def test_explain_a_custom_rule():
    result = CliRunner().invoke(cli, ["explain", "ORG010", "--rules", str(POLICIES)])
    assert result.exit_code == 0
    assert result.output.startswith(
        "ORG010 s3-bucket-owner-tag (medium, Policy:S3/MissingOwnerTag)"
    )


def test_a_score_outside_its_severity_range_is_rejected(tmp_path):
    pack = tmp_path / "org.yaml"
    pack.write_text(
        "pack: org\nkinds: [dockerfile]\nrules:\n"
        "  - id: ORG900\n    name: any-from\n    title: Any FROM\n    severity: low\n"
        "    score: 9.5\n    category: Policy:Container/Any\n"
        "    description: A rule whose score does not fit its severity, which must be refused.\n"
        "    remediation: Use a score within the severity's range.\n"
        "    match: {select: '$.stages[*]', where: {path: image, exists: true}}\n"
    )
    with pytest.raises(RuleError, match=re.escape("score 9.5 is outside 1.0-3.9 for low")):
        load_pack(pack, custom=True)


def test_a_jsonpath_past_its_value_budget_is_a_missing_result(tmp_path, monkeypatch):
    """Every value a jsonpath-ng path finds, on the way too, counts one at a time: past
    MAX_VALUES the rule stops on the document with a GL002, never holding all of them."""
    monkeypatch.setattr(match, "MAX_VALUES", 6)
    rule = {**VALID_RULE, "match": {"select": "$.services[*].image", "where": {"exists": True}}}
    write_file(tmp_path, "policies/acme.yaml", yaml.safe_dump({"pack": "acme", "rules": [rule]}))
    services = "".join(f"  s{n}:\n    image: nginx\n" for n in range(3))
    write_file(tmp_path, "compose.yaml", "services:\n" + services)
    result = run_scan(tmp_path / "compose.yaml", rule_dirs=[str(tmp_path / "policies")])
    [crash] = findings_of(result, "GL002")
    assert "ACME001" in crash.message and "found over 6 values" in crash.message
    monkeypatch.setattr(match, "MAX_VALUES", 8)  # $, services, 3 services, 3 images
    result = run_scan(tmp_path / "compose.yaml", rule_dirs=[str(tmp_path / "policies")])
    assert len(findings_of(result, "ACME001")) == 3 and not findings_of(result, "GL002")
