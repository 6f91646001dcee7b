"""Is the policy document valid: its grammar (IAM010: Version, Effect, required and exclusive
elements, action form, Sid) and its action names (IAM011: actions no AWS service has)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from guardlint.checks.iam.hits import capitalized, listing, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.policy import IDENTITY, RESOURCE, TRUST, Policy, Statement, policy_of
from guardlint.documents.iam.policy_properties import PERMISSION_PROPERTIES
from guardlint.documents.iam.sam_templates import WRITTEN_BY_SAM
from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import ACTION_FORM, expand, is_known_service, matches
from guardlint.knowledge.placeholders import INTERPOLATION_SOURCE, is_filled_in_later
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.linear_regex import compile_linear
from guardlint.parse.located import YamlMap

_VERSIONS = ("2012-10-17", "2008-10-17")
_EFFECTS = ("Allow", "Deny")
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))
_SID = re.compile(r"^[A-Za-z0-9]*$")
_DOCUMENT_ELEMENTS = frozenset({"Version", "Id", "Statement"})
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_LISTS = ("Action", "NotAction", "Resource", "NotResource")
# Condition operators, lower-case (IAM reads their names in any case), before an IfExists.
_OPERATORS = frozenset(
    f"{kind}{test}"
    for kind, tests in (
        ("string", ("equals", "notequals", "equalsignorecase", "notequalsignorecase")),
        ("string", ("like", "notlike")),
        ("numeric", ("equals", "notequals", "lessthan", "lessthanequals")),
        ("numeric", ("greaterthan", "greaterthanequals")),
        ("date", ("equals", "notequals", "lessthan", "lessthanequals")),
        ("date", ("greaterthan", "greaterthanequals")),
        ("arn", ("equals", "like", "notequals", "notlike")),
        ("", ("bool", "binaryequals", "ipaddress", "notipaddress", "null")),
    )
    for test in tests
)
# Every element the policy grammar lets a statement have (names are case-sensitive).
_STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction"}
    | {"Resource", "NotResource", "Condition"}
)


def _version_problems(policy: Policy) -> Iterator[tuple[str, Region, Severity | None]]:
    data = policy.data
    if not isinstance(data, YamlMap) or "Statement" not in data:
        return  # no policy to speak of: _document_problems reports it
    if "Version" not in data:
        yield (
            "has no Version, so AWS applies the 2008-10-17 language where policy variables "
            "such as ${aws:username} are plain text; add Version: 2012-10-17",
            data.key_region("Statement"),
            Severity.LOW,
        )
        return
    versions = [item.text for item in policy.values(data, "Version")]
    if len(versions) != 1 or versions[0] is None:
        return
    if versions[0] == "2008-10-17":
        yield (
            "uses the old 2008-10-17 Version, where policy variables are plain text",
            data.value_region("Version"),
            Severity.LOW,
        )
    elif versions[0] not in _VERSIONS:
        yield (
            f"has Version `{versions[0]}`; AWS accepts only 2012-10-17 (or 2008-10-17)",
            data.value_region("Version"),
            None,
        )


def _document_problems(policy: Policy) -> Iterator[tuple[str, Region]]:
    data = policy.data
    if not isinstance(data, YamlMap):
        return
    unknown = [key for key in data if key not in _DOCUMENT_ELEMENTS]
    if "Statement" not in data:
        # One finding: a statement written without its wrapper is one mistake, not several.
        others = (
            f" ({listing([str(key) for key in unknown])} are not elements of a policy document)"
        )
        yield "has no Statement, so AWS rejects it" + (others if unknown else ""), data.region
        return
    if data["Statement"] in (None, [], {}):
        yield "has an empty Statement: it allows nothing", data.value_region("Statement")
    for key in unknown:
        yield (
            f"has element `{key}`, which the policy grammar does not have (only Version, Id "
            "and Statement)",
            data.key_region(key),
        )


def _resource_implied(policy: Policy, rule: Rule) -> bool:
    """A resource policy whose resource is where it is attached, so it names none: by the
    resource type it sits in, or (standalone) by the services of every action it grants."""
    if policy.kind != RESOURCE:
        return False
    if policy.resource_type:
        return policy.resource_type in rule.options.get("implied_resource_types", ())
    services = {str(s).lower() for s in rule.options.get("implied_resource_services", ())}
    prefixes = {
        (item.text or "").split(":", 1)[0].strip().lower()
        for statement in policy.statements
        for element in ("Action", "NotAction")
        for item in statement.items(element)
    }
    return bool(prefixes) and prefixes <= services


def _statement_problems(
    policy: Policy, statement: Statement, rule: Rule, resource_implied: bool
) -> Iterator[tuple[str, Region]]:
    node = statement.node
    if "Effect" not in node:
        yield "has no Effect", node.region
    elif statement.effect is not None and statement.effect not in _EFFECTS:
        yield (
            f"has Effect `{statement.effect}`; only Allow or Deny is valid",
            node.value_region("Effect"),
        )
    for key in node:
        if key not in _STATEMENT_ELEMENTS:
            yield (
                f"has element `{key}`, which the policy grammar does not have (AWS rejects "
                "the policy)",
                node.key_region(key),
            )
    for positive, negative in _EXCLUSIVE:
        if positive in node and negative in node:
            yield f"has both {positive} and {negative}", node.key_region(negative)
    for element in _LISTS:
        if element in node and node[element] == []:
            yield f"has an empty {element} list", node.value_region(element)
    if "Action" not in node and "NotAction" not in node:
        yield "has neither Action nor NotAction", node.region
    if (
        policy.kind != TRUST
        and not resource_implied
        and "Resource" not in node
        and "NotResource" not in node
    ):
        yield "has neither Resource nor NotResource", node.region
    if policy.kind == TRUST and policy.owner:
        for element in ("Resource", "NotResource"):
            if element in node:
                yield (
                    f"has {element}, which a role trust policy must not have (AWS rejects it: "
                    "the role is the resource)",
                    node.key_region(element),
                )
    if policy.kind == IDENTITY and policy.owner and ("Principal" in node or "NotPrincipal" in node):
        yield (
            "names a Principal, which an identity policy must not",
            node.key_region("Principal" if "Principal" in node else "NotPrincipal"),
        )
    if (
        policy.kind in (RESOURCE, TRUST)
        and policy.owner
        and not ("Principal" in node or "NotPrincipal" in node)
    ):
        yield "has no Principal, which a resource or trust policy requires", node.region
    condition = node.get("Condition")
    if isinstance(condition, YamlMap) and not intrinsic(condition):
        for operator in condition:
            name = "Null" if operator is None else str(operator)  # YAML reads `Null:` as null
            if not _is_operator(name):
                yield (
                    f"has Condition operator `{name}`, which IAM does not have",
                    condition.key_region(operator),
                )
    if policy.document.meta.get("property") not in PERMISSION_PROPERTIES:
        for element in ("Resource", "NotResource"):
            for item in statement.items(element):
                if problem := _resource_problem(item, policy, rule):
                    yield f"has {element} {problem}", item.region
        for element in ("Principal", "NotPrincipal"):
            if element in node and (problem := _principal_problem(node[element])):
                yield f"has {element} {problem}", node.value_region(element)
    for element in ("Action", "NotAction"):
        for item in statement.items(element):
            text = (item.text or "").strip()
            if item.text is not None and text != "*" and not ACTION_FORM.match(text):
                yield (
                    f"has {element} `{item.text}`, which is not in `service:action` form",
                    item.region,
                )
    if policy.kind == IDENTITY and statement.sid and not _SID.match(statement.sid):
        yield (
            f"has Sid `{statement.sid}`; IAM accepts only letters and digits there",
            node.value_region("Sid"),
        )


def _resource_problem(item: Item, policy: Policy, rule: Rule) -> str | None:
    """What makes a Resource entry neither `*` nor an ARN: a name written out, or a Ref to a
    resource whose Ref is not its ARN."""
    if isinstance(item.raw, str):
        text = item.raw.strip()
        # On RE2: `re` searches an unclosed `{{{{...` again from every `{{`, to the end.
        if is_filled_in_later(text) or compile_linear(INTERPOLATION_SOURCE).search(text):
            return None  # a rendered policy's placeholder (templatefile, envsubst, Jinja)
        shorthands = tuple(str(s).lower() for s in rule.options.get("resource_shorthands", ()))
        if text != "*" and not text.lower().startswith(("arn:", *shorthands)):
            return f"`{text}`, which is neither `*` nor an ARN (AWS rejects it)"
        return None
    call = intrinsic(item.raw)
    template = policy.document.meta.get("template")
    if not call or call[0] != "Ref" or not isinstance(template, Template):
        return None
    resource = template.resources.get(call[1]) if isinstance(call[1], str) else None
    kind = resource.get("Type") if isinstance(resource, dict) else None
    if kind in rule.options.get("ref_is_no_arn", ()):
        return (
            f"`!Ref {call[1]}`, the {kind}'s name, URL or ID rather than its ARN (AWS rejects "
            f"it): write `!GetAtt {call[1]}.Arn`"
        )
    return None


def _is_operator(name: str) -> bool:
    """A Condition operator: a test, with IfExists (not Null's) and a set qualifier or not."""
    qualifier, _, test = name.lower().rpartition(":")
    if qualifier not in ("", "forallvalues", "foranyvalue"):
        return False
    base = test.removesuffix("ifexists")
    return base in _OPERATORS and not (base == "null" and base != test)


def _principal_problem(value: Any) -> str | None:
    """What makes a Principal value other than `*` or a map of principal types."""
    if value == "*" or (isinstance(value, dict) and intrinsic(value)):
        return None
    if isinstance(value, dict):
        unknown = [str(key) for key in value if key not in _PRINCIPAL_TYPES]
        types = ", ".join(_PRINCIPAL_TYPES)
        return f"type `{unknown[0]}`; the types are {types}" if unknown else None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"`{value}`, which is neither `*` nor a map such as {{AWS: {value}}}"
    return "that is neither `*` nor a map of principal types (a list, or empty)"


@check("IAM010")
def malformed_policy(document: Document, rule: Rule) -> Iterator[Hit]:
    """Policy documents IAM would reject or read differently: Version, Statement, Effect,
    required and exclusive elements, action form, Sids."""
    policy = policy_of(document)
    if policy.document.meta.get(WRITTEN_BY_SAM):
        return  # AWS wrote it
    for problem, region, severity in _version_problems(policy):
        yield policy_hit(
            policy, None, f"{capitalized(policy.where())} {problem}.", region, severity
        )
    for problem, region in _document_problems(policy):
        yield policy_hit(policy, None, f"{capitalized(policy.where())} {problem}.", region)
    for region in policy.invalid_entries:
        yield policy_hit(
            policy,
            None,
            f"{capitalized(policy.where())} has a Statement entry that is not a map.",
            region,
        )
    seen_sids: dict[str, int] = {}
    resource_implied = _resource_implied(policy, rule)
    for statement in policy.statements:
        for problem, region in _statement_problems(policy, statement, rule, resource_implied):
            yield policy_hit(policy, statement, f"{policy.where(statement)} {problem}.", region)
        if statement.sid:
            first = seen_sids.setdefault(statement.sid, statement.index)
            if first != statement.index:
                yield policy_hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} repeats Sid `{statement.sid}` of Statement "
                    f"{first}; Sids must be unique within a policy.",
                    statement.node.value_region("Sid"),
                )


