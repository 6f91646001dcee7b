"""Kubernetes' strategic merge of objects as written (guardlint.documents.strategic_merge):
what a Tekton step gets from its stepTemplate and an Argo pod from a podSpecPatch."""

from __future__ import annotations

from guardlint.documents.strategic_merge import Merge, PatchMerge
from guardlint.parse.located import region_of
from guardlint.parse.yaml_nodes import load_documents

_BELOW = """\
image: alpine:3.19
env: [{name: A, value: a}, {name: B, value: b}]
args: [one, two]
securityContext: {privileged: true, runAsUser: 1000}
"""
_OVER = """\
env: [{name: B, value: over}, {name: C, value: c}]
args: [three]
securityContext: {runAsUser: 0, readOnlyRootFilesystem: null}
"""


def _merged(budget: int = 100) -> tuple[dict, Merge]:
    (below,), (over,) = load_documents(_BELOW), load_documents(_OVER)
    merge = Merge(budget)
    return merge(below, over), merge


def test_maps_merge_by_key_and_lists_by_their_merge_key():
    merged, merge = _merged()
    assert merge.complete
    assert merged["image"] == "alpine:3.19"
    assert [(e["name"], e["value"]) for e in merged["env"]] == [
        ("A", "a"),
        ("B", "over"),
        ("C", "c"),
    ]
    assert merged["args"] == ["three"]  # no merge key: replaced
    assert dict(merged["securityContext"]) == {"privileged": True, "runAsUser": 0}


def test_each_value_keeps_the_region_of_the_side_it_comes_from():
    merged, _ = _merged()
    context = merged["securityContext"]
    assert region_of(merged, "image").start_line == 1  # below's line
    assert region_of(context, "privileged").start_line == 4  # below's
    assert region_of(context, "runAsUser").start_line == 3  # over's
    assert [region_of(merged["env"], i).start_line for i in range(3)] == [2, 1, 1]


def test_past_its_budget_a_merge_is_incomplete_and_the_object_over_wins():
    merged, merge = _merged(budget=5)
    assert not merge.complete
    assert "image" in merged  # the top level fitted
    assert merged["securityContext"] == {"runAsUser": 0, "readOnlyRootFilesystem": None}


def test_a_directive_is_not_followed():
    (below,), (over,) = load_documents(_BELOW), load_documents("{$patch: replace, image: x}")
    merge = Merge(100)
    assert merge(below, over) is over and not merge.complete


def test_located_below_keeps_the_regions_below_where_both_sides_write():
    (below,), (over,) = load_documents(_BELOW), load_documents("\n\n\n\n" + _OVER)
    merged = Merge(100, located_below=True)(below, over)
    assert region_of(merged, "securityContext") == region_of(below, "securityContext")
    assert region_of(merged["env"], 1) == region_of(below["env"], 1)  # B, merged by name
    assert region_of(merged["env"], 2) == region_of(over["env"], 1)  # C, only over
    assert merged["securityContext"]["runAsUser"] == 0
    assert region_of(merged["securityContext"], "runAsUser").start_line == 4


def _patched(below: str, over: str) -> tuple[dict, PatchMerge]:
    merge = PatchMerge(100)
    return merge.patched(load_documents(below)[0], load_documents(over)[0]), merge


def test_a_kustomize_patch_deletes_what_it_nulls_and_follows_patch_directives():
    merged, merge = _patched(
        _BELOW,
        "image: null\n"
        "env: [{name: A, $patch: delete}, {name: B, $patch: replace, valueFrom: {x: 1}}]\n"
        "securityContext: {$patch: replace, runAsNonRoot: true, runAsUser: null}\n"
        "$setElementOrder/env: [{name: B}]\n",
    )
    assert merge.complete
    assert "image" not in merged
    assert [dict(item) for item in merged["env"]] == [{"name": "B", "valueFrom": {"x": 1}}]
    assert dict(merged["securityContext"]) == {"runAsNonRoot": True}
    assert merged["$setElementOrder/env"] == [{"name": "B"}]  # a key like any to kustomize


def test_a_kustomize_patch_directive_not_followed_leaves_the_merge_incomplete():
    for over in (
        "$patch: delete\n",
        "securityContext: {$patch: other}\n",
        "env: [{$patch: delete}]\n",
    ):
        assert not _patched(_BELOW, over)[1].complete, over
