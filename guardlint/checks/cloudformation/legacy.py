"""CloudFormation/SAM pack: the checks not yet in family files (CFN015, CFN018, CFN019, CFN028).

Every check works on `Template` (guardlint.documents.cloudformation.template), which applies
SAM Globals and resolves intrinsics. The contract with the evaluator: a value that resolves to
UNRESOLVED is unknown, and an unknown value never produces a finding. Policy statements are the
IAM pack's job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.artifacts import local_artifact_path
from guardlint.documents.cloudformation.intrinsics import intrinsic, is_module_type, sub_variables
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    LAMBDA_FUNCTION,
    SAM_FUNCTION,
    region_at,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.sam import TRANSFORM as SAM_TRANSFORM
from guardlint.documents.cloudformation.sam import sam_errors
from guardlint.documents.cloudformation.template import SAM_GLOBALS_SECTIONS, Template
from guardlint.documents.cloudformation.values import get_map
from guardlint.knowledge.secrets import (
    find_secrets,
    high_entropy,
    is_literal_secret,
    is_placeholder,
    is_secret_name,
    separate_acronyms,
)
from guardlint.model import Document, Hit, Region, Rule
from guardlint.parse.yaml_nodes import YamlMap, YamlSeq

SAM_APPLICATION = "AWS::Serverless::Application"
SAM_TYPE_PREFIX = "AWS::Serverless::"
# Hand-written files `sam package` uploads from local paths.
LOCAL_DEFINITION_FILES = {
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::GraphQLApi": "SchemaUri",
}
SAR_APPLICATION_ARN = re.compile(
    r"arn:aws[a-z-]*:serverlessrepo:[a-z0-9-]+:\d{12}:applications/\S+$"
)


# -- Lambda environment (CFN015) -------------------------------------------------------------


_SECRET_LAST_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey", "key",
     "credential", "credentials", "authtoken", "privatekey", "accesskey", "secretkey"}
)  # fmt: skip


def split_acronyms(name: str) -> str:
    """`DBPassword` -> `DB_Password`, so that name heuristics see the word `password`."""
    return separate_acronyms(str(name), "_")


@functools.lru_cache(maxsize=8192)  # property names recur in every template
def _words(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", split_acronyms(name))
    return tuple(w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w)


def _last_word(name: str) -> str:
    words = _words(name)
    return words[-1] if words else ""


def names_key_identifier(name: str) -> bool:
    """KmsKeyId, SecretsKMSKey, SecretArn: the name of a key or secret, not its value."""
    words = _words(name)
    return "kms" in words or "arn" in words or "id" in words


# Tried only where a run of digits starts: `\d+$` rescans a long run from each digit.
_TRAILING_NUMBER = re.compile(r"(?<!\d)\d++$")


def looks_secret_name(name: str) -> bool:
    """The shared name heuristic, aware of acronyms, numbered names (SecretName2) and
    key/secret identifiers."""
    base = _TRAILING_NUMBER.sub("", name)
    return is_secret_name(split_acronyms(base)) and not names_key_identifier(base)


def hardcoded_credential(name: str, value: Any, property_name: bool = False) -> str | None:
    """The secret when `name: value` hard-codes a credential: a secret-looking name with a
    literal value, or a detect-secrets hit in any literal text of the value.

    For an environment variable, DB_PASSWORD: x holds the secret itself while TOKEN_TABLE: x
    merely mentions one, so the latter's value must also look like a credential. Resource
    property names are all judged the second way (AccessToken: hours is a unit, not a token).
    """
    if (
        isinstance(value, str)
        and not names_key_identifier(name)
        and is_literal_secret(split_acronyms(name), value)
    ):
        holds_secret = _last_word(name) in _SECRET_LAST_WORDS and not property_name
        if holds_secret or _credential_shaped(value):
            return value
    for text in _literal_texts(value):
        matches = find_secrets(text)
        if matches:
            return matches[0].value
    return None


def _credential_shaped(value: str) -> bool:
    text = value.strip()
    if len(text) < 8 or any(c.isspace() for c in text):
        return False
    mixed = any(c.isalpha() for c in text) and any(c.isdigit() for c in text)
    return mixed or high_entropy(text)


def _literal_texts(value: Any) -> Iterator[str]:
    """Literal strings inside a value, intrinsic arguments included (Ref names are not text)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "Ref":
                yield from _literal_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _literal_texts(item)


