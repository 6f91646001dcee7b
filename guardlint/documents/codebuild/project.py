"""A CodeBuild project as rules see it, whether a template's AWS::CodeBuild::Project (PascalCase,
values through the CloudFormation evaluator) or create-project JSON (camelCase literals): keys
in any case, the maps and list items behind `Fn::If`, resolved strings and flags, and where
each is written. An AWS::CodeBuild::SourceCredential is read the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from guardlint.documents.cloudformation.resources import region_at
from guardlint.documents.cloudformation.scenarios import scenarios
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import list_items, map_values, may_be_true
from guardlint.model.documents import Document, Region
from guardlint.parse.scalars import key_of, value_of

PROJECT, SOURCE_CREDENTIAL = "AWS::CodeBuild::Project", "AWS::CodeBuild::SourceCredential"
# A CodePipeline CodeBuild action, as the variables it gives its builds (pipeline_actions.py).
PIPELINE_ACTION = "CodePipeline CodeBuild action"
CODEBUILD_TYPES = (PROJECT, SOURCE_CREDENTIAL)
_META_KEY = "codebuild_project"
# In an inline buildspec's meta: the variable map of the Fn::Sub whose text it is ({} for none).
SUB_VARIABLES = "sub_variables"
# Variable types whose value names where CodeBuild fetches the secret at build time.
_STORED_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})


@dataclass
class Project:
    """One project (or source credential): its properties, the resource its findings name,
    where it starts, and the evaluator of its values (for JSON, one without parameters, which
    takes every literal as it is)."""

    props: dict
    label: str
    region: Region
    template: Template
    type: str = PROJECT

    def maps(self, container: Any, name: str) -> list[dict]:
        """The literal maps `container[name]` may be (both branches of an Fn::If)."""
        value = value_of(container, name)
        if value is None:
            return []
        return [m for m in map_values(self.template, value) if isinstance(m, dict)]

    def items(self, container: Any, name: str) -> Iterator[tuple[list, int, dict]]:
        """(list, index, map) for each map item of the list `container[name]`."""
        value = value_of(container, name)
        if value is not None:
            yield from list_items(self.template, value)

    def sources(self) -> list[tuple[str, dict]]:
        """(path, source) for `Source` and each `SecondarySources` item, in that order."""
        found = [("Source", source) for source in self.maps(self.props, "Source")]
        found += [
            (f"SecondarySources[{index}]", item)
            for _, index, item in self.items(self.props, "SecondarySources")
        ]
        return found

    def strings(self, container: Any, name: str) -> list[str]:
        """The resolved string values of `container[name]` (unknown ones left out)."""
        return self.template.resolved_strings(value_of(container, name))

    def may_be_true(self, container: Any, name: str) -> bool:
        key = key_of(container, name)
        return key is not None and may_be_true(self.template, container, key)

    def plaintext_variables(self) -> Iterator[tuple[str, dict, Project]]:
        """(name, variable, project) for each `Environment.EnvironmentVariables` entry of Type
        PLAINTEXT or none: its Value is the variable's text. A stored type (PARAMETER_STORE,
        SECRETS_MANAGER), or a name or type that cannot be known, is left out. A Name or Type
        on a condition is read once per deployment (`Type: !If [UseSsm, PARAMETER_STORE,
        PLAINTEXT]`): the project given reads the Value as the deployments that write that
        name in plaintext do (the one without the store), the whole project where several do."""
        for environment in self.maps(self.props, "Environment"):
            for _, _, variable in self.items(environment, "EnvironmentVariables"):
                read = [value_of(variable, "Name"), value_of(variable, "Type")]
                names = self.template.resolved_strings(read[0])
                types = {text.strip().upper() for text in self.template.resolved_strings(read[1])}
                if len(names) == 1 and not types & _STORED_TYPES:
                    name = self._plaintext_name(variable, self.template)
                    if name is not None:
                        yield name, variable, self
                    continue
                if len(names) == 1 and types <= _STORED_TYPES:
                    continue  # stored in every deployment
                views: dict[str, list[Template]] = {}
                for view in scenarios(self.template, None, read):
                    name = self._plaintext_name(variable, view)
                    if name is not None:
                        views.setdefault(name, []).append(view)
                for name, found in views.items():
                    project = replace(self, template=found[0]) if len(found) == 1 else self
                    yield name, variable, project

    def _plaintext_name(self, variable: dict, template: Template) -> str | None:
        """The variable's name where the deployment `template` writes it in plaintext."""
        names = template.resolved_strings(value_of(variable, "Name"))
        kind = value_of(variable, "Type")
        types = {text.strip().upper() for text in template.resolved_strings(kind)}
        if len(names) != 1 or types & _STORED_TYPES or (kind is not None and not types):
            return None
        return names[0]

    def at(self, container: Any, name: str | int | None = None) -> Region:
        """Where `container[name]` is written (the `key:` line of a map or list), else the
        project's own line."""
        key = key_of(container, name) if isinstance(name, str) else name
        if isinstance(name, str) and key is None:
            return getattr(container, "region", None) or self.region
        return region_at(container, key, self.region)

    def value_at(self, container: Any, name: str) -> Region:
        """Where the value of `container[name]` itself is written."""
        key = key_of(container, name)
        regions = getattr(container, "value_regions", {})
        return regions.get(key) or self.at(container, name)


def project_of(document: Document) -> Project:
    """The document's Project: made by the template's derivation, or on first use for
    create-project JSON."""
    project = document.meta.get(_META_KEY)
    if project is None:
        region = getattr(document.data, "region", None) or Region(1)
        label = str(document.meta.get("resource", "codebuild project"))
        project = document.meta[_META_KEY] = Project(document.data, label, region, Template({}))
    return project


def owning_project(document: Document) -> Project | None:
    """The project whose inline BuildSpec the document is; None for a buildspec file."""
    return document.meta.get(_META_KEY)


def with_project(meta: dict[str, Any], project: Project) -> dict[str, Any]:
    """A derived document's meta, holding its project."""
    return {**meta, _META_KEY: project}
