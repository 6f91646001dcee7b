"""What AWS's SAM transform rejects in a template, found offline with aws-sam-translator.

`Transform: AWS::Serverless-2016-10-31` is run by CloudFormation with this same library, so a
template it rejects does not deploy: a Cognito authorizer without a UserPoolArn, an SQS event
without a Queue, a policy template with a missing parameter. These errors are SAM semantics,
not structure, so only the translator knows them all.

The translator runs offline, blind to the user's AWS configuration
(guardlint.documents.cloudformation.sam_translator).

The region is not known to a linter, and a template may be valid in one region only (a
FindInMap keyed by AWS::Region). So, like SAM's own test-suite, we translate in one region
of each partition and report only the errors all of them share; a template the translator
reads alike in every partition (may_differ_by_partition) is translated once. The account is a
placeholder; results never depend on the user's AWS configuration.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.sam_translator import (
    default_session,
    import_library,
    offline_translator,
)
from guardlint.parse.linear_regex import compile_linear

TRANSFORM = "AWS::Serverless-2016-10-31"
FUNCTION = "AWS::Serverless::Function"
LAYER = "AWS::Serverless::LayerVersion"
APPLICATION = "AWS::Serverless::Application"
PACKAGED_ARTIFACT = "s3://sam-package/artifact.zip"
PACKAGED_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sam-package:latest"
# Hand-written definition files `sam package` uploads from local paths: the property naming
# each, by resource type.
DEFINITION_FILES = {
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::GraphQLApi": "SchemaUri",
}
# Properties `sam package` uploads when they name a local file or directory.
_LOCAL_ARTIFACTS = {
    FUNCTION: ("CodeUri",),
    LAYER: ("ContentUri",),
    **{kind: (key,) for kind, key in DEFINITION_FILES.items()},
}
_REMOTE_PREFIXES = ("s3://", "https://", "http://")
# One region per partition (aws, aws-cn, aws-us-gov), as SAM's test-suite uses.
REGIONS = ("us-east-1", "cn-north-1", "us-gov-west-1")
ACCOUNT_ID = "123456789012"
# The pseudo parameters whose value differs between regions (URLSuffix too, which the
# translator does not resolve today).
_REGIONAL_WORDS = ("AWS::Region", "AWS::Partition", "AWS::URLSuffix")
# On RE2: a message repeating `Resource with id [` (a logical id is the template's text) makes
# `re` scan from each to the next `]` (quadratic).
_RESOURCE_ID = r"Resource with id \[([^\]]+)\] is invalid\. "
_EVENT_ID = r"Event with id \[([^\]]+)\] is invalid\. "
# The errors of the templates translated last in this process, by a digest of their content.
_TRANSLATED: OrderedDict[bytes, tuple[SamError, ...]] = OrderedDict()
_TRANSLATED_MAX = 256


@dataclass(frozen=True)
class SamError:
    """One reason the SAM transform rejects the template."""

    message: str
    logical_id: str | None = None
    event_id: str | None = None


def declares_transform(data: bytes) -> bool:
    """Whether a file's bytes (YAML or JSON) name the SAM transform: a cheap look that
    finds every template sam_errors may translate, and a few more."""
    return TRANSFORM.encode() in data


def plain(value: Any) -> Any:
    """A deep copy made of plain dicts and lists: the translator edits the template it gets."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def sam_errors(template: dict) -> list[SamError]:
    """Every error the SAM transform reports for `template` (left untouched); [] if it passes.

    An exception that is not one of the translator's validation errors is a translator bug on
    an input it did not expect: we report nothing rather than guess. The answer depends on
    the template's content alone, so a template met again (a copy, a vendored stack) is not
    translated again in the same process.
    """
    # The loader's maps and lists print as plain dicts and lists: no copy for the key.
    text = repr(template)
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest()
    if key in _TRANSLATED:
        _TRANSLATED.move_to_end(key)
        return list(_TRANSLATED[key])
    errors = _errors_in_region(template, REGIONS[0])
    for region in REGIONS[1:] if may_differ_by_partition(template, text) else ():
        if not errors:
            break
        also_there = {error.message for error in _errors_in_region(template, region)}
        errors = [error for error in errors if error.message in also_there]
    chosen = _chosen_at_deployment(template)
    if errors and chosen:
        # A deployment gives every parameter without a Default a value, which the transform
        # resolves (AutoPublishAlias: !Ref Stage): an error without one may be no error.
        given = {error.message for error in _errors_in_region(template, REGIONS[0], chosen)}
        errors = [error for error in errors if error.message in given]
    _TRANSLATED[key] = tuple(errors)
    if len(_TRANSLATED) > _TRANSLATED_MAX:
        _TRANSLATED.popitem(last=False)
    return errors


