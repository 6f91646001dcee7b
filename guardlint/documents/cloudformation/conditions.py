"""The template's Conditions that are known without deploying it: a condition built only from
literals (`Never: !Equals [a, b]`, the idiom for a resource kept in a template but never
created) is always true or always false, whatever the parameters. A condition that reads a
parameter, a pseudo parameter or a mapping can go either way: it stays unknown (None), since
a deployment may pass any parameter value, not just the default; only a parameter whose
AllowedValues name one value (CloudFormation refuses any other) is that value."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, writable
from guardlint.documents.cloudformation.parameters import single_allowed_value

_MAX_DEPTH = 32  # nesting of Fn::And/Or/Not and condition references read for one condition


def evaluate_conditions(conditions: dict, parameters: Any = None) -> dict[str, bool | None]:
    """Each condition's name to True or False when its value is known statically, else None.
    Each is evaluated once (memoized), so conditions referring to one another stay linear.
    `parameters` is the template's Parameters section."""
    known: dict[str, bool | None] = {}
    sections = condition_sections(conditions, parameters)
    for name in conditions:
        if isinstance(name, str):
            _condition(sections, name, known, 0)
    return known


# The Conditions section, the parameters of one allowed value (_fixed_parameters) and, in a
# scenario, values parameters are known not to have (`assumed`).
_Sections = tuple[dict, Mapping[str, str], dict[str, set[str]]]


class _Assumed(dict):
    """Condition values with some fixed (a scenario), the others worked out when first asked:
    a scenario asks for a few of them, and a template may have hundreds."""

    def __init__(self, sections: _Sections, assumed: dict[str, bool]) -> None:
        super().__init__(assumed)
        self.sections = sections

    def get(self, name: Any, default: Any = None) -> Any:
        if isinstance(name, str) and name not in self and name in self.sections[0]:
            _condition(self.sections, name, self, 0)
        return super().get(name, default)


def condition_sections(conditions: dict, parameters: Any) -> _Sections:
    """What evaluating a template's conditions reads: its Conditions section and the
    parameters of one allowed value (read once for all of `assuming`'s scenarios)."""
    return conditions, _fixed_parameters(parameters), {}


def assuming(
    sections: _Sections, parameters: Mapping[str, Any], assumed: dict[str, bool]
) -> tuple[dict[str, bool | None], Mapping[str, Any]]:
    """The conditions' values and the Parameters section in a scenario: the conditions
    `assumed` fixed, and what they say of parameters applied. Where an assumed condition
    says `Equals [!Ref P, x]`, P is x: its Default becomes x, and every comparison of P reads
    x. Where it says P is not x (the idiom `!Not [!Equals [!Ref Snapshot, ""]]`), a Default of
    x is not P's value there, so P has none (its value is unknown), and `Equals [!Ref P, x]`
    is false. Comparisons are found through Fn::Not, Fn::And (true), Fn::Or (false) and
    references to conditions; the conditions built on them follow."""
    equal: dict[str, str] = {}
    excluded: dict[str, set[str]] = {}
    followed: set[tuple[str, bool]] = set()
    for name, value in assumed.items():
        _constrain(sections[0], {"Condition": name}, value, (equal, excluded, followed), 0)
    # Overlays: a scenario costs what it assumes, not the size of the template's sections.
    changed: dict[str, Any] = {}
    for name in equal.keys() | excluded.keys():
        parameter = parameters.get(name)
        if not isinstance(parameter, dict):
            continue
        parameter = dict(parameter)
        if name in equal:
            parameter["Default"] = equal[name]
        elif _literal(parameter.get("Default")) in excluded[name]:
            del parameter["Default"]
        changed[name] = parameter
    scenario = (sections[0], ChainMap(equal, sections[1]), excluded)
    return _Assumed(scenario, assumed), ChainMap(changed, parameters)


def _constrain(
    conditions: dict,
    value: Any,
    holds: bool,
    found: tuple[dict[str, str], dict[str, set[str]], set[tuple[str, bool]]],
    depth: int,
) -> None:
    """Record in `found` (equal, excluded) what `value` being `holds` says of parameters;
    each condition is followed once each way (the conditions followed are found[2])."""
    call = intrinsic(value)
    if call is None or depth > _MAX_DEPTH:
        return
    function, arg = call
    if function == "Condition":
        if isinstance(arg, str) and (arg, holds) not in found[2]:
            found[2].add((arg, holds))
            _constrain(conditions, conditions.get(arg), holds, found, depth + 1)
        return
    if not isinstance(arg, list):
        return
    if function == "Fn::Not" and len(arg) == 1:
        _constrain(conditions, arg[0], not holds, found, depth + 1)
    elif (function, holds) in (("Fn::And", True), ("Fn::Or", False)):
        for part in arg:
            _constrain(conditions, part, holds, found, depth + 1)
    elif function == "Fn::Equals" and len(arg) == 2:
        for name, text in _compared_parameters(arg):
            if holds:
                found[0].setdefault(name, text)
            else:
                found[1].setdefault(name, set()).add(text)


def _compared_parameters(sides: list) -> Iterator[tuple[str, str]]:
    """(parameter, literal) for a side of Fn::Equals that is `!Ref P` and another that is a
    literal."""
    for side, other in (sides, sides[::-1]):
        call = intrinsic(side)
        text = _literal(other)
        if call is not None and call[0] == "Ref" and isinstance(call[1], str) and text is not None:
            yield call[1], text


def _fixed_parameters(parameters: Any) -> dict[str, str]:
    """The parameters whose AllowedValues name a single literal, to that value."""
    fixed: dict[str, str] = {}
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        value = _literal(single_allowed_value(parameter))
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
        if left is None or right is None:  # false where a scenario rules the value out
            excluded = sections[2]
            ruled_out = any(
                text in excluded.get(name, ()) for name, text in _compared_parameters(arg)
            )
            return False if ruled_out else None
        return left == right
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
    if isinstance(value, (str, int, float)) and writable(value):
        return str(value)
    return None
