"""How ECS checks name and point at a task definition or container in their findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from guardlint.documents.ecs.model import Container, TaskDefinition
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity

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
