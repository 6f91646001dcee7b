"""The OpenAPI definition an API Gateway API is written with inside a template (RestApi and
ApiGatewayV2 Api `Body`, SAM Api and HttpApi `DefinitionBody`): its operations, and whether
each requires a security scheme, as API Gateway imports them. A definition kept elsewhere
(BodyS3Location, DefinitionUri, Fn::Transform AWS::Include) or written behind an intrinsic is
not known here."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import get_map, may_equal
from guardlint.parse.located import YamlMap

ANY_METHOD = "x-amazon-apigateway-any-method"
# The path item keys that are operations; OPTIONS is left out: CORS preflight, never authorized.
_OPERATIONS = frozenset({"get", "put", "post", "delete", "patch", "head", ANY_METHOD})


def written_body(value: Any) -> YamlMap | None:
    """The definition when written as a literal map with literal `paths`, else None."""
    if not isinstance(value, dict) or intrinsic(value) is not None:
        return None
    return value if get_map(value, "paths") is not None else None


def operation_key(method: str) -> str:
    """The path item key of an HTTP method as SAM events name it (ANY included)."""
    return ANY_METHOD if method.lower() == "any" else method.lower()


def operations(body: YamlMap) -> Iterator[tuple[str, YamlMap, str, YamlMap]]:
    """(path, path item, key, operation) for each literal operation of a written body."""
    for path, item in (get_map(body, "paths") or {}).items():
        if not isinstance(item, dict) or intrinsic(item) is not None:
            continue  # a path item behind Fn::If
        for key, operation in item.items():
            if key in _OPERATIONS and isinstance(operation, dict) and not intrinsic(operation):
                yield str(path), item, key, operation


def requires_security(template: Template, body: YamlMap, operation: dict) -> bool | None:
    """Whether callers of `operation` must pass an authorizer: its x-amazon-apigateway-auth
    type other than NONE, else each alternative of its `security` (the body's when it has
    none) naming a scheme that is not an API key (`[]` and `{}` let anyone in; SAM writes NONE
    for no authorizer; API keys identify, they do not authorize). None when the security is
    not a literal list."""
    auth = get_map(operation, "x-amazon-apigateway-auth")
    if auth is not None and not may_equal(template, auth.get("type"), "NONE"):
        return True
    api_keys, root = _body_security(template, body)
    if "security" not in operation:
        return root
    return _requires_scheme(operation["security"], api_keys)


def _requires_scheme(security: Any, api_keys: set[Any]) -> bool | None:
    if security is None:
        return False
    if not isinstance(security, list):
        return None
    return bool(security) and all(
        isinstance(option, dict)
        and intrinsic(option) is None
        and any(name != "NONE" and name not in api_keys for name in option)
        for option in security
    )


# Per template (the bodies it holds stay alive, and so keep their ids): each body's API key
# schemes and whether its own `security` requires a scheme, read once (every operation asks).
_READ: weakref.WeakKeyDictionary[Template, dict[int, tuple[set[Any], bool | None]]] = (
    weakref.WeakKeyDictionary()
)


def _body_security(template: Template, body: YamlMap) -> tuple[set[Any], bool | None]:
    read = _READ.setdefault(template, {})
    if id(body) not in read:
        api_keys = _api_key_schemes(template, body)
        read[id(body)] = api_keys, _requires_scheme(body.get("security"), api_keys)
    return read[id(body)]


def _api_key_schemes(template: Template, body: YamlMap) -> set[Any]:
    """The names of the body's security schemes that are API keys (`type: apiKey` without
    API Gateway's authorizer extensions, which make Lambda, Cognito and IAM schemes of that
    type). A scheme the body does not define (SAM adds its Authorizers) is not one."""
    schemes = dict(get_map(body, "securityDefinitions") or {})
    schemes.update(get_map(get_map(body, "components"), "securitySchemes") or {})
    return {
        name
        for name, scheme in schemes.items()
        if isinstance(scheme, dict)
        and may_equal(template, scheme.get("type"), "apiKey")
        and "x-amazon-apigateway-authtype" not in scheme
        and "x-amazon-apigateway-authorizer" not in scheme
    }
