"""Where a Kubernetes object keeps the pods it runs: the pod template of each workload kind
(spec.template.spec, a CronJob's jobTemplate, a KEDA ScaledJob's jobTargetRef, a custom
resource's spec.template.spec with containers), and the pods of the workflow engines whose
containers are not in a pod spec: Argo Workflows' templates (container, script, containerSet,
with their initContainers and sidecars) and Tekton's steps and sidecars.

guardlint.documents.kubernetes makes its PodSpec and Container model of what this finds; the
custom resources are recognized by API group and kind, so that a field of the same name in
another group's kind is not read as a container.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
# Argo Workflows' kinds and where each keeps its WorkflowSpec.
_ARGO_WORKFLOW_SPECS = {
    "Workflow": ("spec",),
    "WorkflowTemplate": ("spec",),
    "ClusterWorkflowTemplate": ("spec",),
    "CronWorkflow": ("spec", "workflowSpec"),
}
# What completes every Argo template where it runs (merged in by the controller).
_ARGO_COMPLETIONS = ("templateDefaults", "podSpecPatch")
_TEKTON_GROUP = "tekton.dev"
_TEKTON_TASKS = ("Task", "ClusterTask")


@dataclass(frozen=True)
class Slot:
    """Where one container is written: `holder[key]`, in the pod's container list
    `list_name`; `name` when it has none of its own (an Argo template's main container);
    `pod_context` the pod-level securityContext its pod gets instead of the pod spec's (an
    Argo template's own)."""

    list_name: str
    holder: Any
    key: Any
    name: str | None = None
    pod_context: dict | None = None


@dataclass(frozen=True)
class PodShape:
    """A pod an object runs: its pod-level fields (`spec`), the pod template's metadata, the
    region of its `spec` key, its containers, and whether what it lacks is set where it runs
    (a Tekton TaskRun's pod template, Argo's templateDefaults)."""

    spec: dict
    metadata: dict
    region: Region | None
    slots: tuple[Slot, ...]
    completed_elsewhere: bool = False


def mapping(value: Any) -> dict:
    """`value` when it is a mapping, else an empty one (manifests are often partial)."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list:
    return value if isinstance(value, list) else []


def pod_shapes(data: dict, kind: str) -> list[PodShape]:
    """The pods the object `data` of kind `kind` runs."""
    group = str(data.get("apiVersion", "")).rpartition("/")[0]
    if group == "argoproj.io" and kind in _ARGO_WORKFLOW_SPECS:
        found = _walk(data, _ARGO_WORKFLOW_SPECS[kind])
        return [_argo_workflow(found[0], found[2])] if found else []
    if group == _TEKTON_GROUP:
        return list(_tekton_tasks(data, kind))
    path = POD_SPEC_PATHS.get(kind) or CUSTOM_POD_SPEC_PATHS.get((group, kind))
    found = _walk(data, path or GENERIC_POD_SPEC_PATH)
    if found is None:
        return []
    spec, metadata, region = found
    if path is None and not isinstance(spec.get("containers"), list):
        return []  # a custom resource whose spec.template is something else
    return [PodShape(spec, metadata, region, tuple(_listed(spec, CONTAINER_LISTS)))]


def _walk(data: Any, path: tuple[str, ...]) -> tuple[dict, dict, Region | None] | None:
    """(the map at `path`, its parent's metadata, region of its key), when it is there."""
    parent: Any = data
    for key in path[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    spec = parent.get(path[-1]) if isinstance(parent, dict) else None
    if not isinstance(spec, dict):
        return None
    return spec, mapping(parent.get("metadata")), region_of(parent, path[-1])


def _listed(
    holder: dict, lists: tuple[str, ...], as_list: str | None = None, **slot: Any
) -> Iterator[Slot]:
    """A slot for each map item of the container lists `lists` of `holder`, in the pod's list
    `as_list` (else the list's own name)."""
    for list_name in lists:
        items = holder.get(list_name)
        for index, item in enumerate(sequence(items)):
            if isinstance(item, dict):
                yield Slot(as_list or list_name, items, index, **slot)


def _argo_workflow(spec: dict, region: Region | None) -> PodShape:
    """A workflow's pods as one: its spec holds what every pod gets (securityContext, service
    account, volumes); each template that runs containers adds them, with its own pod
    securityContext when it sets one (Argo then uses it instead of the workflow's)."""
    slots: list[Slot] = []
    for template in sequence(spec.get("templates")):
        if not isinstance(template, dict):
            continue
        context = template.get("securityContext")
        own = {"pod_context": context if isinstance(context, dict) else None}
        mains = [key for key in ("container", "script") if isinstance(template.get(key), dict)]
        container_set = mapping(template.get("containerSet"))
        if not mains and not container_set:
            continue  # steps, dag, resource, suspend ...: no container of the user's
        name = str(template.get("name") or "main")
        slots += [Slot("containers", template, key, name=name, **own) for key in mains]
        slots += _listed(container_set, ("containers",), **own)
        slots += _listed(template, ("initContainers",), **own)
        slots += _listed(template, ("sidecars",), as_list="containers", **own)
    completed = any(key in spec for key in _ARGO_COMPLETIONS)
    return PodShape(spec, mapping(spec.get("podMetadata")), region, tuple(slots), completed)


def _tekton_tasks(data: dict, kind: str) -> Iterator[PodShape]:
    """The pod of a Task (and of a TaskRun's or a Pipeline's embedded task specs): its steps
    and sidecars. Its pod-level settings are the run's pod template, and a stepTemplate
    completes each step, so what a step leaves out is unknown."""
    spec = mapping(data.get("spec"))
    if kind in _TEKTON_TASKS:
        tasks = [(spec, region_of(data, "spec"))]
    elif kind == "TaskRun":
        tasks = [(mapping(spec.get("taskSpec")), region_of(spec, "taskSpec"))]
    elif kind == "Pipeline":
        embedded = sequence(spec.get("tasks")) + sequence(spec.get("finally"))
        tasks = [(mapping(mapping(t).get("taskSpec")), region_of(t, "taskSpec")) for t in embedded]
    else:
        return
    for task, region in tasks:
        slots = tuple(_listed(task, ("steps", "sidecars"), as_list="containers"))
        if slots:
            yield PodShape(task, {}, region, slots, completed_elsewhere=True)
