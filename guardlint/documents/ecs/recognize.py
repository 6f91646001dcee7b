"""Which parsed YAML/JSON document is an ECS task definition, a Dockerrun.aws.json or an ECS
service definition (rules/ecs.yaml's recognition), for guardlint.documents.classify.

- A standalone task definition: a map whose top level, or whose `taskDefinition` member, has a
  `containerDefinitions` list with a map that has `name` or `image`; a file named like one
  (taskdef*.json, task-definition*.json, task_definition*.json, *-taskdef.json: discovery's
  `ecs` kind) is one whatever it holds, so that ECS015 says what it lacks.
- Dockerrun.aws.json (by name, any case), or any file, with `AWSEBDockerrunVersion` 1 or 2
  (only Beanstalk writes that key; one file per environment is copied to Dockerrun.aws.json
  when the bundle is made); version 3 holds only registry credentials and is no task
  definition.
- A list of container definitions (register-task-definition's `--container-definitions
  file://...`, the file Terraform's `container_definitions = file(...)` reads): in a file
  named like a task definition, a list of maps with `name` or `image`; in any other, a list
  of maps with `image` of which one has a key only ECS containers have (`portMappings`,
  `logConfiguration`, `essential`, ...: none that Kubernetes or Compose spells the same in any
  case), or, when every map has `name` and `image`, one that no Kubernetes container has
  (`privileged`, `user`, `environment`, `cpu`, `memory`, ...). Its task's settings and volumes
  are elsewhere (flavor CONTAINER_LIST).
- A service definition (create-service input): `serviceName` (update-service's `service`), or
  a `taskDefinition` string, beside `cluster`, `launchType` or `networkConfiguration`; or any
  map whose `networkConfiguration` holds an `awsvpcConfiguration` (ECS's own shape: update-service
  and run-task input, ecspresso's service definition without a name). The services the AWS
  CLI prints (describe-services' `services`, create-service's `service`) are each one.

Never one: a map with AWSTemplateFormatVersion, a Resources map, or apiVersion and kind.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap

ECS_TASK, ECS_SERVICE = "ecs-task", "ecs-service"
# meta["flavor"] of an ecs-task document: which input it was written as.
TASK_DEFINITION, DOCKERRUN_V1, DOCKERRUN_V2, CLOUDFORMATION, CONTAINER_LIST = (
    "task-definition", "dockerrun-v1", "dockerrun-v2", "cloudformation", "container-list"
)  # fmt: skip
NAMED_SOURCE_KIND = "ecs"  # discovery's kind of the files named like a task definition
DOCKERRUN_NAME = "dockerrun.aws.json"
DOCKERRUN_VERSION = "AWSEBDockerrunVersion"
_DOCKERRUN_FLAVORS = {"1": DOCKERRUN_V1, "2": DOCKERRUN_V2}
# What stands beside a service's name in create-service input, with the type it has there.
# Keys (lower case) of an ECS container definition that neither a Kubernetes container nor a
# Compose service has: with `name` and `image`, they tell a list of ECS containers by content.
_ECS_CONTAINER_KEYS = frozenset(
    {"essential", "portmappings", "mountpoints", "logconfiguration", "memoryreservation",
     "readonlyrootfilesystem", "linuxparameters", "firelensconfiguration", "dependson",
     "environmentfiles", "dockerlabels", "volumesfrom", "repositorycredentials", "starttimeout",
     "stoptimeout", "systemcontrols", "dockersecurityoptions", "resourcerequirements",
     "pseudoterminal", "disablenetworking", "dnsservers", "dnssearchdomains", "extrahosts",
     "workingdirectory", "credentialspecs"}
)  # fmt: skip
# ECS container settings that Compose spells the same (so no Compose service is told apart by
# them) but a Kubernetes container never has, with the shape ECS gives them: with `name` and
# `image` on every item, a list is ECS's (a Compose file is a map, a pod's containers write
# env, command, resources).
_ECS_OR_COMPOSE_SETTINGS: dict[str, type] = {
    "privileged": bool, "user": str, "hostname": str, "cpu": int, "memory": int,
    "entrypoint": list, "links": list,
}  # fmt: skip
_LISTS_OF_MAPS = frozenset({"environment", "secrets", "ulimits"})  # [{name, value}, ...]
_SERVICE_COMPANIONS = {"cluster": str, "launchtype": str, "networkconfiguration": Mapping}


def lowered(data: Mapping) -> dict[str, Any]:
    """The map's keys in lower case (the first of two spellings wins)."""
    keys: dict[str, Any] = {}
    for key in data:
        keys.setdefault(str(key).lower(), key)
    return keys


def _member(data: Mapping, keys: dict[str, Any], name: str) -> Any:
    key = keys.get(name)
    return None if key is None else data[key]


def has_containers(data: Any) -> bool:
    """A map with a containerDefinitions list holding a container (a map with name or image)."""
    if not isinstance(data, Mapping):
        return False
    containers = _member(data, lowered(data), "containerdefinitions")
    return isinstance(containers, list) and any(
        isinstance(item, Mapping) and {"name", "image"} & set(lowered(item)) for item in containers
    )


