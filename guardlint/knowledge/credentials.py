"""Whether a name and its value in a structured document (a template parameter or property,
an environment variable) hard-code a credential.

Built on the shared name heuristic (guardlint.knowledge.secret_names) and detectors
(guardlint.knowledge.secrets), and aware of what structured names look like: acronyms
(DBPassword), numbered names (Secret2), names of a key or secret rather than the secret
(KmsKeyId, SecretArn), and values built from intrinsic functions (a map whose `Ref` names a
parameter is not text).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import orjson

from guardlint.knowledge.secret_names import is_secret_name, names_the_secret, secret_name_words
from guardlint.knowledge.secret_references import names_a_location
from guardlint.knowledge.secrets import (
    REMEMBERED_LENGTH,
    credential_shaped,
    find_secrets,
    is_literal_secret,
    is_stand_in,
)
from guardlint.parse.lazy_pattern import LazyPattern

# Environment variables from which the AWS SDKs and CLI (and the ECS agent, its registry auth)
# take a credential: any literal value is one (Security Hub ECS.8, CodeBuild.2).
AWS_CREDENTIAL_VARIABLES = frozenset(
    {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"}
)
# A CloudFormation dynamic reference whose value is a secret (group 1: the store), resolved
# into the property at deployment.
SECRET_DYNAMIC_REFERENCE = LazyPattern(r"\{\{resolve:(secretsmanager|ssm-secure):", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)  # property names recur in every template
def _words(name: str) -> tuple[str, ...]:
    return tuple(secret_name_words(name))


def names_key_identifier(name: str) -> bool:
    """KmsKeyId, SecretsKMSKey, SecretArn: the name of a key or secret, not its value."""
    words = _words(name)
    return "kms" in words or "arn" in words or "id" in words


def _names_kms_key_property(name: str) -> bool:
    """EncryptionKey as a resource property (CodeBuild, CodeArtifact): it takes a KMS key's
    alias, ID or ARN, never key material (an ENCRYPTION_KEY variable may hold the key)."""
    return _words(name)[-2:] == ("encryption", "key")


def looks_secret_name(name: str) -> bool:
    """The shared name heuristic (numbered names such as SecretKey2 included), without the
    names of key or secret identifiers."""
    return is_secret_name(name) and not names_key_identifier(name)


def hardcoded_credential(name: str, value: Any, property_name: bool = False) -> str | None:
    """The secret when `name: value` hard-codes a credential: a secret-looking name with a
    literal value, or a detect-secrets hit in any literal text of the value.

    For an environment variable, DB_PASSWORD: x holds the secret itself while TOKEN_TABLE: x
    merely mentions one, so the latter's value must also look like a credential. Resource
    property names are all judged the second way (AccessToken: hours is a unit, not a token).
    """
    # Exactly str: a subclass (Compose's Interpolated) carries where it came from, and the
    # secret returned is the value itself.
    if type(value) is str and type(name) is str and len(value) <= REMEMBERED_LENGTH:
        return _remembered_credential(name, value, property_name)
    return _credential(name, value, property_name)


# Most property values recur across a template and between templates (`Type: String`,
# `Allow`, ARNs of managed policies): a short text (as find_secrets remembers) is judged once
# under each name.


@functools.lru_cache(maxsize=8192)
def _remembered_credential(name: str, value: str, property_name: bool) -> str | None:
    return _credential(name, value, property_name)


def _credential(name: str, value: Any, property_name: bool) -> str | None:
    names_key = names_key_identifier(name) or (property_name and _names_kms_key_property(name))
    if not names_key and _literal_credential(name, value, property_name):
        return value
    # The members of a JSON object written as text are named values of their own; under a
    # secret's name (SecretString) or in a variable each holds what its name says.
    members_by_property_name = property_name and not is_secret_name(name)
    for text in literal_texts(value):
        matches = find_secrets(text)
        if matches:
            return matches[0].value
        for member, item in json_members(text):
            if _literal_credential(member, item, members_by_property_name):
                return item
    return None


def _literal_credential(name: str, value: Any, property_name: bool) -> bool:
    """A literal string under a secret-looking name that holds the credential: any such
    value of a variable whose last word is the secret (DB_PASSWORD), else one shaped like a
    credential (hardcoded_credential)."""
    if not isinstance(value, str) or names_key_identifier(name):
        return False
    if not is_literal_secret(name, value):
        return False
    holds_secret = names_the_secret(name) and not property_name
    return holds_secret or credential_shaped(value)


def json_members(text: str) -> Iterator[tuple[str, str]]:
    """(key, value) of every string member of a JSON object written as text, nested objects
    and arrays included (a SecretString `{"username": "admin", "password": "..."}`); nothing
    for any other text. orjson reads in linear time and refuses nesting past 1,024 levels."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return
    try:
        pending = [orjson.loads(stripped)]
    except orjson.JSONDecodeError:
        return
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                if isinstance(item, str):
                    yield key, item
                elif isinstance(item, (dict, list)):
                    pending.append(item)
        elif isinstance(current, list):
            pending.extend(item for item in current if isinstance(item, (dict, list)))


def locates_secret(value: Any) -> bool:
    """A literal that says where a secret is kept: an ARN, a path, a secret store's name for it
    (`prod/db-credentials`), a URL without credentials."""
    text = value.strip() if isinstance(value, str) else ""
    return text.startswith("arn:") or (bool(text) and names_a_location(text))


def aws_credential(name: str, value: Any) -> str | None:
    """The value, when `name` is one of AWS_CREDENTIAL_VARIABLES and the value is a literal
    that is no stand-in (a placeholder, `$VAR`)."""
    if name.strip().upper() not in AWS_CREDENTIAL_VARIABLES or not isinstance(value, str):
        return None
    return value if value.strip() and not is_stand_in(name, value) else None


def is_literal_credential(name: str, value: Any) -> bool:
    """A variable's literal value that is a credential: any literal of an AWS credential
    variable (a secret access key may start with `/`, which is_literal_secret takes for a
    path), or a literal under a secret-looking name (is_literal_secret)."""
    return aws_credential(name, value) is not None or is_literal_secret(name, value)


def environment_credential(name: str, value: Any) -> str | None:
    """The secret when an environment variable `name=value` hard-codes a credential: an AWS
    credential variable with any literal, or what hardcoded_credential finds; a number is
    judged as its text (as_passed)."""
    value = as_passed(value)
    return aws_credential(name, value) or hardcoded_credential(name, value)


def as_passed(value: Any) -> Any:
    """A value as the program given it as a variable or option reads it: such values are
    text, so a number written for one (`DB_PASSWORD: 20240611` in a buildspec, a template's
    Value, a log driver's option) is passed as its digits (TOKEN_TTL: 3600 is still judged a
    setting by its name); anything else as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def literal_texts(value: Any) -> Iterator[str]:
    """Literal strings inside a value, intrinsic arguments included (Ref names are not text)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "Ref":
                yield from literal_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from literal_texts(item)
