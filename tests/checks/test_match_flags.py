"""The `flag` predicate: a boolean field read as the tool that consumes the document reads it.
kubectl (go-yaml v2) takes a plain `y` for true and the API server refuses a quoted "y" or
"true" for a bool field, so a manifest writing one never runs; K8S004-K8S006 matched
`in: [true, "y", "Y"]`, which took the quoted ones too."""

from __future__ import annotations

import pytest
import yaml

from tests.checks.kubernetes.test_kubectl_booleans import POD
from tests.conftest import run_scan, write_file

HOST_RULES = {"K8S004", "K8S005", "K8S006"}


def _host_rules(tmp_path, value: str) -> set[str]:
    write_file(tmp_path, "pod.yaml", POD.format(yes=value, no="false"))
    found = {finding.rule_id for finding in run_scan(tmp_path, only_rules=HOST_RULES).findings}
    return found & HOST_RULES


@pytest.mark.parametrize("value", ["true", "True", "yes", "on", "y", "Y"])
def test_a_host_namespace_read_as_true_is_reported(tmp_path, value):
    assert _host_rules(tmp_path, value) == HOST_RULES


@pytest.mark.parametrize("value", ['"y"', "'Y'", '"true"', "'True'", "false", "n", '"yes"'])
def test_text_the_api_server_refuses_for_a_bool_is_not_reported(tmp_path, value):
    assert _host_rules(tmp_path, value) == set()


def _policy(tmp_path, kind: str, match: dict) -> str:
    rule = {
        "id": "ACME001",
        "name": "flagged",
        "title": "A field reads as a boolean",
        "severity": "high",
        "category": "Policy:Container/Flag",
        "kinds": [kind],
        "description": "A test rule for the flag predicate, which reads a field as a boolean.",
        "remediation": "None: this rule only tests the predicate.",
        "match": match,
    }
    pack = write_file(tmp_path / "policies", "acme.yaml", yaml.safe_dump({"rules": [rule]}))
    return str(pack.parent)


def _hits(tmp_path, policies: str, name: str, text: str) -> int:
    path = write_file(tmp_path / name.replace(".", "_"), name, text)
    result = run_scan(path, rule_dirs=[policies], only_rules={"ACME001"})
    return len([finding for finding in result.findings if finding.rule_id == "ACME001"])


@pytest.mark.parametrize(
    ("value", "reads_as"),
    [("true", True), ("Y", True), ('"Y"', None), ('"true"', None), ("n", False), ("off", False)],
)
def test_a_policy_reads_a_kubernetes_bool_as_the_api_server(tmp_path, value, reads_as):
    for wanted in (True, False):
        where = {"path": "spec.hostUsers", "flag": wanted}
        policies = _policy(tmp_path / str(wanted), "kubernetes", {"where": where})
        manifest = (
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{hostUsers: {value}}}\n"
        )
        assert _hits(tmp_path / str(wanted), policies, "pod.yaml", manifest) == (reads_as is wanted)


@pytest.mark.parametrize(
    ("value", "reads_as"), [("true", True), ('"TRUE"', True), ("y", None), ("'no'", None)]
)
def test_other_kinds_read_a_boolean_or_its_name_in_any_case(tmp_path, value, reads_as):
    match = {"select": "$.services.*", "where": {"path": "privileged", "flag": True}}
    policies = _policy(tmp_path, "compose", match)
    compose = f"services:\n  web:\n    image: nginx:1.27\n    privileged: {value}\n"
    assert _hits(tmp_path, policies, "compose.yaml", compose) == (reads_as is True)
