"""The template's Conditions that are known without deploying it: a condition built only from
literals (`Never: !Equals [a, b]`, the idiom for a resource kept in a template but never
created) is always true or always false, whatever the parameters. A condition that reads a
parameter, a pseudo parameter or a mapping can go either way: it stays unknown (None), since
a deployment may pass any parameter value, not just the default; only a parameter whose
AllowedValues name one value (CloudFormation refuses any other) is that value."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic

_MAX_DEPTH = 32  # nesting of Fn::And/Or/Not and condition references read for one condition


def evaluate_conditions(conditions: dict, parameters: Any = None) -> dict[str, bool | None]:
    """Each condition's name to True or False when its value is known statically, else None.
    Each is evaluated once (memoized), so conditions referring to one another stay linear.
    `parameters` is the template's Parameters section."""
    known: dict[str, bool | None] = {}
    fixed = _fixed_parameters(parameters)
    for name in conditions:
        if isinstance(name, str):
            _condition((conditions, fixed), name, known, 0)
    return known


def _fixed_parameters(parameters: Any) -> dict[str, str]:
    """The parameters whose AllowedValues name a single literal (not lists: their Ref is a
    list), to that value."""
    fixed: dict[str, str] = {}
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        allowed = parameter.get("AllowedValues") if isinstance(parameter, dict) else None
        kind = str(parameter.get("Type", "")) if isinstance(parameter, dict) else ""
        # A list parameter's Ref is a list, never equal to a string.
        is_list = kind.startswith("List<") or kind == "CommaDelimitedList"
        if is_list or not isinstance(allowed, list):
            continue
        value = _literal(allowed[0]) if len(allowed) == 1 else None
        if isinstance(name, str) and value is not None:
            fixed[name] = value
    return fixed


def resource_never_created(known: dict[str, bool | None], resource: Any) -> bool:
    """Whether the resource's `Condition` is known to be false (CloudFormation skips it)."""
    name = resource.get("Condition") if isinstance(resource, dict) else None
    return isinstance(name, str) and known.get(name) is False


def resource_surely_created(known: dict[str, bool | None], resource: Any) -> bool:
    """Whether the resource has no `Condition`, or one known to be true."""
    name = resource.get("Condition") if isinstance(resource, dict) else None
    return name is None or (isinstance(name, str) and known.get(name) is True)


def undecided(known: dict[str, bool | None], value: Any) -> bool:
    """Whether a condition not known statically chooses the value: an `Fn::If` of one (after
    those `known` decides), or, for a list, of one of its entries."""
    for _ in range(_MAX_DEPTH):
        call = intrinsic(value)
        if not call or call[0] != "Fn::If":
            break
        taken = taken_branches(known, call[1])
        if taken is None or len(taken) != 1:
            return True
        value = taken[0]
    else:
        return True
    return isinstance(value, list) and any(
        (call := intrinsic(entry)) is not None and call[0] == "Fn::If" and undecided(known, entry)
        for entry in value
    )


def taken_branches(known: dict[str, bool | None], arguments: Any) -> list[Any] | None:
    """The branches of Fn::If `arguments` (condition, then, else) the stack may take: the one
    a condition `known` statically picks, else both; None when they are not three."""
    if not isinstance(arguments, list) or len(arguments) != 3:
        return None
    value = known.get(arguments[0]) if isinstance(arguments[0], str) else None
    return arguments[1:] if value is None else [arguments[1] if value else arguments[2]]


# The Conditions section and the parameters of one allowed value (_fixed_parameters).
_Sections = tuple[dict, dict[str, str]]


def _condition(
    sections: _Sections, name: str, known: dict[str, bool | None], depth: int
) -> bool | None:
    if name in known:
        return known[name]
    known[name] = None  # a cycle (invalid anyway) reads as unknown
    if depth <= _MAX_DEPTH:
        known[name] = _value(sections, sections[0].get(name), known, depth + 1)
    return known[name]


def _value(
    sections: _Sections, value: Any, known: dict[str, bool | None], depth: int
) -> bool | None:
    call = intrinsic(value)
    if call is None or depth > _MAX_DEPTH:
        return None
    function, arg = call
    if function == "Condition":
        return _condition(sections, arg, known, depth) if isinstance(arg, str) else None
    if function == "Fn::Equals":
        if not isinstance(arg, list) or len(arg) != 2:
            return None
        left, right = (_literal(side, sections[1]) for side in arg)
        return None if left is None or right is None else left == right
    if not isinstance(arg, list) or not arg:
        return None
    parts = [_value(sections, part, known, depth + 1) for part in arg]
    if function == "Fn::Not":
        return None if len(parts) != 1 or parts[0] is None else not parts[0]
    if function == "Fn::And":
        return False if False in parts else (True if all(parts) else None)
    if function == "Fn::Or":
        return True if True in parts else (False if all(p is False for p in parts) else None)
    return None


def _literal(value: Any, fixed: dict[str, str] | None = None) -> str | None:
    """A literal scalar as CloudFormation compares it (a string; `true` as "true"), or the
    Ref of a parameter `fixed` to one value."""
    call = intrinsic(value)
    if call is not None:
        name = call[1] if call[0] == "Ref" else None
        return fixed.get(name) if fixed and isinstance(name, str) else None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    return None
