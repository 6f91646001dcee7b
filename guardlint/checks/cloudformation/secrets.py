"""Credentials written in a template: in a function's environment (CFN015), as a parameter that
is shown or defaulted (CFN018), in any resource property (CFN019).

Which names and values hold a credential is shared knowledge (guardlint.knowledge.credentials);
what is here is where a template keeps them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.cloudformation.property_leaves import (
    names_its_value,
    property_leaves,
    secret_texts,
)
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    LAMBDA_FUNCTION,
    SAM_FUNCTION,
    region_at,
    resources_of,
    template_of,
    value_region,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import branches, written_choices, written_text
from guardlint.knowledge.credentials import hardcoded_credential, locates_secret, looks_secret_name
from guardlint.knowledge.secret_names import is_secret_name
from guardlint.knowledge.secrets import is_stand_in, names_the_secret
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import base64_text, truth

# Parameter types whose value names an SSM parameter or a key pair: a name, not a secret.
_REFERENCE_PARAMETER_TYPES = ("AWS::SSM::Parameter::", "AWS::EC2::KeyPair::KeyName")
_NUMBER_PARAMETER_TYPES = frozenset({"Number", "List<Number>"})
# Properties that hold a password or key whenever they are set; any literal is hard-coded.
PASSWORD_PROPERTIES = frozenset(
    {"MasterUserPassword", "MasterPassword", "Password", "AdminPassword", "DBPassword",
     "SecretString", "AuthToken", "OAuthToken", "SecretToken", "ClientSecret",
     "SecretAccessKey", "PrivateKey", "Passphrase", "ApiKey", "ApiKeyValue", "WebhookSecret",
     "BindPassword"}
)  # fmt: skip
# Properties checked by their own rules (CFN015; ECS007, every container definition; the
# CodeBuild pack's CBD002 and CBD008, and its inline buildspecs): not reported twice.
_OWN_RULE_PATHS = {
    LAMBDA_FUNCTION: ("Environment",),
    SAM_FUNCTION: ("Environment",),
    "AWS::ECS::TaskDefinition": ("ContainerDefinitions",),
    "AWS::CodeBuild::Project": ("Environment", "Source", "SecondarySources"),
    "AWS::CodeBuild::SourceCredential": ("Token",),
}
# The parameters a template passes to a stack it creates, each named as the child template
# names it: like an environment variable, DbPassword holds the password whatever it looks like.
_STACK_PARAMETER_PATHS = {
    "AWS::CloudFormation::Stack": ("Parameters",),
    "AWS::Serverless::Application": ("Parameters",),
    "AWS::CloudFormation::StackSet": ("Parameters", "StackInstancesGroup"),
}
# The same parameters written as a JSON object: a pipeline's CloudFormation deploy action.
_STACK_PARAMETER_TEXTS = frozenset({"ParameterOverrides"})
# cfn-init's credentials: a resource's Metadata of this type names blocks whose camelCase
# keys hold them; each is judged as the resource property of the same meaning.
_AUTHENTICATION = "AWS::CloudFormation::Authentication"
_AUTHENTICATION_CREDENTIALS = {"secretKey": "SecretAccessKey", "password": "Password"}
# EC2 takes UserData in base64, at most 16 KB before encoding (with room for line breaks).
_USER_DATA, _USER_DATA_LIMIT = "UserData", 24_000


@check("CFN015")
def lambda_env_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    """A function's environment variable (SAM Globals included) that hard-codes a credential."""
    template = template_of(document)
    # A secret is in the repository even in a resource never created: every resource.
    for function in resources_of(document, *FUNCTION_TYPES, created_only=False):
        for variables, name in _variables(template, function.props):
            secrets = _written_secrets(template, variables, name, str(name), hardcoded_credential)
            if not secrets:
                continue
            yield _secret_hit(
                hit(
                    function,
                    f"Function {function.logical_id} sets environment variable {name} to a "
                    "hard-coded credential: anyone who can read the template or the function's "
                    "configuration can use it.",
                    variables,
                    name,
                    variable=str(name),
                ),
                secrets,
            )


def _variables(template: Template, props: YamlMap) -> Iterator[tuple[dict, Any]]:
    """(map, name) of each environment variable of a function: the Environment and its
    Variables may each be an Fn::If whose branches are maps (every branch the stack may take)."""
    for environment in _map_branches(template, props.get("Environment")):
        for variables in _map_branches(template, environment.get("Variables")):
            yield from ((variables, name) for name in variables)


def _map_branches(template: Template, value: Any) -> Iterator[dict]:
    return (v for v in branches(template, value) if isinstance(v, dict) and not intrinsic(v))


