"""What ASFF takes from AWS's own data: finding types in ASFF's taxonomy, resource types from
Security Hub's API model, and the regions and partitions botocore knows.

botocore (installed with aws-sam-translator's boto3) is loaded only when ASFF is asked for: a
scan that writes no ASFF never pays for its service model.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from guardlint.model.findings import Finding

# ASFF's Types taxonomy: namespace/category[/classifier]. Only these defined paths are used.
CONFIGURATION_CHECKS = "Software and Configuration Checks"
BEST_PRACTICES = f"{CONFIGURATION_CHECKS}/AWS Security Best Practices"
TYPE_FOR_FINDING_TYPE = {
    "PACKAGE_VULNERABILITY": f"{CONFIGURATION_CHECKS}/Vulnerabilities",
    "NETWORK_REACHABILITY": f"{BEST_PRACTICES}/Network Reachability",
    "CODE_VULNERABILITY": BEST_PRACTICES,
}
SECRET_TYPE = "Sensitive Data Identifications/Passwords"
# A credential-access rule whose weakness is sensitive data written or left where it is read:
# hard-coded credentials, cleartext storage, exposure, leftovers in image layers.
SECRET_WEAKNESSES = frozenset({"CWE-798", "CWE-259", "CWE-312", "CWE-200", "CWE-212", "CWE-532"})

ACCOUNT = re.compile(r"[0-9]{12}")
OTHER_TYPE, CONTAINER_TYPE = "Other", "Container"
# `AWS::S3::Bucket Logs`, `AWS::IAM::Role Build Statement 2`: a CloudFormation resource's label.
_CFN_LABEL = re.compile(r"(?P<type>[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)\s")
# CloudFormation services whose ASFF name differs from the type's. Types named apart: SAM's
# resources as the resources the SAM transform makes of them, and the IAM policies (ASFF's
# AwsIamPolicy is a managed policy; an AWS::IAM::Policy is inline in a role, user or group).
_SERVICE_NAMES = {"ElasticLoadBalancingV2": "Elbv2", "ElasticLoadBalancing": "Elb",
                  "StepFunctions": "StepFunction"}  # fmt: skip
_NAMED_TYPES = {
    "AWS::Serverless::Function": "AwsLambdaFunction",
    "AWS::Serverless::Api": "AwsApiGatewayRestApi",
    "AWS::Serverless::HttpApi": "AwsApiGatewayV2Api",
    "AWS::Serverless::StateMachine": "AwsStepFunctionStateMachine",
    "AWS::Serverless::SimpleTable": "AwsDynamoDbTable",
    "AWS::IAM::ManagedPolicy": "AwsIamPolicy",
    "AWS::IAM::Policy": OTHER_TYPE,
}
# Compose services and Kubernetes containers are containers; the rest of a manifest is Other.
_CONTAINER = re.compile(r"(?:^service|\scontainer) (?P<name>\S.*)$")
# A CodeBuild project of create-project JSON (one in a template has its CloudFormation label).
CODEBUILD_PROJECT_TYPE = "AwsCodeBuildProject"
_CODEBUILD_PROJECT = re.compile(r"codebuild project (?P<name>\S.*)")
_CLOUDFORMATION_PACKS = ("cloudformation", "iam", "codebuild", "ecs")
# The ECS pack's resources (guardlint.documents.ecs): a standalone task definition, a Dockerrun
# file, a service definition; a template's task definition is a CloudFormation label.
_ECS_TASK = re.compile(r"task definition (?P<family>\S+)(?: container (?P<name>\S.*))?$")
_ECS_SERVICE = re.compile(r"ECS service (?P<name>\S.*)$")
ECS_TASK_TYPE, ECS_SERVICE_TYPE = "AwsEcsTaskDefinition", "AwsEcsService"


def finding_types(finding: Finding, cwe: list[str]) -> list[str]:
    """The finding's ASFF Types: a secret is sensitive data; the rest a configuration check of
    the kind its GuardDuty-style finding type says."""
    secret = finding.category.startswith("CredentialAccess:") and SECRET_WEAKNESSES & set(cwe)
    if secret:
        return [SECRET_TYPE]
    return [TYPE_FOR_FINDING_TYPE.get(finding.finding_type, BEST_PRACTICES)]


@functools.cache
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("securityhub")


@functools.cache
def _resource_types() -> dict[str, str]:
    """Security Hub's resource types (the members of ResourceDetails), by lower-case name."""
    members = _service_model().shape_for("ResourceDetails").members
    return {name.lower(): name for name in members}


