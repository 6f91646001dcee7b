"""A patch that removes a base's whole object from a build (`$patch: delete` on the patch's
root, guardlint/documents/kustomize/deletions.py): that build deploys nothing of it, so it
contributes no finding; another build that keeps it still reports it, and a patch that would
select it once it is gone leaves the answer unknown (the finding stands)."""

from __future__ import annotations

import pytest

from tests.documents.test_kustomize_deployed import OVERLAY, _indented, _scan

_DELETE = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n$patch: delete\n"
_TARGET = "target: {kind: Deployment, name: web}"
_DELETING_OVERLAYS = {
    "patchesStrategicMerge file": {
        "overlays/prod/kustomization.yaml": OVERLAY + "patchesStrategicMerge: [delete.yaml]\n",
        "overlays/prod/delete.yaml": _DELETE,
    },
    "patches file naming it": {
        "overlays/prod/kustomization.yaml": OVERLAY + "patches: [{path: delete.yaml}]\n",
        "overlays/prod/delete.yaml": _DELETE,
    },
    "patches with a target": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + f"patches:\n  - {_TARGET}\n    patch: |-\n"
        + _indented("kind: Deployment\nmetadata: {name: any}\n$patch: delete", 6),
    },
}


@pytest.mark.parametrize("overlay", list(_DELETING_OVERLAYS), ids=str)
def test_a_base_every_build_deletes_is_not_reported(tmp_path, overlay):
    assert _scan(tmp_path, "K8S001", _DELETING_OVERLAYS[overlay]) == []


@pytest.mark.parametrize("overlay", list(_DELETING_OVERLAYS), ids=str)
def test_a_build_that_keeps_the_object_still_reports_it(tmp_path, overlay):
    files = {**_DELETING_OVERLAYS[overlay], "overlays/dev/kustomization.yaml": OVERLAY}
    assert _scan(tmp_path, "K8S001", files) == [("base/deployment.yaml", 10)]


def test_a_patch_naming_the_object_after_it_is_deleted_keeps_the_finding(tmp_path):
    # kustomize fails the build: the second patch finds nothing to patch.
    files = {
        "overlays/prod/kustomization.yaml": OVERLAY
        + "patchesStrategicMerge: [delete.yaml]\npatches: [{path: patch.yaml}]\n",
        "overlays/prod/delete.yaml": _DELETE,
        "overlays/prod/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
        "metadata: {name: web}\nspec: {replicas: 2}\n",
    }
    assert _scan(tmp_path, "K8S001", files) == [("base/deployment.yaml", 10)]


@pytest.mark.parametrize(
    "root",
    ["$patch: replace", "$patch: remove", "$patch: Delete"],
)
def test_another_directive_on_the_root_keeps_the_finding(tmp_path, root):
    files = {
        **_DELETING_OVERLAYS["patches file naming it"],
        "overlays/prod/delete.yaml": _DELETE.replace("$patch: delete", root),
    }
    assert _scan(tmp_path, "K8S001", files) == [("base/deployment.yaml", 10)]


def test_a_delete_of_another_object_keeps_the_finding(tmp_path):
    files = {
        **_DELETING_OVERLAYS["patches file naming it"],
        "overlays/prod/delete.yaml": _DELETE.replace("name: web", "name: api"),
    }
    assert _scan(tmp_path, "K8S001", files) == [("base/deployment.yaml", 10)]
