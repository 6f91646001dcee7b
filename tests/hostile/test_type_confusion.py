"""Values and keys of another type than the one a reader expects, as the type-confusion sweep
found them (every node of every fixture replaced by a string, number, boolean, null, list, map
or deep nesting, each key by a number, boolean, null or list): each case is scanned whole,
with the findings it holds and no crash (GL002)."""

from __future__ import annotations

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import add_control, assert_control_scanned

CFN_HEADER = "AWSTemplateFormatVersion: '2010-09-09'\n"


def test_a_resource_named_by_a_key_that_is_no_string_is_reported_by_its_text(tmp_path):
    """A check names a resource by a YAML key, here a mapping's, which YAML 1.1 reads as a
    number or a boolean: it is named as the file writes it, as CloudFormation reads it."""
    text = (
        f"{CFN_HEADER}Mappings:\n  7: x\n  false: y\n"
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
    )
    write_file(tmp_path, "template.yaml", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert sorted((f.resource, f.message) for f in findings_of(result, "CFN028")) == [
        ("7", "Mapping 7 is not a map."),
        ("false", "Mapping false is not a map."),
    ]
    assert [f.resource for f in findings_of(result, "CFN001")] == ["AWS::S3::Bucket Bucket"]
    assert_control_scanned(result)


def test_keys_that_yaml_reads_as_equal_numbers_or_booleans_are_distinct_texts(tmp_path):
    """`1:` and `1.0:`, `true:` and `yes:` are four mappings to CloudFormation, which reads
    keys as text: no duplicate key, and each is judged under its own name."""
    text = (
        f"{CFN_HEADER}Mappings:\n  1: x\n  1.0: y\n  true: z\n  yes: w\n"
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
    )
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path)
    assert findings_of(result, "GL001") == []
    assert sorted(f.resource for f in findings_of(result, "CFN028")) == ["1", "1.0", "true", "yes"]


def test_a_key_written_twice_as_the_same_text_is_a_duplicate_whatever_its_quoting(tmp_path):
    """`1:` and `"1":` are one key to CloudFormation, reported as the duplicate it is."""
    text = f"{CFN_HEADER}Mappings:\n  1: {{a: {{b: c}}}}\n  '1': {{a: {{b: d}}}}\n"
    write_file(tmp_path, "template.yaml", text)
    (note,) = findings_of(run_scan(tmp_path), "GL001")
    assert "duplicate key '1' (first on line 3)" in note.message


def test_a_ref_by_text_finds_a_resource_whose_logical_id_yaml_reads_as_a_number(tmp_path):
    """`!Ref "7"` names the resource written `7:`: no reference to an undefined name, and the
    provider it names is read (IAM009 names its host)."""
    text = (
        "Resources:\n  7:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n"
        "      Url: https://token.actions.githubusercontent.com\n"
        "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Statement:\n"
        "          - Effect: Allow\n            Principal: {Federated: !Ref '7'}\n"
        "            Action: sts:AssumeRoleWithWebIdentity\n"
    )
    write_file(tmp_path, "template.yaml", text)
    result = run_scan(tmp_path)
    assert findings_of(result, "CFN028") == []
    (finding,) = findings_of(result, "IAM009")
    assert "trusts web identities from token.actions.githubusercontent.com" in finding.message


def test_a_trusted_provider_named_by_an_empty_getatt_is_judged_by_the_condition(tmp_path):
    """`Fn::GetAtt: []` names no provider: IAM009 judges the trust by its condition keys."""
    text = (
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
        "          - Effect: Allow\n            Principal:\n"
        "              Federated: {Fn::GetAtt: []}\n"
        "            Action: sts:AssumeRoleWithWebIdentity\n"
        "            Condition:\n              StringLike:\n"
        "                gitlab.example.com:sub: '*'\n"
    )
    write_file(tmp_path, "template.yaml", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    (finding,) = findings_of(result, "IAM009")
    assert "trusts web identities from gitlab.example.com" in finding.message
    assert_control_scanned(result)


def test_a_json_patch_operation_named_by_a_list_is_no_operation(tmp_path):
    """An `op` that is a list or map is looked up in no table of operations (unhashable): it
    is skipped, and the patch's other operations are judged."""
    write_file(
        tmp_path,
        "overlay/kustomization.yaml",
        "resources: [../base]\npatches:\n  - path: debug.yaml\n"
        "    target: {kind: Deployment, name: ledger}\n",
    )
    write_file(
        tmp_path,
        "overlay/debug.yaml",
        "- op: [add]\n  path: /spec/replicas\n  value: 2\n"
        "- op: {add: 1}\n  path: /spec/paused\n  value: true\n"
        "- op: add\n  path: /spec/template/spec/containers/0/securityContext\n"
        "  value:\n    privileged: true\n",
    )
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert [(f.path, f.region.start_line) for f in findings_of(result, "K8S001")] == [
        ("overlay/debug.yaml", 10)
    ]
    assert_control_scanned(result)


def test_a_security_group_named_by_a_getatt_of_a_number_is_no_group(tmp_path):
    """A standalone ingress rule whose GroupId is `Fn::GetAtt: 3` names no group of the
    template; the groups' own rules are judged as ever."""
    text = (
        "Resources:\n  Group:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      GroupDescription: admin\n      SecurityGroupIngress:\n"
        "        - {CidrIp: 0.0.0.0/0, IpProtocol: tcp, FromPort: 22, ToPort: 22}\n"
        "  Ingress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
        "      GroupId: {Fn::GetAtt: 3}\n"
        "      CidrIp: 0.0.0.0/0\n      IpProtocol: tcp\n      FromPort: 3389\n      ToPort: 3389\n"
    )
    write_file(tmp_path, "template.yaml", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    ssh = [(f.rule_id, f.region.start_line) for f in result.findings if f.rule_id == "CFN006"]
    assert ssh == [("CFN006", 7)]
    assert_control_scanned(result)
