"""Overlays written to make a privileged base pass as patched safe
(guardlint/documents/kustomize/deployed.py, strategic_merge.PatchMerge): a base's finding is
dropped only where every build that deploys it patches it safe, so each patch below, which
kustomize reads otherwise than a naive merge or refuses (failing the build, which then deploys
nothing), must leave the finding; and a patch of a thousand objects costs a bounded time."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, run_scan, write_file
from tests.documents.test_kustomize_deployed import BASE, DEPLOYMENT, OVERLAY, SAFE_PATCH
from tests.hostile.conftest import processor_seconds
from tests.hostile.linear_time_cases import BUDGET, FILE_TIMEOUT

_PATCHED = OVERLAY + "patches: [{path: patch.yaml}]\n"
_TO_NULL = "- {op: replace, path: /spec/template/spec/containers/0/securityContext/privileged"
_UNPRIVILEGED = _TO_NULL + ", value: false}\n"
_HOST_PORT = DEPLOYMENT + "          ports: [{containerPort: 80, hostPort: 80}]\n"

_ATTACKS = {
    # ResId.Equals: a patch naming no namespace names `default`, not the base's `shop`.
    "a patch without the base's namespace": (
        DEPLOYMENT.replace("metadata: {name: web}", "metadata: {name: web, namespace: shop}"),
        {"overlays/prod/kustomization.yaml": _PATCHED, "overlays/prod/patch.yaml": SAFE_PATCH},
        "K8S001",
    ),
    # The object was web in shop, then x-web in shop: never x-web in `default`.
    "a name and a namespace it never had together": (
        DEPLOYMENT,
        {
            "mid/kustomization.yaml": "resources: [../base]\nnamespace: shop\nnamePrefix: x-\n",
            "overlays/prod/kustomization.yaml": "resources: [../../mid]\n"
            "patches: [{path: patch.yaml}]\n",
            "overlays/prod/patch.yaml": SAFE_PATCH.replace("name: web", "name: x-web"),
        },
        "K8S001",
    ),
    # resWrangler.Select: a target matches the first or the current namespace only.
    "a target naming a namespace it had in between": (
        DEPLOYMENT,
        {
            "mid/kustomization.yaml": "resources: [../base]\nnamespace: mid\n",
            "overlays/prod/kustomization.yaml": "resources: [../../mid]\nnamespace: prod\n"
            "patchesJson6902:\n  - path: ops.yaml\n"
            "    target: {group: apps, version: v1, kind: Deployment, name: web, namespace: mid}\n",
            "overlays/prod/ops.yaml": _UNPRIVILEGED,
        },
        "K8S001",
    ),
    # kyaml reads a duplicate key's first value, PyYAML its last.
    "a key written twice": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": _PATCHED,
            "overlays/prod/patch.yaml": SAFE_PATCH.replace(
                "{privileged: false,", "{privileged: true, privileged: false,"
            ),
        },
        "K8S001",
    ),
    # kyaml fails on a list over a map ("wrong node kind").
    "a list over a map": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": _PATCHED,
            "overlays/prod/patch.yaml": SAFE_PATCH.replace(
                "securityContext: {privileged: false, readOnlyRootFilesystem: true}",
                "securityContext: []",
            ),
        },
        "K8S001",
    ),
    # kyaml matches merge keys as written: 80.0 and 0x50 are not 80, a port of their own.
    "a merge key written as a float": (
        _HOST_PORT,
        {
            "overlays/prod/kustomization.yaml": _PATCHED,
            "overlays/prod/patch.yaml": SAFE_PATCH
            + "          ports: [{containerPort: 80.0, hostPort: null}]\n",
        },
        "K8S019",
    ),
    "a merge key written in hexadecimal": (
        _HOST_PORT,
        {
            "overlays/prod/kustomization.yaml": _PATCHED,
            "overlays/prod/patch.yaml": SAFE_PATCH
            + "          ports: [{containerPort: 0x50, hostPort: null}]\n",
        },
        "K8S019",
    ),
    # evanphx/json-patch's `test` tells true from 1 (Python's == does not): the test fails
    # kustomize's build, which deploys nothing.
    "a test that holds only in Python": (
        DEPLOYMENT.replace("spec:\n", "spec:\n  replicas: 1\n", 1),
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n"
            "      - {op: test, path: /spec/replicas, value: true}\n"
            "      " + _UNPRIVILEGED,
        },
        "K8S001",
    ),
    # Renamed by operations, the object is no longer what a later patch names.
    "operations that rename it": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n"
            "      - {op: replace, path: /metadata/name, value: api}\n"
            "  - path: patch.yaml\n",
            "overlays/prod/patch.yaml": SAFE_PATCH,
        },
        "K8S001",
    ),
    # kustomize fails a build whose strategic merge patch without a target selects no object
    # (resWrangler.GetById: "failed to find unique target for patch"): it deploys nothing.
    "a strategic merge patch that selects nothing": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "patches: [{path: patch.yaml}, {path: ghost.yaml}]\n",
            "overlays/prod/patch.yaml": SAFE_PATCH,
            "overlays/prod/ghost.yaml": SAFE_PATCH.replace("name: web", "name: ghost"),
        },
        "K8S001",
    ),
    # A generator makes ConfigMaps and Secrets only: no Deployment ghost.
    "a patch that selects nothing beside a generator": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "configMapGenerator: [{name: settings, literals: [mode=prod]}]\n"
            + "patches: [{path: patch.yaml}, {path: ghost.yaml}]\n",
            "overlays/prod/patch.yaml": SAFE_PATCH,
            "overlays/prod/ghost.yaml": SAFE_PATCH.replace("name: web", "name: ghost"),
        },
        "K8S001",
    ),
    "patchesStrategicMerge naming what the build does not hold": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": OVERLAY + "patchesStrategicMerge: [patch.yaml]\n",
            "overlays/prod/patch.yaml": SAFE_PATCH
            + "---\n"
            + SAFE_PATCH.replace("Deployment", "StatefulSet"),
        },
        "K8S001",
    ),
    # x-web is mid's web now and other's x-web first: GetMatchingResourcesByAnyId finds both.
    "a strategic merge patch that selects two objects": (
        DEPLOYMENT,
        {
            "mid/kustomization.yaml": "resources: [../base]\nnamePrefix: x-\n",
            "other/kustomization.yaml": "resources: [deployment.yaml]\nnamePrefix: y-\n",
            "other/deployment.yaml": SAFE_PATCH.replace("name: web", "name: x-web"),
            "overlays/prod/kustomization.yaml": "resources: [../../mid, ../../other]\n"
            "patches: [{path: patch.yaml}]\n",
            "overlays/prod/patch.yaml": SAFE_PATCH.replace("name: web", "name: x-web"),
        },
        "K8S001",
    ),
    # PatchTransformer: "patch and path can't be set at the same time".
    "an entry with both a patch and a path": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "patches:\n  - path: patch.yaml\n    patch: |-\n"
            + "".join(f"      {line}\n" for line in SAFE_PATCH.splitlines()),
            "overlays/prod/patch.yaml": SAFE_PATCH,
        },
        "K8S001",
    ),
    # A `patches:` entry is one patch (resource.Factory.FromBytes: "expected 1 resource").
    "a patches entry of two documents": (
        DEPLOYMENT,
        {
            "overlays/prod/kustomization.yaml": _PATCHED,
            "overlays/prod/patch.yaml": SAFE_PATCH + "---\n" + SAFE_PATCH,
        },
        "K8S001",
    ),
    # kustomize gives a strategic merge the object's apiVersion, and keeps its kind and name
    # without the options that allow their change (resWrangler.ApplySmPatch,
    # Resource.ApplySmPatch): still extensions/v1beta1, which Kubernetes no longer serves.
    "a patch written for another apiVersion": (
        DEPLOYMENT.replace("apps/v1", "extensions/v1beta1"),
        {
            "overlays/prod/kustomization.yaml": OVERLAY
            + "patches:\n  - path: patch.yaml\n    target: {kind: Deployment, name: web}\n",
            "overlays/prod/patch.yaml": SAFE_PATCH.replace("Deployment", "Pod"),
        },
        "K8S026",
    ),
}


def _scan(tmp_path, base: str, files: dict[str, str], rule: str) -> list[tuple[str, int]]:
    tree = {"base/kustomization.yaml": BASE, "base/deployment.yaml": base, **files}
    for name, text in tree.items():
        write_file(tmp_path, name, text)
    return sorted((f.path, f.region.start_line) for f in scan_rule(tmp_path, rule))


@pytest.mark.parametrize("attack", list(_ATTACKS), ids=str)
def test_a_patch_kustomize_reads_otherwise_leaves_the_base_finding(tmp_path, attack):
    base, files, rule = _ATTACKS[attack]
    alone = _scan(tmp_path / "alone", base, {}, rule)
    assert alone and _scan(tmp_path / "attacked", base, files, rule) == alone


def test_the_same_overlays_written_as_kustomize_reads_them_still_patch_safe(tmp_path):
    files = {
        "mid/kustomization.yaml": "resources: [../base]\nnamespace: shop\nnamePrefix: x-\n",
        "overlays/prod/kustomization.yaml": "resources: [../../mid]\nnamespace: prod\n"
        "patches: [{path: patch.yaml}]\n",
        "overlays/prod/patch.yaml": SAFE_PATCH.replace(
            "metadata: {name: web}", "metadata: {name: x-web, namespace: shop}"
        )
        + "          ports: [{containerPort: 80, hostPort: null}]\n",
    }
    for rule in ("K8S001", "K8S019"):
        assert _scan(tmp_path / rule, _HOST_PORT, files, rule) == [], rule


def test_a_large_patch_of_a_thousand_objects_is_applied_within_bounds(tmp_path):
    """A 1 MB strategic merge (28,000 containers) that a target by kind applies to each of a
    thousand privileged Deployments: merging it into each took 0.24 s of processor time, a
    thousand of them past the file's time budget (GL001, the findings after the 67th lost).
    The merge budget is the object's, both sides counted: past it the findings stand."""
    pods = "---\n".join(DEPLOYMENT.replace("name: web", f"name: web{n}") for n in range(1_000))
    write_file(tmp_path, "base/deployment.yaml", pods)
    write_file(tmp_path, "base/kustomization.yaml", BASE)
    containers = "".join(f"        - {{name: c{i}, image: x}}\n" for i in range(28_000))
    write_file(tmp_path, "overlays/prod/patch.yaml",
               "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: any}\n"
               f"spec:\n  template:\n    spec:\n      containers:\n{containers}")  # fmt: skip
    by_kind = "patches:\n  - path: patch.yaml\n    target: {kind: Deployment}\n"
    write_file(tmp_path, "overlays/prod/kustomization.yaml", OVERLAY + by_kind)
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"K8S001"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert processor_seconds() - started < BUDGET
    assert not findings_of(result, "GL001")
    assert len(findings_of(result, "K8S001")) == 1_000


