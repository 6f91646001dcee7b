"""What the AWS CDK names: its own framework resources, and the frames of a `cdk synth --debug`
stack trace that are the CDK's rather than the app's (an assembly's files:
guardlint.parse.cdk_assembly).

Sources: the singleton construct IDs of aws-cdk-lib 2.x (aws-logs LogRetention, aws-s3
BucketNotifications, aws-s3-deployment BucketDeployment, core CfnUtilsProvider and
CustomResourceProvider, custom-resources AwsCustomResource and Provider, the aws-eks provider
stacks), checked against synthesised templates and cdk-nag suppressions by construct path in
public repositories."""

from __future__ import annotations

import re

from guardlint.parse.lazy_pattern import LazyPattern

FRAMEWORK_NOTE = (
    "CDK framework resource: the fix is a CDK upgrade or a construct property, not a template edit."
)
_FRAMEWORK_TYPES = ("AWS::CDK::Metadata", "Custom::CDKBucketDeployment", "Custom::LogRetention")
# Construct IDs (and the logical IDs CDK derives from them) of CDK's singletons.
_FRAMEWORK_NAME = LazyPattern(
    r"(?:Custom::|Custom)?CDKBucketDeployment[0-9A-Fa-f]{32}"
    r"|LogRetention[0-9a-f]{32}"
    r"|BucketNotificationsHandler[0-9a-f]{32}"
    r"|AWSCDKCfnUtilsProvider"
    r"|AWS679f53fac002430cb0da5b7982bd2287"  # AwsCustomResource's function
)
_CUSTOM_RESOURCE_PROVIDER = "CustomResourceProvider"
# The singletons CDK libraries nest under their module's name (`@aws-cdk/aws-eks.KubectlProvider`,
# a construct ID whose `/` the CDK writes `--`), and the functions and state machine of a
# custom-resources Provider, which run the CDK's code around the app's own handlers.
_LIBRARY_SINGLETON_PREFIX = "@aws-cdk--"
_PROVIDER_FRAMEWORK = frozenset(
    {"framework-onEvent", "framework-isComplete", "framework-onTimeout", "waiter-state-machine"}
)
# Path components of the files a trace frame names that are libraries, not the app: Node's
# packages, and Python's, where a Python app's host frames (JSII_HOST_STACK_TRACES) name the
# aws_cdk and jsii packages and jsii's embedded runtime.
_LIBRARY_DIRS = frozenset({"node_modules", "aws-cdk-lib", "site-packages", "dist-packages"})


def is_framework_resource(resource_type: str, logical_id: str, construct_path: str) -> bool:
    """A resource the CDK adds itself (its version metadata, the singletons behind log
    retention, bucket notifications and deployments, custom resource providers, the provider
    stacks of aws-eks, a Provider's framework functions)."""
    if resource_type.startswith(_FRAMEWORK_TYPES):
        return True
    names = [logical_id, *construct_path.split("/")[1:]]  # the first component is the stack
    return any(
        _FRAMEWORK_NAME.match(name) is not None
        or _CUSTOM_RESOURCE_PROVIDER in name
        or name.startswith(_LIBRARY_SINGLETON_PREFIX)
        or name in _PROVIDER_FRAMEWORK
        for name in names
    )


def is_library_file(file: str) -> bool:
    """A trace frame's file that is the CDK's or another package's, or Node's own
    (`node:internal/...`), rather than the app's source."""
    if file.startswith(("node:", "internal/")):
        return True
    return not _LIBRARY_DIRS.isdisjoint(re.split(r"[/\\]", file))
