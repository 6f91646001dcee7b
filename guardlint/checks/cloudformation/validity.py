"""CFN028: what CloudFormation or the SAM transform rejects in a template.

The structure (sections, mappings, SAM Globals, resources and their types, SAM events and
application ids, local definition files), the names the template refers to, and, when that
is all sound and the template uses the SAM transform, AWS's SAM translator run offline
(guardlint.documents.cloudformation.sam).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.classify import is_loop
from guardlint.documents.cloudformation.artifacts import local_artifact_path
from guardlint.documents.cloudformation.intrinsics import (
    PSEUDO_PARAMETERS,
    intrinsic,
    is_module_type,
)
from guardlint.documents.cloudformation.references import INTRINSIC_ARGUMENT_COUNTS, references
from guardlint.documents.cloudformation.resources import SAM_FUNCTION, region_at, template_of
from guardlint.documents.cloudformation.sam import APPLICATION as SAM_APPLICATION
from guardlint.documents.cloudformation.sam import DEFINITION_FILES, sam_errors
from guardlint.documents.cloudformation.sam import TRANSFORM as SAM_TRANSFORM
from guardlint.documents.cloudformation.template import SAM_GLOBALS_SECTIONS, Template
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import YamlMap
from guardlint.parse.lookups import ABSENT, path_kind

SAM_TYPE_PREFIX = "AWS::Serverless::"
SAR_APPLICATION_ARN = re.compile(
    r"arn:aws[a-z-]*:serverlessrepo:[a-z0-9-]+:[0-9]{12}:applications/\S+$"
)
TOP_LEVEL_SECTIONS = frozenset(
    {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
     "Conditions", "Transform", "Resources", "Outputs", "Globals", "Hooks"}
)  # fmt: skip
# A macro (AWS::Include) called as a key of a section inserts its snippet there.
SECTION_MACRO = "Fn::Transform"


@dataclass
class _Problem:
    """One reason a template would not deploy."""

    message: str
    region: Region
    resource: str


@check("CFN028")
def template_invalid(document: Document, rule: Rule) -> Iterator[Hit]:
    """Structural and reference problems; only when there are none (and no macro but SAM's
    may change the template), what the SAM translator rejects."""
    data = document.data
    top = data.region if isinstance(data, YamlMap) else Region(1)
    template = template_of(document)
    problems = [
        *_section_problems(data, top),
        *_mapping_problems(data, top),
        *_definition_file_problems(document, template),
        *_globals_problems(data),
        *_resource_problems(template, data, top),
        *_missing_transform_problems(data, top),
    ]
    # Macros (AWS::Include, LanguageExtensions, custom) may define more names and functions.
    other_macros = _has_other_macros(data)
    if not other_macros:
        problems += _reference_problems(template, data, top)
    # The SAM translator would only restate a structural problem, less precisely.
    if not problems and not other_macros and rule.options.get("sam_transform", True):
        problems = _sam_problems(data, top)
    for problem in problems:
        yield Hit(message=problem.message, region=problem.region, resource=problem.resource)


def _key_line(container: Any, key: Any, fallback: Region) -> Region:
    if isinstance(container, YamlMap) and key in container:
        return container.key_region(key)
    return fallback


def _section_problems(data: dict, top: Region) -> Iterator[_Problem]:
    for key in data:
        if key not in TOP_LEVEL_SECTIONS:
            message = f"Unknown top-level section {key!r}: CloudFormation rejects the template."
            yield _Problem(message, _key_line(data, key, top), "template")
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        yield _Problem(
            "The template has no Resources (or an empty Resources section): CloudFormation "
            "requires at least one resource.",
            _key_line(data, "Resources", top),
            "template",
        )


def _mapping_problems(data: dict, top: Region) -> Iterator[_Problem]:
    """Mappings: name -> top-level key -> second-level key -> value, maps all the way down."""
    mappings = data.get("Mappings")
    if mappings is None:
        return
    where = _key_line(data, "Mappings", top)
    if not isinstance(mappings, dict):
        yield _Problem("Mappings is not a map of mappings.", where, "Mappings")
        return
    for name, mapping in mappings.items():
        if name == SECTION_MACRO:
            continue
        if not isinstance(mapping, dict):
            yield _Problem(f"Mapping {name} is not a map.", _key_line(mappings, name, where), name)
            continue
        for key, level in mapping.items():
            if key != SECTION_MACRO and not isinstance(level, dict):
                message = f"Mapping {name} key {key} is not a map of second-level keys."
                yield _Problem(message, _key_line(mapping, key, where), f"mapping {name}")


def _definition_file_problems(document: Document, template: Template) -> Iterator[_Problem]:
    """A local definition file that is not there: `sam package` fails to upload it. (Code
    directories are not checked: they are often build outputs, absent from a checkout.)"""
    for logical_id, resource in template.resources_of(*DEFINITION_FILES):
        key = DEFINITION_FILES[resource["Type"]]
        properties = resource.get("Properties")
        uri = properties.get(key) if isinstance(properties, dict) else None
        path = local_artifact_path(document, uri)
        if path is not None and path_kind(str(path)) == ABSENT:
            message = (
                f"{key} of resource {logical_id} names a local file, {uri!r}, that does not "
                "exist beside the template: `sam package` cannot upload it."
            )
            where = region_at(properties, key, template.resource_region(logical_id))
            yield _Problem(message, where, f"resource {logical_id}")


def _globals_problems(data: dict) -> Iterator[_Problem]:
    """SAM Globals: a map of known sections, each a map."""
    if "Globals" not in data:
        return
    section_region = _key_line(data, "Globals", Region(1))
    sections = data["Globals"]
    if not isinstance(sections, dict):
        yield _Problem("Globals is not a map of sections.", section_region, "Globals")
        return
    for name, value in sections.items():
        where = _key_line(sections, name, section_region)
        if name not in SAM_GLOBALS_SECTIONS:
            message = f"Globals has an unknown section {name!r}: the SAM transform rejects it."
            yield _Problem(message, where, "Globals")
        elif not isinstance(value, dict):
            yield _Problem(f"Globals section {name} is not a map.", where, "Globals")


def _resource_problems(template: Template, data: dict, top: Region) -> Iterator[_Problem]:
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return
    other_macros = _has_other_macros(data)
    for logical_id, resource in resources.items():
        # The template model checks the resources a loop generates; an include's are unknown.
        if is_loop(logical_id) or logical_id == SECTION_MACRO:
            continue
        where = _key_line(resources, logical_id, top)
        owner = f"resource {logical_id}"
        if not isinstance(resource, dict):
            kind = "a list" if isinstance(resource, list) else "a scalar"
            message = f"Resource {logical_id} is {kind}, not a map with Type and Properties."
            yield _Problem(message, where, owner)
            continue
        resource_type = resource.get("Type")
        if resource_type is None:
            yield _Problem(f"Resource {logical_id} has no Type.", where, owner)
            continue
        # Macros may define their own types (Transform: Boto3 -> Boto3::CodeCommit.put_file).
        valid_type = is_module_type(resource_type) or (
            isinstance(resource_type, str) and "::" in resource_type
        )
        if not valid_type and not other_macros:
            message = f"Resource {logical_id} has an invalid Type {resource_type!r}."
            yield _Problem(message, region_at(resource, "Type", where), owner)
        properties = resource.get("Properties")
        if "Properties" in resource and not isinstance(properties, dict):
            # `Properties:` with nothing after it is null, which CloudFormation rejects too.
            empty = (
                " (it is empty: CloudFormation rejects null values)" if properties is None else ""
            )
            message = f"Properties of resource {logical_id} is not a map{empty}."
            yield _Problem(message, region_at(resource, "Properties", where), owner)
        elif resource_type == SAM_FUNCTION and isinstance(properties, dict):
            yield from _sam_event_problems(properties, where, owner)
        elif resource_type == SAM_APPLICATION and isinstance(properties, dict):
            yield from _sam_application_problems(template, properties, where, owner)


def _sam_event_problems(properties: dict, where: Region, owner: str) -> Iterator[_Problem]:
    """Each SAM event is a map with a Type."""
    events = properties.get("Events")
    if events is None or intrinsic(events):
        return
    if not isinstance(events, dict):
        message = f"Events of {owner} is not a map of events."
        yield _Problem(message, _key_line(properties, "Events", where), owner)
        return
    for name, event in events.items():
        if not isinstance(event, dict) or "Type" not in event:
            message = f"Event {name} of {owner} is not a map with a Type."
            yield _Problem(message, _key_line(events, name, where), owner)


def _sam_application_problems(
    template: Template, properties: dict, where: Region, owner: str
) -> Iterator[_Problem]:
    """The Serverless Application Repository takes an application's ARN, not its name."""
    location = properties.get("Location")
    if not isinstance(location, dict) or "ApplicationId" not in location:
        return
    for value in template.resolved_strings(location["ApplicationId"]):
        if not SAR_APPLICATION_ARN.match(value):
            message = (
                f"Location.ApplicationId of {owner} is {value!r}, not a Serverless Application "
                "Repository ARN (arn:aws:serverlessrepo:REGION:ACCOUNT:applications/NAME)."
            )
            yield _Problem(message, region_at(location, "ApplicationId", where), owner)


