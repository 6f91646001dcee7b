"""ASFF as Security Hub takes it: BatchImportFindings' input shape from AWS's own API model
(botocore, offline), ASFF's Types taxonomy and resource types, Ids that do not depend on the
directory a scan ran from, remediation cut on whole sentences, checked account and region."""

from __future__ import annotations

import json
import re

import botocore.session
import pytest
from botocore.validate import ParamValidator
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.report import asff
from guardlint.report.asff_aws import cloudformation_resource_type
from guardlint.report.shorten import shorten
from guardlint.rulebook import load_rulebook
from tests.conftest import processor_seconds, run_scan, write_file

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  Admin:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "*", Resource: "*"}
  Old:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python2.7
      Handler: index.handler
      Role: !GetAtt Admin.Arn
      Code: {ZipFile: "def handler(e, c): pass"}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: app, Image: "nginx:latest", Privileged: true}
"""
DOCKERFILE = "FROM python:2.7\nENV DB_PASSWORD=Sup3rS3cretPassw0rd!\nUSER app\n"
MANIFESTS = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
"""
COMPOSE_SECRET = "services:\n  db:\n    image: postgres:16\n    environment:\n" \
    "      POSTGRES_PASSWORD: Sup3rS3cretPassw0rd!\n"  # fmt: skip


def _write_repository(root):
    (root / ".git").mkdir()
    write_file(root, "infra/template.yaml", TEMPLATE)
    write_file(root, "infra/Dockerfile", DOCKERFILE)
    write_file(root, "infra/deploy.yaml", MANIFESTS)
    write_file(root, "infra/compose.yaml", COMPOSE_SECRET)


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    _write_repository(root)
    result = run_scan(root / "infra")
    return json.loads(asff.render(result, asff_account="123456789012", asff_region="eu-west-1"))


def _by_rule(findings, rule_id):
    return [f for f in findings["Findings"] if f["GeneratorId"] == rule_id]


def test_asff_is_a_valid_batch_import_findings_request(findings):
    """AWS's own API model validates the request offline, with the limits Security Hub adds."""
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    report = ParamValidator().validate(findings, shape)
    assert not report.has_errors(), report.generate_report()
    assert 1 < len(findings["Findings"]) <= 100
    resource_types = set(model.shape_for("ResourceDetails").members)
    for finding in findings["Findings"]:
        assert len(finding["Id"]) <= 512 and len(finding["Title"]) <= 256
        assert len(finding["Remediation"]["Recommendation"]["Text"]) <= 512
        for resource in finding["Resources"]:
            assert resource["Type"] in resource_types
            assert set(resource.get("Details", {})) <= {resource["Type"]}


def test_asff_types_are_in_asff_namespaces(findings):
    types = {f["GeneratorId"]: f["Types"] for f in findings["Findings"]}
    assert types["DKR004"] == types["CMP007"] == ["Sensitive Data Identifications/Passwords"]
    eol = "Software and Configuration Checks/Vulnerabilities"
    assert types["DKR019"] == types["CFN014"] == [eol]
    reachable = "Software and Configuration Checks/AWS Security Best Practices/Network Reachability"
    assert types["CFN006"] == [reachable]
    assert types["CFN001"] == ["Software and Configuration Checks/AWS Security Best Practices"]
    namespaces = ("Software and Configuration Checks", "Sensitive Data Identifications")
    assert all(t.split("/")[0] in namespaces for ts in types.values() for t in ts)


def test_asff_resource_types_follow_the_cloudformation_type(findings):
    def types_of(rule_id):
        return {r["Type"] for f in _by_rule(findings, rule_id) for r in f["Resources"]}

    assert types_of("CFN001") == {"AwsS3Bucket"}
    assert types_of("CFN006") == {"AwsEc2SecurityGroup"}
    assert types_of("IAM001") == {"AwsIamRole"}
    assert types_of("CFN014") == {"AwsLambdaFunction"}
    assert types_of("ECS001") == {"AwsEcsTaskDefinition"}
    (privileged,) = _by_rule(findings, "ECS001")
    assert privileged["Resources"][0]["Details"] == {
        "AwsEcsTaskDefinition": {"ContainerDefinitions": [{"Name": "app"}]}
    }
    container = _by_rule(findings, "K8S002")[0]["Resources"][0]
    assert container["Type"] == "Container" and container["Details"] == {
        "Container": {"Name": "app"}
    }
    service = _by_rule(findings, "K8S020")[0]["Resources"][0]
    assert service["Type"] == "Other"
    assert service["Details"] == {
        "Other": {"Kubernetes/Kind": "Service", "Kubernetes/Name": "default/web"}
    }
    assert {r["Type"] for f in _by_rule(findings, "DKR019") for r in f["Resources"]} == {"Other"}


