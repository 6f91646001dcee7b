"""The ECS task definitions and services of a CloudFormation template as documents of their own
(a derived document: guardlint.documents.registry): each AWS::ECS::TaskDefinition an `ecs-task`,
each AWS::ECS::Service and AWS::ECS::TaskSet an `ecs-service`, their values read through the
template's evaluator (Ref to parameter defaults, Fn::Sub, both branches of Fn::If)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.conditions import taken_branches
from guardlint.documents.cloudformation.intrinsics import (
    MAX_VALUES,
    UNRESOLVED,
    intrinsic,
    referenced_id,
)
from guardlint.documents.cloudformation.resources import resources_of, template_of
from guardlint.documents.cloudformation.scenarios import scenarios
from guardlint.documents.cloudformation.secret_sources import resolved_secret_source
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.ecs.fields import UNKNOWN_PART, Resolver
from guardlint.documents.ecs.recognize import CLOUDFORMATION, ECS_SERVICE, ECS_TASK
from guardlint.documents.ecs.resource_texts import with_resource_texts
from guardlint.model.documents import NEVER_CREATED, Document

TASK_DEFINITION_TYPE = "AWS::ECS::TaskDefinition"
SERVICE_TYPES = ("AWS::ECS::Service", "AWS::ECS::TaskSet")
NO_VALUE = "AWS::NoValue"
_WHOLE_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")  # a Fn::Sub string that is one variable
_MAX_DEPTH = 8  # nested Fn::If and Fn::Sub followed for a role


class TemplateResolver(Resolver):
    """Values through a template's evaluator; what it cannot resolve is UNRESOLVED."""

    def __init__(self, template: Template) -> None:
        self.template = template

    def possible(self, value: Any) -> list[Any]:
        """As the evaluator has them, except that `!Ref AWS::NoValue` (also as an Fn::If
        branch) is None: the property is not set, and ECS applies its default."""
        call = intrinsic(value)
        if call == ("Ref", NO_VALUE):
            return [None]
        if call is not None and call[0] == "Fn::If" and _mentions_no_value(call[1]):
            options: list[Any] = []
            for branch in taken_branches(self.template.condition_values, call[1]) or []:
                options += self.possible(branch)
            return options[:MAX_VALUES]  # the evaluator's bound on combinations
        return self.template.possible_values(value)

    def is_literal_map(self, value: Any) -> bool:
        return isinstance(value, dict) and intrinsic(value) is None

    def known(self, value: Any) -> bool:
        return value is not UNRESOLVED and not (isinstance(value, dict) and intrinsic(value))

    def spelling(self, name: str) -> str:
        return name[:1].upper() + name[1:]

    def partial_texts(self, value: Any) -> list[str]:
        """An ECR repository of the template stands for its URI or name (UNKNOWN_NAME when
        the template does not name it), which has no tag; a role the template names for its
        name or ARN (guardlint.documents.ecs.resource_texts)."""
        value = with_resource_texts(self.template, value)
        return [
            text
            for text in self.template.partial_values(value, UNKNOWN_PART)
            if isinstance(text, str)
        ]

    def same_target(self, first: Any, second: Any) -> bool:
        if self._targets(first) & self._targets(second):
            return True
        return intrinsic(first) is not None and first == second

    def _targets(self, value: Any, depth: int = 0) -> set[str]:
        """The logical IDs a value may name by Ref or GetAtt: also as a Fn::Sub of that
        reference alone (`!Sub "${Role.Arn}"`, or of a variable its map defines as one), and
        in either branch of a Fn::If (the one taken when the condition is known)."""
        call = intrinsic(value)
        if call is None or depth > _MAX_DEPTH:
            return set()
        name, argument = call
        known = self.template.condition_values
        taken = taken_branches(known, argument) if name == "Fn::If" else None
        if taken is not None:
            return {t for branch in taken for t in self._targets(branch, depth + 1)}
        if name != "Fn::Sub":
            target = referenced_id(value)
            return set() if target is None or target == NO_VALUE else {target}
        text, variables = argument, {}
        if isinstance(text, list) and len(text) == 2 and isinstance(text[1], dict):
            text, variables = text
        whole = _WHOLE_VARIABLE.fullmatch(text) if isinstance(text, str) else None
        if whole is None:
            return set()
        variable = whole.group(1).strip()
        if variable in variables:
            return self._targets(variables[variable], depth + 1)
        return {variable.split(".", 1)[0]}

    def stored_secret(self, value: Any) -> str | None:
        return resolved_secret_source(self.template, value)

    def deployments(self, values: list[Any]) -> list[Resolver]:
        views = scenarios(self.template, None, values)
        return [self if view is self.template else TemplateResolver(view) for view in views]


def _mentions_no_value(arguments: Any) -> bool:
    """Fn::If arguments (condition, then, else) with a branch that is AWS::NoValue, or
    another such Fn::If."""
    if not (isinstance(arguments, list) and len(arguments) == 3 and isinstance(arguments[0], str)):
        return False
    for branch in arguments[1:]:
        call = intrinsic(branch)
        if call == ("Ref", NO_VALUE) or (
            call is not None and call[0] == "Fn::If" and _mentions_no_value(call[1])
        ):
            return True
    return False


def ecs_documents(template_document: Document) -> Iterator[Document]:
    """Every task definition, service and task set of a template, as an ECS document. One
    whose Condition is always false is never deployed: a task definition is kept for its
    secrets alone (meta NEVER_CREATED), a service is left out."""
    resolver = TemplateResolver(template_of(template_document))
    types = (TASK_DEFINITION_TYPE, *SERVICE_TYPES)
    created = {resource.logical_id for resource in resources_of(template_document, *types)}
    for resource in resources_of(template_document, *types, created_only=False):
        kind = ECS_TASK if resource.type == TASK_DEFINITION_TYPE else ECS_SERVICE
        never_created = resource.logical_id not in created
        if never_created and kind == ECS_SERVICE:
            continue
        meta = {
            "flavor": CLOUDFORMATION,
            "resource": resource.label,
            "resolver": resolver,
            "logical_id": resource.logical_id,
            "region": resource.region,
            NEVER_CREATED: never_created,
        }
        yield template_document.derived(kind, resource.props, meta)
