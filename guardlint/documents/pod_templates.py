"""Where a Kubernetes object keeps the pods it runs: the pod template of each workload kind
(spec.template.spec, a CronJob's jobTemplate, a KEDA ScaledJob's jobTargetRef, a custom
resource's spec.template.spec with containers), and the pods of the workflow engines whose
containers are not in a pod spec: Argo Workflows' templates (argo_workflows) and Tekton's
tasks (tekton).

guardlint.documents.kubernetes makes its PodSpec and Container model of what this finds; the
custom resources are recognized by API group and kind, so that a field of the same name in
another group's kind is not read as a container.
"""

from __future__ import annotations

from typing import Any

from guardlint.documents.argo_workflows import WORKFLOW_SPECS, workflow_pods
from guardlint.documents.pod_shape import CONTAINER_LISTS, PodShape, listed, mapping
from guardlint.documents.tekton import GROUP as TEKTON_GROUP
from guardlint.documents.tekton import tekton_pods
from guardlint.model import Region
from guardlint.parse.located import region_of

# Where each pod-bearing kind keeps its pod spec (a path of keys from the document root).
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),  # OpenShift
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
# Custom resources (API group, kind) whose pod template is elsewhere than spec.template.spec.
CUSTOM_POD_SPEC_PATHS = {
    ("keda.sh", "ScaledJob"): ("spec", "jobTargetRef", "template", "spec"),
}
# Other kinds (Argo Rollout, Knative Service, ...) often embed a pod template at this path.
GENERIC_POD_SPEC_PATH = ("spec", "template", "spec")


def pod_shapes(data: dict, kind: str) -> list[PodShape]:
    """The pods the object `data` of kind `kind` runs."""
    group = str(data.get("apiVersion", "")).rpartition("/")[0]
    if group == "argoproj.io" and kind in WORKFLOW_SPECS:
        found = _walk(data, WORKFLOW_SPECS[kind])
        return workflow_pods(found[0], found[2]) if found else []
    if group == TEKTON_GROUP:
        return list(tekton_pods(data, kind))
    path = POD_SPEC_PATHS.get(kind) or CUSTOM_POD_SPEC_PATHS.get((group, kind))
    found = _walk(data, path or GENERIC_POD_SPEC_PATH)
    if found is None:
        return []
    spec, metadata, region = found
    if path is None and not isinstance(spec.get("containers"), list):
        return []  # a custom resource whose spec.template is something else
    return [PodShape(spec, metadata, region, tuple(listed(spec, CONTAINER_LISTS)))]


def _walk(data: Any, path: tuple[str, ...]) -> tuple[dict, dict, Region | None] | None:
    """(the map at `path`, its parent's metadata, region of its key), when it is there."""
    parent: Any = data
    for key in path[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    spec = parent.get(path[-1]) if isinstance(parent, dict) else None
    if not isinstance(spec, dict):
        return None
    return spec, mapping(parent.get("metadata")), region_of(parent, path[-1])