TASK_DEFINITION = """{
  "family": "web",
  "networkMode": "host",
  "containerDefinitions": [{"name": "app", "image": "nginx:latest", "privileged": true}]
}
"""
SERVICE = """{"serviceName": "web", "cluster": "prod", "networkConfiguration":
  {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}}}
"""
DOCKERRUN = """{"AWSEBDockerrunVersion": 2,
  "containerDefinitions": [{"name": "php", "image": "php"}]}
"""


def test_asff_resource_types_of_standalone_ecs_files(tmp_path):
    """Task definitions and services outside a template have their ASFF types too (validated
    with AWS's own model); Dockerrun containers are containers."""
    write_file(tmp_path, "taskdef.json", TASK_DEFINITION)
    write_file(tmp_path, "service.json", SERVICE)
    write_file(tmp_path, "Dockerrun.aws.json", DOCKERRUN)
    report = json.loads(asff.render(run_scan(tmp_path)))
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    validation = ParamValidator().validate(report, shape)
    assert not validation.has_errors(), validation.generate_report()
    resources = {
        (f["GeneratorId"], f["Resources"][0]["Id"].split("#")[0]): f["Resources"][0]
        for f in report["Findings"]
    }
    assert resources["ECS001", "taskdef.json"]["Type"] == "AwsEcsTaskDefinition"
    assert resources["ECS001", "taskdef.json"]["Details"] == {
        "AwsEcsTaskDefinition": {"Family": "web", "ContainerDefinitions": [{"Name": "app"}]}
    }
    assert resources["ECS003", "taskdef.json"]["Details"] == {
        "AwsEcsTaskDefinition": {"Family": "web"}
    }
    assert resources["ECS014", "service.json"]["Type"] == "AwsEcsService"
    assert resources["ECS009", "Dockerrun.aws.json"]["Details"] == {"Container": {"Name": "php"}}


def test_asff_ids_do_not_depend_on_the_scan_directory(tmp_path, monkeypatch):
    _write_repository(tmp_path)

    def ids(directory, *paths):
        monkeypatch.chdir(directory)
        report = json.loads(asff.render(run_scan(*paths)))["Findings"]
        return sorted(f["Id"] for f in report)

    from_top = ids(tmp_path, "infra")
    from_inside = ids(tmp_path / "infra", ".")
    assert from_top == from_inside
    assert all(i.startswith("guardlint/infra/") for i in from_top)
    assert len(set(from_top)) == len(from_top)


def test_asff_paths_and_fingerprints_do_not_depend_on_the_scan_directory(tmp_path, monkeypatch):
    _write_repository(tmp_path)
    # The same secret on two lines: two findings whose fingerprints differ by a suffix only.
    secret = DOCKERFILE.splitlines()[1]
    write_file(tmp_path, "infra/Dockerfile.twice", f"FROM scratch\n{secret}\n{secret}\n")

    def report(directory):
        monkeypatch.chdir(directory)
        result = run_scan(".")
        fields = [f["ProductFields"] for f in json.loads(asff.render(result))["Findings"]]
        return result, sorted((f["guardlint/Path"], f["guardlint/Fingerprint"]) for f in fields)

    top_result, from_top = report(tmp_path)
    _, from_inside = report(tmp_path / "infra")
    assert from_inside == from_top
    # From the repository root they are the scan's own, as JSON, SARIF and baselines show them.
    assert from_top == sorted((f.path, f.fingerprint) for f in top_result.findings)
    assert all(path.startswith("infra/") for path, _ in from_top)
    assert any(fingerprint.endswith(":2") for _, fingerprint in from_top)


