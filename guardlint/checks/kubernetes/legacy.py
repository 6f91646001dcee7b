"""Kubernetes pack: checks on manifests (pods and their containers, RBAC, Services, Ingresses,
Secrets, API versions). Where a kind keeps its pods and how securityContext is inherited lives
in guardlint.documents.kubernetes; rules here only decide what is wrong and say so.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.kubernetes import (
    Container,
    PodSpec,
    Setting,
    containers,
    mapping,
    pod_specs,
    sequence,
)
from guardlint.knowledge.secrets import find_secrets, is_literal_secret, is_placeholder
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Region, Rule, Severity
from guardlint.parse.yaml_nodes import region_of

# ---------------------------------------------------------------------------------------------
# Shared helpers


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _meta(document: Document, key: str) -> str:
    return str(document.meta.get(key) or "")


def _where(container: Container) -> str:
    """`Container nginx of Deployment default/api`, the subject of a container's message."""
    return f"{container.label[0].upper()}{container.label[1:]} of {container.pod.resource}"


def _setting_region(container: Container, setting: Setting | None) -> Region:
    return container.region_of(setting.holder, setting.key) if setting else container.region


def _pod_level(container: Container, setting: Setting) -> str:
    """' (inherited from the pod)' when the container does not set the value itself."""
    return " (inherited from the pod)" if setting.holder is container.pod.security_context else ""