def may_differ_by_partition(template: dict, text: str) -> bool:
    """Whether the translator may reject `template` differently in another partition; `text`
    is its repr (a map's or list's keys and values, every string that holds a word whole).

    What aws-sam-translator (1.110) reads that differs by region: its parameter values
    AWS::Region and AWS::Partition (SamParameterValues), read only through the intrinsics a
    template writes (Ref, Fn::Sub, a FindInMap key); the Serverless Application Repository's
    regions (RegionConfiguration.is_service_supported, for an Application only); and the
    partition (ArnGenerator.get_partition_name), from which it only writes strings into its
    output, raising nothing: ARNs, the X-Ray and managed policies' ARNs (a name it does not
    know is kept as written), a REGIONAL endpoint where EDGE is not offered, a CodeDeploy
    policy that differs in aws-iso partitions only. Mappings and Conditions are judged
    regional too (a map keyed by region is the usual way a template differs by region)."""
    if "Mappings" in template or "Conditions" in template or _has_applications(template):
        return True
    return any(word in text for word in _REGIONAL_WORDS)


def _errors_in_region(
    template: dict, region: str, chosen: dict[str, Any] | None = None
) -> list[SamError]:
    # aws-sam-translator (a quarter of a second) only for templates that use the transform
    import_library()
    from samtranslator.model.exceptions import (
        InvalidDocumentException,
        InvalidEventException,
        InvalidResourceException,
        InvalidTemplateException,
    )

    sam_template = as_packaged(plain(template))
    parameters = {**(chosen or {}), **_parameter_values(sam_template, region)}
    try:
        translator = offline_translator(parameters, region)
        with default_session(_has_applications(sam_template), REGIONS[0]):
            translator.translate(sam_template, parameter_values=parameters)
    except InvalidDocumentException as error:
        return [sam_error(cause.message) for cause in error.causes]
    except (InvalidTemplateException, InvalidResourceException, InvalidEventException) as error:
        return [sam_error(error.message)]
    except Exception:  # a translator bug: see the docstring
        logging.getLogger(__name__).debug("SAM translator failed", exc_info=True)
    return []


def as_packaged(template: dict) -> dict:
    """`template` as `sam package` hands it to CloudFormation: local artifact paths replaced
    by S3 URIs, a function without CodeUri or InlineCode given one (the CLI uploads the
    template's directory), an image function that `sam build` builds given an ECR image.
    Source templates hold local paths; the transform only ever sees packaged ones."""
    resources = template.get("Resources")
    globals_function = _section(_section(template, "Globals"), "Function")
    for key in _LOCAL_ARTIFACTS[FUNCTION]:
        if _is_local_path(globals_function.get(key)):
            globals_function[key] = PACKAGED_ARTIFACT
    for resource in resources.values() if isinstance(resources, dict) else ():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if not isinstance(kind, str) or kind not in _LOCAL_ARTIFACTS:
            continue
        properties = resource.setdefault("Properties", {})
        if not isinstance(properties, dict):
            continue
        for key in _LOCAL_ARTIFACTS[kind]:
            if _is_local_path(properties.get(key)):
                properties[key] = PACKAGED_ARTIFACT
        if kind == FUNCTION and "InlineCode" not in properties:
            _package_function(properties, globals_function, _section(resource, "Metadata"))
        if kind == LAYER and "ContentUri" not in properties:
            properties["ContentUri"] = PACKAGED_ARTIFACT
    return template


def _package_function(properties: dict, globals_function: dict, metadata: dict) -> None:
    package_type = properties.get("PackageType", globals_function.get("PackageType"))
    if package_type == "Image":
        # `sam build` builds the image from Metadata; without it there is nothing to push.
        can_build = "Dockerfile" in metadata or "DockerContext" in metadata
        if can_build and "ImageUri" not in properties and "ImageUri" not in globals_function:
            properties["ImageUri"] = PACKAGED_IMAGE
    elif "CodeUri" not in properties and "CodeUri" not in globals_function:
        properties["CodeUri"] = PACKAGED_ARTIFACT


def _section(container: Any, key: str) -> dict:
    """container[key] when it is a map; a detached empty map otherwise."""
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, dict) else {}


def _is_local_path(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith(_REMOTE_PREFIXES)


def _has_applications(template: dict) -> bool:
    resources = template.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(resource, dict) and resource.get("Type") == APPLICATION
        for resource in resources.values()
    )


def _parameter_values(template: dict, region: str) -> dict[str, Any]:
    """Pseudo parameters and the template's parameter defaults, as CloudFormation would pass."""
    from samtranslator.sdk.parameter import SamParameterValues  # see _errors_in_region

    values = SamParameterValues({"AWS::Region": region, "AWS::AccountId": ACCOUNT_ID})
    values.add_default_parameter_values(template)
    return values.parameter_values


def _chosen_at_deployment(template: dict) -> dict[str, Any]:
    """A value for each parameter without a Default, as a deployment must give one: its first
    allowed value, else a word (a number for a Number)."""
    parameters = template.get("Parameters")
    chosen: dict[str, Any] = {}
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        if not isinstance(parameter, dict) or "Default" in parameter:
            continue
        allowed = parameter.get("AllowedValues")
        if isinstance(allowed, list) and allowed and isinstance(allowed[0], (str, int, float)):
            chosen[name] = allowed[0]
        else:
            chosen[name] = "1" if parameter.get("Type") == "Number" else "chosen"
    return chosen


def sam_error(message: str) -> SamError:
    """An error of the SAM translator with the resource and event its message names."""
    resource = compile_linear(_RESOURCE_ID).search(message)
    event = compile_linear(_EVENT_ID).search(message)
    return SamError(
        message=message,
        logical_id=resource.group(1) if resource else None,
        event_id=event.group(1) if event else None,
    )
