"""What each kustomize build emits of a base's object once its patches change it
(guardlint/documents/kustomize/deployed.py): a finding on the base stands only where some
build's object still has it, so a base every overlay patches safe is not reported, and one
some build leaves unsafe is, once, at the base. What is not known (a patch that cannot be
read, a target that may not select the object) leaves the finding."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, run_scan, write_file

_CONTAINER = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
"""
DEPLOYMENT = (
    _CONTAINER + "          image: app:1.4\n          securityContext: {privileged: true}\n"
)
SAFE_PATCH = (
    _CONTAINER
    + """\
          securityContext: {privileged: false, readOnlyRootFilesystem: true}
          resources:
            limits: {memory: 256Mi, cpu: 500m}
            requests: {memory: 128Mi, cpu: 100m}
"""
)
_OPERATIONS = """\
- op: replace
  path: /spec/template/spec/containers/0/securityContext/privileged
  value: false
- op: add
  path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem
  value: true
- op: add
  path: /spec/template/spec/containers/0/resources
  value: {limits: {memory: 256Mi, cpu: 500m}, requests: {memory: 128Mi, cpu: 100m}}
"""
_TARGET = "target: {group: apps, version: v1, kind: Deployment, name: web}"
BASE = "resources: [deployment.yaml]\n"
OVERLAY = "resources: [../../base]\n"


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


# One overlay, patched in each way kustomize reads a patch.
_PATCHED_OVERLAYS = {
    "strategic merge file": {
        "overlays/prod/kustomization.yaml": OVERLAY + "patches: [{path: patch.yaml}]\n",
        "overlays/prod/patch.yaml": SAFE_PATCH,
    },
    "patchesStrategicMerge file": {
        "overlays/prod/kustomization.yaml": OVERLAY + "patchesStrategicMerge: [patch.yaml]\n",
        "overlays/prod/patch.yaml": SAFE_PATCH,
    },
    "JSON 6902 file": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + f"patchesJson6902:\n  - path: ops.yaml\n    {_TARGET}\n",
        "overlays/prod/ops.yaml": _OPERATIONS,
    },
    "operations under patches": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + f"patches:\n  - path: ops.yaml\n    {_TARGET}\n",
        "overlays/prod/ops.yaml": _OPERATIONS,
    },
    "inline strategic merge": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + "patches:\n  - patch: |-\n"
        + _indented(SAFE_PATCH, 6),
    },
    "inline operations": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + f"patches:\n  - {_TARGET}\n    patch: |-\n"
        + _indented(_OPERATIONS, 6),
    },
    "target by kind only": {
        "overlays/prod/kustomization.yaml": OVERLAY
        + "patches:\n  - target: {kind: Deployment}\n    patch: |-\n"
        + _indented(_OPERATIONS, 6),
    },
    "patched by the base's own kustomization, built alone": {
        "base/kustomization.yaml": BASE + "patches: [{path: patch.yaml}]\n",
        "base/patch.yaml": SAFE_PATCH,
    },
}


_NOT_UTF8 = "written as bytes that are not UTF-8"


def _scan(tmp_path, rule: str, files: dict[str, str]) -> list[tuple[str, int]]:
    tree = {"base/kustomization.yaml": BASE, "base/deployment.yaml": DEPLOYMENT, **files}
    for name, text in tree.items():
        if text == _NOT_UTF8:
            write_file(tmp_path, name, "").write_bytes(SAFE_PATCH.encode("utf-16"))
        else:
            write_file(tmp_path, name, text)
    return sorted((f.path, f.region.start_line) for f in scan_rule(tmp_path, rule))


# K8S001 (privileged), K8S010 (readOnlyRootFilesystem), K8S011 (resource limits): three
# families of rule, one judgement.
_RULES = ("K8S001", "K8S010", "K8S011")


@pytest.mark.parametrize("rule", _RULES)
@pytest.mark.parametrize("overlay", list(_PATCHED_OVERLAYS), ids=str)
def test_a_base_every_build_patches_safe_is_not_reported(tmp_path, rule, overlay):
    assert _scan(tmp_path, rule, _PATCHED_OVERLAYS[overlay]) == []


@pytest.mark.parametrize("rule", _RULES)
def test_a_base_no_build_patches_is_reported_at_the_base(tmp_path, rule):
    found = _scan(tmp_path, rule, {"overlays/prod/kustomization.yaml": OVERLAY})
    assert found and {path for path, _ in found} == {"base/deployment.yaml"}


@pytest.mark.parametrize("rule", _RULES)
def test_one_overlay_that_leaves_the_base_unsafe_keeps_its_finding_once(tmp_path, rule):
    files = {
        **_PATCHED_OVERLAYS["strategic merge file"],
        "overlays/dev/kustomization.yaml": OVERLAY,
    }
    expected = _scan(tmp_path / "alone", rule, {})
    found = _scan(tmp_path / "overlays", rule, files)
    assert found == expected and found


