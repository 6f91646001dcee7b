"""Who may call or act: API Gateway and SAM API routes without authorization, and roles,
users and functions granted AWS managed full-access policies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from itertools import islice
from typing import Any

from guardlint.checks.cloudformation.hits import hit, in_each_scenario
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, intrinsic, referenced_id
from guardlint.documents.cloudformation.openapi import (
    ANY_METHOD,
    operation_key,
    operations,
    requires_security,
    written_body,
)
from guardlint.documents.cloudformation.resources import (
    SAM_FUNCTION,
    Resource,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    get_map,
    is_set,
    map_values,
    may_be_missing,
    may_be_true,
    may_equal,
    writes_unknown_keys,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import YamlMap


def _is_private_api(template: Template, props: dict) -> bool:
    endpoint = props.get("EndpointConfiguration")
    if may_equal(template, endpoint, "PRIVATE"):
        return True
    for config in map_values(template, endpoint):
        if config is not UNRESOLVED:
            kinds = config.get("Types", config.get("Type"))
            values = kinds if isinstance(kinds, list) else [kinds]
            if any(may_equal(template, v, "PRIVATE") for v in values):
                return True
    return False


def _unset(props: dict, auth: Any) -> bool:
    """No AuthorizationType written, and none a macro (AWS::Include) may write."""
    return auth is None and not writes_unknown_keys(props)


def _method_hits(document: Document) -> Iterator[Hit]:
    """Methods and routes without authorization, in each deployment of what they read (the
    method or route key, the authorization, the API's endpoint or protocol): a method that is
    OPTIONS, or an API that is private, in one deployment exempts that deployment only."""
    template = template_of(document)
    for method in resources_of(document, "AWS::ApiGateway::Method"):
        api_id = referenced_id(method.props.get("RestApiId"))
        api = template.properties(api_id) if api_id else {}
        read = [method.props.get(key) for key in ("HttpMethod", "AuthorizationType")]
        read.append(api.get("EndpointConfiguration"))
        judge = partial(_open_method, method, api)
        yield from in_each_scenario(template, method, read, judge)
    for route in resources_of(document, "AWS::ApiGatewayV2::Route"):
        api_id = referenced_id(route.props.get("ApiId"))
        api = template.properties(api_id) if api_id else {}
        read = [route.props.get(key) for key in ("RouteKey", "AuthorizationType")]
        read.append(api.get("ProtocolType"))
        # One finding per route, naming the key of the first deployment that leaves it open.
        yield from islice(
            in_each_scenario(template, route, read, partial(_open_route, route, api)), 1
        )


def _open_method(method: Resource, api: dict, template: Template) -> Iterator[Hit]:
    exempt = may_equal(template, method.props.get("HttpMethod"), "OPTIONS")
    if not exempt and not _is_private_api(template, api):
        yield from _unauthorized(template, method, f"API Gateway method {method.logical_id} has "
                                 "AuthorizationType NONE (or none set): anyone who can reach "
                                 "the API can call it.")  # fmt: skip


def _open_route(route: Resource, api: dict, template: Template) -> Iterator[Hit]:
    key = template.resolve(route.props.get("RouteKey"))
    # WebSocket APIs authorize on $connect only; other routes cannot carry an authorizer.
    if may_equal(template, api.get("ProtocolType"), "WEBSOCKET") and key != "$connect":
        return
    if not isinstance(key, str) or key.upper().startswith("OPTIONS "):
        return
    yield from _unauthorized(
        template,
        route,
        f"API Gateway route {route.logical_id} ({key}) has no authorization: anyone who can "
        "reach the API can call it.",
    )


def _unauthorized(template: Template, resource: Resource, message: str) -> Iterator[Hit]:
    """A hit where the AuthorizationType is NONE, or is not written (nor may a macro write
    it): at the key where it is written, else on the resource."""
    auth = resource.props.get("AuthorizationType")
    if _unset(resource.props, auth) or may_equal(template, auth, "NONE"):
        props = resource.props if auth is not None else None
        yield hit(resource, message, props, "AuthorizationType")


_SAM_API_TYPES = {
    "Api": ("RestApiId", "AWS::Serverless::Api"),
    "HttpApi": ("ApiId", "AWS::Serverless::HttpApi"),
}


def _event_api(template: Template, event_type: str, event_props: dict) -> Any:
    """The properties of the SAM API an event attaches to: its RestApiId/ApiId, or the
    implicit API, which takes Globals.Api / Globals.HttpApi; None when not this template's."""
    id_key, api_type = _SAM_API_TYPES[event_type]
    if id_key not in event_props:
        implicit = template.globals.get(event_type)
        return implicit if isinstance(implicit, dict) else {}
    api_id = referenced_id(event_props[id_key])
    if not api_id or template.resource_type(api_id) != api_type:
        return None
    return template.properties(api_id)


def _has_default_authorizer(template: Template, api: dict) -> bool | None:
    """Whether the API's Auth names a DefaultAuthorizer other than NONE (None: unknown, an
    intrinsic Auth or a resource policy)."""
    if "Auth" in api and get_map(api, "Auth") is None:
        return None
    auth = get_map(api, "Auth") or {}
    if "ResourcePolicy" in auth:
        return None
    default = auth.get("DefaultAuthorizer")
    return default is not None and not may_equal(template, default, "NONE")


def _sam_api_protected(template: Template, event_type: str, event_props: dict) -> bool | None:
    """Whether the API an event attaches to authorizes its call (None: unknown): by its
    DefaultAuthorizer, which SAM also applies to every operation of a DefinitionBody, else by
    the security of the body's operation."""
    api = _event_api(template, event_type, event_props)
    if api is None or _is_private_api(template, api):
        return None
    default = _has_default_authorizer(template, api)
    if default is not False:
        return default
    if "DefinitionUri" in api:
        return None
    if "DefinitionBody" in api:
        return _operation_secured(template, event_type, api, event_props)
    return False


def _operation_secured(template: Template, event_type: str, api: dict, props: dict) -> bool | None:
    """Whether the operation of the API's OpenAPI DefinitionBody that the event names requires
    security. None when the body is not written here, holds a resource policy, or does not say.
    """
    body = written_body(api["DefinitionBody"])
    if body is None or "x-amazon-apigateway-policy" in body:
        return None
    path, method = template.resolve(props.get("Path")), template.resolve(props.get("Method"))
    if not isinstance(path, str) or not isinstance(method, str):
        return None
    item = body["paths"].get(path, {})
    if not isinstance(item, dict) or intrinsic(item) is not None:
        return None  # a path item behind Fn::If
    if operation_key(method) not in item:
        # SAM adds the route to an HTTP API's body, and to a REST API's with MergeDefinitions;
        # otherwise the event makes no method.
        added = event_type == "HttpApi" or may_be_true(template, api, "MergeDefinitions")
        return requires_security(template, body, {}) if added else None
    operation = get_map(item, operation_key(method))
    return None if operation is None else requires_security(template, body, operation)


def _overrides_default(template: Template, event_type: str, auth: dict, props: dict) -> bool:
    """Whether an event's Authorizer NONE takes the API's default authorizer away: on a REST
    API written with a DefinitionBody SAM keeps the default unless OverrideApiAuth is true."""
    if event_type != "Api" or may_be_true(template, auth, "OverrideApiAuth"):
        return True
    api = _event_api(template, event_type, props)
    return api is None or "DefinitionBody" not in api or not _has_default_authorizer(template, api)


def _api_events(document: Document) -> Iterator[tuple[Resource, Any, YamlMap, str, YamlMap]]:
    """(function, event name, event, its type, its properties) for each SAM Api and HttpApi
    event of a function, but OPTIONS (CORS preflight)."""
    template = template_of(document)
    for function in resources_of(document, SAM_FUNCTION):
        events = get_map(function.props, "Events") or {}
        for event_name, event in events.items():
            if not isinstance(event, dict):
                continue
            event_type = template.resolve(event.get("Type"))
            if not isinstance(event_type, str) or event_type not in _SAM_API_TYPES:
                continue
            props = get_map(event, "Properties") or YamlMap(getattr(event, "region", None))
            if not may_equal(template, props.get("Method"), "options"):
                yield function, event_name, event, event_type, props


def _limits_callers(auth: YamlMap) -> bool:
    """Whether an event's Auth holds a ResourcePolicy that SAM writes into its API for the
    event's path, limiting who may call it: one whose every setting is a blacklist (which
    lets everyone else in) does not; one SAM is given by an intrinsic may."""
    if intrinsic(auth.get("ResourcePolicy")) is not None:
        return True
    policy = get_map(auth, "ResourcePolicy") or {}
    return any(value and not str(key).endswith("Blacklist") for key, value in policy.items())


def _sam_event_hits(document: Document) -> Iterator[Hit]:
    template = template_of(document)
    for function, event_name, event, event_type, props in _api_events(document):
        auth = get_map(props, "Auth")
        if auth and _limits_callers(auth):
            continue
        authorizer = auth.get("Authorizer") if auth else None
        if authorizer is not None:
            if not may_equal(template, authorizer, "NONE"):
                continue
            if not _overrides_default(template, event_type, auth, props):
                continue
            why, container, key = "sets Auth.Authorizer NONE", auth, "Authorizer"
        else:
            if _sam_api_protected(template, event_type, props) is not False:
                continue
            # An Auth of an API key or blacklists only still names no authorizer.
            said = "has no Auth.Authorizer" if auth else "has no Auth"
            why, container, key = f"{said} and its API no DefaultAuthorizer", event, "Type"
            if "DefinitionBody" in (_event_api(template, event_type, props) or {}):
                why += " nor security for it in its DefinitionBody"
        yield hit(
            function,
            f"{event_type} event {event_name} of function {function.logical_id} {why}: "
            "anyone who can reach the API can invoke the function.",
            container,
            key,
            event=str(event_name),
        )


# The API resources whose OpenAPI definition may be written in the template, by its property.
_BODIES = {
    "AWS::ApiGateway::RestApi": "Body",
    "AWS::ApiGatewayV2::Api": "Body",
    "AWS::Serverless::Api": "DefinitionBody",
    "AWS::Serverless::HttpApi": "DefinitionBody",
}
_SAM_API_BODIES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


def _body_hits(document: Document) -> Iterator[Hit]:
    """Operations of an API's written OpenAPI definition that require no security; on a SAM
    API, those no event names (the event's finding says it) when it has no DefaultAuthorizer."""
    template = template_of(document)
    named = set()
    for _, _, _, event_type, props in _api_events(document):
        api_id = referenced_id(props.get(_SAM_API_TYPES[event_type][0]))
        path, method = template.resolve(props.get("Path")), template.resolve(props.get("Method"))
        if api_id and isinstance(path, str) and isinstance(method, str):
            named.add((api_id, path, operation_key(method)))
    for api in resources_of(document, *_BODIES):
        body = written_body(api.props.get(_BODIES[api.type]))
        if body is None or "x-amazon-apigateway-policy" in body:
            continue
        defaults = api.type in _SAM_API_BODIES and _has_default_authorizer(template, api.props)
        if defaults is not False or _is_private_api(template, api.props):
            continue
        for path, item, key, operation in operations(body):
            if (api.logical_id, path, key) in named:
                continue
            if requires_security(template, body, operation) is False:
                method = "ANY" if key == ANY_METHOD else key.upper()
                yield hit(
                    api,
                    f"Operation {method} {path} of API {api.logical_id}'s OpenAPI definition "
                    "requires no security: anyone who can reach the API can call it.",
                    item,
                    key,
                    operation=f"{method} {path}",
                )


def _quick_create_hits(document: Document) -> Iterator[Hit]:
    """HTTP APIs made by quick create (a Target): their one route has no authorization, and
    none can be given to it."""
    template = template_of(document)
    for api in resources_of(document, "AWS::ApiGatewayV2::Api"):
        props = api.props
        if not may_equal(template, props.get("ProtocolType"), "HTTP"):
            continue
        judge = partial(_quick_route, api)
        yield from in_each_scenario(template, api, [props.get("Target")], judge)


def _quick_route(api: Resource, template: Template) -> Iterator[Hit]:
    if is_set(template, api.props, "Target"):
        key = template.resolve(api.props.get("RouteKey", "$default"))
        route = f"route {key}" if isinstance(key, str) else "route"
        yield hit(
            api,
            f"HTTP API {api.logical_id} is quick-created (Target): its {route} has no "
            "authorization: anyone who can reach the API can call it.",
            api.props,
            "Target",
        )


@check("CFN017")
def api_no_auth(document: Document, rule: Rule) -> Iterator[Hit]:
    """API Gateway methods and routes, and SAM API events, that anyone may call."""
    yield from _method_hits(document)
    yield from _quick_create_hits(document)
    yield from _sam_event_hits(document)
    yield from _body_hits(document)


# For fullmatch. Word characters throughout are checked once, ahead: `\w*FullAccess\w*$` tries
# the end from every `FullAccess` of a long name ending in a non-word character (quadratic).
# AdministratorAccess-Amplify and -AWSElasticBeanstalk grant account administration too (AWS's
# own descriptions of them).
FULL_ACCESS = re.compile(
    r"AdministratorAccess(?:-\w++)?|PowerUserAccess|(?=\w*+\Z)\w*?FullAccess\w*+"
)


_AWS_MANAGED_ARN = re.compile(r"^arn:[\w-]+:iam::aws:policy/(?:.*/)?([\w+=,.@-]+)$")


def full_access_name(text: str, bare_names: bool) -> str | None:
    """The AWS managed full-access policy an ARN (or, with `bare_names`, a name) names."""
    match = _AWS_MANAGED_ARN.match(text.strip())
    name = match.group(1) if match else (text.strip() if bare_names else None)
    return name if name and FULL_ACCESS.fullmatch(name) else None


@check("CFN026")
def iam_full_access_managed_policy(document: Document, rule: Rule) -> Iterator[Hit]:
    """Roles, users, groups and SAM functions granted an AWS managed full-access policy."""
    template = template_of(document)
    holders = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
    sources = [(r, "ManagedPolicyArns", False) for r in resources_of(document, *holders)]
    # SAM Policies: a managed policy name or ARN as a string item (maps are policy templates
    # and statements, checked by the IAM pack). They make the role SAM creates, which it does
    # not when the resource names its own Role (unless that may be AWS::NoValue).
    sam_types = (SAM_FUNCTION, "AWS::Serverless::StateMachine")
    sources += [
        (r, "Policies", True)
        for r in resources_of(document, *sam_types)
        if may_be_missing(template, r.props, "Role")
    ]
    for resource, key, bare_names in sources:
        reported: set[str] = set()
        for container, where, text in _policy_names(template, resource.props, key):
            name = full_access_name(text, bare_names)
            if name and name not in reported:
                reported.add(name)
                yield hit(
                    resource,
                    f"{resource.logical_id} is granted the AWS managed policy {name}, far more "
                    "than any one workload needs.",
                    container,
                    where,
                    policy=name,
                )


def _policy_names(template: Template, props: YamlMap, key: str) -> Iterator[tuple[Any, Any, str]]:
    """(container, key or index, text) for each string a policy list may hold: the list may
    be a single string, or sit behind Fn::If, and so may each item."""
    for candidate in template.possible_values(props.get(key)):
        if isinstance(candidate, str):
            yield props, key, candidate
        elif isinstance(candidate, list):
            for index, item in enumerate(candidate):
                for text in template.resolved_strings(item):
                    yield candidate, index, text