def _container_hit(
    container: Container,
    message: str,
    region: Region | None = None,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    return Hit(
        message=message,
        region=region or container.region,
        resource=container.resource,
        severity=severity,
        properties={"container": container.name, **properties},
    )


def _linux_containers(document: Document) -> Iterator[Container]:
    """Containers of Linux pods: seccomp, capabilities and the like do not exist on Windows."""
    for pod in pod_specs(document):
        if not pod.is_windows:
            yield from pod.containers()


def _options_list(rule: Rule, key: str) -> list[str]:
    return [str(item) for item in rule.options.get(key) or ()]


# ---------------------------------------------------------------------------------------------
# Container securityContext


@check("K8S001")
def privileged(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S001: securityContext.privileged true."""
    for container in containers(document):
        setting = container.own_setting("privileged")
        if setting and _is_true(setting.value):
            yield _container_hit(
                container,
                f"{_where(container)} runs privileged: it has every capability and the host's "
                "devices, so escaping to the node is trivial.",
                _setting_region(container, setting),
            )


@check("K8S002")
def privilege_escalation(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S002: allowPrivilegeEscalation not explicitly false."""
    for container in _linux_containers(document):
        setting = container.own_setting("allowPrivilegeEscalation")
        if setting and _is_false(setting.value):
            continue
        how = "sets" if setting else "does not set"
        value = "true" if setting else "false"
        yield _container_hit(
            container,
            f"{_where(container)} {how} allowPrivilegeEscalation: {value}, so a setuid "
            "binary or file capability can gain privileges the process did not start with.",
            _setting_region(container, setting),
        )


@check("K8S003")
def runs_as_root(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S003: runAsNonRoot not true (own or inherited), or runAsUser 0."""
    for container in containers(document):
        user = container.effective("runAsUser")
        non_root = container.effective("runAsNonRoot")
        uid = _as_int(user.value) if user else None
        if user and uid == 0:
            yield _container_hit(
                container,
                f"{_where(container)} runs as UID 0 (root){_pod_level(container, user)}; a "
                "compromised process is root in the container and one bug away from the node.",
                _setting_region(container, user),
            )
        elif non_root and _is_true(non_root.value):
            continue
        elif uid is not None and uid > 0:
            continue  # the kubelet enforces a non-zero UID: it cannot start as root
        else:
            said = (
                f"sets runAsNonRoot: false{_pod_level(container, non_root)}"
                if non_root
                else "sets neither runAsNonRoot: true nor a non-zero runAsUser"
            )
            yield _container_hit(
                container,
                f"{_where(container)} {said}, so it runs as root whenever the image does.",
                _setting_region(container, non_root),
            )


def _capabilities(container: Container) -> dict:
    return mapping(container.security_context.get("capabilities"))


def _capability_name(value: Any) -> str:
    name = str(value).strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@check("K8S008")
def dangerous_capabilities(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S008: capabilities.add of a capability that breaks isolation."""
    dangerous = {_capability_name(c) for c in _options_list(rule, "dangerous")}
    for container in containers(document):
        added = sequence(_capabilities(container).get("add"))
        found = [(i, _capability_name(c)) for i, c in enumerate(added)]
        found = [(i, name) for i, name in found if name in dangerous]
        if not found:
            continue
        names = ", ".join(name for _, name in found)
        yield _container_hit(
            container,
            f"{_where(container)} adds {names}: enough to escape the container or attack the "
            "node and its network.",
            container.region_of(added, found[0][0]),
            capabilities=[name for _, name in found],
        )


@check("K8S009")
def capabilities_not_dropped(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S009: capabilities.drop does not include ALL."""
    for container in _linux_containers(document):
        capabilities = _capabilities(container)
        drop = capabilities.get("drop")
        if any(_capability_name(c) == "ALL" for c in sequence(drop)):
            continue
        if "drop" in capabilities:
            region = container.region_of(capabilities, "drop")
        elif "capabilities" in container.security_context:
            region = container.region_of(container.security_context, "capabilities")
        else:
            region = container.region
        yield _container_hit(
            container,
            f"{_where(container)} does not drop ALL capabilities, so it keeps the runtime's "
            "default set (NET_RAW, CHOWN, SETUID, ...) it almost never needs.",
            region,
        )


@check("K8S010")
def writable_root_filesystem(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S010: readOnlyRootFilesystem not true."""
    for container in _linux_containers(document):
        setting = container.own_setting("readOnlyRootFilesystem")
        if setting and _is_true(setting.value):
            continue
        yield _container_hit(
            container,
            f"{_where(container)} has a writable root filesystem, so an attacker can drop "
            "tools or modify the application in place.",
            _setting_region(container, setting),
        )


@check("K8S027")
def unsafe_proc_or_sysctl(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S027: procMount Unmasked, or a sysctl outside the safe set."""
    for container in containers(document):
        setting = container.own_setting("procMount")
        if setting and str(setting.value) == "Unmasked":
            yield _container_hit(
                container,
                f"{_where(container)} mounts /proc unmasked, exposing kernel interfaces the "
                "runtime normally hides.",
                _setting_region(container, setting),
            )
    safe = _options_list(rule, "safe_sysctls")
    for pod in pod_specs(document):
        sysctls = sequence(pod.security_context.get("sysctls"))
        for index, item in enumerate(sysctls):
            name = str(mapping(item).get("name", ""))
            if not name or any(fnmatch.fnmatchcase(name, pattern) for pattern in safe):
                continue
            yield Hit(
                message=f"{pod.resource} sets the unsafe sysctl {name}, which can affect "
                "other pods on the node or the node itself.",
                region=pod.region_of(sysctls, index),
                resource=pod.resource,
                properties={"sysctl": name},
            )


# ---------------------------------------------------------------------------------------------
# Seccomp and AppArmor

_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
_APPARMOR_CONTAINER_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _annotation(pod: PodSpec, key: str) -> Setting | None:
    annotations = pod.annotations
    return Setting(annotations[key], annotations, key) if key in annotations else None


@check("K8S017")
def seccomp_unconfined(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S017: no seccomp profile (own, pod or legacy annotation), or Unconfined; AppArmor
    unconfined."""
    for container in _linux_containers(document):
        pod = container.pod
        profile = container.effective("seccompProfile")
        annotation = _annotation(pod, _SECCOMP_CONTAINER_ANNOTATION + container.name) or (
            _annotation(pod, _SECCOMP_POD_ANNOTATION)
        )
        if profile is not None:
            kind = str(mapping(profile.value).get("type", ""))
            if kind == "Unconfined":
                yield _container_hit(
                    container,
                    f"{_where(container)} runs with seccomp Unconfined"
                    f"{_pod_level(container, profile)}, so every system call is open to an "
                    "attacker.",
                    container.region_of(profile.value, "type"),
                )
        elif annotation is not None:
            if str(annotation.value).strip().lower() == "unconfined":
                yield _container_hit(
                    container,
                    f"{_where(container)} runs with seccomp unconfined (annotation), so every "
                    "system call is open to an attacker.",
                    container.region_of(annotation.holder, annotation.key),
                )
        else:
            yield _container_hit(
                container,
                f"{_where(container)} has no seccomp profile at container or pod level, so it "
                "runs unconfined unless the kubelet defaults to RuntimeDefault.",
            )
        yield from _apparmor_unconfined(container)


def _apparmor_unconfined(container: Container) -> Iterator[Hit]:
    profile = container.effective("appArmorProfile")
    if profile is not None:
        if str(mapping(profile.value).get("type", "")) == "Unconfined":
            yield _container_hit(
                container,
                f"{_where(container)} runs with AppArmor Unconfined"
                f"{_pod_level(container, profile)}, removing the runtime's mandatory access "
                "control.",
                container.region_of(profile.value, "type"),
            )
        return
    annotation = _annotation(container.pod, _APPARMOR_CONTAINER_ANNOTATION + container.name)
    if annotation is not None and str(annotation.value).strip().lower() == "unconfined":
        yield _container_hit(
            container,
            f"{_where(container)} runs with AppArmor unconfined (annotation), removing the "
            "runtime's mandatory access control.",
            container.region_of(annotation.holder, annotation.key),
        )


# ---------------------------------------------------------------------------------------------
# Pod-level settings


def _normalized_path(path: str) -> str:
    path = re.sub(r"/+", "/", path.strip())
    return path.rstrip("/") or "/"


def _sensitive_host_path(path: str, rule: Rule) -> bool:
    path = _normalized_path(path)
    if path in {_normalized_path(p) for p in _options_list(rule, "critical_paths")}:
        return True
    if any(path.startswith(prefix) for prefix in _options_list(rule, "critical_prefixes")):
        return True
    return any(path.endswith("/" + name) for name in _options_list(rule, "runtime_sockets"))


@check("K8S007")
def host_path(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S007: hostPath volumes; critical for runtime sockets and sensitive host paths."""
    for pod in pod_specs(document):
        for volume in sequence(pod.spec.get("volumes")):
            source = mapping(mapping(volume).get("hostPath"))
            if not source:
                continue
            name = str(volume.get("name", "?"))
            path = str(source.get("path", ""))
            users = [
                c.name
                for c in pod.containers()
                if any(mapping(m).get("name") == name for m in sequence(c.data.get("volumeMounts")))
            ]
            sensitive = _sensitive_host_path(path, rule)
            used_by = f" (mounted by {', '.join(users)})" if users else ""
            why = (
                "a container runtime socket or sensitive host directory: mounting it hands over "
                "the node"
                if sensitive
                else "the pod can read or change files on the node and survives on it"
            )
            yield Hit(
                message=f"{pod.resource} mounts host path {path} as volume {name}{used_by}; {why}.",
                region=pod.region_of(source, "path") if "path" in source else pod.region_of(volume),
                resource=f"{pod.resource} volume {name}",
                severity=Severity.CRITICAL if sensitive else None,
                properties={"hostPath": path, "containers": users},
            )


@check("K8S018")
def service_account_token(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S018: the default service account with its token automounted."""
    for pod in pod_specs(document):
        spec = pod.spec
        key = "serviceAccountName" if "serviceAccountName" in spec else "serviceAccount"
        account = str(spec.get(key) or "default")
        if account != "default" or _is_false(spec.get("automountServiceAccountToken")):
            continue
        if key in spec:
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


@check("K8S019")
def host_port(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S019: a container port bound to a host port."""
    for container in containers(document):
        for port in sequence(container.data.get("ports")):
            number = _as_int(mapping(port).get("hostPort"))
            if number:
                yield _container_hit(
                    container,
                    f"{_where(container)} binds host port {number}, exposing it on the node's "
                    "address and limiting where the pod can be scheduled.",
                    container.region_of(port, "hostPort"),
                    hostPort=number,
                )


@check("K8S011")
def resource_limits(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S011: missing memory/CPU limits (low), no requests at all (info)."""
    # Ephemeral containers cannot set resources.
    for container in containers(document, ("containers", "initContainers")):
        resources_ = mapping(container.data.get("resources"))
        limits = mapping(resources_.get("limits"))
        required = ["memory"] + (["cpu"] if rule.options.get("require_cpu_limit", True) else [])
        missing = [name for name in required if name not in limits]
        if "limits" in resources_:
            region = container.region_of(resources_, "limits")
        elif "resources" in container.data:
            region = container.region_of(container.data, "resources")
        else:
            region = container.region
        if missing:
            what = " and ".join(f"no {'CPU' if m == 'cpu' else m} limit" for m in missing)
            yield _container_hit(
                container,
                f"{_where(container)} has {what}, so one runaway process can starve or "
                "out-of-memory its neighbours on the node.",
                region,
                Severity.LOW,
                missing=missing,
            )
        # Kubernetes copies limits into missing requests: only no requests and no limits is blind.
        if not mapping(resources_.get("requests")) and not limits:
            yield _container_hit(
                container,
                f"{_where(container)} sets no resource requests, so the scheduler places it "
                "blind and it is among the first pods evicted under pressure.",
                region,
                Severity.INFO,
                missing=["requests"],
            )


_PROBE_PURPOSE = {
    "livenessProbe": "when it hangs and needs a restart",
    "readinessProbe": "when it can take traffic",
}


@check("K8S015")
def missing_probes(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S015: long-running containers without liveness (or, when serving, readiness) probes."""
    for pod in pod_specs(document):
        if not pod.is_long_running:
            continue
        for container in pod.containers(("containers", "initContainers")):
            if container.list_name == "initContainers" and not container.is_sidecar:
                continue  # init containers run to completion: probes are not allowed
            missing = [] if "livenessProbe" in container.data else ["livenessProbe"]
            # Readiness gates Service traffic: asked of containers that declare ports.
            if container.data.get("ports") and "readinessProbe" not in container.data:
                missing.append("readinessProbe")
            if missing:
                why = [_PROBE_PURPOSE[probe] for probe in missing]
                yield _container_hit(
                    container,
                    f"{_where(container)} has no {' and no '.join(missing)}, so Kubernetes "
                    f"cannot tell {' or '.join(why)}.",
                    missing=missing,
                )


# ---------------------------------------------------------------------------------------------
# Images

# `<placeholder>` as `<` then `>` on the same line; `<.*>` would scan to the end of the line
# from every `<` of a long run of them (quadratic), `<[^<>\n]*>` stops at the next one.
_TEMPLATED = re.compile(r"\$|\{\{|<[^<>\n]*>")


def _image_parts(image: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is not None:
        name = name[: -len(tag) - 1]
    return name, tag, digest or None


def _images(document: Document) -> Iterator[tuple[Container, str, str | None, str | None]]:
    for container in containers(document):
        image = container.data.get("image")
        if not isinstance(image, str) or not image.strip() or _TEMPLATED.search(image):
            continue  # a templated image is decided when it is rendered
        yield container, *_image_parts(image.strip())


@check("K8S012")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S012: image with no tag or `:latest` (and no digest)."""
    for container, name, tag, digest in _images(document):
        if digest or (tag and tag != "latest"):
            continue
        said = "the :latest tag" if tag else "no tag (so :latest)"
        yield _container_hit(
            container,
            f"{_where(container)} uses image {name} with {said}: what runs changes without "
            "any change to the manifest, and rollbacks cannot restore it.",
            container.region_of(container.data, "image"),
            image=name,
        )


@check("K8S013")
def unpinned_digest(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S013: image not pinned by digest."""
    for container, name, tag, digest in _images(document):
        if digest:
            continue
        yield _container_hit(
            container,
            f"{_where(container)} uses image {name}:{tag or 'latest'} without an @sha256 "
            "digest, so a re-pushed tag changes what runs.",
            container.region_of(container.data, "image"),
            image=name,
        )


# ---------------------------------------------------------------------------------------------
# Secrets

_FLAG_ASSIGNMENT = re.compile(r"^-{1,2}(?P<name>[A-Za-z][\w.-]*)=(?P<value>.+)$", re.S)
_BARE_FLAG = re.compile(r"^-{1,2}(?P<name>[A-Za-z][\w.-]*)$")


def _text_region(document: Document, region: Region, text: str) -> Region:
    """The line of `text` inside a (possibly multi-line) value, so SEC001 and this rule agree."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    for line in range(region.start_line, (region.end_line or region.start_line) + 1):
        column = document.line_text(line).find(first) if first else -1
        if column >= 0:
            return Region(line, column + 1, line, column + 1 + len(first))
    return region


def _strings(
    value: Any, skip: set[int], holder: Any = None, key: Any = None
) -> Iterator[tuple[str, Any, Any]]:
    """Every string scalar under `value` (not under a map whose id is in `skip`), with the
    container and key it sits at."""
    if id(value) in skip:
        return
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _strings(child, skip, value, child_key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, skip, value, index)
    elif isinstance(value, str) and holder is not None:
        yield value, holder, key


def _value_region(holder: Any, key: Any) -> Region:
    if hasattr(holder, "value_region"):
        return holder.value_region(key)
    return region_of(holder, key) or Region(1)


def _named_literal(holder: Any, key: Any, value: str, document: Document) -> str | None:
    """The name a literal is given where a name means something: an env var, a ConfigMap key,
    a `--flag=value` or `--flag value` argument."""
    if isinstance(holder, dict) and key == "value" and "name" in holder:
        return str(holder["name"])  # an env var (or any name/value pair)
    if isinstance(holder, list):
        flag = _FLAG_ASSIGNMENT.match(value)
        if flag:
            return flag.group("name")  # ["--password=x"]
        previous = str(holder[key - 1]) if isinstance(key, int) and key > 0 else ""
        bare = _BARE_FLAG.match(previous)
        return bare.group("name") if bare else None  # ["--password", "x"]
    if _meta(document, "kind") == "ConfigMap" and isinstance(holder, dict) and isinstance(key, str):
        data = mapping(document.data).get("data")
        return key if holder is data else None
    return None


def _secret_hits(
    document: Document, value: Any, resource: str, subject: str, skip: set[int]
) -> Iterator[Hit]:
    for text, holder, key in _strings(value, skip):
        region = _value_region(holder, key)
        name = _named_literal(holder, key, text, document)
        flag = _FLAG_ASSIGNMENT.match(text) if isinstance(holder, list) else None
        literal = flag.group("value") if flag else text
        if name and is_literal_secret(name, literal):
            yield Hit(
                message=f"{subject} sets {name} to a literal secret; anyone who can read the "
                "manifest (or the object in the cluster) has it.",
                region=_text_region(document, region, literal) if "\n" in literal else region,
                resource=resource,
                properties={"name": name},
                secret_values=(literal,),
                secret_regions=(region,),
            )
            continue
        for match in find_secrets(text):
            yield Hit(
                message=f"{subject} holds a secret in plain text ({match.kind}); anyone who can "
                "read the manifest has it.",
                region=_text_region(document, region, match.value),
                resource=resource,
                properties={"secretType": match.kind},
                secret_values=(match.value,),
                secret_regions=(region,),
            )


@check("K8S014")
def secret_in_env(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S014: literal secrets in env (secret-looking names) and detect-secrets hits anywhere."""
    data = document.data
    if not isinstance(data, dict):
        return
    skip: set[int] = set()
    if _meta(document, "kind") == "Secret" and isinstance(data.get("data"), dict):
        skip.add(id(data["data"]))  # base64 values; K8S025 reports the Secret itself
    for container in containers(document):
        yield from _secret_hits(
            document, container.data, container.resource, _where(container), skip
        )
        skip.add(id(container.data))  # walked once, with the container as the resource
    resource = _meta(document, "resource")
    yield from _secret_hits(document, data, resource, resource, skip)


# ---------------------------------------------------------------------------------------------
# Secret manifests

# Keys of a Secret that hold public material (certificates), not secrets.
_PUBLIC_SECRET_KEYS = re.compile(r"(^|[._-])(ca|tls)?\.?(crt|cert|pub)$|^ca\.crt$", re.I)


def _decoded(value: Any) -> str:
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return str(value)


@check("K8S025")
def secret_manifest_committed(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S025: a Secret whose data/stringData holds real (non-empty, non-placeholder) values."""
    if _meta(document, "kind") != "Secret" or not isinstance(document.data, dict):
        return
    committed: list[tuple[dict, str, str]] = []
    for field, decode in (("data", True), ("stringData", False)):
        values = mapping(document.data.get(field))
        for key, value in values.items():
            if not isinstance(value, (str, int)) or _PUBLIC_SECRET_KEYS.search(str(key)):
                continue  # a map here is an unrendered template (`{{value}}`), not a value
            plain = _decoded(value) if decode else str(value)
            if plain.strip() and not is_placeholder(plain) and not is_placeholder(value):
                committed.append((values, str(key), str(value)))
    if not committed:
        return
    holder, first_key, _ = committed[0]
    keys = ", ".join(key for _, key, _ in committed)
    resource = _meta(document, "resource")
    yield Hit(
        message=f"{resource} commits {len(committed)} secret value(s) ({keys}) to the "
        "repository, where base64 hides nothing from anyone who can read it.",
        region=region_of(holder, first_key) or Region(1),
        resource=resource,
        properties={
            "keys": [key for _, key, _ in committed],
            "type": str(document.data.get("type", "Opaque")),
        },
        secret_values=tuple(value for _, _, value in committed if value),
        secret_regions=tuple(
            _value_region(values, key) for values, key, value in committed if value
        ),
    )


# ---------------------------------------------------------------------------------------------
# Services and Ingresses


_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _is_internal_load_balancer(annotations: dict, rule: Rule) -> bool:
    """A cloud annotation that keeps the load balancer on the private network."""
    internal: dict[str, list[Any]] = rule.options.get("internal_annotations") or {}
    return any(
        str(annotations[key]).strip().lower() in [str(v).lower() for v in values]
        for key, values in internal.items()
        if key in annotations
    )


def _has_open_range(ranges: Iterable[Any]) -> bool:
    return any(str(r).strip() in ("0.0.0.0/0", "::/0") for r in ranges)


@check("K8S020")
def exposed_service(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S020: LoadBalancer/NodePort Services (info); internet-facing LoadBalancer with no
    source ranges (medium)."""
    if _meta(document, "kind") != "Service" or not isinstance(document.data, dict):
        return
    spec = mapping(document.data.get("spec"))
    service_type = str(spec.get("type", "ClusterIP"))
    if service_type not in ("LoadBalancer", "NodePort"):
        return
    resource = _meta(document, "resource")
    annotations = mapping(mapping(document.data.get("metadata")).get("annotations"))
    region = region_of(spec, "type") or Region(1)
    if service_type == "NodePort":
        yield Hit(
            message=f"{resource} is a NodePort Service: it listens on every node's address.",
            region=region,
            resource=resource,
            severity=Severity.INFO,
        )
        return
    is_internal = _is_internal_load_balancer(annotations, rule)
    ranges = sequence(spec.get("loadBalancerSourceRanges")) or [
        r for r in str(annotations.get(_SOURCE_RANGES_ANNOTATION, "")).split(",") if r.strip()
    ]
    if is_internal or (ranges and not _has_open_range(ranges)):
        scope = (
            "an internal load balancer"
            if is_internal
            else "a load balancer limited by source ranges"
        )
        yield Hit(
            message=f"{resource} is exposed through {scope}.",
            region=region,
            resource=resource,
            severity=Severity.INFO,
        )
        return
    yield Hit(
        message=f"{resource} is an internet-facing LoadBalancer with no loadBalancerSourceRanges, "
        "so anyone on the internet can reach it.",
        region=region,
        resource=resource,
        severity=Severity.MEDIUM,
    )


@check("K8S028")
def ingress_without_tls(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S028: an Ingress with no tls section (and no load-balancer certificate annotation)."""
    if _meta(document, "kind") != "Ingress" or not isinstance(document.data, dict):
        return
    spec = mapping(document.data.get("spec"))
    if sequence(spec.get("tls")):
        return
    annotations = mapping(mapping(document.data.get("metadata")).get("annotations"))
    if any(key in annotations for key in _options_list(rule, "tls_annotations")):
        return  # TLS terminated by the cloud load balancer in front of the Ingress
    resource = _meta(document, "resource")
    yield Hit(
        message=f"{resource} has no tls section, so its hosts are served over plain HTTP.",
        region=region_of(document.data, "spec") or Region(1),
        resource=resource,
    )


# ---------------------------------------------------------------------------------------------
# RBAC

_ROLE_KINDS = frozenset({"Role", "ClusterRole"})
_BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})


def _strings_of(rule_: dict, field: str) -> list[str]:
    return [str(item).strip() for item in sequence(rule_.get(field))]


def _rbac_rules(document: Document) -> Iterator[tuple[int, dict, str]]:
    """(index, rule, resource `ClusterRole x rule 2`) for each rule of a Role/ClusterRole."""
    if _meta(document, "kind") not in _ROLE_KINDS or not isinstance(document.data, dict):
        return
    for index, item in enumerate(sequence(document.data.get("rules"))):
        if isinstance(item, dict):
            yield index, item, f"{_meta(document, 'resource')} rule {index + 1}"


def _item_region(rule_: dict, field: str, wanted: Iterable[str]) -> Region:
    wanted = set(wanted)
    items = sequence(rule_.get(field))
    for index, item in enumerate(items):
        if str(item).strip() in wanted:
            return region_of(items, index) or region_of(rule_) or Region(1)
    return region_of(rule_, field) or region_of(rule_) or Region(1)


@check("K8S021")
def rbac_wildcard(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S021: `*` in verbs, resources or apiGroups."""
    for index, rule_, resource in _rbac_rules(document):
        fields = [f for f in ("apiGroups", "resources", "verbs") if "*" in _strings_of(rule_, f)]
        if fields:
            yield Hit(
                message=f"Rule {index + 1} of {_meta(document, 'resource')} grants `*` in "
                f"{', '.join(fields)}, including every permission added to the API later.",
                region=_item_region(rule_, fields[0], ["*"]),
                resource=resource,
                properties={"wildcards": fields},
            )


_READ_VERBS = frozenset({"get", "list", "watch", "*"})


@check("K8S023")
def rbac_secrets_access(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S023: get/list/watch on secrets (wildcard grants are K8S021's)."""
    for index, rule_, resource in _rbac_rules(document):
        groups = _strings_of(rule_, "apiGroups") or [""]
        if "secrets" not in _strings_of(rule_, "resources") or not {"", "*"} & set(groups):
            continue
        if sequence(rule_.get("resourceNames")):
            continue  # least privilege: only the named secrets
        verbs = sorted(_READ_VERBS & set(_strings_of(rule_, "verbs")))
        if verbs:
            yield Hit(
                message=f"Rule {index + 1} of {_meta(document, 'resource')} allows "
                f"{', '.join(verbs)} on every Secret in its scope, so its holder can read "
                "every credential stored there.",
                region=_item_region(rule_, "resources", ["secrets"]),
                resource=resource,
                properties={"verbs": verbs},
            )


_ESCALATION_VERBS = ("escalate", "bind", "impersonate")
# Subresources that run commands in pods or mint tokens, with the verbs that allow it
# (exec and attach also work over a websocket GET); `pods/*` grants them too.
_ESCALATION_SUBRESOURCES = {
    "pods/exec": {"create", "get", "*"},
    "pods/attach": {"create", "get", "*"},
    "nodes/proxy": {"create", "get", "*"},
    "serviceaccounts/token": {"create", "*"},
}


@check("K8S024")
def rbac_escalation_verbs(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S024: escalate/bind/impersonate; exec, attach, node proxy and token creation."""
    for index, rule_, resource in _rbac_rules(document):
        verbs = set(_strings_of(rule_, "verbs"))
        found_verbs = [verb for verb in _ESCALATION_VERBS if verb in verbs]
        found_subresources = [
            resource
            for resource in _strings_of(rule_, "resources")
            if any(
                verbs & allowed and resource in (sub, sub.split("/")[0] + "/*")
                for sub, allowed in _ESCALATION_SUBRESOURCES.items()
            )
        ]
        if not found_verbs and not found_subresources:
            continue
        region = (
            _item_region(rule_, "verbs", found_verbs)
            if found_verbs
            else _item_region(rule_, "resources", found_subresources)
        )
        grants = ", ".join([*found_verbs, *found_subresources])
        yield Hit(
            message=f"Rule {index + 1} of {_meta(document, 'resource')} grants {grants}, which "
            "lets its holder gain permissions it was not given.",
            region=region,
            resource=resource,
            properties={"grants": [*found_verbs, *found_subresources]},
        )


_BROAD_GROUPS = ("system:anonymous", "system:unauthenticated", "system:authenticated")


def _broad_subject(subject: dict) -> bool:
    name = str(subject.get("name", ""))
    if name in _BROAD_GROUPS:
        return True
    return name == "system:serviceaccounts" or name.startswith("system:serviceaccounts:")


@check("K8S022")
def rbac_cluster_admin_binding(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S022: bindings to cluster-admin, or to anonymous / every user / every service account."""
    if _meta(document, "kind") not in _BINDING_KINDS or not isinstance(document.data, dict):
        return
    resource = _meta(document, "resource")
    role_ref = mapping(document.data.get("roleRef"))
    subjects = sequence(document.data.get("subjects"))
    if (
        role_ref.get("name") == "cluster-admin"
        and role_ref.get("kind", "ClusterRole") == "ClusterRole"
    ):
        names = ", ".join(_subject_name(mapping(s)) for s in subjects) or "no subject"
        yield Hit(
            message=f"{resource} grants cluster-admin (full control of the cluster) to {names}.",
            region=region_of(role_ref, "name") or Region(1),
            resource=resource,
        )
    role = f"{role_ref.get('kind', 'role')} {role_ref.get('name', '?')}"
    for index, subject in enumerate(subjects):
        if isinstance(subject, dict) and _broad_subject(subject):
            yield Hit(
                message=f"{resource} grants {role} to {_subject_name(subject)}, i.e. to "
                "anyone in that group, not to one identity.",
                region=region_of(subjects, index) or Region(1),
                resource=resource,
                properties={"subject": str(subject.get("name"))},
            )


def _subject_name(subject: dict) -> str:
    namespace = f"{subject['namespace']}/" if subject.get("namespace") else ""
    return f"{subject.get('kind', 'subject')} {namespace}{subject.get('name', '?')}"


# ---------------------------------------------------------------------------------------------
# Objects and API versions


@functools.cache
def removed_api_versions() -> dict[tuple[str, str], dict[str, str]]:
    """(apiVersion, kind) -> {removed_in, replacement}, from guardlint/data."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for row in load_table("k8s_deprecated_apis.yaml")["removed"]:
        for kind in row["kinds"]:
            table[(row["apiVersion"], kind)] = {
                "removed_in": str(row["removed_in"]),
                "replacement": str(row["replacement"]),
            }
    return table


@check("K8S026")
def deprecated_api_version(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S026: an apiVersion current Kubernetes no longer serves for that kind."""
    if not isinstance(document.data, dict):
        return
    api_version = str(document.data.get("apiVersion", ""))
    removed = removed_api_versions().get((api_version, _meta(document, "kind")))
    if removed is None:
        return
    resource = _meta(document, "resource")
    yield Hit(
        message=f"{resource} uses {api_version}, which Kubernetes stopped serving in "
        f"{removed['removed_in']}; use {removed['replacement']}.",
        region=region_of(document.data, "apiVersion") or Region(1),
        resource=resource,
        properties={"apiVersion": api_version, **removed},
    )


@check("K8S016")
def default_namespace(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S016: a namespaced object with no namespace, or the default one."""
    data = document.data
    kind = _meta(document, "kind")
    if not isinstance(data, dict) or not _is_namespaced(
        str(data.get("apiVersion", "")), kind, rule
    ):
        return
    metadata = mapping(data.get("metadata"))
    if not metadata.get("name") and not metadata.get("generateName"):
        return  # no API object lacks a name: a tool's config file (scheduler Policy, kubeconfig)
    namespace = metadata.get("namespace")
    if namespace not in (None, "", "default"):
        return
    resource = _meta(document, "resource")
    if namespace:
        said, region = "is in the default namespace", region_of(metadata, "namespace")
    else:
        said, region = (
            "names no namespace (so it lands in default, or wherever kubectl points)",
            (region_of(data, "metadata")),
        )
    yield Hit(
        message=f"{resource} {said}; shared defaults make isolation by namespace (RBAC, "
        "network policies, quotas) impossible.",
        region=region or Region(1),
        resource=resource,
    )


def _is_namespaced(api_version: str, kind: str, rule: Rule) -> bool:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    if group in _options_list(rule, "config_api_groups"):
        return False  # a tool's config file (kustomize, kubeadm, kind ...), not a cluster object
    if kind in _options_list(rule, "cluster_scoped_kinds") or kind == "List":
        return False
    return not kind.startswith("Cluster")
