"""The declarative language's JSONPath shortcuts find exactly what jsonpath-ng finds."""

from __future__ import annotations

import pytest

from guardlint.checks import match
from guardlint.checks.match import _Datum, _find, compile_path

DOCUMENTS = [
    {"hostNetwork": True, "spec": {"hostNetwork": False}},
    {
        "kind": "List",
        "items": [
            {"spec": {"template": {"spec": {"hostNetwork": True, "containers": [{"a": 1}]}}}},
            {"spec": {"hostNetwork": "yes", "x": [[{"hostNetwork": None}]]}},
        ],
    },
    {"spec": {"hostNetwork": {"hostNetwork": 1}}},
    [{"hostNetwork": 1}, "hostNetwork", ["hostNetwork"]],
    {"data": {"hostnetwork": True, "other": "hostNetwork"}},
    "hostNetwork",
    None,
]


def _by_jsonpath(expression: str, value: object) -> list[tuple[object, int, object]]:
    found = []
    for datum in compile_path(expression).find(value):
        key = datum.path.fields[0]
        found.append((datum.value, id(datum.context.value), key))
    return found


@pytest.mark.parametrize("document", DOCUMENTS)
def test_descendant_field_finds_what_jsonpath_ng_finds_in_its_order(document: object) -> None:
    shortcut = [
        (datum.value, id(datum.parent), datum.key)
        for datum in _find("$..hostNetwork", _Datum(document, None, None))
    ]
    assert shortcut == _by_jsonpath("$..hostNetwork", document)


def test_descendant_field_does_not_go_through_jsonpath_ng(monkeypatch) -> None:
    def refuse(expression: str) -> None:
        raise AssertionError(f"compiled {expression}")

    monkeypatch.setattr(match, "compile_path", refuse)
    found = _find("$..hostPID", _Datum({"spec": {"hostPID": True}}, None, None))
    assert [(datum.value, datum.key) for datum in found] == [(True, "hostPID")]
