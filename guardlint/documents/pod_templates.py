"""Where a Kubernetes object keeps the pods it runs: the pod template of each workload kind
(spec.template.spec, a CronJob's jobTemplate, a KEDA ScaledJob's jobTargetRef, a custom
resource's spec.template.spec with containers), the several templates of operators' kinds
(Kubeflow training jobs and Trainer runtimes, Ray clusters and jobs, Volcano jobs, JobSets,
OpenKruise's cron jobs and united deployments, a Katib Experiment's trial, Seldon's
predictors' components, Argo Rollouts' analysis jobs and experiments), the containers an
OpenKruise SidecarSet injects into other pods, the pods whose spec holds the settings of the one
container an operator makes (Argo Events' sensors and event sources), and the pods whose
containers are not in a pod spec: Argo Workflows' templates
(argo_workflows), Tekton's tasks (tekton), a Spark application's driver and executors
(spark), a Flink deployment's job and task managers (flink) and KServe's inference services
and serving runtimes (kserve).

guardlint.documents.kubernetes makes its PodSpec and Container model of what this finds; the
custom resources are recognized by API group and kind, so that a field of the same name in
another group's kind is not read as a container.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from guardlint.documents.argo_workflows import WORKFLOW_SPECS, workflow_pods
from guardlint.documents.flink import GROUP as FLINK_GROUP
from guardlint.documents.flink import flink_pods
from guardlint.documents.kserve import GROUPS as KSERVE_GROUPS
from guardlint.documents.kserve import kserve_pods
from guardlint.documents.pod_shape import (
    CONTAINER_LISTS,
    PodShape,
    Slot,
    listed,
    mapping,
    sequence,
)
from guardlint.documents.spark import GROUP as SPARK_GROUP
from guardlint.documents.spark import spark_pods
from guardlint.documents.tekton import GROUP as TEKTON_GROUP
from guardlint.documents.tekton import tekton_pods
from guardlint.model.documents import Region
from guardlint.parse.located import region_of

# Where each pod-bearing kind keeps its pod spec (a path of keys from the document root).
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),  # OpenShift
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
# Custom resources (API group, kind) whose pods are elsewhere than spec.template.spec: the
# path to each pod spec, where EACH_VALUE steps into every value of a map (a training job's
# replica roles: Master, Worker) and EACH_ITEM into every item of a list (Volcano's tasks, Ray's
# worker groups); the pod is named by that role, or by the item's name.
EACH_VALUE, EACH_ITEM = "*", "[]"
_RAY_CLUSTER = (
    ("headGroupSpec", "template", "spec"),
    ("workerGroupSpecs", EACH_ITEM, "template", "spec"),
)
_JOB_SET = ("replicatedJobs", EACH_ITEM, "template", "spec", "template", "spec")
_KUBEFLOW_REPLICA_SPECS = {
    "PyTorchJob": "pytorchReplicaSpecs", "TFJob": "tfReplicaSpecs", "MPIJob": "mpiReplicaSpecs",
    "XGBoostJob": "xgbReplicaSpecs", "PaddleJob": "paddleReplicaSpecs",
    "MXJob": "mxReplicaSpecs", "JAXJob": "jaxReplicaSpecs",
}  # fmt: skip
_ANALYSIS_JOB = ("spec", "metrics", EACH_ITEM, "provider", "job", "spec", "template", "spec")
_KRUISE_SUBSET_TEMPLATES = (
    "statefulSetTemplate", "advancedStatefulSetTemplate", "cloneSetTemplate", "deploymentTemplate"
)  # fmt: skip
CUSTOM_POD_SPEC_PATHS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("keda.sh", "ScaledJob"): (("spec", "jobTargetRef", "template", "spec"),),
    **{
        ("kubeflow.org", kind): (("spec", replica_specs, EACH_VALUE, "template", "spec"),)
        for kind, replica_specs in _KUBEFLOW_REPLICA_SPECS.items()
    },
    ("ray.io", "RayCluster"): tuple(("spec", *path) for path in _RAY_CLUSTER),
    ("ray.io", "RayJob"): (
        *(("spec", "rayClusterSpec", *path) for path in _RAY_CLUSTER),
        ("spec", "submitterPodTemplate", "spec"),
    ),
    ("ray.io", "RayService"): tuple(("spec", "rayClusterConfig", *path) for path in _RAY_CLUSTER),
    ("batch.volcano.sh", "Job"): (("spec", "tasks", EACH_ITEM, "template", "spec"),),
    ("jobset.x-k8s.io", "JobSet"): (("spec", *_JOB_SET),),
    # Kubeflow Trainer's runtimes: the JobSet each TrainJob of the runtime runs.
    ("trainer.kubeflow.org", "TrainingRuntime"): (("spec", "template", "spec", *_JOB_SET),),
    ("trainer.kubeflow.org", "ClusterTrainingRuntime"): (("spec", "template", "spec", *_JOB_SET),),
    # OpenKruise: a cron job of Jobs or of BroadcastJobs, and the workload of each subset of a
    # UnitedDeployment (whichever kind its template names).
    ("apps.kruise.io", "AdvancedCronJob"): tuple(
        ("spec", "template", template, "spec", "template", "spec")
        for template in ("jobTemplate", "broadcastJobTemplate")
    ),
    ("apps.kruise.io", "UnitedDeployment"): tuple(
        ("spec", "template", template, "spec", "template", "spec")
        for template in _KRUISE_SUBSET_TEMPLATES
    ),
    # A Knative Revision's spec is its pod spec (a Service's and a Configuration's template
    # are at spec.template.spec).
    ("serving.knative.dev", "Revision"): (("spec",),),
    # Argo Events: the pod settings of the sensor's or event source's Deployment, beside its
    # one container (MAIN_CONTAINERS).
    ("argoproj.io", "Sensor"): (("spec", "template"),),
    ("argoproj.io", "EventSource"): (("spec", "template"),),
    # Seldon Core: each predictor's component specs, each a pod template of a Deployment.
    ("machinelearning.seldon.io", "SeldonDeployment"): (
        ("spec", "predictors", EACH_ITEM, "componentSpecs", EACH_ITEM, "spec"),
    ),
    # Argo Rollouts: the Job of each job metric of an analysis, each template of an Experiment.
    **{
        ("argoproj.io", kind): (_ANALYSIS_JOB,)
        for kind in ("AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun")
    },
    ("argoproj.io", "Experiment"): (("spec", "templates", EACH_ITEM, "template", "spec"),),
    # OpenKruise's SidecarSet: containers, init containers and volumes injected into pods.
    ("apps.kruise.io", "SidecarSet"): (("spec",),),
}
# Custom kinds whose containers run in other objects' pods (a SidecarSet's are injected into
# the pods it selects): the pod's own settings are those pods', so what it lacks is unknown.
INJECTED_KINDS = frozenset({("apps.kruise.io", "SidecarSet")})
# Custom kinds whose pod spec holds the settings of the one container the operator makes
# (its image the operator's): the key they are under, and the name the container is given.
MAIN_CONTAINERS: dict[tuple[str, str], tuple[str, str]] = {
    ("argoproj.io", "Sensor"): ("container", "main"),
    ("argoproj.io", "EventSource"): ("container", "main"),
}
# A Katib Experiment runs each trial as the object of its trialTemplate (a Job, a PyTorchJob).
_EXPERIMENT = ("kubeflow.org", "Experiment")
_TRIAL_SPEC = ("spec", "trialTemplate", "trialSpec")
# What names a list item, in this order (Ray's worker groups have a groupName).
_ITEM_NAMES = ("name", "groupName")
# Other kinds (Argo Rollout, Knative Service, ...) often embed a pod template at this path.
GENERIC_POD_SPEC_PATH = ("spec", "template", "spec")


def pod_shapes(data: dict, kind: str) -> list[PodShape]:
    """The pods the object `data` of kind `kind` runs."""
    group = str(data.get("apiVersion", "")).rpartition("/")[0]
    if group == "argoproj.io" and kind in WORKFLOW_SPECS:
        found = _walk(data, WORKFLOW_SPECS[kind])
        return workflow_pods(found[0], found[2]) if found else []
    if group == TEKTON_GROUP:
        return list(tekton_pods(data, kind))
    if group == SPARK_GROUP:
        return list(spark_pods(data, kind))
    if group == FLINK_GROUP:
        return list(flink_pods(data, kind))
    if group in KSERVE_GROUPS:
        return list(kserve_pods(data, kind))
    if (group, kind) == _EXPERIMENT:
        return _trial_pods(data)
    paths = CUSTOM_POD_SPEC_PATHS.get((group, kind))
    if paths is not None:
        main = MAIN_CONTAINERS.get((group, kind))
        injected = (group, kind) in INJECTED_KINDS
        return [
            _shape(*found, main=main, completed_elsewhere=injected)
            for path in paths
            for found in _each(data, path)
        ]
    path = POD_SPEC_PATHS.get(kind)
    found = _walk(data, path or GENERIC_POD_SPEC_PATH)
    if found is None:
        return []
    if path is None and not isinstance(found[0].get("containers"), list):
        return []  # a custom resource whose spec.template is something else
    return [_shape(*found)]


def _shape(
    spec: dict,
    metadata: dict,
    region: Region | None,
    name: str | None = None,
    main: tuple[str, str] | None = None,
    completed_elsewhere: bool = False,
) -> PodShape:
    slots = tuple(listed(spec, CONTAINER_LISTS))
    if main is not None and isinstance(spec.get(main[0]), dict):
        slots = (Slot("containers", spec, main[0], name=main[1]), *slots)
    return PodShape(spec, metadata, region, slots, completed_elsewhere, name)


def _trial_pods(data: dict) -> list[PodShape]:
    """The pods of an Experiment's trial, each named as the trial's (`trial`, `trial
    Worker`); a trial that is itself an Experiment runs none (no recursion)."""
    trial: Any = data
    for key in _TRIAL_SPEC:
        trial = mapping(trial).get(key)
    kind = str(mapping(trial).get("kind", ""))
    group = str(mapping(trial).get("apiVersion", "")).rpartition("/")[0]
    if not isinstance(trial, dict) or (group, kind) == _EXPERIMENT:
        return []
    return [
        replace(shape, name=f"trial {shape.name}" if shape.name else "trial")
        for shape in pod_shapes(trial, kind)
    ]


def _each(
    data: Any, path: tuple[str, ...]
) -> Iterator[tuple[dict, dict, Region | None, str | None]]:
    """What _walk finds, and the pod's name (when a step fanned out), for each pod spec at
    `path`, whose EACH_VALUE and EACH_ITEM steps fan out (each map and list on the way read
    once)."""
    last = max((i for i, key in enumerate(path) if key in (EACH_VALUE, EACH_ITEM)), default=-1)
    nodes: list[tuple[Any, str]] = [(data, "")]
    for position in range(last + 1):
        nodes = list(_step(nodes, path[position], path[position - 1]))
    for node, name in nodes:
        found = _walk(node, path[last + 1 :])
        if found is not None:
            yield (*found, name or None)


def _step(nodes: list[tuple[Any, str]], key: str, list_name: str) -> Iterator[tuple[Any, str]]:
    """Each node one step of a path further, with the name of the pod it leads to."""
    for node, name in nodes:
        if key == EACH_VALUE:
            yield from ((value, str(role)) for role, value in mapping(node).items())
        elif key == EACH_ITEM:
            for index, item in enumerate(sequence(node)):
                names = (mapping(item).get(field) for field in _ITEM_NAMES)
                named = next((str(n) for n in names if isinstance(n, str) and n.strip()), None)
                # Within an item of an outer list, after its name (a Seldon predictor's).
                yield item, f"{name} {named or f'{list_name}[{index}]'}".lstrip()
        else:
            yield mapping(node).get(key), name


def _walk(data: Any, path: tuple[str, ...]) -> tuple[dict, dict, Region | None] | None:
    """(the map at `path`, its parent's metadata, region of its key), when it is there."""
    parent: Any = data
    for key in path[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    spec = parent.get(path[-1]) if isinstance(parent, dict) else None
    if not isinstance(spec, dict):
        return None
    return spec, mapping(parent.get("metadata")), region_of(parent, path[-1])