def test_copy_operations_through_a_large_map_cost_a_bounded_work(tmp_path, monkeypatch):
    """After each RFC 6902 `copy`, each map an operation goes through is copied again: 64
    patches of 16 copies into 50,000 annotations took 2 s for one object. Each map made is
    charged to the object's budget: past it the finding stands."""
    from guardlint.documents import json_patch_apply
    from guardlint.documents.kustomize.deployed import MERGE_BUDGET

    copied: list[int] = []
    real_copy = json_patch_apply.located_copy
    monkeypatch.setattr(
        json_patch_apply, "located_copy", lambda node: copied.append(len(node)) or real_copy(node)
    )
    annotations = "".join(f"    a{n}: v\n" for n in range(5_000))
    base = DEPLOYMENT.replace(
        "metadata: {name: web}", f"metadata:\n  name: web\n  annotations:\n{annotations}"
    )
    operations = "".join(
        f"      - {{op: copy, from: /metadata/annotations/a0, path: /metadata/annotations/c{n}}}\n"
        for n in range(16)
    )
    patches = "".join(
        f"  - target: {{kind: Deployment, name: web}}\n    patch: |-\n{operations}"
        for _ in range(64)
    )
    files = {"overlays/prod/kustomization.yaml": OVERLAY + "patches:\n" + patches}
    assert _scan(tmp_path, base, files, "K8S001") == [("base/deployment.yaml", 5_013)]
    assert sum(copied) <= MERGE_BUDGET


