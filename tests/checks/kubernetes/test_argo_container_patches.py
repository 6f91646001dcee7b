"""An Argo podSpecPatch's containers and initContainers merge by name into the containers of
the template's pod (Kubernetes' strategic merge), a value with an Argo `{{expression}}` set but
unknown; a patch entry of a new name is a container of its own, the executor's (`wait`,
`init`) are Argo's."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

WORKFLOW = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {{name: build, namespace: ci}}
spec:
  entrypoint: main
  serviceAccountName: builder
  securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
  templates:
    - name: main
      inputs: {{parameters: [{{name: mem}}]}}
      podSpecPatch: |
{patch}
      container:
        image: alpine:3.19
        resources: {{requests: {{cpu: 100m}}}}
        securityContext: {{allowPrivilegeEscalation: false}}
      initContainers:
        - name: prepare
          image: alpine:3.19
          resources: {{limits: {{cpu: 100m, memory: 64Mi}}}}
          securityContext: {{allowPrivilegeEscalation: false}}
"""

MEMORY = """\
containers:
  - name: main
    resources:
      limits: {memory: "{{inputs.parameters.mem}}"}
"""


def _scan(tmp_path, patch: str, rule_id: str) -> list[tuple[int, str]]:
    text = WORKFLOW.format(patch="".join(f"        {line}\n" for line in patch.splitlines()))
    write_file(tmp_path, "workflow.yaml", text)
    return sorted((f.region.start_line, f.message) for f in scan_rule(tmp_path, rule_id))


def test_a_patched_container_is_judged_with_what_the_patch_sets(tmp_path):
    """The most common patch: a parameter's memory limit. The limit is set (its value is
    Argo's), the CPU limit is still missing, and the pod is judged as for any template."""
    limits = _scan(tmp_path, MEMORY, "K8S011")
    assert [(line, "no CPU limit" in m, "no memory" in m) for line, m in limits] == [
        (11, True, False)  # at the patch
    ]
    assert len(_scan(tmp_path, MEMORY, "K8S010")) == 2  # main and prepare: known again
    assert _scan(tmp_path, MEMORY, "K8S002") == []  # its own setting, kept under the patch


def test_a_patch_merges_into_the_container_of_its_name_key_by_key(tmp_path):
    patch = (
        "containers:\n"
        "  - name: main\n"
        "    resources: {limits: {cpu: '1', memory: 1Gi}}\n"
        "    securityContext: {allowPrivilegeEscalation: true}\n"
        "initContainers:\n"
        "  - name: prepare\n"
        "    securityContext: {privileged: true}\n"
    )
    assert _scan(tmp_path, patch, "K8S011") == []  # requests below, limits from the patch
    # The patch's setting wins for main; prepare's own `false` no longer holds once the
    # patch makes it privileged.
    assert [line for line, _ in _scan(tmp_path, patch, "K8S002")] == [11, 28]
    (privileged,) = _scan(tmp_path, patch, "K8S001")
    assert "Init container prepare" in privileged[1]


def test_a_patch_entry_of_a_new_name_is_a_container_and_the_executors_are_argos(tmp_path):
    patch = (
        "containers:\n"
        "  - name: wait\n"
        "    resources: {limits: {cpu: 50m}}\n"
        "  - name: debug\n"
        "    image: busybox:1.36\n"
        "    securityContext: {privileged: true}\n"
        "initContainers:\n"
        "  - {name: init, resources: {limits: {cpu: 50m}}}\n"
    )
    assert [("Container debug" in m) for _, m in _scan(tmp_path, patch, "K8S001")] == [True]
    messages = [m for _, m in _scan(tmp_path, patch, "K8S010")]
    assert not any("wait" in m or "container init" in m for m in messages)


@pytest.mark.parametrize(
    "patch",
    [
        "{{inputs.parameters.patch}}",  # the whole patch is Argo's to fill in
        "containers:\n  - name: main\n    resources: {limits: {memory: {{inputs.parameters.m}}}}",
        "containers:\n  - {name: main, $patch: replace, image: x}",  # a directive
        "$setElementOrder/containers: [{name: main}]\ncontainers:\n  - {name: main}",
        "containers:\n  - {resources: {limits: {memory: 1Gi}}}",  # no name: Argo fails it
        "containers: {name: main}",
    ],
)
def test_a_container_patch_not_read_leaves_what_the_pod_lacks_unknown(tmp_path, patch):
    assert _scan(tmp_path, patch, "K8S011") == []
    assert _scan(tmp_path, patch, "K8S010") == []


def test_a_container_the_workflows_patch_adds_is_judged_once(tmp_path):
    """It runs in every template's pod, but is written (and fixed) in one place."""
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w, namespace: ci}\n"
        "spec:\n"
        "  podSpecPatch: '{containers: [{name: debug, image: a:1, securityContext: "
        "{privileged: true}}]}'\n"
        "  templates:\n"
        "    - {name: a, serviceAccountName: x, container: {image: alpine:3.19}}\n"
        "    - {name: b, serviceAccountName: y, container: {image: alpine:3.19}}\n"
    )
    write_file(tmp_path, "workflow.yaml", text)
    assert [f.resource for f in scan_rule(tmp_path, "K8S001")] == ["Workflow ci/w container debug"]