CODE_REMEDIATION = (
    "Pin the image. Use a digest:\n\n"
    "```yaml\nservices:\n  web:\n\n    image: nginx@sha256:" + "a" * 64 + "\n```\n\n"
    "Then rebuild. " + "Rotate what was exposed. " * 30
)


@pytest.mark.parametrize("limit", range(30, 420, 7))
def test_remediation_is_cut_on_a_whole_sentence_never_in_code(limit):
    more = " (more)"
    text = shorten(CODE_REMEDIATION, limit, more)
    assert len(text) <= limit and text.endswith(more)
    kept = text[: -len(more)]
    assert CODE_REMEDIATION.startswith(kept)
    assert kept.count("```") in (0, 2)  # a fenced block is kept whole or left out
    assert kept.endswith((".", ":", "```"))


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word():
    text = shorten("word " * 40, 50, "...")
    assert len(text) <= 50 and text == ("word " * 9).strip() + "..."
    assert shorten("    indented code\n" * 20, 40, " (more)") == "(more)"


def test_asff_remediation_with_a_yaml_example_ends_on_a_whole_paragraph(findings):
    remediation = load_rulebook().get("CMP007").remediation
    assert len(remediation) > asff.MAX_RECOMMENDATION
    (finding,) = _by_rule(findings, "CMP007")
    text = finding["Remediation"]["Recommendation"]["Text"]
    assert len(text) <= asff.MAX_RECOMMENDATION and text.endswith(asff.MORE)
    kept = text.removesuffix(asff.MORE)
    assert remediation.startswith(kept)
    # Never a piece of the indented YAML example: whole, or not at all.
    example = re.search(r"\n\n((?: {4}.*\n)+)", remediation)[1]
    assert example in kept or "    services:" not in kept


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--asff-account", "12345"),
        ("--asff-account", "1234567890123"),
        ("--asff-account", "12345678901x"),
        ("--asff-account", "١٢٣٤٥٦٧٨٩٠١٢"),  # Arabic-Indic digits are not an account
        ("--asff-region", "mars-1"),
        ("--asff-region", "US-EAST-1"),
        ("--asff-region", ""),
    ],
)
def test_asff_account_and_region_are_checked(tmp_path, monkeypatch, option, value):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "Dockerfile", DOCKERFILE)
    outcome = CliRunner().invoke(cli, ["scan", "-q", "-f", "asff", option, value])
    assert outcome.exit_code == 2, outcome.output
    assert option in outcome.output and repr(value) in outcome.output


@pytest.mark.parametrize(
    ("region", "arn_prefix"),
    [("eu-west-1", "arn:aws:securityhub:eu-west-1:"),
     ("cn-north-1", "arn:aws-cn:securityhub:cn-north-1:")],
)  # fmt: skip
def test_asff_accepts_a_real_account_and_region(tmp_path, monkeypatch, region, arn_prefix):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "Dockerfile", DOCKERFILE)
    args = ["scan", "-q", "-f", "asff", "--asff-account", "123456789012", "--asff-region", region]
    outcome = CliRunner().invoke(cli, [*args, "--fail-on", "never"])
    assert outcome.exit_code == 0, outcome.output
    finding = json.loads(outcome.output)["Findings"][0]
    assert finding["ProductArn"].startswith(arn_prefix)
    assert finding["AwsAccountId"] == "123456789012"


def test_shortening_a_huge_remediation_takes_linear_time():
    """A custom rule's remediation is written by whoever wrote the pack (up to its 5 MB): the
    cut is linear, where one quadratic in the sentences took minutes per finding."""
    text = "Do it now. " * 300_000
    started = processor_seconds()
    assert shorten(text, 512, "...") == ("Do it now. " * 46).rstrip() + "..."
    assert processor_seconds() - started < 2


@pytest.mark.parametrize(
    ("root", "path", "expected"),
    [("/r/sub", "a.yaml", "sub/a.yaml"), ("/r", "..x/a.yaml", "..x/a.yaml"),
     ("/elsewhere", "a.yaml", "a.yaml")],
)  # fmt: skip
def test_repository_path(root, path, expected):
    assert asff.repository_path(root, "/r", path) == expected


