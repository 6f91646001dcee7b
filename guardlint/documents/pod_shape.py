"""What guardlint.documents.pod_templates and the workflow engines' and operators' modules
(argo_workflows, tekton, spark, flink) find of a pod: its pod-level fields and where each of
its containers is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.strategic_merge import copy_entry
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, region_of

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
# Kubernetes PodSpec's fields other than its containers: what a workflow's spec gives its pods.
POD_FIELDS = (
    "activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "dnsConfig",
    "dnsPolicy", "enableServiceLinks", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
    "hostUsers", "hostname", "imagePullSecrets", "nodeName", "nodeSelector", "os", "overhead",
    "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims",
    "resources", "restartPolicy", "runtimeClassName", "schedulerName", "schedulingGates",
    "securityContext", "serviceAccount", "serviceAccountName", "setHostnameAsFQDN",
    "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "tolerations",
    "topologySpreadConstraints", "volumes",
)  # fmt: skip
# Entries of the objects below that the merges making one pod (patches over a pod and its
# containers, a step over its template) may copy: a hostile stepTemplate merged into each of
# thousands of steps stays linear.
MERGE_BUDGET = 256


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Slot:
    """Where one container is written: `holder[key]`, in the pod's container list
    `list_name`; `name` when it has none of its own (an Argo template's main container);
    `parts` the maps as written it was merged from (a Tekton step and its stepTemplate, an
    Argo container and its podSpecPatch entry), which belong to it; `completed_elsewhere`
    when what it leaves out is set where it runs (a KServe model server's settings, by the
    serving runtime whose container they are merged over)."""

    list_name: str
    holder: Any
    key: Any
    name: str | None = None
    parts: tuple[Any, ...] = ()
    completed_elsewhere: bool = False


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class PodShape:
    """A pod an object runs: its pod-level fields (`spec`), the pod template's metadata, the
    region of its `spec` key, its containers, whether what it lacks is set where it runs
    (a Tekton Task's pod template, Argo's templateDefaults), its name among the object's
    pods when it runs several templates (a training job's replica role: Worker), and whether
    its service account is the one of the object that uses it (a KServe serving runtime's
    pods run as the InferenceService's)."""

    spec: dict
    metadata: dict
    region: Region | None
    slots: tuple[Slot, ...]
    completed_elsewhere: bool = False
    name: str | None = None
    account_elsewhere: bool = False


def mapping(value: Any) -> dict:
    """`value` when it is a mapping, else an empty one (manifests are often partial)."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list:
    return value if isinstance(value, list) else []


def listed(holder: dict, lists: tuple[str, ...], as_list: str | None = None) -> Iterator[Slot]:
    """A slot for each map item of the container lists `lists` of `holder`, in the pod's list
    `as_list` (else the list's own name)."""
    for list_name in lists:
        items = holder.get(list_name)
        for index, item in enumerate(sequence(items)):
            if isinstance(item, dict):
                yield Slot(as_list or list_name, items, index)


def pod_fields(region: Region, pod_spec: dict) -> YamlMap:
    """The pod-level fields of `pod_spec` (an operator's pod template), where it writes them."""
    pod = YamlMap(region)
    for key in POD_FIELDS:
        if key in pod_spec:
            copy_entry(pod, pod_spec, key)
    return pod


def made_container(parent: Any, key: Any, container: YamlMap, name: str, parts: tuple) -> Slot:
    """The slot of a container an operator makes of settings written at `parent[key]` (a Spark
    driver's, a Flink deployment's), which are its `parts`."""
    holder = YamlMap(region_of(parent, key) or container.region)
    copy_entry(holder, parent, key, container)
    return Slot("containers", holder, key, name=name, parts=parts)
