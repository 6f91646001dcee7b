"""ECS checks of what separates a task's containers from the host: privileged containers, root
users, the host's network, PID and IPC namespaces, and dangerous capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.ecs.hits import container_hit, subject, task_hit, task_subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields
from guardlint.documents.ecs.model import task_definition
from guardlint.knowledge.users import names_root
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

_CAPABILITY_PREFIX = "CAP_"


@check("ECS001")
def privileged(document: Document, rule: Rule) -> Iterator[Hit]:
    """Containers with `privileged` true (or "true")."""
    task = task_definition(document)
    for container in task.containers:
        if container.fields.may_be_true("privileged"):
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} runs privileged: it has every capability and "
                "every host device, so escaping to the host is trivial.",
                container.fields.key_region("privileged"),
            )


@check("ECS002")
def runs_as_root(document: Document, rule: Rule) -> Iterator[Hit]:
    """Containers whose `user` is root or UID 0; in a host-network task, also those with no
    `user` that are not privileged (Security Hub ECS.1). Windows tasks are not judged."""
    task = task_definition(document)
    if task.windows:
        return
    for container in task.containers:
        fields = container.fields
        root = next((u for u in fields.strings("user") if names_root(u, windows=False)), None)
        if root is not None:
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} runs as root (user {root}): a process that "
                "breaks out of the application owns the container and is root on a shared "
                "kernel.",
                fields.key_region("user"),
                user=root,
            )
        elif task.host_network and _no_user(fields) and not fields.may_be_true("privileged"):
            yield container_hit(
                task,
                container,
                f"{subject(task, container)} sets no {fields.spelled('user')} in a task on the "
                "host network, so "
                "it runs as the image's user, root unless the image says otherwise, in the "
                "host's network namespace.",
                container.anchor,
            )


def _no_user(fields: Fields) -> bool:
    """Absent, null, AWS::NoValue or blank: the image's user (one that cannot be resolved is
    some user)."""
    return fields.may_be_absent("user") or any(not u.strip() for u in fields.strings("user"))


@check("ECS003")
def host_network(document: Document, rule: Rule) -> Iterator[Hit]:
    """Task definitions with networkMode host."""
    task = task_definition(document)
    mode = task.host_network
    if mode is not None:
        yield task_hit(
            task,
            f"{task_subject(task)} uses {task.fields.spelled('networkMode')} {mode}: its "
            "containers share the host's network stack, bind any host port and reach services "
            "listening on the host's loopback, such as the ECS agent's introspection API.",
            task.fields.key_region("networkMode"),
        )


@check("ECS004")
def host_namespace(document: Document, rule: Rule) -> Iterator[Hit]:
    """Task definitions with pidMode or ipcMode host."""
    task = task_definition(document)
    if task.is_dockerrun:
        return
    for setting, shares in (("pidMode", "processes"), ("ipcMode", "shared memory")):
        mode = task.fields.may_equal(setting, "host")
        if mode is not None:
            yield task_hit(
                task,
                f"{task_subject(task)} uses {task.fields.spelled(setting)} {mode}: its "
                f"containers share the host's {shares}, which they can read and signal.",
                task.fields.key_region(setting),
                setting=setting,
            )


@check("ECS005")
def dangerous_capabilities(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each entry of `linuxParameters.capabilities.add` that the rule option `capabilities`
    lists (any case, with or without CAP_); `drop` is never judged."""
    listed = {
        str(name).upper(): str(meaning) for name, meaning in rule.options["capabilities"].items()
    }
    task = task_definition(document)
    for container in task.containers:
        seen = set()
        for linux in container.fields.maps("linuxParameters"):
            for capabilities in linux.maps("capabilities"):
                for _, entry, region in capabilities.scalars("add"):
                    name = entry.strip().upper().removeprefix(_CAPABILITY_PREFIX)
                    if name not in listed or (name, region) in seen:
                        continue
                    seen.add((name, region))
                    shown = "ALL capabilities" if name == "ALL" else f"CAP_{name}"
                    yield container_hit(
                        task,
                        container,
                        f"{subject(task, container)} adds {shown}, which lets a process in it "
                        f"{listed[name]}.",
                        region,
                        capability=name,
                    )