def _other_kind(data: Mapping, keys: dict[str, Any]) -> bool:
    resources = _member(data, keys, "resources")
    return (
        "AWSTemplateFormatVersion" in data
        or isinstance(resources, Mapping)
        or ("apiversion" in keys and "kind" in keys)
    )


def _awsvpc_network(data: Mapping, keys: dict[str, Any]) -> bool:
    """A `networkConfiguration` holding an `awsvpcConfiguration` map: only ECS writes one
    (create-service, update-service and run-task input, ecspresso's service definition, which
    names neither service nor task definition)."""
    network = _member(data, keys, "networkconfiguration")
    return isinstance(network, Mapping) and isinstance(
        _member(network, lowered(network), "awsvpcconfiguration"), Mapping
    )


def task_body(data: Mapping) -> Mapping:
    """The task definition itself: the map, or its `taskDefinition` member when that is one
    (describe-task-definition's output)."""
    inner = _member(data, lowered(data), "taskdefinition")
    return inner if isinstance(inner, Mapping) else data


def ecs_document(data: Mapping, source_kind: str, rel_path: str) -> tuple[str, Any, dict] | None:
    """(kind, data, meta) when the parsed map is an ECS document; None otherwise."""
    name = posixpath.basename(rel_path).lower()
    if DOCKERRUN_VERSION in data:  # whatever the name: Dockerrun.aws.staging.json is one too
        flavor = _DOCKERRUN_FLAVORS.get(str(data[DOCKERRUN_VERSION]).strip())
        return None if flavor is None else (ECS_TASK, data, {"flavor": flavor})
    keys = lowered(data)
    if _other_kind(data, keys):
        return None
    body = task_body(data)
    if has_containers(body) or (source_kind == NAMED_SOURCE_KIND and DOCKERRUN_NAME not in name):
        return ECS_TASK, body, {"flavor": TASK_DEFINITION}
    service_name = _member(data, keys, "servicename")
    if not isinstance(service_name, str):
        service_name = _member(data, keys, "service")  # update-service's name for it
    task = _member(data, keys, "taskdefinition")
    if _awsvpc_network(data, keys) or (
        (isinstance(service_name, str) or isinstance(task, str))
        and any(
            isinstance(_member(data, keys, companion), shape)
            for companion, shape in _SERVICE_COMPANIONS.items()
        )
    ):
        shown = service_name if isinstance(service_name, str) else "(unnamed)"
        return ECS_SERVICE, data, {"resource": f"ECS service {shown}"}
    return None


def printed_services(data: Mapping, rel_path: str) -> list[tuple[str, Any, dict]]:
    """The services the AWS CLI prints: describe-services' `services` list, create-service's,
    update-service's and delete-service's `service`; each a service as ecs_document knows one
    (a name beside its cluster, launch type or network configuration)."""
    keys = lowered(data)
    printed = _member(data, keys, "services")
    if not isinstance(printed, list):
        printed = [_member(data, keys, "service")]
    found = []
    for item in printed:
        if isinstance(item, Mapping) and not _other_kind(item, lowered(item)):
            document = ecs_document(item, "", rel_path)
            if document is not None and document[0] == ECS_SERVICE:
                found.append(document)
    return found


def _ecs_shaped_setting(item: Mapping) -> bool:
    """Whether the map has a setting of _ECS_OR_COMPOSE_SETTINGS or _LISTS_OF_MAPS shaped as
    ECS writes it."""
    for key, value in item.items():
        name = str(key).lower()
        if name in _LISTS_OF_MAPS:
            if value and isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
                return True
        elif isinstance(value, _ECS_OR_COMPOSE_SETTINGS.get(name, ())):
            return True
    return False


def container_list_document(
    data: list, source_kind: str, rel_path: str
) -> tuple[str, Any, dict] | None:
    """(kind, data, meta) when a parsed list is an ECS task's container definitions: data is
    a task definition that has only them."""
    name = posixpath.basename(rel_path).lower()
    if not data or not all(isinstance(item, Mapping) for item in data):
        return None
    keys = [set(lowered(item)) for item in data]
    if source_kind == NAMED_SOURCE_KIND and DOCKERRUN_NAME not in name:
        if not all({"name", "image"} & item for item in keys):
            return None
    elif not all("image" in item for item in keys) or not (
        any(_ECS_CONTAINER_KEYS & item for item in keys)
        or (all("name" in item for item in keys) and any(map(_ecs_shaped_setting, data)))
    ):
        return None  # a container without a name is ECS015's to report
    region = getattr(data, "region", None) or Region(1)
    task = YamlMap(region)
    task["containerDefinitions"] = data
    task.key_regions["containerDefinitions"] = task.value_regions["containerDefinitions"] = region
    return ECS_TASK, task, {"flavor": CONTAINER_LIST}