def _environment_secrets(variables: Any) -> Iterator[tuple[YamlMap, str, str]]:
    """(map, name, secret) for each hard-coded credential in an Environment.Variables map."""
    if not isinstance(variables, dict) or intrinsic(variables):
        return
    for name, value in variables.items():
        secret = hardcoded_credential(str(name), value)
        if secret:
            yield variables, str(name), secret


@check("CFN015")
def lambda_env_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    for function in resources_of(document, *FUNCTION_TYPES):
        environment = get_map(function.props, "Environment")
        for variables, name, secret in _environment_secrets(get_map(environment, "Variables")):
            yield hit(
                function,
                f"Function {function.logical_id} sets environment variable {name} to a "
                "hard-coded credential: anyone who can read the template or the function's "
                "configuration can use it.",
                variables,
                name,
                variable=name,
                secret_values=(secret,),
            )


# -- Secrets (CFN018, CFN019) ----------------------------------------------------------------

_REFERENCE_PARAMETER_TYPES = ("AWS::SSM::Parameter::", "AWS::EC2::KeyPair::KeyName")


@check("CFN018")
def secret_parameter_exposed(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    parameters = template.parameters
    for name, parameter in parameters.items():
        if not isinstance(parameter, dict) or not looks_secret_name(str(name)):
            continue
        if str(parameter.get("Type", "")).startswith(_REFERENCE_PARAMETER_TYPES):
            continue  # the value is the name of an SSM parameter or key pair, not a secret
        name_region = parameters.key_region(name) if isinstance(parameters, YamlMap) else Region(1)
        resource, properties = f"Parameter {name}", {"parameter": str(name)}
        default = parameter.get("Default")
        if template.is_true(parameter.get("NoEcho")) is not True:
            yield Hit(
                message=f"Parameter {name} is named like a credential but is not NoEcho: its "
                "value shows in the console, API responses and stack events.",
                region=name_region,
                resource=resource,
                properties=properties,
            )
        elif default not in (None, "") and not is_placeholder(str(default)):
            yield Hit(
                message=f"Parameter {name} is named like a credential and has a Default: the "
                "value is written in the template.",
                region=region_at(parameter, "Default", name_region),
                resource=resource,
                properties=properties,
                secret_values=(str(default),),
            )


# Properties that hold a password or key whenever they are set; any literal is hard-coded.
PASSWORD_PROPERTIES = frozenset(
    {"MasterUserPassword", "MasterPassword", "Password", "AdminPassword", "DBPassword",
     "SecretString", "AuthToken", "OAuthToken", "SecretToken", "ClientSecret",
     "SecretAccessKey", "PrivateKey", "Passphrase", "ApiKey", "WebhookSecret", "BindPassword"}
)  # fmt: skip
# Environment maps checked by their own rules (CFN015, CFN027): not reported twice.
_OWN_RULE_PATHS = {
    LAMBDA_FUNCTION: ("Environment",),
    SAM_FUNCTION: ("Environment",),
    "AWS::ECS::TaskDefinition": ("ContainerDefinitions",),
}
# Name/value pair lists: CodeBuild EnvironmentVariables, Beanstalk OptionSettings, Tags...
_PAIR_NAME_KEYS = ("Name", "Key", "OptionName", "ParameterKey")
_REFERENCE_VALUE_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})  # CodeBuild


