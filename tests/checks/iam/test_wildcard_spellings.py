"""Action and Resource globs are read for what they match, not how they are spelt
(guardlint.knowledge.iam_wildcards): `*:?*` is every action of every service (IAM001, as `*`
is), `s3:?*` every action of S3 (IAM002, as `s3:*` is), `arn:aws:*:*:*:?*` every resource;
`s3:Get*`, `*:Get*` and a glob of more `?` than the shortest name has letters are not."""

from __future__ import annotations

import pytest

from guardlint.knowledge.iam_wildcards import grants_every_action, whole_services
from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of


def _rules(tmp_path, **fields) -> set[str]:
    result = scan_policy(tmp_path, statement(Effect="Allow", **fields))
    return {finding.rule_id for finding in result.findings}


@pytest.mark.parametrize("action", ["*:?*", "*:*?", "?*:*", "*:**", "**:*", "?*:?*", "*:*"])
def test_every_action_spelt_otherwise_is_administrator_access(tmp_path, action):
    """As `*` does, it grants every action on every resource: IAM001 and IAM003, not the
    narrower rules that IAM001 stands for."""
    assert _rules(tmp_path, Action=action, Resource="*") == {"IAM001", "IAM003"}


@pytest.mark.parametrize("action", ["**", "*?"])
def test_an_entry_without_a_service_prefix_is_malformed_not_admin(tmp_path, action):
    """IAM refuses an Action with no colon but `*` ("must be prefaced by a vendor")."""
    assert _rules(tmp_path, Action=action, Resource="*") == {"IAM010"}


@pytest.mark.parametrize("action", ["*:Get*", "*:??????????????????????????????????????????*"])
def test_a_glob_missing_actions_is_not_admin(tmp_path, action):
    assert "IAM001" not in _rules(tmp_path, Action=action, Resource="*")


def test_service_wildcards_that_together_cover_every_service_are_admin(tmp_path):
    """One entry per initial letter of every service prefix the database lists."""
    every = [f"{letter}*:*" for letter in "abcdefghiklmnopqrstuvwx"]
    result = scan_policy(tmp_path, statement(Effect="Allow", Action=every, Resource="*"))
    (finding,) = findings_of(result, "IAM001")
    assert "`a*:*`, `b*:*`" in finding.message
    short = scan_policy(tmp_path, statement(Effect="Allow", Action=every[:-1], Resource="*"))
    assert not findings_of(short, "IAM001")


@pytest.mark.parametrize("action", ["s3:?*", "S3:**", "s3:*?", "s3:???*", "S3:*"])
def test_every_action_of_a_service_spelt_otherwise_is_the_whole_service(tmp_path, action):
    result = scan_policy(tmp_path, statement(Effect="Allow", Action=action, Resource="*"))
    (finding,) = findings_of(result, "IAM002")
    assert "every action of s3 " in finding.message


@pytest.mark.parametrize("action", ["s3:Get*", "s3:*Object", "s3:????????????????????????*"])
def test_part_of_a_service_is_not_the_whole_service(tmp_path, action):
    result = scan_policy(tmp_path, statement(Effect="Allow", Action=action, Resource="*"))
    assert not findings_of(result, "IAM002")


def test_a_deny_spelt_otherwise_refuses_every_action(tmp_path):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*:?*", "Resource": "*"},
        ],
    }
    assert not findings_of(scan_policy(tmp_path, policy), "IAM001")


@pytest.mark.parametrize(
    ("resource", "every"),
    [
        ("arn:aws:*:*:*:?*", True),  # no ARN has an empty resource part
        ("arn:?*:?*:*:*:?*", True),
        ("arn:aws:*:*:?*", True),  # cut short: the last `*` takes the rest
        ("arn:aws:*:?*:*:*", False),  # S3's ARNs have an empty region
        ("arn:aws:*:*:?*:*", False),  # and an empty account
        ("arn:aws:*:*:*:??*", False),
    ],
)
def test_every_resource_spelt_otherwise(tmp_path, resource, every):
    assert ("IAM001" in _rules(tmp_path, Action="*", Resource=resource)) is every


def test_the_glob_reading_costs_no_regex_and_stays_in_the_database():
    """Long globs of wildcards are judged by counting, and a glob of more `?` than any name
    has letters grants nothing whole."""
    assert grants_every_action("*:" + "*" * 100_000)
    assert not grants_every_action("*:" + "?" * 100_000 + "*")
    assert whole_services("s3:" + "?" * 100_000 + "*") == ()
    assert whole_services("s3:" + "*?" * 2) == ("s3",)


EVERY_SERVICE = [f"{letter}*:*" for letter in "abcdefghiklmnopqrstuvwx"]
# Statements that hold an Action of every action, written `ACTIONS`.
EVERY_ACTION_POLICIES = {
    "identity on every resource": [{"Effect": "Allow", "Action": "ACTIONS", "Resource": "*"}],
    "identity on named resources": [
        {"Effect": "Allow", "Action": "ACTIONS", "Resource": "arn:aws:s3:::logs/*"}
    ],
    "resource policy open to everyone": [
        {"Effect": "Allow", "Principal": "*", "Action": "ACTIONS", "Resource": "*"}
    ],
    "beside a narrower entry": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "ACTIONS"], "Resource": "*"}
    ],
    "denied by one spelling": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "s3:GetObject"], "Resource": "*"},
        {"Effect": "Deny", "Action": "ACTIONS", "Resource": "*"},
    ],
}


def _written_as(statements: list[dict], actions: list[str]) -> dict:
    def spelt(value):
        if value == "ACTIONS":
            return actions[0] if len(actions) == 1 else actions
        if isinstance(value, list) and "ACTIONS" in value:
            return [entry for item in value for entry in (actions if item == "ACTIONS" else [item])]
        return value

    return {
        "Version": "2012-10-17",
        "Statement": [{key: spelt(value) for key, value in s.items()} for s in statements],
    }


@pytest.mark.parametrize("policy", sorted(EVERY_ACTION_POLICIES))
@pytest.mark.parametrize(
    "actions",
    [["*:*"], ["*:?*"], ["?*:**"], EVERY_SERVICE, ["*:*", "*:?*"]],
    ids=["*:*", "*:?*", "?*:**", "every service", "two spellings"],
)
def test_every_spelling_of_every_action_fires_what_star_fires(tmp_path, policy, actions):
    """One reading of "every action" for all the rules: what IAM001 reads as `*`, the rules it
    stands for (IAM002's services, IAM003's, IAM006's, IAM007's and IAM012's lists) read so
    too, and so does a Deny."""

    def fired(spelling: list[str], name: str) -> set[str]:
        document = _written_as(EVERY_ACTION_POLICIES[policy], spelling)
        result = scan_policy(tmp_path / name, document)
        return {finding.rule_id for finding in result.findings}

    assert fired(actions, "spelt") == fired(["*"], "star")
