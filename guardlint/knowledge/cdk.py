"""What the AWS CDK names: the files of a cloud assembly that are no templates, its asset
staging folders, CDK's own framework resources, and the frames of a `cdk synth --debug` stack
trace that are the CDK's rather than the app's.

Sources: the cloud assembly schema (aws-cdk-lib/cloud-assembly-schema) and the singleton
construct IDs of aws-cdk-lib 2.x (aws-logs LogRetention, aws-s3 BucketNotifications,
aws-s3-deployment BucketDeployment, core CfnUtilsProvider and CustomResourceProvider,
custom-resources AwsCustomResource), checked against synthesised templates in 2025.
"""

from __future__ import annotations

import re

ASSET_PREFIX = "asset."  # `asset.<hash>/` (or `asset.<hash>.<ext>`): a staged copy
CONTEXT_FILE = "cdk.context.json"  # cached context lookups, anywhere in an app
# Beside the templates of an assembly: the construct tree, asset manifests, the assembly
# manifest and the side files of stack metadata.
_ASSEMBLY_METADATA = re.compile(r"tree\.json|manifest\.json|.+\.(?:assets|metadata)\.json")

FRAMEWORK_NOTE = (
    "CDK framework resource: the fix is a CDK upgrade or a construct property, not a template edit."
)
_FRAMEWORK_TYPES = ("AWS::CDK::Metadata", "Custom::CDKBucketDeployment", "Custom::LogRetention")
# Construct IDs (and the logical IDs CDK derives from them) of CDK's singletons.
_FRAMEWORK_NAME = re.compile(
    r"(?:Custom::|Custom)?CDKBucketDeployment[0-9A-Fa-f]{32}"
    r"|LogRetention[0-9a-f]{32}"
    r"|BucketNotificationsHandler[0-9a-f]{32}"
    r"|AWSCDKCfnUtilsProvider"
    r"|AWS679f53fac002430cb0da5b7982bd2287"  # AwsCustomResource's function
)
_CUSTOM_RESOURCE_PROVIDER = "CustomResourceProvider"
# Path components of the files a trace frame names that are libraries, not the app.
_LIBRARY_DIRS = frozenset({"node_modules", "aws-cdk-lib"})


def is_assembly_metadata(name: str) -> bool:
    """A file of a cloud assembly that holds no template (its base name)."""
    return _ASSEMBLY_METADATA.fullmatch(name.lower()) is not None


def is_staged_asset(name: str) -> bool:
    """An asset staging directory (or staged file) of a cloud assembly (its base name)."""
    return name.startswith(ASSET_PREFIX)


def is_context_file(name: str) -> bool:
    return name.lower() == CONTEXT_FILE


def is_framework_resource(resource_type: str, logical_id: str, construct_path: str) -> bool:
    """A resource the CDK adds itself (its version metadata, the singletons behind log
    retention, bucket notifications and deployments, custom resource providers)."""
    if resource_type.startswith(_FRAMEWORK_TYPES):
        return True
    names = [logical_id, *construct_path.split("/")[1:]]  # the first component is the stack
    return any(
        _FRAMEWORK_NAME.match(name) is not None or _CUSTOM_RESOURCE_PROVIDER in name
        for name in names
    )


def is_library_file(file: str) -> bool:
    """A trace frame's file that is the CDK's or another package's, or Node's own
    (`node:internal/...`), rather than the app's source."""
    if file.startswith(("node:", "internal/")):
        return True
    return not _LIBRARY_DIRS.isdisjoint(re.split(r"[/\\]", file))
