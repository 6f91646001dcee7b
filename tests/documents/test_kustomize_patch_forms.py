"""The forms of kustomize patch that remove what a base writes (guardlint/documents/
kustomize/deployed.py, strategic_merge.PatchMerge, json_patch_apply): a strategic merge null,
`$patch: delete` and `$patch: replace` on a map or a list item, RFC 6902 `move` and `copy`, and
a target naming the base's object by its name before an overlay's prefix. Each removes the
base's finding where every build patches it, and leaves it where a build does not."""

from __future__ import annotations

import pytest

from guardlint.model.findings import Finding
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_HEAD = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
_DEPLOYMENT = (
    _HEAD
    + """\
    spec:
      hostNetwork: true
      volumes:
        - name: root
          hostPath: {path: /}
      containers:
        - name: app
          image: app:1.4
          securityContext:
            privileged: true
            capabilities: {add: [SYS_ADMIN]}
        - name: sidecar
          image: side:1.0
          securityContext: {privileged: false}
"""
)
_BASE = "resources: [deployment.yaml]\n"
_OVERLAY = "resources: [../../base]\n"
_TARGET = "target: {group: apps, version: v1, kind: Deployment, name: web}"
_SECURITY = "/spec/template/spec/containers/%d/securityContext"


def _merge_patch(pod_spec: str, resources: str = _OVERLAY) -> str:
    """An overlay's kustomization with an inline strategic merge patch of the pod spec."""
    text = _HEAD + "    spec:\n" + "".join(f"      {line}\n" for line in pod_spec.splitlines())
    return resources + "patches:\n  - patch: |-\n" + _indented(text, 6)


def _operations(operations: str) -> str:
    return _OVERLAY + f"patches:\n  - {_TARGET}\n    patch: |-\n" + _indented(operations, 6)


def _json6902(operations: str, name: str) -> str:
    """An overlay's kustomization with operations listed under patchesJson6902 (applied after
    its prefix), whose target names the object `name`."""
    target = _TARGET.replace("name: web", f"name: {name}")
    return _OVERLAY + f"patchesJson6902:\n  - {target}\n    patch: |-\n" + _indented(operations, 6)


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


_APP = "containers:\n  - name: app\n"
_UNPRIVILEGED = f"- {{op: replace, path: {_SECURITY % 0}/privileged, value: false}}"
# (rule, the prod overlay's kustomization): each patch removes what the rule finds.
_REMOVING = {
    "null on a pod field": ("K8S004", _merge_patch("hostNetwork: null")),
    "null on a list item's field": (
        "K8S007",
        _merge_patch("volumes:\n  - name: root\n    hostPath: null\n    emptyDir: {}"),
    ),
    "delete on a list item": ("K8S007", _merge_patch("volumes:\n  - {name: root, $patch: delete}")),
    "null on a nested list": (
        "K8S008",
        _merge_patch(_APP + "    securityContext: {capabilities: {add: null}}"),
    ),
    "null on a container field": (
        "K8S001",
        _merge_patch(_APP + "    securityContext: {privileged: null}"),
    ),
    "replace on a map": (
        "K8S001",
        _merge_patch(_APP + "    securityContext: {$patch: replace, runAsNonRoot: true}"),
    ),
    "delete on a map": ("K8S001", _merge_patch(_APP + "    securityContext: {$patch: delete}")),
    "replace on a list item": (
        "K8S001",
        _merge_patch(_APP + "    $patch: replace\n    image: app:1.4"),
    ),
    "merge directive": (
        "K8S001",
        _merge_patch(_APP + "    securityContext: {$patch: merge, privileged: false}"),
    ),
    "an order kustomize does not follow": (
        "K8S001",
        _merge_patch(
            "$setElementOrder/containers: [{name: sidecar}, {name: app}]\n"
            + _APP
            + "    securityContext: {privileged: false}"
        ),
    ),
    "move": (
        "K8S001",
        _operations(f"- {{op: move, from: {_SECURITY % 1}, path: {_SECURITY % 0}}}"),
    ),
    "copy": (
        "K8S001",
        _operations(f"- {{op: copy, from: {_SECURITY % 1}, path: {_SECURITY % 0}}}"),
    ),
    "a target by the name before the overlay's prefix": (
        "K8S001",
        "namePrefix: prod-\n" + _operations(_UNPRIVILEGED),
    ),
    "a target by the name the overlay's prefix and suffix give": (
        "K8S001",
        "namePrefix: prod-\nnameSuffix: -v2\n" + _json6902(_UNPRIVILEGED, "prod-web-v2"),
    ),
    "a patch naming the object as an inner overlay's prefix renamed it": (
        "K8S001",
        _merge_patch(
            _APP + "    securityContext: {privileged: false}", "resources: [../inner]\n"
        ).replace("name: web", "name: in-web"),
    ),
}


