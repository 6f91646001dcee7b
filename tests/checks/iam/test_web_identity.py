"""IAM009 on web-identity trust (guardlint/checks/iam/principals.py): providers whose tokens
every customer of a CI service receives, so a `sub` pattern admitting another owner's
pipelines admits anyone's."""

from __future__ import annotations

import pytest

from tests.checks.iam.policies import scan_policy, statement
from tests.conftest import findings_of

_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/"


def _fires(tmp_path, host: str, condition: dict) -> bool:
    policy = statement(
        Effect="Allow",
        Principal={"Federated": _PROVIDER + host},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition=condition,
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009"})
    return bool(findings_of(result, "IAM009"))


@pytest.mark.parametrize(
    ("host", "subject", "fires"),
    [
        # GitLab.com: project_path:<top group>/<project>:ref_type:<type>:ref:<ref>
        ("gitlab.com", "project_path:*", True),
        ("gitlab.com", "project_path:*/deploy:ref_type:branch:ref:main", True),
        ("gitlab.com", "project_path:acme*", True),
        ("gitlab.com", "*:ref_type:branch:ref:main", True),
        ("gitlab.com", "project_path:acme/*", False),
        ("gitlab.com", "project_path:acme/infra/deploy:ref_type:branch:ref:*", False),
        # HCP Terraform: organization:<org>:project:<project>:workspace:<ws>:run_phase:<phase>
        ("app.terraform.io", "organization:*:project:*:workspace:*:run_phase:*", True),
        ("app.terraform.io", "organization:acme:project:*:workspace:*:run_phase:*", False),
        # Buildkite: organization:<org>:pipeline:<pipeline>:ref:<ref>:commit:<sha>:step:<key>
        ("agent.buildkite.com", "organization:*:pipeline:deploy:ref:*:commit:*:step:*", True),
        ("agent.buildkite.com", "organization:acme:pipeline:deploy:ref:*:commit:*:step:*", False),
        # GitHub, as before: the owner must be written out.
        ("token.actions.githubusercontent.com", "repo:*", True),
        ("token.actions.githubusercontent.com", "repo:acme*", True),
        ("token.actions.githubusercontent.com", "*:environment:production", True),
        ("token.actions.githubusercontent.com", "repo:acme/*", False),
        # A cluster's own provider: every service account is the cluster owner's.
        ("oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789", "system:serviceaccount:*", False),
        # A self-managed GitLab admits only its own projects.
        ("gitlab.example.com", "project_path:*", False),
    ],
)
def test_sub_patterns_of_shared_providers(tmp_path, host, subject, fires):
    assert _fires(tmp_path, host, {"StringLike": {f"{host}:sub": subject}}) is fires


@pytest.mark.parametrize("operator", ["StringEquals", "ForAnyValue:StringEquals"])
def test_string_equals_compares_the_wildcard_literally(tmp_path, operator):
    assert not _fires(tmp_path, "gitlab.com", {operator: {"gitlab.com:sub": "project_path:*"}})


def test_for_any_value_like_is_a_like_test(tmp_path):
    condition = {"ForAnyValue:StringLike": {"gitlab.com:sub": "project_path:*"}}
    assert _fires(tmp_path, "gitlab.com", condition)


def test_audience_alone_pins_no_subject(tmp_path):
    condition = {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}
    assert _fires(tmp_path, "gitlab.com", condition)


def test_long_subject_patterns_are_judged_by_their_start(tmp_path):
    stars = "*" * 20_000
    assert _fires(tmp_path, "gitlab.com", {"StringLike": {"gitlab.com:sub": stars + "x"}})
    pinned = "project_path:acme/" + stars
    assert not _fires(tmp_path, "gitlab.com", {"StringLike": {"gitlab.com:sub": pinned}})


def test_every_sub_test_must_admit_other_owners(tmp_path):
    """Condition entries all hold: a broad `StringLike` next to a pinned `StringEquals` of the
    same key admits only the pinned subject."""
    key = "token.actions.githubusercontent.com:sub"
    condition = {
        "StringLike": {key: "repo:*"},
        "StringEquals": {key: "repo:acme/app:ref:refs/heads/main"},
    }
    assert not _fires(tmp_path, "token.actions.githubusercontent.com", condition)


@pytest.mark.parametrize("action", ["sts:AssumeRole*", "sts:Assume*", "STS:assumerolewith*"])
def test_a_trust_policy_granting_a_wildcard_of_assume_actions(tmp_path, action):
    """A standalone policy whose Action patterns are all STS assume actions is a trust policy."""
    policy = statement(
        Effect="Allow",
        Principal={"Federated": _PROVIDER + "token.actions.githubusercontent.com"},
        Action=action,
        Condition={
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
        },
    )
    result = scan_policy(tmp_path, policy, name="trust.json", rules={"IAM009", "IAM005"})
    assert [f.rule_id for f in result.findings] == ["IAM009"]


@pytest.mark.parametrize(("subject", "fires"), [("repo:acme:*", False), ("repo:*:*", True)])
def test_the_owner_ends_at_the_next_field(tmp_path, subject, fires):
    """`repo:acme:*` names no repository at all (subjects are `repo:owner/name:...`)."""
    key = "token.actions.githubusercontent.com:sub"
    assert (
        _fires(tmp_path, "token.actions.githubusercontent.com", {"StringLike": {key: subject}})
        is fires
    )
