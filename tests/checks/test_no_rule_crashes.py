"""No rule crashes on an odd but parsable document of its kind: one property test for every
pack. Hand-written IaC puts lists where maps belong, numbers where strings belong, intrinsics
anywhere; a rule that raises on such a file loses its findings there (GL002). Each example is
scanned through the engine (parse, classify, every enabled rule), and must end without GL002.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.discover import kind_by_name
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import INTERNAL_ERROR_RULE, RuleRunner
from guardlint.engine.runner import scan_file
from guardlint.model.documents import SourceFile
from guardlint.rulebook import load_rulebook
from tests.conftest import replace_check

_RUNNER = RuleRunner(load_rulebook(), ScanOptions())
_ODD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.text(max_size=8),
    st.sampled_from(
        ["", "*", "0", "-1", "ALL", "true", "root", "host", "0.0.0.0/0", "python3.8", "NONE",
         "22:22", "/var/run/docker.sock:/x:ro", "${A:-b}", "$$", "[::]:22:22", "s3:*",
         "arn:aws:iam::*:root", "AWS::S3::Bucket", "PASSWORD=s3cr3t-value", "latest", "bind",
         "0:0", "C:\\x:/y", "sts:AssumeRole", "iam:PassRole", "Allow", "Deny",
         "version: 0.2\nphases: {build: {commands: [curl x | sh]}}", "PULL_REQUEST_CREATED",
         "EVENT", "S3", "DISABLED", "https://u:p4ssw0rd@x.example/r.git"]
    ),
)  # fmt: skip


def _values(keys: list[str]) -> st.SearchStrategy:
    """Nested lists and maps of odd scalars, keyed by names the pack's rules look for."""
    return st.recursive(
        _ODD_SCALARS,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=4)
        ),
        max_leaves=20,
    )


