"""Which parsed YAML/JSON documents are CodeBuild's: a buildspec (by its file name, or by a
`version` 0.1/0.2 and a `phases` map of build phases beside buildspec keys only) or a project
as `aws codebuild create-project --cli-input-json` takes it (or each of those that
`batch-get-projects` prints, or the one `create-project` prints). Imported by the classifier for
every structured file, so it stays light: no CloudFormation, no checks."""

from __future__ import annotations

from typing import Any

from guardlint.parse.scalars import key_of, value_of

BUILDSPEC_VERSIONS = frozenset({"0.1", "0.2"})
PHASES = ("install", "pre_build", "build", "post_build")
# Every top-level key a buildspec may have: a document with any other key (`services`, `jobs`,
# `stages`, `steps`, `Resources`, `apiVersion`) is some other tool's file.
BUILDSPEC_KEYS = frozenset(
    {"version", "phases", "env", "run-as", "proxy", "batch", "artifacts", "reports", "cache"}
)


def buildspec_version(value: Any) -> bool:
    """`version: 0.2` (a YAML number) or `"0.2"`; 0.1 as well."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False
    return str(value).strip() in BUILDSPEC_VERSIONS


def is_buildspec(data: dict, by_name: bool) -> bool:
    """A buildspec file: by its name (`buildspec*.yml`, any content that is a map), or by
    content: `version` 0.1/0.2, a `phases` map of build phases, and only buildspec keys."""
    if by_name:
        return True
    phases = data.get("phases")
    return (
        buildspec_version(data.get("version"))
        and isinstance(phases, dict)
        and all(key in PHASES for key in phases)
        and all(key in BUILDSPEC_KEYS for key in data)
    )


def is_project(data: dict) -> bool:
    """create-project input: a `source` with a `type`, an `environment` with an `image` or a
    `computeType`, and `artifacts` (keys in any case)."""
    source, environment = value_of(data, "source"), value_of(data, "environment")
    return (
        isinstance(source, dict)
        and key_of(source, "type") is not None
        and isinstance(environment, dict)
        and any(key_of(environment, name) is not None for name in ("image", "computeType"))
        and isinstance(value_of(data, "artifacts"), dict)
    )


# `aws codebuild batch-get-projects` output: the projects found, and the names it did not find.
_BATCH_GET_PROJECTS_KEYS = frozenset({"projects", "projectsNotFound"})


def listed_projects(data: dict) -> list[dict]:
    """The projects of `batch-get-projects` output: a `projects` list whose every item is a
    project (is_project), beside at most `projectsNotFound`; or the one project that
    `create-project` and `update-project` print, alone under `project`; none for any other
    shape."""
    made = data.get("project")
    if data.keys() == {"project"} and isinstance(made, dict) and is_project(made):
        return [made]
    projects = data.get("projects")
    if (
        not isinstance(projects, list)
        or not projects
        or not data.keys() <= _BATCH_GET_PROJECTS_KEYS
    ):
        return []
    if all(isinstance(project, dict) and is_project(project) for project in projects):
        return projects
    return []


def project_name(data: dict) -> str:
    """A create-project input's `name`, as the resource of its findings."""
    name = value_of(data, "name")
    return name.strip() if isinstance(name, str) and name.strip() else "(unnamed)"
