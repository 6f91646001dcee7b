"""The pods of a Spark operator application (sparkoperator.k8s.io SparkApplication, and the
application a ScheduledSparkApplication runs): the driver's and the executors', each made of
a SparkPodSpec (`spec.driver`, `spec.executor`), which holds pod settings and its main
container's settings side by side, over the pod template it may name (`template`).

The main container is the SparkPodSpec itself (its securityContext, env and volumeMounts), with
the application's image when it names none of its own, and the resources Spark gives it: memory
requested and limited always (1g unless `memory` says), a CPU limit only from `coreLimit`. Its
env holds too what the deprecated `envVars` map and the application's sparkConf
(`spark.kubernetes.driverEnv.NAME`, `spark.executorEnv.NAME`) set.
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
from guardlint.parse.located import YamlMap, YamlSeq, region_of

GROUP = "sparkoperator.k8s.io"
# Where each kind keeps the application's spec.
APPLICATION_SPECS = {
    "SparkApplication": ("spec",),
    "ScheduledSparkApplication": ("spec", "template"),
}
# Each pod, with the name Spark gives its main container.
_ROLES = {"driver": "spark-kubernetes-driver", "executor": "spark-kubernetes-executor"}
# SparkPodSpec's pod settings, by the PodSpec field each sets.
_POD_SETTINGS = {
    "podSecurityContext": "securityContext", "serviceAccount": "serviceAccountName",
    "hostNetwork": "hostNetwork", "affinity": "affinity", "tolerations": "tolerations",
    "nodeSelector": "nodeSelector", "dnsConfig": "dnsConfig", "hostAliases": "hostAliases",
    "schedulerName": "schedulerName", "shareProcessNamespace": "shareProcessNamespace",
    "runtimeClassName": "runtimeClassName", "priorityClassName": "priorityClassName",
    "terminationGracePeriodSeconds": "terminationGracePeriodSeconds",
}  # fmt: skip
# spark.driver.memory's and spark.executor.memory's default.
_DEFAULT_MEMORY = "1g"
# Where else a role's environment variables are written, each as `name: value`: the SparkPodSpec's
# deprecated `envVars` map, and the application's sparkConf entries of each role's prefix.
_ENV_MAP = "envVars"
_ENV_CONF_PREFIXES = {"driver": "spark.kubernetes.driverEnv.", "executor": "spark.executorEnv."}
# The application's maps of Spark's and Hadoop's configuration, by property name.
_CONFIGURATION_MAPS = ("sparkConf", "hadoopConf")
_ENV_CONF_KEYS = tuple(_ENV_CONF_PREFIXES.values())


def _application_spec(data: Any, kind: str) -> dict | None:
    spec: Any = data
    for key in APPLICATION_SPECS.get(kind, ()):
        spec = mapping(spec).get(key)
    return spec if isinstance(spec, dict) else None


def configuration_maps(data: Any) -> tuple[Any, ...]:
    """The sparkConf and hadoopConf maps of the Spark application `data`, whose keys are
    properties (none for other data): found once per document, asked of its every value."""
    data = mapping(data)
    if str(data.get("apiVersion", "")).rpartition("/")[0] != GROUP:
        return ()
    spec = _application_spec(data, str(data.get("kind", "")))
    return tuple(spec.get(name) for name in _CONFIGURATION_MAPS) if spec else ()


def configuration_property(maps: tuple[Any, ...], holder: Any, key: Any) -> str | None:
    """The property `holder[key]` sets, when `holder` is one of an application's configuration
    `maps` (`fs.s3a.secret.key`), and not an environment variable of a role's main container
    (`spark.executorEnv.NAME`: that container's env)."""
    if not isinstance(key, str) or key.startswith(_ENV_CONF_KEYS):
        return None
    return key if any(holder is conf for conf in maps) else None


def spark_pods(data: dict, kind: str) -> Iterator[PodShape]:
    """The driver's and the executors' pods of the application `data` of kind `kind`."""
    spec = _application_spec(data, kind)
    if spec is None:
        return
    for role, container_name in _ROLES.items():
        settings = spec.get(role)
        if isinstance(settings, dict):
            yield _pod(spec, role, settings, container_name)


def _pod(spec: dict, role: str, settings: dict, container_name: str) -> PodShape:
    region = region_of(spec, role) or region_of(spec) or Region(1)
    template = mapping(settings.get("template"))
    below = mapping(template.get("spec"))
    pod = pod_fields(region, below)
    if isinstance(spec.get("nodeSelector"), dict):
        copy_entry(pod, spec, "nodeSelector")
    if role == "executor" and "serviceAccount" in mapping(spec.get("driver")):
        # An executor without a service account of its own runs as the driver's.
        copy_entry(pod, spec["driver"], "serviceAccount", as_key="serviceAccountName")
    for key, field in _POD_SETTINGS.items():
        if settings.get(key) is not None:
            copy_entry(pod, settings, key, as_key=field)
    if isinstance(spec.get("volumes"), list):
        copy_entry(pod, spec, "volumes")
    written = sequence(below.get("containers"))
    main = _container(spec, settings, container_name, written)
    _add_env(main, settings, spec, role)
    slots = (
        made_container(spec, role, main, container_name, (settings, *written[:1])),
        # The template's other containers run beside the main one.
        *(
            Slot("containers", written, i)
            for i in range(1, len(written))
            if isinstance(written[i], dict)
        ),
        *listed(below, ("initContainers",)),
        *listed(settings, ("initContainers",)),
        *listed(settings, ("sidecars",), as_list="containers"),
    )
    annotations = settings.get("annotations") or mapping(template.get("metadata")).get(
        "annotations"
    )
    metadata = {"annotations": annotations}
    return PodShape(pod, metadata, region, slots, name=role)


def _add_env(container: YamlMap, settings: dict, spec: dict, role: str) -> None:
    """The main container's env: its own, then each variable the envVars map and the sparkConf
    set, as an env entry whose name and value are where the map writes them."""
    sources = (
        (mapping(settings.get(_ENV_MAP)), ""),
        (mapping(spec.get("sparkConf")), _ENV_CONF_PREFIXES[role]),
    )
    made = [
        _env_entry(source, key, key[len(prefix) :])
        for source, prefix in sources
        for key in source
        if isinstance(key, str) and key.startswith(prefix) and len(key) > len(prefix)
    ]
    if not made:
        return
    own = container.get("env")
    env = YamlSeq(region_of(container, "env") if "env" in container else container.region)
    for index, item in enumerate(sequence(own)):
        env.append(item)
        env.item_regions.append(region_of(own, index) or env.region)
    for entry in made:
        env.append(entry)
        env.item_regions.append(entry.region)
    container["env"] = env


def _env_entry(source: dict, key: str, name: str) -> YamlMap:
    entry = YamlMap(region_of(source, key) or Region(1))
    copy_entry(entry, source, key, name, as_key="name")
    copy_entry(entry, source, key, as_key="value")
    return entry


def _container(spec: dict, settings: dict, name: str, template_containers: list) -> YamlMap:
    """The main container: the SparkPodSpec over its template's first container, with the
    application's image, the resources Spark sets, and the name Spark gives it."""
    container = YamlMap(region_of(settings) or Region(1))
    container["name"] = name
    for key in settings:
        copy_entry(container, settings, key)
    if not settings.get("image") and spec.get("image"):
        copy_entry(container, spec, "image")
    memory = settings.get("memory") or _DEFAULT_MEMORY
    limits = {
        "memory": memory,
        **({"cpu": settings["coreLimit"]} if "coreLimit" in settings else {}),
    }
    requests = {"memory": memory, "cpu": settings.get("coreRequest") or settings.get("cores") or 1}
    copy_entry(container, settings, "memory", {"limits": limits, "requests": requests}, "resources")
    first = template_containers[0] if template_containers else None
    return Merge(MERGE_BUDGET)(first, container) if isinstance(first, dict) else container
