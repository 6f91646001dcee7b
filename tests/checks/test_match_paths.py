"""The declarative language's JSONPath shortcuts find exactly what jsonpath-ng finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.checks import match, match_paths
from guardlint.checks.match import compile_path, evaluate, run_match
from guardlint.checks.match_paths import Datum, shortcut_find
from guardlint.model.documents import Document
from guardlint.model.rules import Rule, Severity

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
        for datum in shortcut_find("$..hostNetwork", document)
    ]
    assert shortcut == _by_jsonpath("$..hostNetwork", document)


KEYS = st.sampled_from(["a", "b", "services", "instruction", "value", "A", 0, 1])
SCALARS = st.one_of(
    st.sampled_from(["WORKDIR", "workdir", "x", "", "1"]),
    st.integers(0, 2),
    st.none(),
    st.booleans(),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=25,
)
SHORTCUT_FORMS = [
    "a", "value", "a.b", "$.a", "$.a.b", "a.b.a", "$.services.*", "a.*",
    "$.a[?instruction == 'WORKDIR']", "a.b[?value == '1']", "$..a", "$..instruction",
]  # fmt: skip


def _general(expression: str, value: object) -> list[tuple[object, int, object]]:
    found = []
    for datum in compile_path(expression).find(value):
        path = datum.path
        key = getattr(path, "fields", None) or getattr(path, "indices", None)
        found.append((datum.value, id(datum.context.value), key[0] if key else None))
    return found


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(KEYS, DATA, max_size=5), expression=st.sampled_from(SHORTCUT_FORMS))
def test_shortcuts_find_what_jsonpath_ng_finds(document: dict, expression: str) -> None:
    shortcut = shortcut_find(expression, document)
    assert shortcut is not None, expression
    found = [(datum.value, id(datum.parent), datum.key) for datum in shortcut]
    assert found == _general(expression, document)


@pytest.mark.parametrize(
    "expression", ["['pid','ipc']", "$.a[0]", "a[*].b", "$.a[?b == 1]", "$", "a..b", "a-b"]
)
def test_other_forms_go_to_jsonpath_ng(expression: str) -> None:
    assert shortcut_find(expression, {"a": [{"b": 1}]}) is None


def test_predicates_on_shortcut_paths_do_not_go_through_jsonpath_ng(monkeypatch) -> None:
    def refuse(expression: str) -> None:
        raise AssertionError(f"compiled {expression}")

    monkeypatch.setattr(match, "compile_path", refuse)
    subject = Datum(
        {"spec": {"hostPID": True}, "instructions": [{"instruction": "EXPOSE"}]}, None, None
    )
    holds, found = evaluate({"path": "$..hostPID", "equals": True}, subject)
    assert holds and [(datum.value, datum.key) for datum in found] == [(True, "hostPID")]
    path = "$.instructions[?instruction == 'EXPOSE']"
    assert evaluate({"path": path, "exists": True}, subject)[0]
    assert evaluate({"path": "spec.hostPID", "equals": True}, subject)[0]


def test_recursive_descent_rules_share_one_walk_of_a_document(monkeypatch) -> None:
    """Every `$..field` of every rule on one document looks in the maps listed on the first
    ask (a walk of the whole document per rule otherwise), and finds what a walk finds."""
    walks = []
    maps_in = match_paths._maps_in

    def counting(value: object) -> list:
        walks.append(value)
        return maps_in(value)

    monkeypatch.setattr(match_paths, "_maps_in", counting)
    data = DOCUMENTS[1]
    document = Document("kubernetes", "pod.yaml", data, [])
    for field in ("hostNetwork", "hostPID", "hostIPC", "hostNetwork"):
        rule = Rule(
            "T1", "t", "t", Severity.HIGH, "c", "kubernetes", ("kubernetes",),
            match={"where": {"path": f"$..{field}", "exists": True}},
        )  # fmt: skip
        hits = list(run_match(document, rule))
        assert bool(hits) == (field == "hostNetwork")
    assert walks == [data]
    descendants = match_paths.Descendants(document)
    for document_data in DOCUMENTS:
        document.data = document_data  # a new document's data is walked again
        shared = shortcut_find("$..hostNetwork", document_data, descendants)
        alone = shortcut_find("$..hostNetwork", document_data)
        assert [(d.value, id(d.parent), d.key) for d in shared] == [
            (d.value, id(d.parent), d.key) for d in alone
        ]
    assert len(walks) == 1 + 2 * len(DOCUMENTS)
