"""RFC 6902 operations applied to a whole object (guardlint/documents/json_patch_apply.py):
the object as the operations leave it, the object itself unchanged, and unknown (None) where
kustomize would fail or the operation is not followed."""

from __future__ import annotations

import pytest

from guardlint.documents.json_patch_apply import MAX_COPIES, applied_operations
from guardlint.parse.yaml_nodes import load_documents

_OBJECT = """\
spec:
  containers:
    - {name: app, securityContext: {privileged: true}}
    - {name: side}
"""


def _applied(operations: str):
    (data,) = load_documents(_OBJECT)
    (ops,) = load_documents(operations)
    return data, applied_operations(data, ops)


def test_operations_change_a_copy_of_the_object():
    data, result = _applied(
        "- {op: replace, path: /spec/containers/0/securityContext/privileged, value: false}\n"
        "- {op: add, path: /spec/containers/1, value: {name: new}}\n"
        "- {op: remove, path: /spec/containers/2}\n"
        "- {op: add, path: /spec/containers/-, value: {name: last}}\n"
        "- {op: test, path: /spec/containers/1/name, value: new}\n"
    )
    containers = result["spec"]["containers"]
    assert [c["name"] for c in containers] == ["app", "new", "last"]
    assert containers[0]["securityContext"] == {"privileged": False}
    assert data["spec"]["containers"][0]["securityContext"] == {"privileged": True}
    assert [c["name"] for c in data["spec"]["containers"]] == ["app", "side"]


def test_a_replaced_value_keeps_the_region_of_the_value_it_replaces():
    data, result = _applied(
        "- {op: replace, path: /spec/containers/0/securityContext/privileged, value: false}\n"
    )
    before = data["spec"]["containers"][0]["securityContext"]
    after = result["spec"]["containers"][0]["securityContext"]
    assert after.key_region("privileged") == before.key_region("privileged")


@pytest.mark.parametrize(
    "operations",
    [
        "- {op: replace, path: /spec/absent, value: 1}\n",
        "- {op: remove, path: /spec/containers/5}\n",
        "- {op: add, path: /spec/missing/deeper, value: 1}\n",
        "- {op: test, path: /spec/containers/0/name, value: other}\n",
        "- {op: move, from: /spec/containers/0, path: /spec/containers/0/inner}\n",
        "- {op: move, from: /spec/absent, path: /spec/there}\n",
        "- {op: copy, from: /spec/containers/9, path: /spec/containers/1}\n",
        "- {op: copy, path: /spec/containers/1}\n",
        "- {op: copy, from: /spec, path: /spec/c}\n" * (MAX_COPIES + 1),
        "- {op: add, path: '', value: {}}\n",
        "- {op: frobnicate, path: /spec, value: 1}\n",
        "- just text\n",
    ],
)
def test_an_operation_that_fails_or_is_not_followed_leaves_the_object_unknown(operations):
    assert _applied(operations)[1] is None


def test_move_takes_the_value_from_one_place_to_another():
    data, result = _applied(
        "- {op: move, from: /spec/containers/0/securityContext, path: /spec/containers/1/sc}\n"
    )
    app, side = result["spec"]["containers"]
    assert "securityContext" not in app and side["sc"] == {"privileged": True}
    assert "securityContext" in data["spec"]["containers"][0]


def test_a_copied_value_changed_in_one_place_is_not_changed_in_the_other():
    data, result = _applied(
        "- {op: add, path: /spec/containers/0/securityContext/runAsNonRoot, value: true}\n"
        "- {op: copy, from: /spec/containers/0, path: /spec/containers/0/securityContext/twin}\n"
        "- {op: replace, path: /spec/containers/0/securityContext/privileged, value: false}\n"
    )
    context = result["spec"]["containers"][0]["securityContext"]
    assert context["privileged"] is False
    assert context["twin"]["securityContext"]["privileged"] is True
    assert "twin" not in context["twin"]["securityContext"]  # no cycle
    assert data["spec"]["containers"][0]["securityContext"] == {"privileged": True}