def _missing_transform_problems(data: dict, top: Region) -> Iterator[_Problem]:
    """SAM resource types without the SAM transform: CloudFormation does not know them."""
    resources = data.get("Resources")
    if _declares_sam(data) or not isinstance(resources, dict):
        return
    sam_resources = [
        (logical_id, resource)
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and str(resource.get("Type", "")).startswith(SAM_TYPE_PREFIX)
    ]
    if not sam_resources:
        return
    logical_id, resource = sam_resources[0]
    more = f" and {len(sam_resources) - 1} more" if len(sam_resources) > 1 else ""
    message = (
        f"Resource {logical_id}{more} use AWS::Serverless types, but the template does not "
        f"declare `Transform: {SAM_TRANSFORM}`: CloudFormation rejects those types."
    )
    where = region_at(resource, "Type", _key_line(resources, logical_id, top))
    yield _Problem(message, where, f"resource {logical_id}")


def _sam_problems(data: dict, top: Region) -> list[_Problem]:
    """What AWS's SAM transform rejects, placed at the resource (and event) it names."""
    if not _declares_sam(data):
        return []
    resources = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
    problems = []
    for error in sam_errors(data):
        where, owner = _key_line(data, "Transform", top), "template"
        logical_id, event_id = _sam_error_source(resources, error.logical_id, error.event_id)
        if logical_id is not None:
            owner = f"resource {logical_id}"
            where = _key_line(resources, logical_id, top)
            events = _sam_events(resources[logical_id])
            if event_id in events:
                where = _key_line(events, event_id, where)
        message = f"The SAM transform rejects the template: {error.message}"
        problems.append(_Problem(message, where, owner))
    return problems


