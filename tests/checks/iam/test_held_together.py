"""The identity policies of one role, user or group are evaluated together
(guardlint/documents/iam/holders.py): a Deny in one refuses what another allows, for a holder
that certainly holds both; the finding stays on the Allow, in its own policy."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file

TRUST = """      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
"""
ALLOW_ALL = '{Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}'
DENY_ALL = '{Version: "2012-10-17", Statement: [{Effect: Deny, Action: "*", Resource: "*"}]}'
SECRETS = (
    '{Version: "2012-10-17", Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue,'
    ' Resource: "*"}]}'
)
DENY_SECRETS = (
    '{Version: "2012-10-17", Statement: [{Effect: Deny, Action: "secretsmanager:*",'
    ' Resource: "*"}]}'
)
RULES = {"IAM001", "IAM003", "IAM006", "IAM007", "IAM012"}


def _scan(tmp_path, resources: str, rules=RULES) -> set[str]:
    text = f"Resources:\n{resources}"
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=rules)
    return {f.rule_id for f in result.findings}


def _role(name: str = "Role", policies: str = "", extra: str = "") -> str:
    body = f"  {name}:\n    Type: AWS::IAM::Role\n    Properties:\n{TRUST}"
    if policies:
        body += f"      Policies:\n{policies}"
    return body + extra


def _inline(name: str, document: str) -> str:
    return f"        - {{PolicyName: {name}, PolicyDocument: {document}}}\n"


def _policy(name: str, kind: str, document: str, attached: str) -> str:
    name_line = "PolicyName" if kind == "AWS::IAM::Policy" else "ManagedPolicyName"
    return (
        f"  {name}:\n    Type: {kind}\n    Properties:\n      {name_line}: {name.lower()}\n"
        f"      PolicyDocument: {document}\n{attached}"
    )


def test_a_deny_in_another_inline_policy_of_the_role_refuses_the_administrator(tmp_path):
    policies = _inline("all", ALLOW_ALL) + _inline("guard", DENY_ALL)
    assert _scan(tmp_path, _role(policies=policies)) == set()


def test_inline_policies_of_two_roles_do_not_mix(tmp_path):
    resources = _role("A", _inline("all", ALLOW_ALL)) + _role("B", _inline("guard", DENY_ALL))
    assert "IAM001" in _scan(tmp_path, resources)


@pytest.mark.parametrize(
    ("kind", "attached"),
    [
        ("AWS::IAM::Policy", "      Roles: [!Ref Role]\n"),
        ("AWS::IAM::ManagedPolicy", "      Roles: [!Ref Role]\n"),
        ("AWS::IAM::Policy", "      Roles: [deployer]\n"),  # the role's RoleName
    ],
)
def test_a_deny_in_a_policy_attached_to_the_role(tmp_path, kind, attached):
    role = _role(policies=_inline("read", SECRETS), extra="      RoleName: deployer\n")
    resources = role + _policy("Guard", kind, DENY_SECRETS, attached)
    assert _scan(tmp_path, resources) == set()


def test_a_deny_in_a_managed_policy_the_role_lists_by_arn(tmp_path):
    role = _role(policies=_inline("read", SECRETS), extra="      ManagedPolicyArns: [!Ref Guard]\n")
    resources = role + _policy("Guard", "AWS::IAM::ManagedPolicy", DENY_SECRETS, "")
    assert _scan(tmp_path, resources) == set()


def test_an_allow_attached_to_two_roles_needs_the_deny_on_both(tmp_path):
    allow = _policy("Reader", "AWS::IAM::ManagedPolicy", SECRETS, "      Roles: [!Ref A, !Ref B]\n")
    one = _policy("Guard", "AWS::IAM::Policy", DENY_SECRETS, "      Roles: [!Ref A]\n")
    both = _policy("Guard", "AWS::IAM::Policy", DENY_SECRETS, "      Roles: [!Ref A, !Ref B]\n")
    roles = _role("A") + _role("B")
    assert _scan(tmp_path / "one", roles + allow + one) == {"IAM007"}
    assert _scan(tmp_path / "both", roles + allow + both) == set()


@pytest.mark.parametrize(
    "attached",
    [
        "      Roles: [!Ref A, !Ref Unknown]\n",  # a role name the template cannot read
        "      Roles: [!Ref A, !If [Maybe, !Ref B, !Ref AWS::NoValue]]\n",  # maybe B too
    ],
)
def test_an_allow_held_by_a_role_it_cannot_read_keeps_its_finding(tmp_path, attached):
    parameters = "Parameters:\n  Unknown: {Type: String}\nConditions:\n"
    conditions = "  Maybe: !Equals [!Ref Unknown, yes]\n"
    allow = _policy("Reader", "AWS::IAM::ManagedPolicy", SECRETS, attached)
    guard = _inline("guard", DENY_SECRETS)
    text = parameters + conditions + "Resources:\n" + _role("A", guard) + _role("B", guard) + allow
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=RULES)
    assert {f.rule_id for f in result.findings} == {"IAM007"}


def test_a_deny_the_role_may_not_hold_refuses_nothing(tmp_path):
    parameters = "Parameters:\n  Unknown: {Type: String}\nConditions:\n"
    conditions = "  Maybe: !Equals [!Ref Unknown, yes]\n"
    guard = _policy(
        "Guard",
        "AWS::IAM::Policy",
        DENY_SECRETS,
        "      Roles: [!If [Maybe, !Ref A, !Ref AWS::NoValue]]\n",
    )
    text = parameters + conditions + "Resources:\n" + _role("A", _inline("read", SECRETS)) + guard
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=RULES)
    assert {f.rule_id for f in result.findings} == {"IAM007"}


def test_a_deny_with_a_condition_in_another_policy_refuses_nothing(tmp_path):
    mfa = (
        '{Version: "2012-10-17", Statement: [{Effect: Deny, Action: "*", Resource: "*",'
        ' Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: "false"}}}]}'
    )
    policies = _inline("all", ALLOW_ALL) + _inline("mfa", mfa)
    assert "IAM001" in _scan(tmp_path, _role(policies=policies))


def test_a_group_policys_deny_reaches_its_members_but_not_the_other_way(tmp_path):
    group = "  Team:\n    Type: AWS::IAM::Group\n    Properties:\n      Policies:\n" + _inline(
        "guard", DENY_SECRETS
    )
    user = (
        "  Dev:\n    Type: AWS::IAM::User\n    Properties:\n      Groups: [!Ref Team]\n"
        "      Policies:\n" + _inline("read", SECRETS)
    )
    assert _scan(tmp_path / "member", group + user) == set()
    allowing_group = (
        "  Team:\n    Type: AWS::IAM::Group\n    Properties:\n      Policies:\n"
        + _inline("read", SECRETS)
    )
    denying_user = (
        "  Dev:\n    Type: AWS::IAM::User\n    Properties:\n      Groups: [!Ref Team]\n"
        "      Policies:\n" + _inline("guard", DENY_SECRETS)
    )
    # The group's other members hold no such Deny.
    assert _scan(tmp_path / "group", allowing_group + denying_user) == {"IAM007"}


def test_a_deny_in_an_sam_functions_other_policy(tmp_path):
    function = (
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n      InlineCode: pass\n"
        f"      Policies:\n        - {SECRETS}\n        - {DENY_SECRETS}\n"
    )
    text = "Transform: AWS::Serverless-2016-10-31\nResources:\n" + function
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=RULES)
    assert not result.findings


CONDITIONS = (
    "Parameters:\n  Unknown: {Type: String}\nConditions:\n  Maybe: !Equals [!Ref Unknown, y]\n"
)
ALLOW_FIRST = (
    "        - PolicyName: all\n          PolicyDocument:\n            Statement:\n"
    "              - {Effect: Allow, Action: '*', Resource: '*'}\n"
)
MAYBE_DENY_ALL = f"{{PolicyName: guard, PolicyDocument: {DENY_ALL}}}"


@pytest.mark.parametrize(
    "resources",
    [
        # A Deny statement, or its Action or Resource, that a condition may leave out.
        _role(
            policies=ALLOW_FIRST + "              - !If [Maybe, "
            "{Effect: Deny, Action: '*', Resource: '*'}, !Ref AWS::NoValue]\n"
        ),
        _role(
            policies=ALLOW_FIRST + "              - {Effect: Deny, "
            "Action: !If [Maybe, '*', s3:GetObject], Resource: '*'}\n"
        ),
        _role(
            policies=ALLOW_FIRST + "              - {Effect: Deny, Action: '*', "
            "Resource: [!If [Maybe, '*', arn:aws:s3:::x]]}\n"
        ),
        # A policy with the Deny that a condition may leave out.
        _role(
            policies=_inline("all", ALLOW_ALL)
            + f"        - !If [Maybe, {MAYBE_DENY_ALL}, !Ref AWS::NoValue]\n"
        ),
        _role(policies=_inline("all", ALLOW_ALL))
        + "  Guard:\n    Type: AWS::IAM::Policy\n    Condition: Maybe\n    Properties:\n"
        f"      PolicyName: guard\n      Roles: [!Ref Role]\n      PolicyDocument: {DENY_ALL}\n",
    ],
)
def test_a_deny_a_condition_may_leave_out_refuses_nothing(tmp_path, resources):
    text = CONDITIONS + "Resources:\n" + resources
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM001"})
    assert findings_of(result, "IAM001")


def test_a_deny_a_known_condition_keeps_still_refuses(tmp_path):
    conditions = "Conditions:\n  Always: !Equals [a, a]\n"
    policies = (
        _inline("all", ALLOW_ALL) + f"        - !If [Always, {MAYBE_DENY_ALL}, !Ref AWS::NoValue]\n"
    )
    text = conditions + "Resources:\n" + _role(policies=policies)
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM001"})
    assert not findings_of(result, "IAM001")


def _listing_arn(arn: str) -> str:
    return f"      ManagedPolicyArns:\n        - {arn}\n"


@pytest.mark.parametrize(
    ("arn", "path"),
    [
        ("arn:aws:iam::123456789012:policy/guard", ""),
        ("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/guard", ""),
        ('!Join ["", ["arn:aws:iam::", !Ref AWS::AccountId, ":policy/guard"]]', ""),
        ("!Sub arn:aws:iam::${AWS::AccountId}:policy/team/guard", "      Path: /team/\n"),
    ],
)
def test_a_deny_in_a_managed_policy_the_role_lists_by_its_written_arn(tmp_path, arn, path):
    role = _role(policies=_inline("read", SECRETS), extra=_listing_arn(arn))
    resources = role + _policy("Guard", "AWS::IAM::ManagedPolicy", DENY_SECRETS, path)
    assert _scan(tmp_path, resources) == set()


@pytest.mark.parametrize(
    ("arn", "path"),
    [
        ("arn:aws:iam::123456789012:policy/other", ""),  # another policy's name
        ("arn:aws:iam::aws:policy/guard", ""),  # an AWS managed policy
        ("!Sub arn:aws:iam::${AWS::AccountId}:policy/guard", "      Path: /team/\n"),
        ("!Sub arn:aws:iam::${AWS::AccountId}:policy/${Unknown}", ""),
    ],
)
def test_an_arn_naming_another_policy_links_nothing(tmp_path, arn, path):
    role = _role(policies=_inline("read", SECRETS), extra=_listing_arn(arn))
    text = (
        "Parameters:\n  Unknown: {Type: String}\nResources:\n"
        + role
        + _policy("Guard", "AWS::IAM::ManagedPolicy", DENY_SECRETS, path)
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules=RULES)
    assert {f.rule_id for f in result.findings} == {"IAM007"}


def test_a_managed_policy_attached_by_arn_is_judged_with_the_roles_other_denies(tmp_path):
    role = _role(
        policies=_inline("guard", DENY_SECRETS),
        extra="      ManagedPolicyArns:\n"
        "        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/reader\n",
    )
    resources = role + _policy("Reader", "AWS::IAM::ManagedPolicy", SECRETS, "")
    assert _scan(tmp_path, resources) == set()


def test_an_arn_two_managed_policies_of_the_template_spell_links_neither(tmp_path):
    role = _role(
        policies=_inline("read", SECRETS),
        extra=_listing_arn("arn:aws:iam::123456789012:policy/guard"),
    )
    guard = _policy("Guard", "AWS::IAM::ManagedPolicy", DENY_SECRETS, "")
    twin = guard.replace("  Guard:", "  Twin:", 1)
    assert _scan(tmp_path, role + guard + twin) == {"IAM007"}
