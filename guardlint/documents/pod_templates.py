"""Where a Kubernetes object keeps the pods it runs: the pod template of each workload kind
(spec.template.spec, a CronJob's jobTemplate, a KEDA ScaledJob's jobTargetRef, a custom
resource's spec.template.spec with containers), and the pods of the workflow engines whose
containers are not in a pod spec: Argo Workflows' templates (container, script, containerSet,
with their initContainers and sidecars; each runs a pod of its own, the workflow's pod settings
under the template's and both podSpecPatches) and Tekton's steps (each over its task's
stepTemplate) and sidecars.

guardlint.documents.kubernetes makes its PodSpec and Container model of what this finds; the
custom resources are recognized by API group and kind, so that a field of the same name in
another group's kind is not read as a container.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.strategic_merge import Merge, copy_entry
from guardlint.model import Region
from guardlint.parse.located import YamlError, YamlMap, YamlSeq, region_of, relocate
from guardlint.parse.yaml_nodes import load_documents

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
# Kubernetes PodSpec's fields other than its containers: what a workflow's spec gives its pods.
POD_FIELDS = (
    "activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "dnsConfig",
    "dnsPolicy", "enableServiceLinks", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
    "hostUsers", "hostname", "imagePullSecrets", "nodeName", "nodeSelector", "os", "overhead",
    "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims",
    "resources", "restartPolicy", "runtimeClassName", "schedulerName", "schedulingGates",
    "securityContext", "serviceAccount", "serviceAccountName", "setHostnameAsFQDN",
    "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "tolerations",
    "topologySpreadConstraints", "volumes",
)  # fmt: skip
# The pod settings an Argo template replaces the workflow's with when it sets them (the
# controller's setupServiceAccount and addSchedulingConstraints).
_ARGO_TEMPLATE_POD_FIELDS = (
    "serviceAccountName", "automountServiceAccountToken", "securityContext", "nodeSelector",
    "affinity", "tolerations",
)  # fmt: skip
_UNSET = (None, "", {}, [])
_PATCH = "podSpecPatch"
# A podSpecPatch is read when it is at most this long: patches are a few lines, and a longer
# text is left unknown rather than parsed for each template.
MAX_PATCH_CHARS = 4096
# Entries of the object below that one merge (a patch over a pod, a step over its template)
# may copy: a hostile stepTemplate merged into each of thousands of steps stays linear.
_MERGE_BUDGET = 256
_TEKTON_GROUP = "tekton.dev"
_TEKTON_TASKS = ("Task", "ClusterTask")
_TEKTON_PIPELINES = ("Pipeline", "PipelineRun")


@dataclass(frozen=True)
class Slot:
    """Where one container is written: `holder[key]`, in the pod's container list
    `list_name`; `name` when it has none of its own (an Argo template's main container);
    `parts` the maps as written it was merged from (a Tekton step and its stepTemplate),
    which belong to it."""

    list_name: str
    holder: Any
    key: Any
    name: str | None = None
    parts: tuple[Any, ...] = ()


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
        return _argo_workflow(found[0], found[2]) if found else []
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


def _listed(holder: dict, lists: tuple[str, ...], as_list: str | None = None) -> Iterator[Slot]:
    """A slot for each map item of the container lists `lists` of `holder`, in the pod's list
    `as_list` (else the list's own name)."""
    for list_name in lists:
        items = holder.get(list_name)
        for index, item in enumerate(sequence(items)):
            if isinstance(item, dict):
                yield Slot(as_list or list_name, items, index)


def _argo_workflow(spec: dict, region: Region | None) -> list[PodShape]:
    """A workflow's pods: each template that runs containers runs a pod of its own, with the
    workflow's pod settings under those the template sets (service account, token,
    securityContext, scheduling) and the workflow's then the template's podSpecPatch merged
    over them; the templates that set none share one pod. templateDefaults completes every
    template where it runs, and an unread patch its pods: what they lack is unknown."""
    defaults = "templateDefaults" in spec
    metadata = mapping(spec.get("podMetadata"))
    workflow_patch = _pod_spec_patch(spec)
    shared: list[Slot] = []
    pods: list[PodShape] = []
    for template in sequence(spec.get("templates")):
        slots = list(_argo_containers(template)) if isinstance(template, dict) else []
        if not slots:
            continue  # steps, dag, resource, suspend ...: no container of the user's
        if not _sets_pod(template):
            shared += slots
            continue
        pod, known = _argo_pod(spec, template, workflow_patch)
        pods.append(PodShape(pod, metadata, region, tuple(slots), defaults or not known))
    if shared:
        pod, known = _argo_pod(spec, {}, workflow_patch) if spec.get(_PATCH) else (spec, True)
        pods.insert(0, PodShape(pod, metadata, region, tuple(shared), defaults or not known))
    return pods


def _argo_containers(template: dict) -> Iterator[Slot]:
    """The containers of a template: its container or script (named for the template), a
    containerSet's, its initContainers and sidecars."""
    mains = [key for key in ("container", "script") if isinstance(template.get(key), dict)]
    container_set = mapping(template.get("containerSet"))
    if not mains and not container_set:
        return
    name = str(template.get("name") or "main")
    yield from (Slot("containers", template, key, name=name) for key in mains)
    yield from _listed(container_set, ("containers",))
    yield from _listed(template, ("initContainers",))
    yield from _listed(template, ("sidecars",), as_list="containers")


def _sets_pod(template: dict) -> bool:
    return template.get(_PATCH) not in _UNSET or any(
        template.get(key) not in _UNSET for key in _ARGO_TEMPLATE_POD_FIELDS
    )


def _argo_pod(
    spec: dict, template: dict, workflow_patch: tuple[YamlMap | None, bool]
) -> tuple[YamlMap, bool]:
    """(the pod spec of a template's pod, whether all that makes it was read)."""
    pod = YamlMap(region_of(spec) or Region(1))
    for key in POD_FIELDS:
        if key in spec:
            copy_entry(pod, spec, key)
    for key in _ARGO_TEMPLATE_POD_FIELDS:
        if template.get(key) not in _UNSET:
            copy_entry(pod, template, key)
    template_patch = _pod_spec_patch(template)
    merge = Merge(_MERGE_BUDGET)
    known = workflow_patch[1] and template_patch[1]
    for patch, _ in (workflow_patch, template_patch):
        if patch is not None:
            # A patch's containers merge by name into ones the controller adds or names.
            known = known and not any(key in CONTAINER_LISTS for key in patch)
            pod = merge(pod, patch)
    return pod, known and merge.complete


def _pod_spec_patch(holder: dict) -> tuple[YamlMap | None, bool]:
    """(the podSpecPatch of a workflow or template as a mapping placed at its key, whether it
    was read): a short text of one YAML or JSON mapping is; one with a `{{parameter}}` Argo
    fills in first, a long text or anything else is not."""
    text = holder.get(_PATCH)
    if text in _UNSET:
        return None, True
    if not isinstance(text, str) or len(text) > MAX_PATCH_CHARS or "{{" in text:
        return None, False
    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError:
        return None, False
    if len(documents) != 1 or not isinstance(documents[0], YamlMap):
        return None, False
    where = region_of(holder, _PATCH) or Region(1)
    relocate(documents[0], lambda _: where)
    return documents[0], True


def _tekton_tasks(data: dict, kind: str) -> Iterator[PodShape]:
    """The pod of a Task (and of the task specs a TaskRun, a Pipeline or a PipelineRun's
    pipelineSpec embeds): its steps, each over the task's stepTemplate, and its sidecars. Its
    pod-level settings are the run's pod template, so what a step leaves out is unknown."""
    spec = mapping(data.get("spec"))
    if kind in _TEKTON_TASKS:
        tasks = [(spec, region_of(data, "spec"))]
    elif kind == "TaskRun":
        tasks = [(mapping(spec.get("taskSpec")), region_of(spec, "taskSpec"))]
    elif kind in _TEKTON_PIPELINES:
        pipeline = spec if kind == "Pipeline" else mapping(spec.get("pipelineSpec"))
        embedded = sequence(pipeline.get("tasks")) + sequence(pipeline.get("finally"))
        tasks = [(mapping(mapping(t).get("taskSpec")), region_of(t, "taskSpec")) for t in embedded]
    else:
        return
    for task, region in tasks:
        slots = (*_tekton_steps(task), *_listed(task, ("sidecars",), as_list="containers"))
        if slots:
            yield PodShape(task, {}, region, slots, completed_elsewhere=True)


def _tekton_steps(task: dict) -> Iterator[Slot]:
    """A slot for each step, merged over the task's stepTemplate as Tekton merges it
    (MergeStepsWithStepTemplate: a strategic merge, the step's own fields winning)."""
    template, steps = task.get("stepTemplate"), task.get("steps")
    if not isinstance(template, dict) or not template or not isinstance(steps, list):
        yield from _listed(task, ("steps",), as_list="containers")
        return
    merged = YamlSeq(region_of(steps) or Region(1))
    merged.item_regions = [region_of(steps, index) or merged.region for index in range(len(steps))]
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            merged.append(step)
            continue
        merge = Merge(_MERGE_BUDGET)
        merged.append(merge(template, step))
        parts = (step, template) if merge.complete else (step,)
        yield Slot("containers", merged, index, parts=parts)