@pytest.mark.parametrize(
    ("cfn_type", "asff_type"),
    [
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AwsElbv2LoadBalancer"),
        ("AWS::StepFunctions::StateMachine", "AwsStepFunctionStateMachine"),
        ("AWS::Serverless::Function", "AwsLambdaFunction"),
        ("AWS::DynamoDB::Table", "AwsDynamoDbTable"),
        ("AWS::IAM::ManagedPolicy", "AwsIamPolicy"),
        ("AWS::IAM::Policy", "Other"),  # inline: ASFF's AwsIamPolicy is a managed policy
        ("AWS::Logs::LogGroup", "Other"),
        ("Custom::Thing", "Other"),
    ],
)
def test_cloudformation_types_map_to_security_hub_resource_types(cfn_type, asff_type):
    assert cloudformation_resource_type(cfn_type) == asff_type


def test_codebuild_projects_are_aws_codebuild_project_resources(tmp_path):
    """A project in a template (its inline buildspec's findings too) and create-project JSON
    are AwsCodeBuildProject; a buildspec file and a source credential are Other."""
    write_file(tmp_path, "ci/buildspec.yml", "version: 0.2\nphases:\n  install:\n"
               "    runtime-versions: {nodejs: 14}\n")  # fmt: skip
    write_file(
        tmp_path,
        "ci/template.yaml",
        "Resources:\n  Build:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
        "      Environment: {Image: aws/codebuild/standard:7.0, PrivilegedMode: true}\n"
        "      Source:\n        Type: NO_SOURCE\n        BuildSpec: |\n          version: 0.2\n"
        "          phases: {build: {commands: [curl -s https://x.example | sh]}}\n"
        "  Credential:\n    Type: AWS::CodeBuild::SourceCredential\n"
        "    Properties: {Token: ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu}\n",
    )
    project = {
        "name": "shop",
        "source": {"type": "CODECOMMIT"},
        "environment": {"image": "aws/codebuild/standard:4.0", "computeType": "SMALL"},
        "artifacts": {"type": "NO_ARTIFACTS"},
    }
    write_file(tmp_path, "ci/project.json", json.dumps(project))
    result = run_scan(tmp_path / "ci")
    report = json.loads(asff.render(result, asff_account="123456789012", asff_region="eu-west-1"))
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    assert not ParamValidator().validate(report, shape).has_errors()
    resources = {
        (f["GeneratorId"], f["ProductFields"]["guardlint/Path"]): f["Resources"][0]
        for f in report["Findings"]
    }
    assert {key: r["Type"] for key, r in resources.items()} == {
        ("CBD010", "buildspec.yml"): "Other",
        ("CBD001", "template.yaml"): "AwsCodeBuildProject",
        ("CBD004", "template.yaml"): "AwsCodeBuildProject",
        ("CBD008", "template.yaml"): "Other",
        ("CBD010", "project.json"): "AwsCodeBuildProject",
    }
    assert resources["CBD010", "project.json"]["Details"] == {
        "AwsCodeBuildProject": {"Name": "shop"}
    }


def _counted(calls, name, function):
    def counting(*args):
        calls[name] = calls.get(name, 0) + 1
        return function(*args)

    return counting


def test_asff_works_out_each_resource_and_types_once_per_report(tmp_path, monkeypatch):
    """A file may have thousands of findings on one resource, of one rule: its Resources and
    Types are worked out once, and shared by value."""
    write_file(tmp_path, "template.yaml", TEMPLATE)
    result = run_scan(tmp_path, root=str(tmp_path), jobs=1)
    calls: dict[str, int] = {}
    for name in ("resource_type_and_details", "finding_types"):
        monkeypatch.setattr(asff, name, _counted(calls, name, getattr(asff, name)))
    findings = json.loads(asff.render(result))["Findings"]
    resources = {(f.resource, f.pack) for f in result.findings}
    kinds = {(f.category, f.finding_type, f.rule_id) for f in result.findings}
    assert len(resources) < len(findings)
    assert calls["resource_type_and_details"] == len(resources)
    assert calls["finding_types"] <= len(kinds) < len(findings)
