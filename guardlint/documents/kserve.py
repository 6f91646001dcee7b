"""The pods of KServe's kinds (serving.kserve.io, formerly KFServing's serving.kubeflow.org):
an InferenceService's predictor, transformer and explainer, and a ServingRuntime's (or
ClusterServingRuntime's) model server.

Each component of an InferenceService is a pod spec written inline (its containers, volumes,
securityContext, serviceAccountName), beside, for a predictor or an explainer, the settings of
the model server container KServe makes (`kserve-container`) under its framework's key
(`model`, `sklearn`, `art`). That container's image and the rest of its settings are the
serving runtime's, so what the component leaves out of it is set there, not missing; the pod's
service account is the component's own (a runtime names none: its pods run as the
InferenceService's). A predictor's `workerSpec` is the pod spec of the workers of a multi-node
model, and so is a runtime's (`workerSpec`, or `workers`).
"""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.documents.pod_shape import (
    CONTAINER_LISTS,
    PodShape,
    Slot,
    listed,
    made_container,
    mapping,
)
from guardlint.documents.strategic_merge import copy_entry
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, region_of

# KServe's, and KFServing's before it was renamed (whose v1beta1 InferenceService is the same).
GROUPS = ("serving.kserve.io", "serving.kubeflow.org")
RUNTIME_KINDS = ("ServingRuntime", "ClusterServingRuntime")
# Each component, with the keys of its model server's settings (one of them is written).
_SERVERS = {
    "predictor": (
        "model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface",
        "pmml", "lightgbm", "paddle",
    ),
    "transformer": (),
    "explainer": ("art", "alibi", "aix"),
}  # fmt: skip
_SERVER_CONTAINER = "kserve-container"
# What KServe requests and limits for a component's first container that names none (its
# inferenceservice-config's, 1 CPU and 2Gi unless the cluster changed them).
_DEFAULT_RESOURCES = {"cpu": "KServe's default", "memory": "KServe's default"}
_WORKERS = "workerSpec"
# A runtime's worker pod spec, by the name each KServe version gives it.
_RUNTIME_WORKERS = ("workerSpec", "workers")


def kserve_pods(data: dict, kind: str) -> Iterator[PodShape]:
    """The pods the KServe object `data` of kind `kind` runs."""
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return
    region = region_of(data, "spec") or Region(1)
    if kind in RUNTIME_KINDS:
        metadata = {"annotations": mapping(spec.get("annotations"))}
        slots = tuple(listed(spec, CONTAINER_LISTS))
        yield PodShape(spec, metadata, region, slots, name=None, account_elsewhere=True)
        for key in _RUNTIME_WORKERS:
            yield from _workers(spec, key, "worker", completed_elsewhere=False)
    elif kind == "InferenceService":
        for role, servers in _SERVERS.items():
            component = spec.get(role)
            if isinstance(component, dict):
                yield _component(spec, role, component, servers)
                yield from _workers(component, _WORKERS, f"{role} worker", completed_elsewhere=True)


def _component(spec: dict, role: str, component: dict, servers: tuple[str, ...]) -> PodShape:
    server = next((key for key in servers if isinstance(component.get(key), dict)), None)
    region = region_of(spec, role) or region_of(spec) or Region(1)
    slots = tuple(listed(component, CONTAINER_LISTS))
    if server is not None:
        server_slot = Slot(
            "containers", component, server, name=_SERVER_CONTAINER, completed_elsewhere=True
        )
        slots = (server_slot, *slots)
    elif slots and slots[0].list_name == "containers" and slots[0].key == 0:
        slots = (_first_container(slots[0].holder, region), *slots[1:])
    metadata = {"annotations": mapping(component.get("annotations"))}
    return PodShape(component, metadata, region, slots, name=role)


def _first_container(written: list, region: Region) -> Slot:
    """A custom component's first container (KServe's kserve-container), with the resources
    KServe gives it where it names none."""
    first = written[0]
    container = YamlMap(region_of(first) or region)
    for key in first:
        copy_entry(container, first, key)
    resources = mapping(first.get("resources"))
    defaulted = {
        field: {**_DEFAULT_RESOURCES, **mapping(resources.get(field))}
        for field in ("requests", "limits")
    }
    if "resources" in first:
        copy_entry(container, first, "resources", defaulted)
    else:
        container["resources"] = defaulted
    name = first.get("name") or _SERVER_CONTAINER
    return made_container(written, 0, container, str(name), (first,))


def _workers(holder: dict, key: str, name: str, completed_elsewhere: bool) -> Iterator[PodShape]:
    """The worker pods of a multi-node model at `holder[key]` (an InferenceService's are
    completed from its runtime's; a runtime's run as the InferenceService's account)."""
    workers = holder.get(key)
    if isinstance(workers, dict):
        region = region_of(holder, key) or Region(1)
        slots = tuple(listed(workers, CONTAINER_LISTS))
        yield PodShape(
            workers, {}, region, slots, completed_elsewhere, name, account_elsewhere=True
        )
