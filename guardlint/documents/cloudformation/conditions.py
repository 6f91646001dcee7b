"""The template's Conditions that are known without deploying it: a condition built only from
literals (`Never: !Equals [a, b]`, the idiom for a resource kept in a template but never
created) is always true or always false, whatever the parameters. A condition that reads a
parameter, a pseudo parameter or a mapping can go either way: it stays unknown (None), since
a deployment may pass any parameter value, not just the default."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic

_MAX_DEPTH = 32  # nesting of Fn::And/Or/Not and condition references read for one condition


def evaluate_conditions(conditions: dict) -> dict[str, bool | None]:
    """Each condition's name to True or False when its value is known statically, else None.
    Each is evaluated once (memoized), so conditions referring to one another stay linear."""
    known: dict[str, bool | None] = {}
    for name in conditions:
        if isinstance(name, str):
            _condition(conditions, name, known, 0)
    return known


def resource_never_created(known: dict[str, bool | None], resource: Any) -> bool:
    """Whether the resource's `Condition` is known to be false (CloudFormation skips it)."""
    name = resource.get("Condition") if isinstance(resource, dict) else None
    return isinstance(name, str) and known.get(name) is False


def taken_branches(known: dict[str, bool | None], arguments: Any) -> list[Any] | None:
    """The branches of Fn::If `arguments` (condition, then, else) the stack may take: the one
    a condition `known` statically picks, else both; None when they are not three."""
    if not isinstance(arguments, list) or len(arguments) != 3:
        return None
    value = known.get(arguments[0]) if isinstance(arguments[0], str) else None
    return arguments[1:] if value is None else [arguments[1] if value else arguments[2]]


def _condition(
    conditions: dict, name: str, known: dict[str, bool | None], depth: int
) -> bool | None:
    if name in known:
        return known[name]
    known[name] = None  # a cycle (invalid anyway) reads as unknown
    if depth <= _MAX_DEPTH:
        known[name] = _value(conditions, conditions.get(name), known, depth + 1)
    return known[name]


def _value(conditions: dict, value: Any, known: dict[str, bool | None], depth: int) -> bool | None:
    call = intrinsic(value)
    if call is None or depth > _MAX_DEPTH:
        return None
    function, arg = call
    if function == "Condition":
        return _condition(conditions, arg, known, depth) if isinstance(arg, str) else None
    if function == "Fn::Equals":
        if not isinstance(arg, list) or len(arg) != 2:
            return None
        left, right = (_literal(side) for side in arg)
        return None if left is None or right is None else left == right
    if not isinstance(arg, list) or not arg:
        return None
    parts = [_value(conditions, part, known, depth + 1) for part in arg]
    if function == "Fn::Not":
        return None if len(parts) != 1 or parts[0] is None else not parts[0]
    if function == "Fn::And":
        return False if False in parts else (True if all(parts) else None)
    if function == "Fn::Or":
        return True if True in parts else (False if all(p is False for p in parts) else None)
    return None


def _literal(value: Any) -> str | None:
    """A literal scalar as CloudFormation compares it (a string; `true` as "true")."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    return None