# A privileged Deployment an overlay patches under another name, which a later patch selects.
_RENAMED = {
    "mid/kustomization.yaml": "resources: [../base]\npatches:\n  - path: patch.yaml\n"
    "    target: {kind: Deployment, name: web}\n    options: {OPTION: true}\n",
    "mid/patch.yaml": SAFE_PATCH.replace("name: web", "name: NAME").replace("Deployment", "KIND"),
    "overlays/prod/kustomization.yaml": "resources: [../../mid]\npatches:\n"
    "  - target: {kind: KIND, name: NAME}\n    patch: |-\n"
    + "".join(
        f"      {line}\n"
        for line in DEPLOYMENT.replace("name: web", "name: NAME")
        .replace("Deployment", "KIND")
        .splitlines()
    ),
}


@pytest.mark.parametrize(
    "option, name, kind",
    [("allowNameChange", "api", "Deployment"), ("allowKindChange", "web", "StatefulSet")],
)
def test_a_change_of_name_or_kind_the_options_allow_leaves_the_base_finding(
    tmp_path, option, name, kind
):
    """With the option, kustomize renames the object (or changes its kind): a later patch that
    selects it by its new name or kind, not followed here, may make it privileged again."""
    files = {
        path: text.replace("OPTION", option).replace("NAME", name).replace("KIND", kind)
        for path, text in _RENAMED.items()
    }
    assert ("base/deployment.yaml", 10) in _scan(tmp_path, DEPLOYMENT, files, "K8S001")