@check("IAM011")
def unknown_action(document: Document, rule: Rule) -> Iterator[Hit]:
    """Action and NotAction entries that match no action of the IAM action database."""
    policy = policy_of(document)
    if policy.document.meta.get(WRITTEN_BY_SAM):
        return  # AWS wrote it: SQSPollerPolicy still names sqs:DeleteMessageBatch
    extra = [str(pattern) for pattern in rule.options.get("known_actions", ())]
    for statement in policy.statements:
        for element in ("Action", "NotAction"):
            for item in statement.items(element):
                problem = _unknown_action_problem(item, extra)
                if problem:
                    yield policy_hit(
                        policy,
                        statement,
                        f"{policy.where(statement)} has {element} `{item.text}`: {problem}, "
                        "so it grants or denies nothing (a typo, or a made-up name).",
                        item.region,
                        action=item.text,
                    )


def _unknown_action_problem(item: Item, extra: list[str]) -> str | None:
    text = (item.text or "").strip()
    form = ACTION_FORM.match(text)
    if not form or text in ("*", "*:*"):
        return None  # unresolved, `*`, or malformed (IAM010's)
    if any(matches(pattern, text.lower()) or matches(text, pattern.lower()) for pattern in extra):
        return None
    if expand(text):
        return None
    prefix = form.group(1)
    if "*" not in prefix and "?" not in prefix and not is_known_service(prefix):
        return f"`{prefix}` is not an AWS service prefix"
    return f"no {prefix} action matches it"
