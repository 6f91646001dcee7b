"""The policy-grants-actions template (guardlint/checks/templates/iam.py): an identity policy
granting actions of a list on every resource, with the params checked when a pack loads."""

from __future__ import annotations

import pytest
import yaml

from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.checks.iam.policies import statement
from tests.conftest import write_file, write_template_pack

TEMPLATE = "policy-grants-actions"
MESSAGE = "{where}: {actions}{partners}"


def write_pack(tmp_path, params, options=None):
    return write_template_pack(tmp_path, "iam-policy", TEMPLATE, params, options)


def findings(tmp_path, policy, params, options):
    pack = load_pack(write_pack(tmp_path, params, options))
    write_file(tmp_path, "scanned/policy.yaml", yaml.safe_dump(policy))
    packs = [load_pack(path) for path in pack_files(builtin_rules_dir())] + [pack]
    options = ScanOptions(paths=[str(tmp_path / "scanned")], only_rules={"TST001"})
    return scan(options, Rulebook(packs)).findings


def test_catches_listed_actions_on_every_resource(tmp_path):
    policy = statement(Effect="Allow", Action=["sqs:Send*", "s3:ListBucket"], Resource="*")
    params = {"actions": "watched", "message": MESSAGE}
    (finding,) = findings(tmp_path, policy, params, {"watched": ["sqs:SendMessage"]})
    assert finding.message == "Statement 1 of this policy: sqs:SendMessage"
    assert finding.properties == {"policyKind": "identity", "actions": ["sqs:SendMessage"]}


@pytest.mark.parametrize(
    "policy",
    [
        statement(Effect="Allow", Action="sqs:SendMessage", Resource="arn:aws:sqs:*:1:jobs"),
        statement(Effect="Deny", Action="sqs:SendMessage", Resource="*"),
        statement(Effect="Allow", Action="sqs:ReceiveMessage", Resource="*"),
        statement(Effect="Allow", Action="*", Resource="*"),  # administrator access: IAM001
    ],
)
def test_does_not_catch_other_grants(tmp_path, policy):
    params = {"actions": "watched", "message": MESSAGE}
    assert not findings(tmp_path, policy, params, {"watched": ["sqs:SendMessage"]})


def test_partners_are_named_when_the_statement_grants_their_action(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
        ],
    }
    params = {
        "actions": "watched",
        "message": MESSAGE,
        "partners_of": "iam:PassRole",
        "partners": "launchers",
        "partners_clause": " with {partners}",
        "partners_property": "partners",
    }
    options = {"watched": ["iam:PassRole"], "launchers": ["ec2:Run*"]}
    (finding,) = findings(tmp_path, policy, params, options)
    assert finding.message == "Statement 1 of this policy: iam:PassRole with ec2:RunInstances"
    assert finding.properties["partners"] == ["ec2:RunInstances"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"message": MESSAGE}, "template policy-grants-actions needs actions"),
        ({"actions": "watched"}, "template policy-grants-actions needs message"),
        ({"actions": ["sqs:SendMessage"], "message": MESSAGE}, "params: actions must be a string"),
        ({"actions": "a", "message": MESSAGE, "paired": "b"}, "has no parameter 'paired'"),
    ],
)
def test_params_it_cannot_take_fail_the_pack(tmp_path, params, expected):
    with pytest.raises(RuleError) as caught:
        load_pack(write_pack(tmp_path, params))
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)


_OPTION_PARAMS = ("actions", "paired_only", "combinations", "partners")


def test_every_builtin_rule_names_options_it_has():
    # A misspelt option name would leave the list empty and the rule silent.
    rules = [rule for path in pack_files(builtin_rules_dir()) for rule in load_pack(path).rules]
    users = [rule for rule in rules if rule.template == TEMPLATE]
    assert users
    for rule in users:
        named = [rule.params[key] for key in _OPTION_PARAMS if rule.params[key]]
        assert all(name in rule.options for name in named), rule.id