_CFN_KEYS = [
    "Ref", "Fn::If", "Fn::Sub", "Fn::Join", "Fn::GetAtt", "Type", "Properties", "Auth",
    "SecurityGroupIngress", "CidrIp", "FromPort", "ToPort", "IpProtocol", "Events", "Environment",
    "Variables", "Runtime", "ContainerDefinitions", "LaunchTemplateData", "DefaultActions",
    "Code", "ZipFile", "InlineCode", "FunctionUrlConfig", "AuthType", "Policies",
    "PolicyDocument", "Statement", "BucketEncryption", "VersioningConfiguration",
    "PublicAccessBlockConfiguration", "Listeners", "Protocol", "KmsMasterKeyId", "CodeUri",
    "AssumeRolePolicyDocument", "Effect", "Action", "Principal", "Resource", "Condition",
    "PubliclyAccessible", "StorageEncrypted", "AccessControl", "IsLogging", "EnableKeyRotation",
    "MetadataOptions", "HttpTokens", "ManagedPolicyArns", "RetentionInDays", "Encrypted",
    "Source", "SecondarySources", "BuildSpec", "Location", "Resource", "PrivilegedMode",
    "EnvironmentVariables", "Name", "Value", "Image", "Artifacts", "SecondaryArtifacts",
    "EncryptionDisabled", "LogsConfig", "CloudWatchLogs", "S3Logs", "Status", "Triggers",
    "Webhook", "FilterGroups", "Pattern", "ExcludeMatchedPattern", "PullRequestBuildPolicy",
    "RequiresCommentApproval", "Token",
    "Image", "Name", "Privileged", "User", "NetworkMode", "Volumes", "Host", "SourcePath",
    "MountPoints", "SourceVolume", "NetworkConfiguration", "AwsvpcConfiguration",
    "AssignPublicIp", "TaskRoleArn", "ExecutionRoleArn",
]  # fmt: skip
_CFN_TYPES = [
    "AWS::S3::Bucket", "AWS::EC2::SecurityGroup", "AWS::Serverless::Function",
    "AWS::Lambda::Function", "AWS::ECS::TaskDefinition", "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster", "AWS::ElasticLoadBalancingV2::Listener", "AWS::EC2::LaunchTemplate",
    "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::SQS::Queue", "AWS::SNS::Topic",
    "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::CloudTrail::Trail", "AWS::Serverless::Api",
    "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User", "AWS::IAM::AccessKey", "AWS::Lambda::Url", "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Volume", "AWS::CodeBuild::Project", "AWS::CodeBuild::SourceCredential",
    "AWS::ECS::Service", "AWS::ECS::TaskSet",
]  # fmt: skip
_K8S_KEYS = [
    "containers", "initContainers", "ephemeralContainers", "securityContext", "name", "image",
    "env", "value", "valueFrom", "ports", "hostPort", "capabilities", "add", "drop",
    "privileged", "runAsUser", "runAsNonRoot", "seccompProfile", "type", "volumes", "hostPath",
    "path", "resources", "limits", "requests", "sysctls", "rules", "verbs", "apiGroups",
    "subjects", "roleRef", "data", "stringData", "tls", "metadata", "annotations", "namespace",
    "template", "spec", "jobTemplate", "readOnly", "readinessProbe",
]  # fmt: skip
_K8S_KINDS = [
    "Pod", "Deployment", "CronJob", "Job", "DaemonSet", "StatefulSet", "PodTemplate",
    "DeploymentConfig", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Service",
    "Ingress", "Secret", "ConfigMap", "Rollout",
]  # fmt: skip
_COMPOSE_KEYS = [
    "image", "build", "extends", "privileged", "cap_add", "network_mode", "pid", "ipc",
    "volumes", "environment", "ports", "security_opt", "user", "devices", "depends_on", "links",
    "volumes_from", "read_only", "mem_limit", "deploy", "source", "target", "type", "x",
    "required", "condition",
]  # fmt: skip
_IAM_KEYS = [
    "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal",
    "AWS", "Federated", "Service", "Condition", "StringLike", "StringEquals", "Bool", "Sid",
    "aws:SecureTransport", "sts:ExternalId", "Fn::If", "Ref", "Fn::Sub",
]  # fmt: skip
_APPSPEC_KEYS = [
    "version", "os", "files", "permissions", "hooks", "Hooks", "file_exists_behavior", "source",
    "destination", "object", "mode", "acls", "location", "timeout", "runas", "Type",
    "Properties", "TaskDefinition", "LoadBalancerInfo", "ContainerName", "ContainerPort", "Name",
    "Alias", "CurrentVersion", "TargetVersion", "BeforeInstall", "AfterAllowTraffic",
]  # fmt: skip
_APPSPEC_RESOURCES = st.lists(
    st.dictionaries(
        st.sampled_from(["TargetService", "fn"]),
        st.fixed_dictionaries(
            {"Type": st.sampled_from(["AWS::ECS::Service", "AWS::Lambda::Function"]),
             "Properties": _values(_APPSPEC_KEYS)}
        ),
        max_size=2,
    ),
    max_size=2,
)  # fmt: skip
_BUILDSPEC_KEYS = [
    "version", "env", "variables", "parameter-store", "secrets-manager", "exported-variables",
    "phases", "install", "pre_build", "build", "post_build", "commands", "finally",
    "runtime-versions", "nodejs", "python", "java", "DB_PASSWORD", "GIT_SSL_NO_VERIFY",
]  # fmt: skip
_PROJECT_KEYS = [
    "source", "type", "location", "buildspec", "auth", "resource", "environment", "image",
    "computeType", "privilegedMode", "environmentVariables", "name", "value", "artifacts",
    "encryptionDisabled", "logsConfig", "s3Logs", "cloudWatchLogs", "status", "triggers",
    "webhook", "filterGroups", "pattern", "secondarySources", "secondaryArtifacts",
]  # fmt: skip
# The keys of a task definition (any case: the model looks keys up case-insensitively).
_ECS_KEYS = [
    "name", "image", "privileged", "user", "readonlyRootFilesystem", "linuxParameters",
    "capabilities", "add", "devices", "hostPath", "mountPoints", "sourceVolume", "readOnly",
    "environment", "value", "secrets", "logConfiguration", "logDriver", "options", "tls.verify",
    "links", "volumesFrom", "sourceContainer", "dependsOn", "containerName", "portMappings",
    "volumes", "host", "sourcePath", "efsVolumeConfiguration", "transitEncryption",
    "networkMode", "pidMode", "requiresCompatibilities", "cpu", "memory", "runtimePlatform",
    "operatingSystemFamily", "taskRoleArn", "executionRoleArn", "Name", "Image",
    "containerDefinitions", "networkConfiguration", "awsvpcConfiguration", "assignPublicIp",
]  # fmt: skip
_ECS_CONTAINERS = st.lists(
    st.one_of(_ODD_SCALARS, st.dictionaries(st.sampled_from(_ECS_KEYS), _values(_ECS_KEYS),
                                            max_size=6)),
    max_size=3,
)  # fmt: skip
_DOCKERFILE_FRAGMENTS = st.sampled_from(
    ["FROM ", "RUN ", "COPY ", "ADD ", "USER ", "ARG ", "ENV ", "CMD ", "ENTRYPOINT ", "SHELL ",
     "ONBUILD ", "HEALTHCHECK ", "AS ", "<<EOF", "<<-X", "EOF", "X", "\\", "\n", "\t", " ",
     "$A", "${A:-b}", "'", '"', "[", "]", "--from=a ", "--chmod=777 ", "|", "&&", "#",
     "# escape=`\n", "`", "=", "alpine:3.22", "scratch", "curl x | sh", "rm -rf /a",
     "apt-get install x", "sudo ", "http://x/y.tgz", "\r\n"]
)  # fmt: skip