def test_the_base_applied_alone_is_judged_as_written(tmp_path):
    assert _scan(tmp_path, "K8S001", {}) == [("base/deployment.yaml", 10)]


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({"overlays/prod/patch.yaml": "spec: [unclosed\n"}, "unparsable"),
        ({"overlays/prod/patch.yaml": _NOT_UTF8}, "not UTF-8"),
        (
            {"overlays/prod/kustomization.yaml": OVERLAY + "patches: [{path: gone.yaml}]\n"},
            "missing",
        ),
        (
            {
                "overlays/prod/kustomization.yaml": OVERLAY
                + "patches:\n  - path: https://example.com/patch.yaml\n"
            },
            "remote",
        ),
        (
            {
                "overlays/prod/kustomization.yaml": OVERLAY
                + "patches:\n  - target: {kind: Deployment, labelSelector: app=web}\n"
                + "    patch: |-\n"
                + _indented(_OPERATIONS, 6)
            },
            "label selector",
        ),
        (
            {
                "overlays/prod/kustomization.yaml": OVERLAY
                + "patches:\n  - target: {kind: Deployment, name: 'w.*'}\n    patch: |-\n"
                + _indented(_OPERATIONS, 6)
            },
            "name pattern",
        ),
        (
            {"overlays/prod/patch.yaml": SAFE_PATCH.replace("name: web", "name: api")},
            "another object",
        ),
        (
            {
                "overlays/prod/patch.yaml": SAFE_PATCH.replace(
                    "metadata: {name: web}", "metadata: {name: web, namespace: shop}"
                )
            },
            "another namespace",
        ),
        (
            {
                "overlays/prod/kustomization.yaml": OVERLAY
                + f"patches:\n  - {_TARGET}\n    patch: |-\n"
                + _indented("- {op: test, path: /spec/replicas, value: 3}\n" + _OPERATIONS, 6)
            },
            "a failing test",
        ),
        (
            {
                "overlays/prod/patch.yaml": SAFE_PATCH.replace(
                    "kind: Deployment", "kind: Deployment\n$patch: replace"
                )
            },
            "a directive on the patch's root",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_patch_not_known_to_make_the_base_safe_leaves_its_finding(tmp_path, files, why):
    overlay = {**_PATCHED_OVERLAYS["strategic merge file"], **files}
    assert _scan(tmp_path, "K8S001", overlay) == [("base/deployment.yaml", 10)], why


def test_an_overlay_patch_that_makes_a_safe_base_privileged_is_reported_at_the_patch(tmp_path):
    files = {
        "base/deployment.yaml": DEPLOYMENT.replace("privileged: true", "privileged: false"),
        "overlays/prod/kustomization.yaml": OVERLAY + "patches: [{path: patch.yaml}]\n",
        "overlays/prod/patch.yaml": SAFE_PATCH.replace("privileged: false", "privileged: true"),
    }
    assert _scan(tmp_path, "K8S001", files) == [("overlays/prod/patch.yaml", 9)]


def test_a_patch_that_changes_the_message_keeps_the_base_finding_where_it_stands(tmp_path):
    # K8S017's message says the container runs privileged; patched, it does not, but it still
    # has no seccomp profile: the base's finding stands.
    files = _PATCHED_OVERLAYS["strategic merge file"]
    assert _scan(tmp_path, "K8S017", files) == [("base/deployment.yaml", 8)]


def test_a_secret_in_the_base_is_reported_whatever_the_overlays_deploy(tmp_path):
    base = DEPLOYMENT + "          env: [{name: DB_PASSWORD, value: 'hunter2-Xk92-pq7Lz'}]\n"
    patch = (
        SAFE_PATCH
        + "          env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}]\n"
    )
    files = {
        "base/deployment.yaml": base,
        "overlays/prod/kustomization.yaml": OVERLAY + "patches: [{path: patch.yaml}]\n",
        "overlays/prod/patch.yaml": patch,
    }
    assert _scan(tmp_path, "K8S014", files) == [("base/deployment.yaml", 11)]


def test_a_failure_to_tell_what_a_build_deploys_keeps_the_findings(tmp_path, monkeypatch):
    from guardlint.engine import evaluation

    def broken(document):
        raise RuntimeError("a bug")

    monkeypatch.setattr(evaluation, "deployed_documents", broken)
    tree = {"base/kustomization.yaml": BASE, "base/deployment.yaml": DEPLOYMENT,
            **_PATCHED_OVERLAYS["strategic merge file"]}  # fmt: skip
    for name, text in tree.items():
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path, only_rules={"K8S001"})
    assert [f.region.start_line for f in findings_of(result, "K8S001")] == [10]
    assert not findings_of(result, "GL002")
