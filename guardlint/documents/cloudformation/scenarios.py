"""The deployments of one resource, as cfn-lint's scenarios see them: CloudFormation takes the
same branch of every Fn::If on one condition, and creates a resource with `Condition: C` only
where C is true. Judging each property on its own, both branches at once, pairs a branch that
restores a snapshot with the other branch's encryption setting, a deployment that cannot
happen.

`scenarios(template, resource, values)` gives the template once per way the unknown
conditions of those values may go (conditions built on them following), each a Template whose
`condition_values` fix them, so `possible_values`, `branches` and the predicates of
guardlint.documents.cloudformation.values take one branch of each. A resource whose values
name more than MAX_CONDITIONS unknown conditions is judged on every combination at once, as
without scenarios: a finding may then pair branches, never miss one.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable
from typing import Any

from guardlint.documents.cloudformation.conditions import assuming, condition_sections
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template

MAX_CONDITIONS = 4  # at most 16 scenarios per resource
# The nodes read for Fn::If conditions in one resource's values: linear, and bounded for a
# hostile template (a condition not found is judged on both branches, as without scenarios).
_MAX_NODES = 5000
# Per template: its conditions' sections, and each scenario made, by what it assumes.
_VIEWS: weakref.WeakKeyDictionary[Template, tuple[Any, dict[frozenset, Template]]] = (
    weakref.WeakKeyDictionary()
)
# Each scenario made: the conditions it assumes, which name its deployment in a message.
_ASSUMED: weakref.WeakKeyDictionary[Template, dict[str, bool]] = weakref.WeakKeyDictionary()


def scenarios(template: Template, resource: Any, values: Iterable[Any]) -> list[Template]:
    """The template under each choice of the unknown conditions that `values` (what a check
    reads of `resource`, a resource map) branch on, with the resource's own Condition true."""
    known = template.condition_values
    if all(known.get(name) is not None for name in template.conditions):
        return [template]  # most templates: no condition to choose, no value to walk for one
    own = resource.get("Condition") if isinstance(resource, dict) else None
    unknown = _unknown(template)
    states: list[dict[str, bool]] = [{own: True} if unknown(own) else {}]
    for name in _branching_conditions(values, unknown):
        grown: list[dict[str, bool]] = []
        for state in states:
            if _view(template, state).condition_values.get(name) is None:
                grown += [{**state, name: True}, {**state, name: False}]
            else:  # fixed by the conditions already chosen
                grown.append(state)
        states = grown
    return [_view(template, state) for state in states]


def _unknown(template: Template) -> Any:
    known = template.condition_values

    def unknown(name: Any) -> bool:
        return isinstance(name, str) and name in template.conditions and known.get(name) is None

    return unknown


def _branching_conditions(values: Iterable[Any], unknown: Any) -> list[str]:
    """The unknown conditions of the Fn::If calls in `values`, in the order met; none when
    there are more than MAX_CONDITIONS."""
    names: list[str] = []
    pending = list(values)
    budget = _MAX_NODES
    while pending and budget:
        budget -= 1
        value = pending.pop()
        call = intrinsic(value)
        if call is not None and call[0] == "Fn::If" and isinstance(call[1], list) and call[1]:
            name = call[1][0]
            if unknown(name) and name not in names:
                names.append(name)
                if len(names) > MAX_CONDITIONS:
                    return []
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return names


def _view(template: Template, assumed: dict[str, bool]) -> Template:
    """The template with the conditions `assumed` fixed (itself when none are)."""
    if not assumed:
        return template
    entry = _VIEWS.get(template)
    if entry is None:
        entry = _VIEWS[template] = (
            condition_sections(template.conditions, template.parameters),
            {},
        )
    sections, views = entry
    key = frozenset(assumed.items())
    view = views.get(key)
    if view is None:
        view = views[key] = copy.copy(template)
        view.condition_values, view.parameters = assuming(sections, template.parameters, assumed)
        _ASSUMED[view] = assumed
    return view


def deployments_named(views: Iterable[Template | None], among: Iterable[Template | None]) -> str:
    """`views`, scenarios of one template, named by the conditions they assume that differ
    among the scenarios `among`: by what they all assume that no other of `among` does
    (`IsProd is false`), else one by one (`IsProd is true and UseKms is false or ...`)."""
    views = list(views)
    chosen = [_assumed(view) for view in views]
    compared = [_assumed(view) for view in among]
    varying = [
        name
        for name in dict.fromkeys(name for assumed in compared for name in assumed)
        if len({assumed.get(name) for assumed in compared}) > 1
    ]
    shared = {
        name: chosen[0].get(name) for name in varying if len({a.get(name) for a in chosen}) == 1
    }
    picked = [all(a.get(name) == value for name, value in shared.items()) for a in compared]
    if shared and sum(picked) == len({id(view) for view in views}):
        return _spelled(shared)
    named = (_spelled({name: a[name] for name in varying if name in a}) for a in chosen)
    return " or ".join(dict.fromkeys(text for text in named if text))


def _assumed(view: Template | None) -> dict[str, bool]:
    return _ASSUMED.get(view, {}) if view is not None else {}


def _spelled(assumed: dict[str, bool | None]) -> str:
    return " and ".join(f"{name} is {str(value).lower()}" for name, value in assumed.items())
