"""How ECS checks name and point at a task definition or container in their findings."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from guardlint.documents.ecs.model import Container, TaskDefinition
from guardlint.documents.ecs.recognize import NEVER_CREATED
from guardlint.model import Document, Hit, Region, Rule, Severity

Check = Callable[[Document, Rule], Iterable[Hit]]


def subject(task: TaskDefinition, container: Container) -> str:
    """`Container web of task definition api`, the subject of a container's message."""
    return f"Container {container.name} of {task.described}"


def task_subject(task: TaskDefinition) -> str:
    """`Task definition api`, `The Dockerrun file`: the subject of a task's message."""
    return task.described[0].upper() + task.described[1:]


def task_hit(
    task: TaskDefinition,
    message: str,
    region: Region,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    """A finding on the task definition as a whole."""
    return Hit(
        message=message,
        region=region,
        resource=task.label,
        severity=severity,
        properties={**task.properties, **properties},
    )


def container_hit(
    task: TaskDefinition,
    container: Container,
    message: str,
    region: Region,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    """A finding on one container, at `region` (the offending key)."""
    hit = task_hit(task, message, region, severity, container=container.name, **properties)
    hit.resource = container.resource
    return hit


def deployed_only(function: Check) -> Check:
    """A check of what a deployed task does: it skips a template's task definition whose
    Condition is always false (only its secrets are judged, as in the CFN pack)."""

    @functools.wraps(function)
    def run(document: Document, rule: Rule) -> Iterator[Hit]:
        if not document.meta.get(NEVER_CREATED):
            yield from function(document, rule)

    return run