def _findings(tmp_path, rule: str, files: dict[str, str]) -> list[Finding]:
    tree = {"base/kustomization.yaml": _BASE, "base/deployment.yaml": _DEPLOYMENT, **files}
    if "../inner" in tree.get("overlays/prod/kustomization.yaml", ""):
        tree["overlays/inner/kustomization.yaml"] = _OVERLAY + "namePrefix: in-\n"
    for name, text in tree.items():
        write_file(tmp_path, name, text)
    return scan_rule(tmp_path, rule)


def _scan(tmp_path, rule: str, files: dict[str, str]) -> list[tuple[str, int]]:
    return sorted((f.path, f.region.start_line) for f in _findings(tmp_path, rule, files))


@pytest.mark.parametrize("form", list(_REMOVING), ids=str)
def test_a_patch_that_removes_the_problem_drops_the_base_finding(tmp_path, form):
    rule, kustomization = _REMOVING[form]
    assert _scan(tmp_path / "alone", rule, {}), "the base has the problem"
    assert (
        _scan(tmp_path / "patched", rule, {"overlays/prod/kustomization.yaml": kustomization}) == []
    )


@pytest.mark.parametrize("form", list(_REMOVING), ids=str)
def test_a_build_the_patch_does_not_cover_keeps_the_base_finding(tmp_path, form):
    rule, kustomization = _REMOVING[form]
    files = {
        "overlays/prod/kustomization.yaml": kustomization,
        "overlays/dev/kustomization.yaml": _OVERLAY,
    }
    expected = _scan(tmp_path / "alone", rule, {})
    assert _scan(tmp_path / "overlays", rule, files) == expected


@pytest.mark.parametrize(
    ("rule", "kustomization"),
    [
        pytest.param(
            "K8S008",
            _merge_patch(
                _APP
                + "    securityContext: {capabilities: {$deleteFromPrimitiveList/add: [SYS_ADMIN]}}"
            ),
            id="a directive kustomize does not follow",
        ),
        pytest.param(
            "K8S001",
            _merge_patch(_APP + "    securityContext: {$patch: bogus}"),
            id="an unknown directive",
        ),
        pytest.param(
            "K8S001",
            _merge_patch("containers:\n  - {$patch: delete}"),
            id="a list item without its key",
        ),
        pytest.param(
            "K8S001",
            _operations(f"- {{op: move, from: {_SECURITY % 0}, path: {_SECURITY % 0}/inner}}"),
            id="a move into itself",
        ),
        pytest.param(
            "K8S001",
            _operations(f"- {{op: copy, from: {_SECURITY % 1}/gone, path: {_SECURITY % 0}}}"),
            id="a copy from nothing",
        ),
        pytest.param(
            "K8S001",
            "namePrefix: prod-\n"
            + _operations(_UNPRIVILEGED).replace("name: web}", "name: prod-web}"),
            id="a target by a name the prefix gives after the patch",
        ),
    ],
)
def test_a_patch_that_does_not_surely_remove_the_problem_keeps_the_finding(
    tmp_path, rule, kustomization
):
    expected = _scan(tmp_path / "alone", rule, {})
    found = _scan(tmp_path / "patched", rule, {"overlays/prod/kustomization.yaml": kustomization})
    assert found == expected and found


_UNPRIVILEGED_MERGE = _merge_patch(_APP + "    securityContext: {privileged: false}")


def _app_finding(tmp_path, files: dict[str, str]) -> list[Finding]:
    """K8S017's findings on container app."""
    found = _findings(tmp_path, "K8S017", files)
    return [f for f in found if f.resource.endswith("container app")]


def test_a_kept_finding_says_what_a_deployment_has(tmp_path):
    # K8S017 on the base says the container runs privileged; every build turns that off, so
    # the finding it keeps (no seccomp profile) says what the deployed container has.
    files = {"overlays/prod/kustomization.yaml": _UNPRIVILEGED_MERGE}
    (alone,) = _app_finding(tmp_path / "alone", {})
    (found,) = _app_finding(tmp_path / "patched", files)
    assert "runs privileged" in alone.message and "runs privileged" not in found.message
    assert (found.path, found.region) == (alone.path, alone.region)


def test_a_kept_finding_keeps_its_message_where_a_deployment_has_it(tmp_path):
    files = {
        "overlays/prod/kustomization.yaml": _UNPRIVILEGED_MERGE,
        "overlays/dev/kustomization.yaml": _OVERLAY,
    }
    (alone,) = _app_finding(tmp_path / "alone", {})
    (found,) = _app_finding(tmp_path / "overlays", files)
    assert found.message == alone.message