# (file name, strategy for its text): every document kind guardlint classifies.
KINDS = {
    "cloudformation": (
        "template.yaml",
        st.builds(
            lambda resources, globals_: yaml.safe_dump(
                {"AWSTemplateFormatVersion": "2010-09-09", "Globals": globals_,
                 "Resources": resources}
            ),
            st.dictionaries(
                st.sampled_from(["A", "B"]),
                st.fixed_dictionaries(
                    {"Type": st.sampled_from(_CFN_TYPES),
                     "Properties": st.dictionaries(st.sampled_from(_CFN_KEYS),
                                                   _values(_CFN_KEYS), max_size=4)}
                ),
                min_size=1, max_size=2,
            ),
            st.dictionaries(st.sampled_from(["Function", "Api"]), _values(_CFN_KEYS), max_size=2),
        ),
    ),
    "kubernetes": (
        "manifest.yaml",
        st.builds(
            lambda kind, body: yaml.safe_dump({"apiVersion": "v1", "kind": kind, **body}),
            st.sampled_from(_K8S_KINDS),
            st.dictionaries(st.sampled_from(_K8S_KEYS), _values(_K8S_KEYS), max_size=5),
        ),
    ),
    "compose": (
        "compose.yaml",
        st.builds(
            lambda services: yaml.safe_dump({"services": services}),
            st.dictionaries(
                st.sampled_from(["web", "db"]),
                st.none() | st.dictionaries(st.sampled_from(_COMPOSE_KEYS),
                                            _values(_COMPOSE_KEYS), max_size=6),
                min_size=1, max_size=2,
            ),
        ),
    ),
    "iam-policy": (
        "policy.json",
        st.builds(
            lambda statement: json.dumps({"Version": "2012-10-17", "Statement": statement}),
            _values(_IAM_KEYS),
        ),
    ),
    "appspec": (
        "appspec.yml",
        st.builds(
            lambda body, resources: yaml.safe_dump({"version": 0.0, **body, **resources}),
            st.dictionaries(st.sampled_from(_APPSPEC_KEYS), _values(_APPSPEC_KEYS), max_size=5),
            st.just({}) | st.builds(lambda items: {"Resources": items}, _APPSPEC_RESOURCES),
        ),
    ),
    "dockerfile": ("Dockerfile", st.lists(_DOCKERFILE_FRAGMENTS, max_size=40).map("".join)),
    "buildspec": (
        "buildspec.yml",
        st.builds(
            lambda body: yaml.safe_dump({"version": 0.2, **body}),
            st.dictionaries(st.sampled_from(_BUILDSPEC_KEYS), _values(_BUILDSPEC_KEYS),
                            max_size=4),
        ),
    ),
    "codebuild-project": (
        "project.json",
        st.builds(
            lambda body: json.dumps(
                {"source": {"type": "GITHUB"}, "environment": {"computeType": "SMALL"},
                 "artifacts": {}, **body}
            ),
            st.dictionaries(st.sampled_from(_PROJECT_KEYS), _values(_PROJECT_KEYS), max_size=5),
        ),
    ),
    "ecs-task": (
        "taskdef.json",
        st.builds(
            lambda task, containers: json.dumps({**task, "containerDefinitions": containers}),
            st.dictionaries(st.sampled_from(_ECS_KEYS), _values(_ECS_KEYS), max_size=6),
            _ECS_CONTAINERS,
        ),
    ),
    "dockerrun": (
        "Dockerrun.aws.json",
        st.builds(
            lambda version, body: json.dumps({"AWSEBDockerrunVersion": version, **body}),
            st.sampled_from([1, "1", 2, "2"]),
            st.dictionaries(st.sampled_from([*_ECS_KEYS, "Image", "Volumes", "HostDirectory",
                                             "ContainerDirectory"]),
                            _values([*_ECS_KEYS, "Name", "HostDirectory"]), max_size=5),
        ),
    ),
    "ecs-service": (
        "service.json",
        st.builds(
            lambda body: json.dumps({"serviceName": "web", "cluster": "c", **body}),
            st.dictionaries(st.sampled_from(_ECS_KEYS), _values(_ECS_KEYS), max_size=4),
        ),
    ),
}  # fmt: skip


