"""Compute resources of CloudFormation templates: Lambda runtimes past their deprecation date,
and ECS task definitions that weaken isolation or hard-code credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    Resource,
    region_at,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    is_false_or_missing,
    list_items,
    may_be_true,
    may_equal,
)
from guardlint.knowledge.credentials import hardcoded_credential
from guardlint.knowledge.end_of_life import deprecated_lambda_runtimes, judged_on
from guardlint.model import Document, Hit, Rule, Severity
from guardlint.parse.yaml_nodes import YamlMap


@check("CFN014")
def lambda_deprecated_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    """Functions (and SAM Globals) on a runtime deprecated by the date of option as_of."""
    template = template_of(document)
    today = judged_on(rule.options)
    table = deprecated_lambda_runtimes()
    for function in resources_of(document, *FUNCTION_TYPES):
        for runtime in template.resolved_strings(function.props.get("Runtime")):
            entry = table.get(runtime.strip().lower())
            if entry is None or entry["deprecated"] > today:
                continue
            yield hit(
                function,
                f"Function {function.logical_id} uses the {runtime} runtime, deprecated by AWS "
                f"on {entry['deprecated']}: it gets no security patches (move to "
                f"{entry['replacement']}).",
                function.props,
                "Runtime",
                runtime=runtime,
                deprecated=str(entry["deprecated"]),
            )


@check("CFN027")
def ecs_task_insecure(document: Document, rule: Rule) -> Iterator[Hit]:
    """Task definitions on the host network, and containers privileged, root, with a
    writable root filesystem or a hard-coded credential in their environment."""
    template = template_of(document)
    for task in resources_of(document, "AWS::ECS::TaskDefinition"):
        if may_equal(template, task.props.get("NetworkMode"), "host"):
            yield hit(
                task,
                f"ECS task definition {task.logical_id} uses NetworkMode host: containers share "
                "the host's network stack and can reach its local services.",
                task.props,
                "NetworkMode",
            )
        for _, index, container in list_items(template, task.props.get("ContainerDefinitions")):
            name = template.resolve(container.get("Name"))
            name = name if isinstance(name, str) else f"#{index + 1}"
            yield from _container_hits(template, task, container, name)


def _container_hits(
    template: Template, task: Resource, container: YamlMap, name: str
) -> Iterator[Hit]:
    # Findings about the container as a whole point at its Name.
    anchor = region_at(container, "Name", region_at(container, None, task.region))
    subject = Resource(task.logical_id, task.type, task.props, anchor)
    where = f"Container {name} of task definition {task.logical_id}"
    label = f"{task.label} container {name}"
    found: list[Hit] = []
    if may_be_true(template, container, "Privileged"):
        message = f"{where} runs privileged: it has full access to the host."
        found.append(hit(subject, message, container, "Privileged"))
    user = template.resolve(container.get("User"))
    if isinstance(user, (str, int)) and re.fullmatch(r"(root|0)(:.*)?", str(user).strip()):
        found.append(hit(subject, f"{where} runs as root (User {user}).", container, "User"))
    if is_false_or_missing(template, container, "ReadonlyRootFilesystem"):
        found.append(
            hit(
                subject,
                f"{where} has a writable root filesystem (ReadonlyRootFilesystem not "
                "true), so an attacker can modify its binaries.",
                container if "ReadonlyRootFilesystem" in container else None,
                "ReadonlyRootFilesystem",
                severity=Severity.LOW,
            )
        )
    for _, _, variable in list_items(template, container.get("Environment")):
        variable_name = variable.get("Name")
        if not isinstance(variable_name, str):
            continue
        secret = hardcoded_credential(variable_name, variable.get("Value"))
        if secret:
            found.append(
                hit(
                    subject,
                    f"{where} sets environment variable {variable_name} to a hard-coded "
                    "credential; pass it with the container definition's ValueFrom instead.",
                    variable,
                    "Value",
                    severity=Severity.CRITICAL,
                    variable=variable_name,
                    secret_values=(secret,),
                )
            )
    for item in found:
        item.resource = label
        item.properties["container"] = name
        yield item