def _written_secrets(
    template: Template,
    container: Any,
    key: Any,
    name: str,
    test: Callable[[str, Any], str | None],
) -> list[tuple[str, Region | None]]:
    """(secret, where its text is written) of each credential `test` finds in
    `container[key]` as written, or in a literal it may take from the template itself (an
    Fn::If branch, a Mappings entry of an Fn::FindInMap, the literals a Fn::Sub or Fn::Join
    writes into its text)."""
    value = container[key]
    if not isinstance(value, dict):  # no Fn::If, no Fn::FindInMap: written here alone
        secret = test(name, value)
        return [(secret, value_region(container, key))] if secret else []
    found = []
    for written_in, written_at in written_choices(template, container, key):
        choice = written_in[written_at]
        text = written_text(choice)
        secret = (text is not None and test(name, text)) or test(name, choice)
        if secret:
            found.append((secret, value_region(written_in, written_at)))
    return found


def _secret_hit(found: Hit, secrets: list[tuple[str, Region | None]]) -> Hit:
    """`found`, naming the secrets and where their text is written."""
    found.secret_values = tuple(secret for secret, _ in secrets)
    found.secret_regions = tuple(region or found.region for _, region in secrets)
    return found


@check("CFN018")
def secret_parameter_exposed(document: Document, rule: Rule) -> Iterator[Hit]:
    """A parameter that holds a credential (named like one, or passed whole to a password
    property) without NoEcho, or NoEcho with a literal Default."""
    template = template_of(document)
    parameters = template.parameters
    passed = _passwords_passed(document, template)
    for name, parameter in parameters.items():
        if not isinstance(parameter, dict):
            continue
        if name in passed:
            holds = f"is passed as {passed[name]}"
        elif looks_secret_name(str(name)) and not _is_setting(parameter):
            holds = "is named like a credential"
        else:
            continue
        # A parameter whose Default names where the secret is kept takes that name, not it.
        if str(parameter.get("Type", "")).startswith(_REFERENCE_PARAMETER_TYPES) or locates_secret(
            parameter.get("Default")
        ):
            continue
        name_region = parameters.key_region(name) if isinstance(parameters, YamlMap) else Region(1)
        resource, properties = f"Parameter {name}", {"parameter": str(name)}
        default = parameter.get("Default")
        if template.is_true(parameter.get("NoEcho")) is not True:
            yield Hit(
                message=f"Parameter {name} {holds} but is not NoEcho: its value shows in the "
                "console, API responses and stack events.",
                region=name_region,
                resource=resource,
                properties=properties,
            )
        elif default not in (None, "") and not is_stand_in(str(name), default):
            yield Hit(
                message=f"Parameter {name} {holds} and has a Default: the value is written in "
                "the template.",
                region=region_at(parameter, "Default", name_region),
                resource=resource,
                properties=properties,
                secret_values=(str(default),),
            )


def _is_setting(parameter: Any) -> bool:
    """A number, a choice among the AllowedValues the template lists, or a flag (a Default of
    true or false): a setting about a credential (DBPasswordRotationDays, UseApiKey), which
    the template shows anyway, not a credential."""
    if not isinstance(parameter, dict):
        return False
    kind = str(parameter.get("Type", ""))
    allowed = parameter.get("AllowedValues")
    return (
        kind in _NUMBER_PARAMETER_TYPES
        or (isinstance(allowed, list) and bool(allowed))
        or truth(parameter.get("Default")) is not None
    )


def _passwords_passed(document: Document, template: Template) -> dict[str, str]:
    """Parameter name -> the password property that takes its value whole (`MasterUserPassword
    of Db`, by Ref, `!Sub "${X}"` or an Fn::If branch), whatever the parameter is named."""
    passed: dict[str, str] = {}
    for resource, top, container, key, name, item in property_leaves(document):
        if not isinstance(item, dict):  # a literal, no parameter passed on: most leaves
            continue  # (a leaf that is a map is an intrinsic call: property_leaves)
        password = _holds_password(name)
        if not (password or _names_a_secret(resource, top, name)):
            continue
        for written_in, written_at in written_choices(template, container, key):
            parameter = _whole_reference(written_in[written_at])
            # A flag or choice passed on (EnableApiKey) is a setting, not the credential.
            if parameter in template.parameters and (
                password or not _is_setting(template.parameters[parameter])
            ):
                passed.setdefault(parameter, f"{name} of {resource.logical_id}")
    return passed


def _names_a_secret(resource: Any, top: Any, name: str) -> bool:
    """A parameter of a stack the template creates, or a variable (_names_a_variable), named
    for the credential it holds (DbPassword, DB_PASSWORD; not TOKEN_TABLE)."""
    named = top in _STACK_PARAMETER_PATHS.get(resource.type, ()) or _names_a_variable(name)
    return named and looks_secret_name(name) and names_the_secret(name)


def _holds_password(name: str) -> bool:
    """A property that holds a credential whenever it is set (ManageMasterUserPassword is the
    switch that lets the service keep it)."""
    return name in PASSWORD_PROPERTIES or (
        name.endswith("Password") and not name.startswith("Manage")
    )


