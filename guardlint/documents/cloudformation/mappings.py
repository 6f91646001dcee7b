"""Fn::FindInMap over the template's Mappings: `[MapName, TopLevelKey, SecondLevelKey]`, and
the AWS::LanguageExtensions transform's fourth argument `{DefaultValue: X}`, the value when
the map, the top-level key or the second-level key is not found. A top-level key that cannot
be resolved (usually AWS::Region) may be any entry of the map, or none of them (the default).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from guardlint.documents.cloudformation.intrinsics import (
    MAX_VALUES,
    UNRESOLVED,
    scalar_text,
    writable,
)
from guardlint.parse.yaml_scalars import plain_scalar

Values = Callable[[Any], list[Any]]
_MISSING = object()  # a key that is not in the map


def find_in_map(mappings: dict, arg: Any, values: Values) -> list[Any]:
    """Every value the Fn::FindInMap call with argument list `arg` can give (at most
    MAX_VALUES); `values` is the evaluator's possible values of an expression."""
    if not isinstance(arg, list) or len(arg) < 3:
        return [UNRESOLVED]
    extra = arg[3] if len(arg) > 3 else None
    has_default = isinstance(extra, dict) and "DefaultValue" in extra
    default = (lambda: values(extra["DefaultValue"])) if has_default else (lambda: [UNRESOLVED])
    results: list[Any] = []
    keys = [values(part) for part in arg[:3]]
    for map_name, top, second in itertools.product(*keys):
        if UNRESOLVED in (map_name, second):
            results.append(UNRESOLVED)
        elif top is UNRESOLVED:
            mapping = _entry(mappings, map_name)
            if mapping is not _MISSING or not has_default:
                results.extend(_any_entry(mapping, second, values))
            if has_default:
                results.extend(default())
        else:
            found = _entry(_entry(_entry(mappings, map_name), top), second)
            results.extend(default() if found is _MISSING else values(found))
        if len(results) >= MAX_VALUES:
            break
    return results


def _entry(container: Any, key: Any) -> Any:
    """container[key], or _MISSING when there is no such entry. CloudFormation's keys are
    strings, and YAML reads a plain `123456789012:` or `true:` as a number or a boolean: the key
    written that way matches too, as does a number or boolean written as text (one that cannot
    be written as text, past str()'s digits, matches only itself)."""
    if not isinstance(container, dict) or isinstance(key, (dict, list)):
        return _MISSING
    found = container.get(key, _MISSING)
    if found is _MISSING and (isinstance(key, str) or writable(key)):
        other = plain_scalar(key) if isinstance(key, str) else scalar_text(key)
        if other != key or type(other) is not type(key):
            found = container.get(other, _MISSING)
    return found


def _any_entry(mapping: Any, second: Any, values: Values) -> list[Any]:
    """The values of `second` under every top-level key of `mapping`."""
    if not isinstance(mapping, dict):
        return [UNRESOLVED]
    results: list[Any] = []
    for entry in mapping.values():
        found = _entry(entry, second)
        results.extend([UNRESOLVED] if found is _MISSING else values(found))
        if len(results) >= MAX_VALUES:
            break
    return results or [UNRESOLVED]