def _property_scalars(
    value: Any, name: str = "", skip: tuple[str, ...] = ()
) -> Iterator[tuple[Any, Any, str, Any]]:
    """(container, key or index, effective name, value) for every leaf of a Properties tree;
    an intrinsic counts as a leaf. In a name/value pair the name is the pair's name."""
    if isinstance(value, dict):
        pair_name = next((value[k] for k in _PAIR_NAME_KEYS if isinstance(value.get(k), str)), None)
        for key, item in value.items():
            if key in skip:
                continue
            effective = str(key)
            if pair_name is not None and key == "Value":
                if str(value.get("Type", "")).upper() in _REFERENCE_VALUE_TYPES:
                    continue  # the value names a parameter or secret that holds the value
                effective = pair_name
            yield from _leaf_or_deeper(value, key, effective, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaf_or_deeper(value, index, name, item)


def _leaf_or_deeper(
    container: Any, key: Any, name: str, item: Any
) -> Iterator[tuple[Any, Any, str, Any]]:
    if isinstance(item, (dict, list)) and not intrinsic(item):
        yield from _property_scalars(item, name)
    else:
        yield container, key, name, item


@check("CFN019")
def hardcoded_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    for resource in resources_of(document):
        skipped = _OWN_RULE_PATHS.get(resource.type, ())
        for container, key, name, item in _property_scalars(resource.props, skip=skipped):
            secret = _property_secret(name, item)
            if secret:
                yield hit(
                    resource,
                    f"Property {name} of {resource.logical_id} holds a hard-coded credential; "
                    "use a dynamic reference or a NoEcho parameter.",
                    container,
                    key,
                    property=name,
                    secret_values=(secret,),
                )


def _property_secret(name: str, value: Any) -> str | None:
    if isinstance(value, str) and name in PASSWORD_PROPERTIES:
        text = value.strip()
        # A value built around a dynamic reference (a JSON SecretString whose password is
        # `{{resolve:...}}`) takes the credential from the store, not from the template.
        if text and not is_placeholder(text) and "{{resolve:" not in text:
            return value
    if isinstance(value, bool) or not isinstance(value, (str, dict, list)):
        return None
    return hardcoded_credential(name, value, property_name=True)


# -- Template validity (CFN028) ----------------------------------------------------------------

TOP_LEVEL_SECTIONS = frozenset(
    {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
     "Conditions", "Transform", "Resources", "Outputs", "Globals", "Hooks"}
)  # fmt: skip
FOR_EACH_PREFIX = "Fn::ForEach::"  # AWS::LanguageExtensions loops inside Resources/Outputs


@dataclass
class _Problem:
    message: str
    region: Region
    resource: str


@check("CFN028")
def template_invalid(document: Document, rule: Rule) -> Iterator[Hit]:
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
        if not isinstance(mapping, dict):
            yield _Problem(f"Mapping {name} is not a map.", _key_line(mappings, name, where), name)
            continue
        for key, level in mapping.items():
            if not isinstance(level, dict):
                message = f"Mapping {name} key {key} is not a map of second-level keys."
                yield _Problem(message, _key_line(mapping, key, where), f"mapping {name}")


def _definition_file_problems(document: Document, template: Template) -> Iterator[_Problem]:
    """A local definition file that is not there: `sam package` fails to upload it. (Code
    directories are not checked: they are often build outputs, absent from a checkout.)"""
    for logical_id, resource in template.resources_of(*LOCAL_DEFINITION_FILES):
        key = LOCAL_DEFINITION_FILES[resource["Type"]]
        properties = resource.get("Properties")
        uri = properties.get(key) if isinstance(properties, dict) else None
        path = local_artifact_path(document, uri)
        if path is not None and not path.exists():
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
        if str(logical_id).startswith(FOR_EACH_PREFIX):
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
        if properties is not None and not isinstance(properties, dict):
            message = f"Properties of resource {logical_id} is not a map."
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
    for section in ("Resources", "Outputs"):
        for name, region, kind, owner in _references(data.get(section), top, section):
            if kind == "malformed":
                counts = " or ".join(map(str, INTRINSIC_ARGUMENT_COUNTS[name]))
                message = f"{owner} calls {name} without a list of {counts} arguments."
                problems.append(_Problem(message, region, owner))
            elif kind == "condition":
                if name not in template.conditions:
                    message = f"{owner} uses condition {name}, which Conditions does not define."
                    problems.append(_Problem(message, region, owner))
            elif not template.is_defined(name):
                message = (
                    f"{owner} references {name}, which is neither a resource, a parameter nor "
                    "a pseudo parameter of this template."
                )
                problems.append(_Problem(message, region, owner))
    return problems


def _has_other_macros(data: dict) -> bool:
    transform = data.get("Transform")
    names = transform if isinstance(transform, list) else [transform] if transform else []
    return any(not (isinstance(n, str) and n.startswith("AWS::Serverless")) for n in names)


# Intrinsics that take a list of arguments: how many (LanguageExtensions, which allows a
# fourth FindInMap argument, is a macro, and templates with macros are not checked).
INTRINSIC_ARGUMENT_COUNTS = {
    "Fn::FindInMap": (3,), "Fn::Select": (2,), "Fn::Join": (2,), "Fn::If": (3,),
    "Fn::Split": (2,), "Fn::Cidr": (3,), "Fn::GetAtt": (2,), "Fn::Sub": (1, 2),
}  # fmt: skip


def _takes_arguments(name: str, arg: Any) -> bool:
    """Whether `arg` is a valid argument list for `name`. The string forms of GetAtt and Sub
    count, and so does a one-key map: a call whose result may be the list, or a
    preprocessor's directive (rain's `Rain::Embed`)."""
    if isinstance(arg, str):
        return name in ("Fn::GetAtt", "Fn::Sub")
    if isinstance(arg, list):
        return len(arg) in INTRINSIC_ARGUMENT_COUNTS[name]
    return isinstance(arg, dict) and len(arg) == 1


def _references(
    value: Any, region: Region, owner: str, depth: int = 0
) -> Iterator[tuple[str, Region, str, str]]:
    """(name, region, "ref"|"condition", owner) for every Ref/GetAtt/Sub/If/DependsOn name,
    and (function, region, "malformed", owner) for a call with the wrong arguments."""
    if depth > 60:
        return
    here = getattr(value, "region", None) or region
    if isinstance(value, dict):
        call = intrinsic(value)
        if call is not None:
            yield from _call_references(call, here, owner)
        for key, item in value.items():
            child_owner = owner
            if depth == 0 and owner == "Resources":
                child_owner = f"resource {key}"
                if isinstance(item, dict):
                    yield from _resource_level_references(
                        item, region_at(value, key, here), child_owner
                    )
            elif depth == 0 and owner == "Outputs":
                child_owner = f"output {key}"
            if call is not None and key == "Fn::Sub":
                item = item[1] if isinstance(item, list) and len(item) == 2 else None
            if call is not None and key == "Fn::If" and isinstance(item, list):
                item = item[1:]
            if call is not None and key in ("Ref", "Condition"):
                continue
            child_region = region_at(value, key, here) if isinstance(value, YamlMap) else here
            yield from _references(item, child_region, child_owner, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            item_region = value.item_region(index) if isinstance(value, YamlSeq) else here
            yield from _references(item, item_region, owner, depth + 1)


def _resource_level_references(
    resource: dict, region: Region, owner: str
) -> Iterator[tuple[str, Region, str, str]]:
    depends = resource.get("DependsOn")
    for name in depends if isinstance(depends, list) else [depends]:
        if isinstance(name, str):
            yield name, region_at(resource, "DependsOn", region), "ref", owner
    condition = resource.get("Condition")
    if isinstance(condition, str):
        yield condition, region_at(resource, "Condition", region), "condition", owner


def _call_references(
    call: tuple[str, Any], region: Region, owner: str
) -> Iterator[tuple[str, Region, str, str]]:
    name, arg = call
    if name in INTRINSIC_ARGUMENT_COUNTS and not _takes_arguments(name, arg):
        yield name, region, "malformed", owner
    if name == "Ref" and isinstance(arg, str):
        # SAM accepts `!Ref Function.Alias` / `!Ref Api.Stage`.
        yield arg.split(".", 1)[0], region, "ref", owner
    elif name == "Fn::GetAtt":
        target = arg[0] if isinstance(arg, list) and arg else arg
        if isinstance(target, str):
            yield target.split(".", 1)[0], region, "ref", owner
    elif name == "Fn::Sub":
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if isinstance(text, str):
            local = set(variables) if isinstance(variables, dict) else set()
            for variable in sub_variables(text):
                base = variable.split(".", 1)[0]
                if variable not in local and base not in local:
                    yield base, region, "ref", owner
    elif name == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
        yield arg[0], region, "condition", owner
