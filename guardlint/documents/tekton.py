"""Tekton's pods: a Task runs one, its steps (each over the task's stepTemplate) and sidecars
its containers; so do the task specs a TaskRun, a Pipeline or a PipelineRun's pipelineSpec
embeds. A TaskRun makes the pod: its podTemplate gives the pod-level settings (securityContext,
hostNetwork, volumes ...), its serviceAccountName the account, its stepSpecs and sidecarSpecs
(v1beta1's stepOverrides and sidecarOverrides) each named container's resources, and its
computeResources every step's limits. A PipelineRun makes a TaskRun of each pipeline task: its
taskRunTemplate (v1beta1: its spec) gives every task's pod template and account, its
taskRunSpecs one task's, field by field over those. Elsewhere the pod-level settings are the
run's, so what a pod lacks is unknown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.pod_shape import (
    MERGE_BUDGET,
    PodShape,
    Slot,
    listed,
    mapping,
    sequence,
)
from guardlint.documents.strategic_merge import Merge, append_item, copy_entry
from guardlint.model.documents import Region
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import YamlMap, YamlSeq, region_of

GROUP = "tekton.dev"
_TASKS = ("Task", "ClusterTask")
_PIPELINES = ("Pipeline", "PipelineRun")
# The fields of Tekton's pod template (pkg/apis/pipeline/pod.Template) that are the pod's own;
# its env goes to each step, and its volumes join the task's.
_POD_TEMPLATE_FIELDS = (
    "nodeSelector", "tolerations", "affinity", "securityContext", "runtimeClassName",
    "automountServiceAccountToken", "dnsPolicy", "dnsConfig", "enableServiceLinks",
    "priorityClassName", "schedulerName", "imagePullSecrets", "hostAliases", "hostNetwork",
    "topologySpreadConstraints",
)  # fmt: skip
_ACCOUNTS = ("serviceAccountName", "serviceAccount")
# What a PipelineRun's taskRunSpecs entry gives its task's TaskRun, under the TaskRun's key
# (v1beta1's taskServiceAccountName, stepOverrides ...); its pod template is merged apart.
_TASK_RUN_SPEC_FIELDS = (
    ("serviceAccountName", "serviceAccountName"),
    ("taskServiceAccountName", "serviceAccountName"),
    ("stepSpecs", "stepSpecs"), ("sidecarSpecs", "sidecarSpecs"),
    ("stepOverrides", "stepOverrides"), ("sidecarOverrides", "sidecarOverrides"),
    ("computeResources", "computeResources"),
)  # fmt: skip
_TASK_TEMPLATES = ("podTemplate", "taskPodTemplate")
# A variable Tekton replaces in a task's fields before it makes the pod (`$(params.x)`,
# `$(context.taskRun.name)`, `$(tasks.t.results.r)` ...); a shell's `$(cmd)` is none.
_VARIABLE = LazyPattern(
    r"\$\((?:params|context|tasks|workspaces|results|steps|step|inputs|outputs|resources)"
    r"[.\[][^()]*\)"
)
# A step's resources are `computeResources` in tekton.dev/v1, `resources` in v1beta1.
_COMPUTE = ("computeResources", "resources")
# What the steps of one task may inherit from its stepTemplate in all, in nodes: a rule walks
# each step with what it inherits (K8S014 its every string), so a template of thousands of
# entries under thousands of steps would be walked a million times over; past this the
# remaining steps are read on their own, and what their pod lacks is unknown. So too what the
# tasks of a PipelineRun inherit from its pod templates and taskRunSpecs.
_INHERITED_NODES = 100_000


def is_variable(value: Any) -> bool:
    """A value that is wholly a Tekton variable: unknown until the run, not wrong."""
    return isinstance(value, str) and _VARIABLE.fullmatch(value.strip()) is not None


def tekton_pods(data: dict, kind: str) -> Iterator[PodShape]:
    """The pods a Tekton object of kind `kind` runs."""
    spec = mapping(data.get("spec"))
    if kind in _TASKS:
        yield from _task_pod(spec, region_of(data, "spec"))
    elif kind == "TaskRun":
        yield from _task_run_pod(spec, region_of(data, "spec"))
    elif kind in _PIPELINES:
        pipeline = spec if kind == "Pipeline" else mapping(spec.get("pipelineSpec"))
        tasks = [mapping(task) for task in sequence(pipeline.get("tasks"))]
        tasks += [mapping(task) for task in sequence(pipeline.get("finally"))]
        if kind == "PipelineRun":
            yield from _pipeline_run_pods(spec, tasks)
        else:
            for task in tasks:
                yield from _task_pod(mapping(task.get("taskSpec")), region_of(task, "taskSpec"))


def _pipeline_run_pods(spec: dict, tasks: list[dict]) -> Iterator[PodShape]:
    """The pods of a PipelineRun's embedded task specs, each made as the TaskRun it makes of
    its pipeline task: the account and pod template its taskRunSpec gives it (each field of
    that template over the run-wide one's; their volumes by name), else the run-wide ones.
    Past a budget of nodes inherited in all, the remaining pods lack them, unknown."""
    shared = YamlMap(region_of(spec) or Region(1))
    for holder in (spec, mapping(spec.get("taskRunTemplate"))):
        for key in ("serviceAccountName", "podTemplate"):
            if holder.get(key) is not None:
                copy_entry(shared, holder, key)
    below = mapping(shared.get("podTemplate"))
    entries = map(mapping, sequence(spec.get("taskRunSpecs")))
    named = {
        e["pipelineTaskName"]: e for e in entries if isinstance(e.get("pipelineTaskName"), str)
    }
    weights: dict[str, int] = {}
    inherited, weight = 0, _nodes(below)
    for task in tasks:
        embedded, region = mapping(task.get("taskSpec")), region_of(task, "taskSpec")
        if not embedded:
            continue  # a taskRef's: its Task is judged where it is written
        name = task.get("name")
        entry = named.get(name, {}) if isinstance(name, str) else {}
        template = next((entry[k] for k in _TASK_TEMPLATES if isinstance(entry.get(k), dict)), {})
        if entry and name not in weights:
            weights[name] = _nodes(entry)  # read again for each task of that name
        inherited += weight + weights.get(name, 0)
        if inherited > _INHERITED_NODES:
            yield from _task_pod(embedded, region)
            continue
        run = YamlMap(region_of(entry) or shared.region)
        for key in shared:
            copy_entry(run, shared, key)
        for key, as_key in _TASK_RUN_SPEC_FIELDS:
            if entry.get(key) is not None:
                copy_entry(run, entry, key, as_key=as_key)
        if template:
            run["podTemplate"] = _over(below, template)
        copy_entry(run, task, "taskSpec")
        yield from _task_run_pod(run, region)


def _over(below: dict, over: dict) -> YamlMap:
    """A pod template's fields over another's (Tekton's MergePodTemplateWithDefault)."""
    merged = YamlMap(region_of(over) or region_of(below) or Region(1))
    for holder in (below, over):
        for key in holder:
            if key != "volumes" and holder[key] is not None:
                copy_entry(merged, holder, key)
    mine = sequence(over.get("volumes"))
    names = {item.get("name") for item in mine if isinstance(item, dict)}
    volumes = merged["volumes"] = YamlSeq(merged.region)
    for items, replaced in ((sequence(below.get("volumes")), names), (mine, set())):
        for index, item in enumerate(items):
            name = mapping(item).get("name")
            if not (isinstance(name, str) and name in replaced):
                append_item(volumes, items, index, item)
    return merged


def _task_pod(task: dict, region: Region | None) -> Iterator[PodShape]:
    """The pod of a task spec whose run is elsewhere."""
    slots, _ = _containers(task, {})
    if slots:
        yield PodShape(task, {}, region, tuple(slots), completed_elsewhere=True)


def _task_run_pod(run: dict, region: Region | None) -> Iterator[PodShape]:
    """The pod a TaskRun makes: of its embedded taskSpec, else (a taskRef) only the pod-level
    settings of its podTemplate, its containers unknown."""
    template, task = mapping(run.get("podTemplate")), run.get("taskSpec")
    if not isinstance(task, dict):
        if template:
            yield PodShape(_pod(run, template, {}), {}, region, (), completed_elsewhere=True)
        return
    slots, complete = _containers(task, run)
    pod = _pod(run, template, task)
    yield PodShape(pod, {}, region_of(run, "taskSpec") or region, tuple(slots), not complete)


def _pod(run: dict, template: dict, task: dict) -> YamlMap:
    """The pod-level fields a TaskRun gives its pod (Tekton's pod.Build): its account and
    pod template over the task's own (a taskSpec's podTemplate), the task's volumes with the
    templates'."""
    pod = YamlMap(region_of(template) or region_of(run) or Region(1))
    own = mapping(task.get("podTemplate"))
    for holder, keys in (
        (run, _ACCOUNTS),
        (own, _POD_TEMPLATE_FIELDS),
        (template, _POD_TEMPLATE_FIELDS),
    ):
        for key in keys:
            if holder.get(key) is not None:
                copy_entry(pod, holder, key)
    holders = [h for h in (task, own, template) if h.get("volumes")]
    lists = [holder["volumes"] for holder in holders]
    if len(lists) == 1:
        copy_entry(pod, holders[0], "volumes")
    elif lists:
        volumes = pod["volumes"] = YamlSeq(pod.region)
        for items in map(sequence, lists):
            for index, item in enumerate(items):
                append_item(volumes, items, index, item)
    return pod


def _containers(task: dict, run: dict) -> tuple[list[Slot], bool]:
    """(the slots of a task's steps and sidecars as its run makes them, whether every merge
    that makes them was complete)."""
    step_template = task.get("stepTemplate")
    steps, whole = _made(
        task,
        "steps",
        step_template if isinstance(step_template, dict) and step_template else None,
        _overrides(run, "stepSpecs", "stepOverrides"),
        _wrapped(run, "computeResources"),
    )
    sidecars, whole_sidecars = _made(
        task, "sidecars", None, _overrides(run, "sidecarSpecs", "sidecarOverrides"), None
    )
    return steps + sidecars, whole and whole_sidecars


def _made(
    task: dict,
    list_name: str,
    template: dict | None,
    overrides: dict[str, YamlMap] | None,
    every: YamlMap | None,
) -> tuple[list[Slot], bool]:
    """The slots of a task's steps or sidecars, each merged over the stepTemplate as Tekton
    merges it (MergeStepsWithStepTemplate: a strategic merge, the step's own fields winning),
    its resources as Kubernetes names them, then the run's resources for it by name and for
    every step over them (MergeStepsWithSpecs, ApplyTaskLevelComputeResources)."""
    items = task.get(list_name)
    if not isinstance(items, list):
        return [], True
    if template is None and overrides is None:
        return list(listed(task, (list_name,), as_list="containers")), True
    made = YamlSeq(region_of(items) or Region(1))
    made.item_regions = [region_of(items, index) or made.region for index in range(len(items))]
    slots, complete = [], True
    weight, inherited = _nodes(template), 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            made.append(item)
            continue
        merge = Merge(MERGE_BUDGET)
        inherited += weight
        below = template if inherited <= _INHERITED_NODES else None
        container = merge(below, item) if below else item
        parts = (item, below) if below and merge.complete else (item,)
        name = item.get("name")
        named = _wrapped(container, "computeResources") if "resources" not in container else None
        for over in (named, (overrides or {}).get(name), every):
            if over is not None and (merged := merge(container, over)) is not over:
                container = merged
        if container is not item:
            container.region = region_of(item) or container.region
        complete = complete and merge.complete and below is template
        made.append(container)
        slots.append(Slot("containers", made, index, parts=parts))
    return slots, complete


def _overrides(run: dict, *keys: str) -> dict[str, YamlMap] | None:
    """Name -> the resources a run's stepSpecs (or sidecarSpecs ...) give that container, as a
    container's `resources`; None when it is no run."""
    if not run:
        return None
    found: dict[str, YamlMap] = {}
    for key in keys:
        for item in sequence(run.get(key)):
            wrapped = _wrapped(item, *_COMPUTE) if isinstance(item, dict) else None
            if wrapped is not None and isinstance(item.get("name"), str):
                found[item["name"]] = wrapped
    return found


def _wrapped(holder: Any, *keys: str) -> YamlMap | None:
    """`{resources: holder[key]}` for the first of `keys` `holder` sets, at its key."""
    key = next((key for key in keys if mapping(holder).get(key) is not None), None)
    if key is None:
        return None
    wrapped = YamlMap(region_of(holder, key) or Region(1))
    wrapped["resources"] = holder[key]
    if isinstance(holder, YamlMap):
        wrapped.key_regions["resources"] = holder.key_region(key)
        wrapped.value_regions["resources"] = holder.value_region(key)
    return wrapped


def _nodes(template: dict | None) -> int:
    """How many maps, lists and values a stepTemplate holds (counted to just past what steps
    may inherit, so that a huge one costs no more)."""
    count, stack = 0, [template] if template else []
    while stack and count <= _INHERITED_NODES:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count
