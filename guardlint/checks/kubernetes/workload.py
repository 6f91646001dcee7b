"""Kubernetes checks on how a workload runs: resource limits, health probes and the service
account token it mounts.
"""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.kubernetes.hits import container_hit, innermost_region, where
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import (
    PodSpec,
    containers,
    flag,
    mapping,
    pod_specs,
    sequence,
)
from guardlint.documents.limit_ranges import NO_DEFAULTS, container_defaults
from guardlint.documents.service_accounts import default_account_automount
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.scalars import zero_quantity

_ACCOUNT_KEYS = ("serviceAccountName", "serviceAccount")


@check("K8S018")
def service_account_token(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S018: the default service account with its token automounted."""
    for pod in pod_specs(document):
        if pod.is_partial or pod.account_elsewhere:
            continue  # its service account and automount are the base's unless it says
        spec = pod.spec
        # An empty or null serviceAccountName takes the deprecated serviceAccount's (the API
        # server copies it over); neither names the default account.
        named = [key for key in _ACCOUNT_KEYS if key in spec]
        key = next((key for key in named if spec[key]), named[0] if named else None)
        account = str(spec.get(key) or "default") if key else "default"
        automount = flag(spec.get("automountServiceAccountToken"))
        if account != "default":
            continue
        if automount is None and pod.filled_in_later(spec.get("automountServiceAccountToken")):
            continue  # filled in when the template is processed
        # Unset on the pod, the account's own setting decides (when declared beside it).
        if automount is False or (
            automount is None and default_account_automount(document) is False
        ):
            yield from _projected_api_token(pod)
            continue
        if key is not None:
            region = pod.region_of(spec, key)
        elif "automountServiceAccountToken" in spec:
            region = pod.region_of(spec, "automountServiceAccountToken")
        else:
            region = pod.region
        yield Hit(
            message=f"{pod.resource} runs as the namespace's default service account with its "
            "API token mounted, so a compromised container can call the Kubernetes API.",
            region=region,
            resource=pod.resource,
        )


def _projected_api_token(pod: PodSpec) -> Iterator[Hit]:
    """A projected serviceAccountToken source with no audience (it then defaults to the API
    server's) in a volume a container mounts: the account's API token, mounted whatever
    automountServiceAccountToken says (it stops only the automatic volume)."""
    mounted = {
        str(mapping(mount).get("name"))
        for container in pod.containers()
        for mount in sequence(container.data.get("volumeMounts"))
    }
    for volume in map(mapping, sequence(pod.spec.get("volumes"))):
        if str(volume.get("name")) not in mounted:
            continue
        for source in map(mapping, sequence(mapping(volume.get("projected")).get("sources"))):
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and not str(token.get("audience") or "").strip():
                yield Hit(
                    message=f"{pod.resource} runs as the namespace's default service account "
                    f"and mounts its API token through the projected volume {volume.get('name')} "
                    "(automountServiceAccountToken: false does not stop that), so a "
                    "compromised container can call the Kubernetes API.",
                    region=pod.region_of(source, "serviceAccountToken"),
                    resource=pod.resource,
                )
                return


# What a process can do to its neighbours on the node without each limit: memory is taken
# back by killing processes, CPU time only by waiting.
_UNBOUNDED = {
    "memory": "use up the node's memory, leaving its neighbours to the OOM killer",
    "cpu": "take the node's CPU time from its neighbours",
}


@check("K8S011")
def resource_limits(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S011: missing memory/CPU limits (low), no requests at all (info)."""
    # Ephemeral containers cannot set resources.
    listed = list(containers(document, ("containers", "initContainers")))
    defaults = container_defaults(document) if listed else NO_DEFAULTS
    for container in listed:
        if container.is_partial:
            continue  # a patch's resources merge into the base's: what it lacks is unknown
        resources_ = mapping(container.data.get("resources"))
        # Pod-level resources (Kubernetes 1.32+) bound the pod's cgroup, every container in it.
        pod_level = mapping(container.pod.spec.get("resources"))
        limits = _quantities(resources_.get("limits"), pod_level.get("limits")) | defaults.limits
        required = ["memory"] + (["cpu"] if rule.options.get("require_cpu_limit", True) else [])
        missing = [name for name in required if name not in limits]
        region = innermost_region(container, container.data, "resources", "limits")
        if missing:
            what = " and ".join(f"no {'CPU' if m == 'cpu' else m} limit" for m in missing)
            unbounded = ", and ".join(_UNBOUNDED[m] for m in missing)
            yield container_hit(
                container,
                f"{where(container)} has {what}, so one runaway process can {unbounded}.",
                region,
                Severity.LOW,
                missing=missing,
            )
        # Kubernetes copies limits into missing requests: only no requests and no limits is
        # blind, of CPU and memory, the only resources the QoS class counts (a GPU or
        # ephemeral-storage request alone leaves the container BestEffort).
        requests = _quantities(resources_.get("requests"), pod_level.get("requests"))
        if not (requests | defaults.requests | limits) & _QOS_RESOURCES:
            yield container_hit(
                container,
                f"{where(container)} sets no resource requests, so the scheduler places it "
                "blind and it is among the first pods evicted under pressure.",
                region,
                Severity.INFO,
                missing=["requests"],
            )


_QOS_RESOURCES = frozenset(("cpu", "memory"))


def _quantities(*values: object) -> set[str]:
    """The resources `limits` or `requests` maps set: a null or empty quantity (Helm's
    rendering of an unset value) sets nothing, and neither does a zero one (no cgroup limit,
    ignored by the QoS class)."""
    return {
        str(name)
        for value in values
        for name, q in mapping(value).items()
        if q not in (None, "") and not zero_quantity(q)
    }


_PROBE_PURPOSE = {
    "livenessProbe": "when it hangs and needs a restart",
    "readinessProbe": "when it can take traffic",
}

# What a probe runs: the API server refuses a probe without one of these ("must specify a
# handler type"), and a probe with only timings (or a null handler) checks nothing.
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _probes(value: object) -> bool:
    """Whether a container's probe field names a handler to run."""
    probe = mapping(value)
    return any(probe.get(handler) is not None for handler in _PROBE_HANDLERS)


@check("K8S015")
def missing_probes(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S015: long-running containers without a liveness or a readiness probe."""
    for pod in pod_specs(document):
        if not pod.is_long_running or pod.is_partial:
            continue  # a patch's probes merge into the base's
        for container in pod.containers(("containers", "initContainers")):
            if container.list_name == "initContainers" and not container.is_sidecar:
                continue  # init containers run to completion: probes are not allowed
            # Every long-running container, ports or not: a Service can select a pod by
            # label whatever its containers declare.
            # `livenessProbe: null`, `{}` or timings without a handler probe nothing.
            missing = [p for p in _PROBE_PURPOSE if not _probes(container.data.get(p))]
            if missing:
                why = [_PROBE_PURPOSE[probe] for probe in missing]
                yield container_hit(
                    container,
                    f"{where(container)} has no {' and no '.join(missing)}, so Kubernetes "
                    f"cannot tell {' or '.join(why)}.",
                    missing=missing,
                )
