"""The environment variables a CodePipeline CodeBuild action gives its builds: an
AWS::CodePipeline::Pipeline stage action of type {Category: Build or Test, Owner: AWS,
Provider: CodeBuild} may set `Configuration.EnvironmentVariables`, a JSON text (often made with
`!Sub` or `Fn::Join`, as the CDK writes it) of `[{"name": ..., "value": ..., "type":
"PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER"}]` that overrides the project's variables
for the builds the action starts (CodePipeline's action structure reference, CodeBuild). Each
such list is a `codebuild-project` document whose project (type PIPELINE_ACTION) holds only
those variables, under `Environment.EnvironmentVariables`, so that CBD002 reads them as it reads
a project's: the type absent is PLAINTEXT, a stored type never a secret in plaintext.

The text is read like every text a template embeds (guardlint.documents.cloudformation.
embedded_text, the CDK's Fn::Join as the Fn::Sub it equals); one that does not parse as a list
is no document. In a `!Sub` text as written, a value holding `${...}` is read as the Fn::Sub
CloudFormation makes of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.embedded_text import (
    Place,
    load_node,
    parsed_texts,
    partially_resolved_texts,
)
from guardlint.documents.cloudformation.intrinsics import deployed_string
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import list_items, map_values
from guardlint.documents.codebuild.project import PIPELINE_ACTION, Project, with_project
from guardlint.model.documents import NEVER_CREATED, ONE_PLACE, Document, Region
from guardlint.parse.located import YamlMap, YamlSeq
from guardlint.parse.scalars import key_of, value_of

PIPELINE = "AWS::CodePipeline::Pipeline"
_CATEGORIES = frozenset({"build", "test"})
# Far above any real list of variables; bounds the parse of a text an intrinsic makes.
MAX_VARIABLES_TEXT = 256 * 1024


def pipeline_actions(template: Document) -> Iterator[Document]:
    """A `codebuild-project` document for each CodeBuild action's EnvironmentVariables list of
    the template's pipelines (one never created kept, as projects are: meta NEVER_CREATED)."""
    evaluator = template_of(template)
    created = {resource.logical_id for resource in resources_of(template, PIPELINE)}
    for resource in resources_of(template, PIPELINE, created_only=False):
        meta = {NEVER_CREATED: resource.logical_id not in created}
        for label, configuration in _codebuild_actions(resource, evaluator):
            key = key_of(configuration, "EnvironmentVariables")
            if key is None:
                continue
            project = Project({}, label, resource.region, evaluator, PIPELINE_ACTION)
            written = project.value_at(configuration, key)
            anchor = configuration.key_region(key) if isinstance(configuration, YamlMap) else None
            value = configuration[key]
            found = False
            for variables, sub, one_place in parsed_texts(
                value, written, template.lines, evaluator, _variables, anchor, joins_as_sub=True
            ):
                found = True
                yield _derived(template, project, _as_deployed(variables, sub), meta, one_place)
            if not found:  # each unknown part is a `${...}` no template defines
                place = anchor or written
                for variables in partially_resolved_texts(value, evaluator, _variables, place):
                    yield _derived(template, project, variables, meta, place)


def _codebuild_actions(resource: Resource, template: Template) -> Iterator[tuple[str, Any]]:
    """(label, Configuration) of each CodeBuild build or test action of a pipeline."""
    for _, _, stage in list_items(template, value_of(resource.props, "Stages")):
        stage_name = _name(template, stage)
        for _, _, action in list_items(template, value_of(stage, "Actions")):
            if not _runs_codebuild(template, value_of(action, "ActionTypeId")):
                continue
            label = f"{resource.label} stage {stage_name} action {_name(template, action)}"
            for configuration in map_values(template, value_of(action, "Configuration")):
                if isinstance(configuration, dict):
                    yield label, configuration


def _runs_codebuild(template: Template, type_id: Any) -> bool:
    """Whether an ActionTypeId may be CodeBuild's build or test action (AWS-owned)."""
    for candidate in map_values(template, type_id):
        if not isinstance(candidate, dict):
            continue
        fields = [
            {text.strip().lower() for text in template.resolved_strings(value_of(candidate, key))}
            for key in ("Category", "Owner", "Provider")
        ]
        if fields[0] & _CATEGORIES and "aws" in fields[1] and "codebuild" in fields[2]:
            return True
    return False


def _name(template: Template, item: Any) -> str:
    names = template.resolved_strings(value_of(item, "Name"))
    return names[0] if len(names) == 1 and names[0].strip() else "(unnamed)"


def _variables(text: str, place: Place) -> YamlSeq | None:
    """A text that parses as a list (of variables): anything else is not one."""
    return load_node(text, place, MAX_VARIABLES_TEXT, YamlSeq)  # type: ignore[return-value]


def _as_deployed(variables: YamlSeq, sub: Any) -> YamlSeq:
    """In a Fn::Sub text as written (`sub`: its variable map, {} for none), a value with `${`
    is a Fn::Sub of its own, as CloudFormation deploys it."""
    if sub is None:
        return variables
    for item in variables:
        key = key_of(item, "value")
        value = item.get(key) if isinstance(item, dict) and key is not None else None
        if isinstance(value, str) and "${" in value:
            item[key] = deployed_string(value, sub)
    return variables


def _derived(
    template: Document, project: Project, variables: YamlSeq, meta: dict, one_place: Region | None
) -> Document:
    props = {"Environment": {"EnvironmentVariables": variables}}
    project = dataclasses.replace(project, props=props)
    meta = {"resource": project.label, ONE_PLACE: one_place, **meta}
    return template.derived("codebuild-project", props, with_project(meta, project))
