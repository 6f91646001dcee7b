"""One task definition, whatever it was written as: the task's own settings, its containers and
its volumes, with keys in any case (guardlint.documents.ecs.fields) and where each is written.

A Dockerrun.aws.json version 2 is already in ECS form (its containers, volumes and
authentication; Beanstalk runs it on EC2 with bridge networking). Version 1 is one container:
`Image.Name` its image and `Volumes` (HostDirectory, ContainerDirectory) host mounts, rewritten
here into the ECS form with the regions of what they came from. Checks ask this module, never
the input's own syntax.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from guardlint.documents.ecs.fields import Fields, Resolver
from guardlint.documents.ecs.recognize import (
    CLOUDFORMATION,
    DOCKERRUN_V1,
    DOCKERRUN_V2,
    TASK_DEFINITION,
)
from guardlint.knowledge.windows_images import is_windows_image
from guardlint.model.documents import Document, Region
from guardlint.parse.image_ref import split_reference
from guardlint.parse.located import YamlMap, YamlSeq

WINDOWS_PREFIX = "WINDOWS_"
DOCKERRUN_LABEL = "Dockerrun"
# Beanstalk declares a volume `awseb-logs-<container>` for each container of a version 2 file.
BEANSTALK_LOG_VOLUME = "awseb-logs-"
_V1_DEFAULT_NAME = "application"
_PATH_SEPARATORS = "\\/"
_FSX_WINDOWS = "fsxWindowsFileServerVolumeConfiguration"
# Programs only Windows has (PowerShell on Linux is `pwsh`).
_WINDOWS_SHELLS = frozenset({"powershell", "powershell.exe", "cmd", "cmd.exe"})
# The cluster query language's attributes of an instance's OS (values linux/windows, LINUX/
# WINDOWS_SERVER_2022_CORE/...), the operators that select a value, and what joins clauses.
_ATTRIBUTE_PREFIX = "attribute:"
_OS_ATTRIBUTES = frozenset({"ecs.os-type", "ecs.os-family"})
_SELECTING_OPERATORS = frozenset({"==", "equals", "in"})
_QUERY_JOINERS = frozenset({"and", "or", "&&", "||"})
_QUERY_PUNCTUATION = str.maketrans("[](),", "     ")
_WINDOWS_VALUE = "windows"


@dataclass
class Container:
    """One entry of containerDefinitions."""

    name: str  # as written, or `#<position>` when it has none
    index: int
    fields: Fields
    resource: str  # how findings name it
    # Which list of containers it is in: a template's Fn::If may choose between lists, whose
    # containers are never in one task (Fields.listed).
    group: int = 0

    @property
    def anchor(self) -> Region:
        """Where a finding about the whole container points: its name, else its first key."""
        return self.fields.key_region("name") if "name" in self.fields else self.fields.region


@dataclass
class Volume:
    """One volume a task definition declares."""

    name: str | None
    fields: Fields
    index: int


@dataclass
class TaskDefinition:
    """An ECS task definition, however it was written, with its containers."""

    flavor: str
    label: str  # `task definition <family>`, `Dockerrun`, or the CloudFormation resource's
    fields: Fields  # the task's own settings
    anchor: Region  # where a finding about the whole task points
    containers: list[Container] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)

    # What every finding on it records (a template resource's logical ID).
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def is_dockerrun(self) -> bool:
        return self.flavor in (DOCKERRUN_V1, DOCKERRUN_V2)

    @property
    def described(self) -> str:
        """How a message names it."""
        return "the Dockerrun file" if self.is_dockerrun else self.label

    @property
    def host_network(self) -> str | None:
        """`networkMode` host as written, when it may be (never for Dockerrun, which
        Beanstalk runs with bridge networking)."""
        return None if self.is_dockerrun else self.fields.may_equal("networkMode", "host")

    @functools.cached_property
    def windows(self) -> bool:
        """A Windows task: runtimePlatform.operatingSystemFamily WINDOWS_*; or, as a task on
        EC2 Windows instances need not declare its platform (its containers all run on the
        one OS), a placement constraint that asks for Windows instances, a container whose
        image or program runs only on Windows, an FSx for Windows File Server volume, or a
        path that starts with a drive letter (a mount's containerPath, a workingDirectory, a
        host volume's sourcePath: Linux takes none)."""
        return (
            any(
                family.strip().upper().startswith(WINDOWS_PREFIX)
                for platform in self.fields.maps("runtimePlatform")
                for family in platform.strings("operatingSystemFamily")
            )
            or any(
                _asks_for_windows(expression)
                for _, constraint, _ in self.fields.items("placementConstraints")
                for expression in constraint.strings("expression")
            )
            or any(map(_on_windows, self.containers))
            or any(map(_windows_volume, self.volumes))
        )

    @functools.cached_property
    def _volumes_by_name(self) -> dict[str, list[Volume]]:
        by_name: dict[str, list[Volume]] = {}
        for volume in self.volumes:
            if volume.name is not None:
                by_name.setdefault(volume.name, []).append(volume)
        return by_name

    def declared_volumes(self) -> set[str]:
        names = set(self._volumes_by_name)
        if self.flavor == DOCKERRUN_V2:
            names.update(BEANSTALK_LOG_VOLUME + c.name for c in self.containers)
        return names

    def volume_named(self, name: str) -> list[Volume]:
        return self._volumes_by_name.get(name, [])


def _on_windows(container: Container) -> bool:
    """Whether the container's image runs only on Windows, its program is a Windows shell
    (the `powershell -Command` of the ECS guide's Windows examples) or a path from a drive,
    or its working directory or a mount's containerPath starts with a drive letter."""
    fields = container.fields
    program = "entryPoint" if "entryPoint" in fields else "command"
    return (
        any(map(is_windows_image, fields.strings("image")))
        or any(
            word.strip().lower() in _WINDOWS_SHELLS or _drive_path(word)
            for index, word, _ in fields.scalars(program)
            if index == 0
        )
        or any(map(_drive_path, fields.strings("workingDirectory")))
        or any(
            _drive_path(path)
            for _, mount, _ in fields.items("mountPoints")
            for path in mount.strings("containerPath")
        )
    )


def _windows_volume(volume: Volume) -> bool:
    """An FSx for Windows File Server volume (Windows tasks only, the ECS guide's storage
    options say) or a host volume whose sourcePath starts with a drive letter."""
    return _FSX_WINDOWS in volume.fields or any(
        _drive_path(path)
        for host in volume.fields.maps("host")
        for path in host.strings("sourcePath")
    )


def _drive_path(path: str) -> bool:
    """A path from a drive's root (`C:\\data`, `c:/app`)."""
    text = path.strip()
    return (
        len(text) > 2
        and text[0].isascii()
        and text[0].isalpha()
        and text[1] == ":"
        and text[2] in _PATH_SEPARATORS
    )


def _asks_for_windows(expression: str) -> bool:
    """Whether a memberOf expression of the cluster query language places the task only where
    an OS attribute is Windows (`attribute:ecs.os-type == windows`, `attribute:ecs.os-family in
    [WINDOWS_SERVER_2022_CORE]`), in one pass over its words."""
    words = expression.lower().replace("==", " == ").translate(_QUERY_PUNCTUATION).split()
    selecting = after_os_attribute = False
    for word in words:
        if word in _QUERY_JOINERS or word.startswith(_ATTRIBUTE_PREFIX):
            selecting = False
        elif after_os_attribute:
            selecting = word in _SELECTING_OPERATORS
        elif selecting and word.startswith(_WINDOWS_VALUE):
            return True
        after_os_attribute = word.removeprefix(_ATTRIBUTE_PREFIX) in _OS_ATTRIBUTES
    return False


def task_definition(document: Document) -> TaskDefinition:
    """The document's task definition, built once and shared by every check of the pack."""
    task = document.meta.get("ecs_task")
    if task is None:
        task = document.meta["ecs_task"] = _build(document)
    return task


def _build(document: Document) -> TaskDefinition:
    flavor = document.meta.get("flavor", TASK_DEFINITION)
    resolver: Resolver = document.meta.get("resolver") or Resolver()
    data = document.data
    if flavor == DOCKERRUN_V1:
        data = _dockerrun_v1_as_task(data)
    fields = Fields(data, resolver, getattr(data, "region", None) or Region(1))
    if flavor == CLOUDFORMATION:
        label = document.meta["resource"]
    elif flavor in (DOCKERRUN_V1, DOCKERRUN_V2):
        label = DOCKERRUN_LABEL
    else:
        family = fields.text("family")
        label = f"task definition {family if family and family.strip() else '(unnamed)'}"
    task = TaskDefinition(flavor, label, fields, document.meta.get("region") or fields.region)
    if "logical_id" in document.meta:
        task.properties["logicalId"] = document.meta["logical_id"]
    for group, index, container, _ in fields.listed("containerDefinitions"):
        name = container.text("name")
        name = name if name and name.strip() else f"#{index + 1}"
        resource = f"{label} container {name}"
        task.containers.append(Container(name, index, container, resource, group))
    for index, volume, _ in fields.items("volumes"):
        task.volumes.append(Volume(volume.text("name"), volume, index))
    return task


def _entry(target: YamlMap, key: str, value: object, source: object, source_key: object) -> None:
    """target[key] = value, written where source[source_key] is."""
    target[key] = value
    if isinstance(source, YamlMap) and source_key in source:
        target.key_regions[key] = source.key_region(source_key)
        target.value_regions[key] = source.value_region(source_key)


def _get(data: object, name: str) -> tuple[object, object]:
    """(key as written, value) of `name` in any case; (None, None) when absent."""
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key).lower() == name:
                return key, value
    return None, None


