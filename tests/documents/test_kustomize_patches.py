"""Kustomize patches read as the partial objects they write (guardlint/documents/json_patch.py,
kustomize/json_patches.py, kustomize/inline_patches.py): RFC 6902 operations in a file a
kustomization lists with its target, and patches a kustomization writes inline. What they set
is judged; what they leave to the base never is."""

from __future__ import annotations

import pytest

from tests.conftest import run_scan, write_file
from tests.documents.test_kustomize_builds import _BASE, _PROD

# RFC 6902 operations in a file a kustomization lists with its target (patchesJson6902, or
# patches with a target): the partial object they write over the target is judged for what
# it sets (guardlint.documents.json_patch), never for what it leaves to the base.
_JSON_PATCHES = """\
resources: [../../base]
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: web}
    path: privileged.yaml
patches:
  - path: host.yaml
    target: {kind: Deployment, name: web}
"""
_PRIVILEGED_OPS = """\
- op: add
  path: /spec/template/spec/containers/0/securityContext
  value:
    privileged: true
"""
_HOST_OPS = """\
- op: replace
  path: /spec/template/spec/hostNetwork
  value: true
- op: add
  path: /spec/template/spec/containers/-
  value: {name: debug, image: "busybox:latest"}
"""


def _overlay_findings(tmp_path, files: dict[str, str]) -> set[tuple]:
    """(rule, path, line, resource) of what a scan of `files` finds in the overlays."""
    for name, text in files.items():
        write_file(tmp_path, name, text)
    return {
        (f.rule_id, f.path, f.region.start_line, f.resource)
        for f in run_scan(tmp_path).findings
        if f.path.startswith("overlays/")
    }


def test_a_kustomize_json_patch_is_judged_as_the_object_it_writes(tmp_path):
    files = {
        **_BASE,
        _PROD: _JSON_PATCHES,
        "overlays/prod/privileged.yaml": _PRIVILEGED_OPS,
        "overlays/prod/host.yaml": _HOST_OPS,
    }
    found = _overlay_findings(tmp_path, files)
    web = "Deployment default/web"
    assert found == {
        ("K8S001", "overlays/prod/privileged.yaml", 4, f"{web} container containers[0]"),
        ("K8S004", "overlays/prod/host.yaml", 2, web),
        ("K8S012", "overlays/prod/host.yaml", 6, f"{web} container debug"),
        ("K8S013", "overlays/prod/host.yaml", 6, f"{web} container debug"),
    }


@pytest.mark.parametrize(
    "kustomization",
    [
        "resources: [../../base]\n",  # not listed: operations of nothing known
        "resources: [../../base]\npatches: [{path: privileged.yaml}]\n",  # no target
        "resources: [../../base]\npatchesJson6902:\n"  # a kind no rule knows how to read
        "  - {target: {kind: Widget, name: web}, path: privileged.yaml}\n",
    ],
)
def test_operations_without_a_known_target_are_not_read(tmp_path, kustomization):
    files = {**_BASE, _PROD: kustomization, "overlays/prod/privileged.yaml": _PRIVILEGED_OPS}
    assert _overlay_findings(tmp_path, files) == set()


# Patches a kustomization writes inline (`patch: |-`, a string under patchesStrategicMerge):
# the same partial objects, placed on the kustomization's own lines.
_INLINE_PATCHES = """\
resources: [../../base]
patches:
  - target: {kind: Deployment, name: web}
    patch: |-
      - op: add
        path: /spec/template/spec/hostNetwork
        value: true
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: app
                securityContext: {privileged: true}
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: web}
    patch: '[{"op": "add", "path": "/spec/template/spec/hostPID", "value": true}]'
"""


def test_a_kustomization_s_inline_patches_are_judged_as_the_objects_they_write(tmp_path):
    files = {**_BASE, _PROD: _INLINE_PATCHES}
    found = _overlay_findings(tmp_path, files)
    assert found == {
        ("K8S004", _PROD, 6, "Deployment default/web"),
        ("K8S001", _PROD, 17, "Deployment default/web container app"),
        ("K8S005", _PROD, 20, "Deployment default/web"),
    }


@pytest.mark.parametrize(
    ("kustomization", "expected"),
    [
        # A strategic-merge patch written as a string of patchesStrategicMerge.
        ('resources: [../../base]\npatchesStrategicMerge:\n  - |-\n    apiVersion: v1\n'
         '    kind: Pod\n    metadata: {name: tool}\n    spec: {hostIPC: true}\n',
         {("K8S006", 7)}),
        # Operations without a target, or of a kind not known; a mapping that says nothing of
        # what it patches: not read.
        ('resources: [../../base]\npatches:\n  - patch: |-\n      - op: add\n'
         '        path: /spec/hostPID\n        value: true\n', set()),
        ('resources: [../../base]\npatches:\n  - target: {kind: Widget, name: w}\n'
         '    patch: \'[{"op": "add", "path": "/spec/hostPID", "value": true}]\'\n', set()),
        ('resources: [../../base]\npatches:\n  - patch: |-\n      spec: {hostPID: true}\n', set()),
    ],
)  # fmt: skip
def test_inline_patches_are_read_only_where_their_object_is_known(
    tmp_path, kustomization, expected
):
    for name, text in {**_BASE, _PROD: kustomization}.items():
        write_file(tmp_path, name, text)
    found = {
        (f.rule_id, f.region.start_line)
        for f in run_scan(tmp_path).findings
        if f.path.startswith("overlays/")
    }
    assert found == expected