def _crashes(name: str, text: str, runner: RuleRunner = _RUNNER) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, name)
        path.write_text(text, encoding="utf-8")
        kind = kind_by_name(name) or "structured"
        outcome = scan_file(SourceFile(str(path), name, kind, directory), runner)
    return [f.message for f in outcome.findings if f.rule_id == INTERNAL_ERROR_RULE]


def _property(kind: str):
    name, texts = KINDS[kind]

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts)
    def test(text: str) -> None:
        assert _crashes(name, text) == []

    test.__name__ = f"test_no_rule_crashes_on_odd_{kind.replace('-', '_')}_documents"
    return test


test_no_rule_crashes_on_odd_cloudformation_documents = _property("cloudformation")
test_no_rule_crashes_on_odd_kubernetes_documents = _property("kubernetes")
test_no_rule_crashes_on_odd_compose_documents = _property("compose")
test_no_rule_crashes_on_odd_iam_policy_documents = _property("iam-policy")
test_no_rule_crashes_on_odd_appspec_documents = _property("appspec")
test_no_rule_crashes_on_odd_dockerfile_documents = _property("dockerfile")
test_no_rule_crashes_on_odd_buildspec_documents = _property("buildspec")
test_no_rule_crashes_on_odd_codebuild_project_documents = _property("codebuild-project")
test_no_rule_crashes_on_odd_ecs_task_documents = _property("ecs-task")
test_no_rule_crashes_on_odd_dockerrun_documents = _property("dockerrun")
test_no_rule_crashes_on_odd_ecs_service_documents = _property("ecs-service")


def test_a_crashing_rule_is_what_this_test_sees(monkeypatch):
    """The positive control: a rule that raises shows up as GL002 here."""

    def broken(real):
        def check(document, rule):
            raise ValueError("boom")

        return check

    replace_check(monkeypatch, "K8S001", broken)
    runner = RuleRunner(load_rulebook(), ScanOptions())  # resolves its checks anew
    pod = "apiVersion: v1\nkind: Pod\nspec: {containers: [{}]}\n"
    assert _crashes("pod.yaml", pod, runner) == [
        "Rule K8S001 crashed on this file (ValueError: boom); its results for this file are "
        "missing. Please report it."
    ]