def cloudformation_resource_type(cfn_type: str) -> str:
    """`AWS::EC2::SecurityGroup` -> `AwsEc2SecurityGroup`; `Other` where ASFF has no type."""
    if cfn_type in _NAMED_TYPES:
        return _NAMED_TYPES[cfn_type]
    parts = cfn_type.split("::")
    if len(parts) != 3:
        return OTHER_TYPE
    vendor, service, name = parts
    key = f"{vendor}{_SERVICE_NAMES.get(service, service)}{name}".lower()
    return _resource_types().get(key, OTHER_TYPE)


def resource_type_and_details(finding: Finding) -> tuple[str, dict[str, Any] | None]:
    """The ASFF resource type of what the finding is about, and its Details where it has any."""
    cfn = _CFN_LABEL.match(finding.resource + " ")
    if cfn and finding.pack in _CLOUDFORMATION_PACKS:
        resource_type = cloudformation_resource_type(cfn["type"])
        container = _CONTAINER.search(finding.resource)
        if resource_type == ECS_TASK_TYPE and container:
            return resource_type, {resource_type: {"ContainerDefinitions": [
                {"Name": container["name"]}]}}  # fmt: skip
        return resource_type, None
    project = _CODEBUILD_PROJECT.fullmatch(finding.resource)
    if project and finding.pack == "codebuild":
        return CODEBUILD_PROJECT_TYPE, {CODEBUILD_PROJECT_TYPE: {"Name": project["name"]}}
    if finding.pack == "ecs":
        return _ecs_resource(finding.resource)
    container = _CONTAINER.search(finding.resource)
    if container and finding.pack in ("compose", "kubernetes"):
        return CONTAINER_TYPE, {CONTAINER_TYPE: {"Name": container["name"]}}
    if finding.pack == "kubernetes":
        kind, _, name = finding.resource.partition(" ")
        if kind and name.strip():
            return OTHER_TYPE, {OTHER_TYPE: {"Kubernetes/Kind": kind, "Kubernetes/Name": name}}
    return OTHER_TYPE, None


def _ecs_resource(resource: str) -> tuple[str, dict[str, Any] | None]:
    """A standalone task definition or service, and a Dockerrun file's containers."""
    task = _ECS_TASK.match(resource)
    if task:
        details: dict[str, Any] = {"Family": task["family"]}
        if task["name"]:
            details["ContainerDefinitions"] = [{"Name": task["name"]}]
        return ECS_TASK_TYPE, {ECS_TASK_TYPE: details}
    service = _ECS_SERVICE.match(resource)
    if service:
        return ECS_SERVICE_TYPE, {ECS_SERVICE_TYPE: {"ServiceName": service["name"]}}
    container = _CONTAINER.search(resource)
    if container:
        return CONTAINER_TYPE, {CONTAINER_TYPE: {"Name": container["name"]}}
    return OTHER_TYPE, None


@functools.cache
def _region_partitions() -> dict[str, str]:
    import botocore.session

    session = botocore.session.get_session()
    return {
        region: partition
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("securityhub", partition_name=partition)
    }


def check_region(region: str) -> str:
    """`region` if Security Hub runs there, per botocore's endpoint data; else ValueError."""
    if region not in _region_partitions():
        raise ValueError(f"{region!r} is not an AWS region with Security Hub (e.g. us-east-1)")
    return region


def partition_of(region: str) -> str:
    return _region_partitions().get(region, "aws")


@functools.cache
def resource_partition(region: str) -> str | None:
    """The Resources[].Partition value for the region, when ASFF's enumeration has it."""
    partition = partition_of(region)
    allowed = _service_model().shape_for("Partition").enum
    return partition if partition in allowed else None


def check_account(account: str) -> str:
    if not ACCOUNT.fullmatch(account):
        raise ValueError(f"{account!r} is not an AWS account ID (12 digits)")
    return account
