"""ECS check of task definitions ECS would reject (ECS015). A placeholder (`<NAME>`, `${VAR}`)
or a template value that cannot be resolved never makes a definition invalid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.ecs.hits import container_hit, subject, task_hit, task_subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields
from guardlint.documents.ecs.model import Container, TaskDefinition, task_definition
from guardlint.documents.ecs.recognize import CONTAINER_LIST, DOCKERRUN_V1
from guardlint.knowledge.placeholders import is_filled_in_later
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

_CONTAINER_LISTS = ("portMappings", "environment", "mountPoints")
FARGATE = "FARGATE"


def _judged(fields: Fields, name: str) -> list[Any]:
    """The possible values of `name` that can be judged: known, and no placeholder."""
    if name not in fields:
        return []
    return [
        value
        for value in fields.known_values(name)
        if value is not None and not (isinstance(value, str) and is_filled_in_later(value))
    ]


def _missing(fields: Fields, name: str) -> bool:
    """Absent or null. A blank string is a placeholder (`--generate-cli-skeleton` writes every
    string blank for a script or a person to fill in), which never makes a definition invalid."""
    return name not in fields or fields.raw(name) is None


@check("ECS015")
def invalid_task_definition(document: Document, rule: Rule) -> Iterator[Hit]:
    """A task definition that RegisterTaskDefinition (or Beanstalk) would reject."""
    task = task_definition(document)
    yield from _container_list(task)
    declared = _declared_volumes(task)
    for container in task.containers:
        yield from _container(task, container, declared)
    yield from _duplicates(task)
    yield from _references(task)
    if not task.is_dockerrun:
        yield from _fargate(task)
        yield from _secrets_without_execution_role(task)
        yield from _port_mappings(task)


def _invalid(task: TaskDefinition, problem: str, region: Any, **properties: Any) -> Hit:
    return task_hit(
        task, f"{task_subject(task)} would be rejected by ECS: {problem}.", region, **properties
    )


def _invalid_container(
    task: TaskDefinition, container: Container, problem: str, region: Any
) -> Hit:
    return container_hit(
        task, container, f"{subject(task, container)} would be rejected by ECS: {problem}.", region
    )


def _container_list(task: TaskDefinition) -> Iterator[Hit]:
    fields = task.fields
    if "containerDefinitions" not in fields:
        yield _invalid(task, "it has no containerDefinitions", task.anchor)
        return
    region = fields.key_region("containerDefinitions")
    for value in _judged(fields, "containerDefinitions"):
        if not isinstance(value, list):
            yield _invalid(task, "containerDefinitions is not a list", region)
        elif not value:
            yield _invalid(task, "containerDefinitions is empty", region)
        elif any(fields.resolver.known(item) and not isinstance(item, dict) for item in value):
            yield _invalid(task, "an entry of containerDefinitions is not a map", region)


def _container(
    task: TaskDefinition, container: Container, declared: set[str] | None
) -> Iterator[Hit]:
    fields = container.fields
    required = ("name",) if task.flavor == DOCKERRUN_V1 else ("name", "image")
    for name in required:
        if _missing(fields, name):
            yield _invalid_container(task, container, f"it has no {name}", container.anchor)
    for name in _CONTAINER_LISTS:
        if any(not isinstance(v, list) for v in _judged(fields, name)):
            yield _invalid_container(
                task, container, f"{name} is not a list", fields.key_region(name)
            )
    if declared is None:
        return
    for _, mount, _ in fields.items("mountPoints"):
        for volume in _judged(mount, "sourceVolume"):
            if isinstance(volume, str) and volume not in declared:
                yield _invalid_container(
                    task,
                    container,
                    f"mountPoint sourceVolume {volume} is not declared in volumes",
                    mount.key_region("sourceVolume"),
                )


def _declared_volumes(task: TaskDefinition) -> set[str] | None:
    """The volume names, when every one is known (never for a list of containers alone: its
    task declares them elsewhere)."""
    if task.flavor == CONTAINER_LIST:
        return None
    fields = task.fields
    resolver = fields.resolver
    if not all(resolver.known(v) for v in resolver.possible(fields.raw("volumes"))):
        return None
    if any(volume.name is None and "name" in volume.fields for volume in task.volumes):
        return None
    return task.declared_volumes()


def _duplicates(task: TaskDefinition) -> Iterator[Hit]:
    """Two containers of one list with the same name (the branches of a Fn::If that chooses
    one container are at one index, and different lists are different tasks)."""
    first: dict[tuple[int, str], int] = {}  # (list, name) -> index of its first container
    for container in task.containers:
        name = container.fields.text("name")
        if name is None or is_filled_in_later(name):
            continue
        if first.setdefault((container.group, name), container.index) != container.index:
            yield _invalid_container(
                task,
                container,
                f"another container is also named {name}",
                container.fields.key_region("name"),
            )


def _references(task: TaskDefinition) -> Iterator[Hit]:
    """links, volumesFrom and dependsOn naming a container the task (the container's own
    list) does not define; links in an awsvpc task."""
    names: dict[int, set[str]] = {}
    known = True  # every container's name is known
    for container in task.containers:
        if "name" in container.fields:
            name = container.fields.text("name")
            known = known and name is not None and not is_filled_in_later(name)
            names.setdefault(container.group, set()).add((name or "").strip())
    awsvpc = task.fields.may_equal("networkMode", "awsvpc")
    for container in task.containers:
        fields = container.fields
        links = [(text, region) for _, text, region in fields.scalars("links")]
        if links and awsvpc:
            yield _invalid_container(
                task, container, "links are not supported with networkMode awsvpc",
                fields.key_region("links"),
            )  # fmt: skip
        named = [(text.split(":", 1)[0], region) for text, region in links]
        for setting, key in (("volumesFrom", "sourceContainer"), ("dependsOn", "containerName")):
            named += [
                (text, item.key_region(key))
                for _, item, _ in fields.items(setting)
                for text in item.strings(key)
            ]
        for target, region in named if known else ():
            defined = names.get(container.group, set())
            if target.strip() and not is_filled_in_later(target) and target.strip() not in defined:
                yield _invalid_container(
                    task, container, f"it refers to container {target}, which is not defined",
                    region,
                )  # fmt: skip


def _fargate(task: TaskDefinition) -> Iterator[Hit]:
    fields = task.fields
    compatibilities = {t.strip().upper() for _, t, _ in fields.scalars("requiresCompatibilities")}
    if FARGATE not in compatibilities:
        return
    region = fields.key_region("requiresCompatibilities")
    if "networkMode" not in fields:
        yield _invalid(task, "FARGATE requires networkMode awsvpc, and none is set", region)
    else:
        # Each mode a deployment may give (Fn::If branches): one finding at the one key.
        modes = [
            mode
            for mode in fields.strings("networkMode")
            if mode.strip().lower() != "awsvpc" and not is_filled_in_later(mode)
        ]
        if modes:
            written = " or ".join(dict.fromkeys(modes))
            yield _invalid(
                task, f"FARGATE requires networkMode awsvpc, not {written}",
                fields.key_region("networkMode"),
            )  # fmt: skip
    for name in ("cpu", "memory"):
        if _missing(fields, name):
            yield _invalid(task, f"FARGATE requires a task-level {name}", region)
    for volume in task.volumes:
        for host in volume.fields.maps("host"):
            if any(path.strip() for path in host.strings("sourcePath")):
                yield _invalid(
                    task, "FARGATE does not support host volumes (host.sourcePath)",
                    host.key_region("sourcePath"),
                )  # fmt: skip
    for container in task.containers:
        if container.fields.may_be_true("privileged"):
            yield _invalid_container(
                task, container, "FARGATE does not support privileged containers",
                container.fields.key_region("privileged"),
            )  # fmt: skip
        for linux in container.fields.maps("linuxParameters"):
            if any(True for _ in linux.items("devices")):
                yield _invalid_container(
                    task, container, "FARGATE does not support devices",
                    linux.key_region("devices"),
                )  # fmt: skip


def _secrets_without_execution_role(task: TaskDefinition) -> Iterator[Hit]:
    """RegisterTaskDefinition refuses container `secrets` without an executionRoleArn (the
    role the agent fetches them with). A list of containers alone has its role elsewhere."""
    if task.flavor == CONTAINER_LIST or not _missing(task.fields, "executionRoleArn"):
        return
    for container in task.containers:
        if any(True for _ in container.fields.items("secrets")):
            yield _invalid_container(
                task, container,
                "it has secrets and the task sets no executionRoleArn to fetch them with",
                container.fields.key_region("secrets"),
            )  # fmt: skip
            return


def _port_mappings(task: TaskDefinition) -> Iterator[Hit]:
    """In networkMode awsvpc or host a hostPort is left out or equals the containerPort (0 is
    taken for left out); networkMode none takes no port mappings."""
    mode = task.fields.text("networkMode")
    mode = mode.strip().lower() if mode else None
    if mode not in ("awsvpc", "host", "none"):
        return
    for container in task.containers:
        fields = container.fields
        for _, mapping, _ in fields.items("portMappings"):
            if mode == "none":
                yield _invalid_container(
                    task, container, "networkMode none takes no portMappings",
                    fields.key_region("portMappings"),
                )  # fmt: skip
                break
            host, inside = _port(mapping, "hostPort"), _port(mapping, "containerPort")
            if host and inside is not None and host != inside:
                yield _invalid_container(
                    task, container,
                    f"with networkMode {mode} hostPort {host} must be left out or equal "
                    f"containerPort {inside}",
                    mapping.key_region("hostPort"),
                )  # fmt: skip


def _port(mapping: Fields, name: str) -> int | None:
    """The port number, when it has one known value (a port has at most 5 digits; a longer
    number is not converted, whatever its length)."""
    text = (mapping.text(name) or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else None
