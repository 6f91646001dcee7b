"""CDP005: what CodeDeploy (the service, or the agent on an EC2/On-Premises instance) rejects in
an AppSpec. A placeholder that a pipeline fills in before the deployment (`<TASK_DEFINITION>`,
`${IMAGE}`, a blank string) never makes an AppSpec invalid."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.appspec import (
    EC2,
    ECS,
    ECS_SERVICE,
    LAMBDA,
    LAMBDA_FUNCTION,
    AppSpec,
    Resource,
    appspec_of,
    is_version_zero,
)
from guardlint.knowledge.placeholders import is_placeholder
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import region_of
from guardlint.parse.scalars import key_of, value_of, whole_number

# The lifecycle events a hook may name. EC2/On-Premises: the scriptable events, with the
# agent's older names of the load-balancer events.
EVENTS = {
    EC2: (
        "ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart",
        "ValidateService", "BeforeBlockTraffic", "AfterBlockTraffic", "BeforeAllowTraffic",
        "AfterAllowTraffic", "BeforeELBRemove", "AfterELBRemove", "BeforeELBAdd", "AfterELBAdd",
    ),
    ECS: (
        "BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic",
        "AfterAllowTraffic",
    ),
    LAMBDA: ("BeforeAllowTraffic", "AfterAllowTraffic"),
}  # fmt: skip
# CodeDeploy's own steps of an EC2/On-Premises deployment, which run no script.
RESERVED_EVENTS = ("DownloadBundle", "Install", "BlockTraffic", "AllowTraffic")
MAX_TIMEOUT = 3600  # seconds, for one hook script
OPERATING_SYSTEMS = ("linux", "windows")
PERMISSION_TYPES = ("file", "directory")  # the agent compares them as written
# The sections the EC2/On-Premises agent reads, by their lower-case keys only (a Ruby hash).
AGENT_SECTIONS = ("version", "os", "files", "permissions", "hooks")
REQUIRED_SECTIONS = ("version", "os")
FILE_EXISTS_BEHAVIORS = ("DISALLOW", "OVERWRITE", "RETAIN")
# The whole number Ruby's `String#to_i` reads from the start of a text: blanks, a sign, digits
# with single underscores between them.
_LEADING_INTEGER = LazyPattern(r"[ \t\n\v\f\r]*(?P<sign>[-+]?)(?P<digits>[0-9]+(?:_[0-9]+)*)")
REQUIRED_PROPERTIES = {
    ECS_SERVICE: (("TaskDefinition",), ("LoadBalancerInfo", "ContainerName"),
                  ("LoadBalancerInfo", "ContainerPort")),
    LAMBDA_FUNCTION: (("Name",), ("Alias",), ("CurrentVersion",), ("TargetVersion",)),
}  # fmt: skip


@dataclass
class _Problem:
    """One reason CodeDeploy would reject an AppSpec."""

    code: str  # with the resource, tells apart problems that share a line (the fingerprint)
    message: str
    region: Region
    resource: str = "appspec"


def _placeholder(value: Any) -> bool:
    """A placeholder text that a pipeline replaces, standing for a scalar, a list or a map:
    `<TASK_DEFINITION>`, `${HOOKS}`."""
    return isinstance(value, str) and is_placeholder(value)


@check("CDP005")
def invalid_appspec(document: Document, rule: Rule) -> Iterator[Hit]:
    """The version, and what the platform's AppSpec must hold: EC2's os, files, hooks scripts
    and file_exists_behavior; ECS's one TargetService and Lambda's function versions, with
    their hooks naming functions."""
    appspec = appspec_of(document)
    problems = list(_version_problems(appspec))
    if appspec.platform == EC2:
        problems += [*_os_problems(appspec), *_file_problems(appspec), *_script_problems(appspec)]
        problems += [*_permission_problems(appspec), *_section_case_problems(appspec)]
    elif appspec.platform is not None:
        problems += [*_resource_problems(appspec), *_function_hook_problems(appspec)]
    for problem in problems:
        yield Hit(
            message=problem.message,
            region=problem.region,
            resource=problem.resource,
            fingerprint_key=problem.code,
        )


def _version_problems(appspec: AppSpec) -> Iterator[_Problem]:
    if key_of(appspec.data, "version") is None:
        message = "The AppSpec has no version: CodeDeploy requires `version: 0.0`."
        yield _Problem("no-version", message, appspec.region)
        return
    version = appspec.section("version")
    if not is_version_zero(version) and not _placeholder(version):
        message = f"The AppSpec's version is {version!r}: CodeDeploy accepts only 0.0."
        yield _Problem("version", message, appspec.key_region("version"))


def _os_problems(appspec: AppSpec) -> Iterator[_Problem]:
    os_name = appspec.section("os")
    if os_name is None:
        message = "The AppSpec has no os: EC2/On-Premises deployments need linux or windows."
        yield _Problem("no-os", message, appspec.region)
    elif os_name not in OPERATING_SYSTEMS and not _placeholder(os_name):
        message = f"The AppSpec's os is {os_name!r}: the agent takes linux or windows (lower case)."
        yield _Problem("os", message, appspec.key_region("os"))
    behavior = appspec.section("file_exists_behavior")
    valid = isinstance(behavior, str) and behavior.strip().upper() in FILE_EXISTS_BEHAVIORS
    if behavior is not None and not valid and not _placeholder(behavior):
        yield _Problem(
            "file-exists-behavior",
            f"file_exists_behavior is {behavior!r}: CodeDeploy accepts DISALLOW, OVERWRITE or "
            "RETAIN.",
            appspec.key_region("file_exists_behavior"),
        )


def _section_case_problems(appspec: AppSpec) -> Iterator[_Problem]:
    """A section the agent misses for its spelling (`Hooks`, `Files`, `Version`)."""
    for key in appspec.data:
        name = key.lower() if isinstance(key, str) else None
        if name in AGENT_SECTIONS and key != name:
            effect = "rejects the AppSpec" if name in REQUIRED_SECTIONS else "ignores the section"
            yield _Problem(
                "section-case",
                f"The CodeDeploy agent reads the {name} section only as `{name}`: it misses "
                f"`{key}` and {effect}.",
                region_of(appspec.data, key) or appspec.region,
            )


def _file_problems(appspec: AppSpec) -> Iterator[_Problem]:
    files = appspec.section("files")
    if files is not None and not isinstance(files, list) and not _placeholder(files):
        message = "files is not a list of source and destination mappings."
        yield _Problem("files", message, appspec.key_region("files"))
    for entry in appspec.entries("files"):
        if _placeholder(entry.value):
            continue
        missing = [
            name for name in ("source", "destination") if value_of(entry.value, name) is None
        ]
        if missing:
            yield _Problem(
                "file-mapping",
                f"A files mapping has no {' or '.join(missing)}: the CodeDeploy agent rejects "
                "the AppSpec.",
                entry.region,
                entry.resource,
            )


def _event_problem(event: Any, platform: str, region: Region) -> _Problem | None:
    """A hook event the platform does not run, with the right spelling when it only differs
    in case."""
    valid = EVENTS[platform]
    if event in valid or _placeholder(event):
        return None
    spelled = next((name for name in valid if name.lower() == str(event).lower()), None)
    if spelled is not None:
        why = f"event names are case-sensitive: {spelled}"
    elif platform == EC2 and event in RESERVED_EVENTS:
        why = "it is CodeDeploy's own step, which runs no script"
    else:
        why = f"{platform} hooks run at {', '.join(valid)}"
    return _Problem(
        "event",
        f"{platform} deployments run no {event} hook ({why}): the hook never runs, or "
        "CodeDeploy rejects the AppSpec.",
        region,
        f"appspec hook {event}",
    )


def _script_problems(appspec: AppSpec) -> Iterator[_Problem]:
    hooks = appspec.section("hooks")
    if _placeholder(hooks):
        return
    if hooks is not None and not isinstance(hooks, dict):
        message = "hooks is not a mapping of lifecycle events to scripts."
        yield _Problem("hooks", message, appspec.key_region("hooks"))
        return
    for event, scripts in (hooks or {}).items():
        where = region_of(hooks, event) or appspec.region
        problem = _event_problem(event, EC2, where)
        if problem is not None:
            yield problem
        if scripts is not None and not isinstance(scripts, list) and not _placeholder(scripts):
            message = f"The {event} hook is not a list of scripts."
            yield _Problem("scripts", message, where, f"appspec hook {event}")
    for hook in appspec.hooks():
        if _placeholder(hook.value):
            continue
        location = value_of(hook.value, "location")
        if location is None:
            message = f"A script of the {hook.event} hook has no location: the agent rejects it."
            yield _Problem("location", message, hook.region, hook.resource)
        timeout = value_of(hook.value, "timeout")
        seconds = _seconds(timeout)
        # The agent takes the timeout's whole seconds and rejects a script with none (below 1).
        if seconds is not None and (seconds > MAX_TIMEOUT or seconds < 1):
            key = key_of(hook.value, "timeout")
            allowed = f"at most {MAX_TIMEOUT}" if seconds > MAX_TIMEOUT else "at least 1 second"
            read = (
                f"{timeout!r}, which the agent reads as {seconds}"
                if isinstance(timeout, str) and whole_number(timeout) is None
                else timeout
            )
            yield _Problem(
                "timeout",
                f"A script of the {hook.event} hook has a timeout of {read} seconds: "
                f"CodeDeploy allows {allowed}.",
                region_of(hook.value, key) or hook.region,
                hook.resource,
            )


def _permission_problems(appspec: AppSpec) -> Iterator[_Problem]:
    """What the agent rejects in `permissions`: a section that is no list of mappings; any
    entry on Windows, where it sets none; an entry without object, or whose `type` is not a
    list of file and directory."""
    section = appspec.section("permissions")
    if section is not None and not isinstance(section, list) and not _placeholder(section):
        message = "permissions is not a list of entries: the agent rejects the AppSpec."
        yield _Problem("permissions", message, appspec.key_region("permissions"))
    entries = []
    for entry in appspec.entries("permissions"):
        if isinstance(entry.value, dict):
            entries.append(entry)
        elif not _placeholder(entry.value):
            message = (
                "A permissions entry is not a mapping of object, owner, mode and the like: the "
                "agent rejects the AppSpec."
            )
            yield _Problem("permission-entry", message, entry.region, entry.resource)
    if entries and appspec.os == "windows":
        message = (
            "The AppSpec sets permissions for os windows: the agent sets permissions only on "
            "Linux and rejects the AppSpec."
        )
        yield _Problem("windows-permissions", message, appspec.key_region("permissions"))
    for entry in entries:
        if value_of(entry.value, "object") is None:
            message = "A permissions entry has no object: the CodeDeploy agent rejects the AppSpec."
            yield _Problem("permission-object", message, entry.region, entry.resource)
        kinds = value_of(entry.value, "type")
        if kinds is None or _placeholder(kinds):
            continue
        listed = kinds if isinstance(kinds, list) else [kinds]
        wrong = [kind for kind in listed if kind not in PERMISSION_TYPES and not _placeholder(kind)]
        if wrong or not isinstance(kinds, list):
            yield _Problem(
                "permission-type",
                f"A permissions entry has type {', '.join(map(str, wrong or listed))}: the agent "
                "takes a list of file and directory (`type: [file]`) and rejects the AppSpec.",
                entry.region,
                entry.resource,
            )


def _seconds(value: Any) -> float | None:
    """A script's timeout as the agent reads it (Ruby's `to_i`): a number's own value; a text's
    leading whole number (`300s` is 300), or 0 when it starts with none (`abc`); None for a
    placeholder or a value that is neither."""
    if isinstance(value, float):
        return value
    if not isinstance(value, str):
        return whole_number(value)
    match = _LEADING_INTEGER.match(value)
    if match is None:
        return None if _placeholder(value) else 0
    sign, digits = match["sign"], match["digits"].replace("_", "").lstrip("0")
    # Past 13 digits the first 13 already say "over an hour": int() stays small.
    return int(digits[:13] or "0") * (-1 if sign == "-" else 1)


def _resource_problems(appspec: AppSpec) -> Iterator[_Problem]:
    listed = appspec.section("resources")
    if appspec.platform == ECS and len(listed) != 1:
        yield _Problem(
            "target-services",
            f"An ECS AppSpec takes exactly one TargetService; this one lists {len(listed)} "
            "resources.",
            appspec.key_region("resources"),
        )
    for resource in appspec.resources():
        required = REQUIRED_PROPERTIES.get(resource.type, ())
        missing = [".".join(path) for path in required if _missing(resource, path)]
        if missing:
            yield _Problem(
                "properties",
                f"The {resource.type} resource {resource.name} has no {', '.join(missing)} "
                "in its Properties: CodeDeploy rejects the AppSpec.",
                _properties_region(resource),
                resource.resource,
            )


def _missing(resource: Resource, path: tuple[str, ...]) -> bool:
    node = resource.properties
    for name in path:
        if _placeholder(node):  # a map the pipeline fills in
            return False
        if key_of(node, name) is None:
            return True
        node = value_of(node, name)
    return False


def _properties_region(resource: Resource) -> Region:
    key = key_of(resource.definition, "properties")
    return (region_of(resource.definition, key) if key is not None else None) or resource.region


def _function_hook_problems(appspec: AppSpec) -> Iterator[_Problem]:
    hooks = appspec.section("hooks")
    items = hooks if isinstance(hooks, list) else [] if hooks is None else [hooks]
    for index, item in enumerate(items):
        if not isinstance(item, dict) and not _placeholder(item):
            where = region_of(hooks, index) or appspec.key_region("hooks")
            message = "A Hooks entry is not an `event: function name` mapping."
            yield _Problem("hook-entry", message, where, f"appspec Hooks[{index}]")
    for hook in appspec.hooks():
        problem = _event_problem(hook.event, appspec.platform, hook.region)
        if problem is not None:
            yield problem
        if not isinstance(hook.value, str):
            yield _Problem(
                "function",
                f"The {hook.event} hook names no Lambda function: its value must be the "
                "function's name.",
                hook.region,
                hook.resource,
            )