def _whole_reference(value: Any) -> str | None:
    """The name a value refers to when it is that name's value alone: `!Ref X`, `!Sub ${X}`."""
    call = intrinsic(value)
    if call is None or not isinstance(call[1], str):
        return None
    name, argument = call
    if name == "Ref":
        return argument
    whole = argument.strip()
    if name == "Fn::Sub" and whole.startswith("${") and whole.endswith("}"):
        inner = whole[2:-1].strip()
        return inner if "$" not in inner and "}" not in inner else None
    return None


@check("CFN019")
def hardcoded_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    """Any resource property (or name/value pair) that hard-codes a credential, apart from the
    properties other rules check (_OWN_RULE_PATHS)."""
    template = template_of(document)
    may_hold = secret_texts(document)
    for resource, top, container, key, name, item in property_leaves(document):
        if top in _OWN_RULE_PATHS.get(resource.type, ()):
            continue
        if isinstance(item, str):  # most leaves
            if item not in may_hold and _judged_by_value(name):
                continue  # neither test can find a credential in it (_property_secret)
        elif _writes_no_text(item):
            continue
        child = top in _STACK_PARAMETER_PATHS.get(resource.type, ())
        named = child or name in _STACK_PARAMETER_TEXTS or names_its_value(container, key, name)
        test = hardcoded_credential if named else _property_secret
        secrets = _written_secrets(template, container, key, name, test)
        if secrets:
            yield _secret_hit(
                hit(
                    resource,
                    f"Property {name} of {resource.logical_id} holds a hard-coded "
                    "credential; use a dynamic reference or a NoEcho parameter.",
                    container,
                    key,
                    property=name,
                ),
                secrets,
            )
    for resource, block_name, block, key in _authentication_credentials(document, template):
        property_name = _AUTHENTICATION_CREDENTIALS[key]
        secrets = _written_secrets(template, block, key, property_name, _property_secret)
        if secrets:
            yield _secret_hit(
                hit(
                    resource,
                    f"cfn-init authentication {block_name} of {resource.logical_id} holds a "
                    f"hard-coded {key}, which DescribeStackResource shows to anyone; give it "
                    "a roleName (the instance's role) instead.",
                    block,
                    key,
                    property=key,
                ),
                secrets,
            )


def _authentication_credentials(
    document: Document, template: Template
) -> Iterator[tuple[Any, str, dict, str]]:
    """(resource, block name, block, key) of each credential key written in a resource's
    AWS::CloudFormation::Authentication metadata."""
    for resource in resources_of(document, created_only=False):
        declared = template.resources.get(resource.logical_id)
        metadata = declared.get("Metadata") if isinstance(declared, dict) else None
        blocks = metadata.get(_AUTHENTICATION) if isinstance(metadata, dict) else None
        if not isinstance(blocks, dict) or intrinsic(blocks):
            continue
        for block_name, block in blocks.items():
            if isinstance(block, dict):
                yield from (
                    (resource, str(block_name), block, key)
                    for key in block
                    if key in _AUTHENTICATION_CREDENTIALS
                )


def _writes_no_text(value: Any) -> bool:
    """A number, flag or null, or a Ref: no text that either test reads (_property_secret,
    hardcoded_credential)."""
    if isinstance(value, dict):
        return value.keys() == {"Ref"}
    return not isinstance(value, str)


@functools.lru_cache(maxsize=8192)  # property names recur in every template
def _judged_by_value(name: str) -> bool:
    """Whether a literal under the property `name` holds a credential only when its text shows
    one: not a password property, nor encoded UserData, nor a secret-looking name."""
    return name != _USER_DATA and not _holds_password(name) and not is_secret_name(name)


def _property_secret(name: str, value: Any) -> str | None:
    script = base64_text(value, _USER_DATA_LIMIT) if name == _USER_DATA else None
    if script:  # written encoded, as templates exported from a stack write it
        return value if hardcoded_credential(name, script, property_name=True) else None
    if isinstance(value, str) and _holds_password(name):
        text = value.strip()
        # A value built around a dynamic reference (a JSON SecretString whose password is
        # `{{resolve:...}}`) takes the credential from the store, not from the template.
        if text and not is_stand_in(name, text) and "{{resolve:" not in text:
            return value
    if isinstance(value, bool) or not isinstance(value, (str, dict, list)):
        return None
    return hardcoded_credential(name, value, property_name=not _names_a_variable(name))


def _names_a_variable(name: str) -> bool:
    """A name spelt as CloudFormation's PascalCase properties never are, in capitals or with
    `_` or `-`: one the template's author gave a value (a pair's DB_PASSWORD, a Glue
    connection's PASSWORD, a map of variables), which holds what it says as an environment
    variable does. (camelCase is the spelling of embedded documents: OpenAPI, state machines.)"""
    return name.isupper() or "_" in name or "-" in name
