"""The pods of a Flink operator deployment (flink.apache.org FlinkDeployment): its JobManager's
and its TaskManagers', each made of the deployment's pod template (`spec.podTemplate`) with the
role's own (`jobManager.podTemplate`, `taskManager.podTemplate`) merged over it.

Flink makes the main container of the template's container named flink-main-container (or of
none): it runs the deployment's image, and requests and limits the CPU and memory of the role's
`resource` (Flink's defaults when it names none); the template's other containers run beside
it. The pods run as the deployment's `serviceAccount`. Its flinkConfiguration names each value
by its property (`configuration`: a secret's name says what it is).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.pod_shape import (
    MERGE_BUDGET,
    PodShape,
    Slot,
    listed,
    made_container,
    mapping,
    pod_fields,
    sequence,
)
from guardlint.documents.strategic_merge import Merge, copy_entry
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, region_of

GROUP = "flink.apache.org"
KIND = "FlinkDeployment"
_ROLES = ("jobManager", "taskManager")
_MAIN = "flink-main-container"
_TEMPLATE = "podTemplate"
# The deployment's (or a session job's) Flink configuration, by property name.
_CONFIGURATION = "flinkConfiguration"
_CONFIGURED_KINDS = (KIND, "FlinkSessionJob")


def configuration(data: Any) -> Any:
    """The flinkConfiguration map of the Flink deployment or session job `data`, whose keys are
    properties (`s3.secret-key`); None for other data."""
    data = mapping(data)
    group = str(data.get("apiVersion", "")).rpartition("/")[0]
    if group != GROUP or data.get("kind") not in _CONFIGURED_KINDS:
        return None
    return mapping(data.get("spec")).get(_CONFIGURATION)


def flink_pods(data: dict, kind: str) -> Iterator[PodShape]:
    """The JobManager's and the TaskManagers' pods of the deployment `data`."""
    spec = data.get("spec")
    if kind != KIND or not isinstance(spec, dict):
        return
    common = mapping(spec.get(_TEMPLATE))
    for role in _ROLES:
        settings = mapping(spec.get(role))
        own = settings.get(_TEMPLATE)
        template = Merge(MERGE_BUDGET)(common, own) if isinstance(own, dict) else common
        region = region_of(spec, role) or region_of(spec) or Region(1)
        yield _pod(spec, role, settings, template, region)


def _pod(spec: dict, role: str, settings: dict, template: dict, region: Region) -> PodShape:
    below = mapping(template.get("spec"))
    pod = pod_fields(region, below)
    if spec.get("serviceAccount") is not None:
        copy_entry(pod, spec, "serviceAccount", as_key="serviceAccountName")
    written = sequence(below.get("containers"))
    at = next((i for i, c in enumerate(written) if mapping(c).get("name") == _MAIN), None)
    base = mapping(written[at]) if at is not None else {}
    main = _container(spec, settings, base, region)
    slots = (
        made_container(spec, role, main, _MAIN, (base,)),
        *(
            Slot("containers", written, i)
            for i, container in enumerate(written)
            if i != at and isinstance(container, dict)
        ),
        *listed(below, ("initContainers",)),
    )
    return PodShape(pod, mapping(template.get("metadata")), region, slots, name=role)


def _container(spec: dict, settings: dict, base: dict, region: Region) -> YamlMap:
    """The main container: the template's, with the deployment's image and the resources
    Flink requests and limits (the role's, else Flink's defaults: set all the same)."""
    container = YamlMap(region_of(base) or region)
    for key in base:
        copy_entry(container, base, key)
    if spec.get("image") is not None:
        copy_entry(container, spec, "image")
    resource = mapping(settings.get("resource"))
    quantities = {
        "cpu": resource.get("cpu") or 1,
        "memory": resource.get("memory") or "Flink's default",
    }
    copy_entry(
        container,
        settings,
        "resource",
        {"limits": quantities, "requests": dict(quantities)},
        "resources",
    )
    return container