def _dockerrun_v1_as_task(data: YamlMap) -> YamlMap:
    """A version 1 Dockerrun in ECS form: one container, named for its image's repository,
    whose Volumes are host volumes it mounts."""
    region = getattr(data, "region", None) or Region(1)
    task, container = YamlMap(region), YamlMap(region)
    image_key, image = _get(data, "image")
    name_key, image_name = _get(image, "name")
    repository = split_reference(image_name)[0] if isinstance(image_name, str) else ""
    _entry(container, "name", repository.strip() or _V1_DEFAULT_NAME, image, name_key)
    if image_key is not None:
        _entry(container, "image", image_name, image if name_key is not None else data,
               name_key if name_key is not None else image_key)  # fmt: skip
    volumes_key, volumes = _get(data, "volumes")
    task_volumes, mounts = YamlSeq(region), YamlSeq(region)
    for index, item in enumerate(volumes if isinstance(volumes, list) else []):
        if not isinstance(item, dict):
            continue
        where = volumes.item_region(index) if isinstance(volumes, YamlSeq) else region
        host_key, host_directory = _get(item, "hostdirectory")
        target_key, container_directory = _get(item, "containerdirectory")
        name = f"Volumes[{index}]"
        volume, host, mount = YamlMap(where), YamlMap(where), YamlMap(where)
        _entry(host, "sourcePath", host_directory, item, host_key)
        _entry(volume, "name", name, item, host_key)
        _entry(volume, "host", host, item, host_key)
        _entry(mount, "sourceVolume", name, item, host_key)
        _entry(mount, "containerPath", container_directory, item, target_key)
        for items, entry in ((task_volumes, volume), (mounts, mount)):
            items.append(entry)
            items.item_regions.append(where)
    if volumes_key is not None:
        _entry(container, "mountPoints", mounts, data, volumes_key)
        _entry(task, "volumes", task_volumes, data, volumes_key)
    containers = YamlSeq(region)
    containers.append(container)
    containers.item_regions.append(container.region)
    task["containerDefinitions"] = containers
    return task