def _sam_error_source(
    resources: dict, logical_id: str | None, event_id: str | None
) -> tuple[str | None, str | None]:
    """The template resource (and event) an error names. Errors about generated resources
    name them after their source: `WorkerJobs` is the Jobs event of function Worker."""
    if logical_id is None or logical_id in resources:
        return logical_id, event_id
    names = sorted((name for name in resources if isinstance(name, str)), key=len, reverse=True)
    for source_id in names:  # the longest match: `ApiGatewayX` is not about `Api`
        if logical_id.startswith(source_id):
            suffix = logical_id[len(source_id) :]
            return source_id, suffix if suffix in _sam_events(resources[source_id]) else event_id
    return None, event_id


def _sam_events(resource: Any) -> dict:
    properties = resource.get("Properties") if isinstance(resource, dict) else None
    events = properties.get("Events") if isinstance(properties, dict) else None
    return events if isinstance(events, dict) else {}


def _declares_sam(data: dict) -> bool:
    transform = data.get("Transform")
    return SAM_TRANSFORM in (transform if isinstance(transform, list) else [transform])


def _reference_problems(template: Template, data: dict, top: Region) -> list[_Problem]:
    problems = []
    for section in ("Resources", "Outputs", "Conditions"):
        for name, region, kind, owner in references(data.get(section), top, section):
            if kind == "malformed":
                counts = " or ".join(map(str, INTRINSIC_ARGUMENT_COUNTS[name]))
                message = f"{owner} calls {name} without a list of {counts} arguments."
                problems.append(_Problem(message, region, owner))
            elif kind == "condition":
                if name not in template.conditions:
                    message = f"{owner} uses condition {name}, which Conditions does not define."
                    problems.append(_Problem(message, region, owner))
            elif section == "Conditions" and not _is_parameter(template, name):
                message = (
                    f"{owner} references {name}, which is neither a parameter nor a pseudo "
                    "parameter: a condition can refer to no resource."
                )
                problems.append(_Problem(message, region, owner))
            elif not template.is_defined(name):
                message = (
                    f"{owner} references {name}, which is neither a resource, a parameter nor "
                    "a pseudo parameter of this template."
                )
                problems.append(_Problem(message, region, owner))
    return problems


def _is_parameter(template: Template, name: str) -> bool:
    return name in template.parameters or name in PSEUDO_PARAMETERS


def _has_other_macros(data: dict) -> bool:
    """A Transform other than SAM's, or a macro called in a section: either may add names."""
    transform = data.get("Transform")
    names = transform if isinstance(transform, list) else [transform] if transform else []
    if any(not (isinstance(n, str) and n.startswith("AWS::Serverless")) for n in names):
        return True
    return any(isinstance(section, dict) and SECTION_MACRO in section for section in data.values())
