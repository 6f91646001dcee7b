"""Tekton's pods: a Task runs one, its steps (each over the task's stepTemplate) and sidecars
its containers; so do the task specs a TaskRun, a Pipeline or a PipelineRun's pipelineSpec
embeds. Their pod-level settings are the run's pod template, so what a pod lacks is unknown."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.documents.pod_shape import (
    MERGE_BUDGET,
    PodShape,
    Slot,
    listed,
    mapping,
    sequence,
)
from guardlint.documents.strategic_merge import Merge
from guardlint.model import Region
from guardlint.parse.located import YamlSeq, region_of

GROUP = "tekton.dev"
_TASKS = ("Task", "ClusterTask")
_PIPELINES = ("Pipeline", "PipelineRun")


def tekton_pods(data: dict, kind: str) -> Iterator[PodShape]:
    """The pod of a Task (and of the task specs a TaskRun, a Pipeline or a PipelineRun's
    pipelineSpec embeds): its steps, each over the task's stepTemplate, and its sidecars."""
    spec = mapping(data.get("spec"))
    if kind in _TASKS:
        tasks = [(spec, region_of(data, "spec"))]
    elif kind == "TaskRun":
        tasks = [(mapping(spec.get("taskSpec")), region_of(spec, "taskSpec"))]
    elif kind in _PIPELINES:
        pipeline = spec if kind == "Pipeline" else mapping(spec.get("pipelineSpec"))
        embedded = sequence(pipeline.get("tasks")) + sequence(pipeline.get("finally"))
        tasks = [(mapping(mapping(t).get("taskSpec")), region_of(t, "taskSpec")) for t in embedded]
    else:
        return
    for task, region in tasks:
        slots = (*_steps(task), *listed(task, ("sidecars",), as_list="containers"))
        if slots:
            yield PodShape(task, {}, region, slots, completed_elsewhere=True)


def _steps(task: dict) -> Iterator[Slot]:
    """A slot for each step, merged over the task's stepTemplate as Tekton merges it
    (MergeStepsWithStepTemplate: a strategic merge, the step's own fields winning)."""
    template, steps = task.get("stepTemplate"), task.get("steps")
    if not isinstance(template, dict) or not template or not isinstance(steps, list):
        yield from listed(task, ("steps",), as_list="containers")
        return
    merged = YamlSeq(region_of(steps) or Region(1))
    merged.item_regions = [region_of(steps, index) or merged.region for index in range(len(steps))]
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            merged.append(step)
            continue
        merge = Merge(MERGE_BUDGET)
        merged.append(merge(template, step))
        parts = (step, template) if merge.complete else (step,)
        yield Slot("containers", merged, index, parts=parts)