def test_ordinary_overlays_kustomize_builds_still_patch_safe(tmp_path):
    """Each strategic merge patch selects one object of the build (a Service of the base too,
    a ConfigMap the overlay generates), a target's patch may name another object (kustomize
    keeps the object's name), and an allowNameChange that changes nothing changes nothing."""
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
    files = {
        "base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
        "base/service.yaml": service,
        "overlays/prod/kustomization.yaml": OVERLAY
        + "patchesStrategicMerge: [patch.yaml, service.yaml, settings.yaml]\n"
        + "configMapGenerator: [{name: settings, literals: [mode=prod]}]\n",
        "overlays/prod/settings.yaml": "apiVersion: v1\nkind: ConfigMap\n"
        "metadata: {name: settings}\ndata: {mode: prod}\n",
        "overlays/prod/patch.yaml": SAFE_PATCH,
        "overlays/prod/service.yaml": service.replace("80", "8080"),
        "overlays/dev/kustomization.yaml": OVERLAY
        + "patches:\n  - path: patch.yaml\n    target: {kind: Deployment, name: web}\n"
        "    options: {allowNameChange: true}\n",
        "overlays/dev/patch.yaml": SAFE_PATCH,
        "overlays/test/kustomization.yaml": OVERLAY
        + "patches:\n  - path: patch.yaml\n    target: {kind: Deployment}\n",
        "overlays/test/patch.yaml": SAFE_PATCH.replace("name: web", "name: not-important"),
    }
    assert _scan(tmp_path, DEPLOYMENT, files, "K8S001") == []
