"""K8S017's reading of the seccomp and AppArmor profiles a container runs with: its own field,
else its pod's, and the legacy annotations (security_context.py registers the check)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.kubernetes.hits import container_hit, pod_level, where
from guardlint.documents.kubernetes import Container, PodSpec, Setting, flag, mapping
from guardlint.model.findings import Hit
from guardlint.parse.text import shown

_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
_APPARMOR_CONTAINER_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
# The types the API server accepts, case and all (any other is an unsupported value).
_SECCOMP_TYPES = frozenset({"RuntimeDefault", "Localhost", "Unconfined"})


def _annotation(pod: PodSpec, key: str) -> Setting | None:
    annotations = pod.annotations
    return Setting(annotations[key], annotations, key) if key in annotations else None


def seccomp_hits(container: Container) -> Iterator[Hit]:
    """No seccompProfile, one the API server rejects, or Unconfined."""
    profile = container.effective("seccompProfile")
    if profile is None:
        yield from _seccomp_profile_missing(container)
        return
    rejected = _rejected(container, profile)
    if rejected is not None and not container.is_partial:
        said, holder, key = rejected
        yield container_hit(
            container,
            f"{where(container)} {said}{pod_level(container, profile)}: the API server rejects "
            "it (RuntimeDefault, Localhost with a localhostProfile, or Unconfined), so it names "
            "no profile.",
            container.region_of(holder, key),
        )
    elif (kind := str(mapping(profile.value).get("type", ""))) == "Unconfined":
        yield container_hit(
            container,
            f"{where(container)} runs with seccomp Unconfined"
            f"{pod_level(container, profile)}, so every system call is open to an attacker.",
            container.region_of(profile.value, "type"),
        )
    elif rejected is None and runs_privileged(container):
        # "Privileged containers always run as Unconfined" (Seccomp and Kubernetes): the
        # runtime applies no profile to them, as K8S002 reads allowPrivilegeEscalation.
        yield container_hit(
            container,
            f"{where(container)} runs privileged, so its seccomp profile {kind}"
            f"{pod_level(container, profile)} is not applied: Kubernetes runs privileged "
            "containers Unconfined, with every system call open to an attacker.",
            container.region_of(profile.value, "type"),
        )


def runs_privileged(container: Container) -> bool:
    """Whether the container itself sets `privileged: true`."""
    setting = container.own_setting("privileged")
    return setting is not None and flag(setting.value) is True


def _rejected(container: Container, profile: Setting) -> tuple[str, Any, str] | None:
    """What makes a seccompProfile one the API server rejects, and the map and key where that
    is written: a word instead of a map, no type, a type it does not know, Localhost without
    its file. A value a template fills in is not judged."""
    fields = profile.value
    if isinstance(fields, str) and not container.pod.filled_in_later(fields):
        # A word (`seccompProfile: unconfined`, the annotation's runtime/default): no map.
        said = f"sets seccompProfile to {shown(fields)}, not a map with a type"
        return said, profile.holder, profile.key
    if not isinstance(fields, dict) or container.pod.filled_in_later(fields.get("type")):
        return None
    kind = str(fields.get("type") or "").strip()
    if not kind:
        return "has a seccompProfile with no type", profile.holder, profile.key
    if kind not in _SECCOMP_TYPES:
        return f"has seccompProfile type {kind}, which Kubernetes does not know", fields, "type"
    if kind == "Localhost" and not str(fields.get("localhostProfile") or "").strip():
        return "has a Localhost seccompProfile with no localhostProfile", fields, "type"
    return None


def _seccomp_profile_missing(container: Container) -> Iterator[Hit]:
    """No seccompProfile field: the legacy annotations (deprecated since Kubernetes 1.19,
    ignored by current kubelets) do not count, and an unconfined one is said as such. A
    Kustomize patch is judged only on what it sets."""
    pod = container.pod
    annotation = _annotation(pod, _SECCOMP_CONTAINER_ANNOTATION + container.name) or (
        _annotation(pod, _SECCOMP_POD_ANNOTATION)
    )
    unconfined = annotation is not None and str(annotation.value).strip().lower() == "unconfined"
    if container.is_partial and not unconfined:
        return
    if annotation is None:
        yield container_hit(
            container,
            f"{where(container)} has no seccomp profile at container or pod level, so it "
            + (
                "runs Unconfined whatever the kubelet's default: it runs privileged, and "
                "Kubernetes applies no seccomp profile to a privileged container."
                if runs_privileged(container)
                else "runs unconfined unless the kubelet defaults to RuntimeDefault."
            ),
        )
    elif unconfined:
        yield container_hit(
            container,
            f"{where(container)} runs with seccomp unconfined (annotation), so every system "
            "call is open to an attacker.",
            container.region_of(annotation.holder, annotation.key),
        )
    else:
        yield container_hit(
            container,
            f"{where(container)} has no seccompProfile at container or pod level, only the "
            f"legacy annotation {annotation.key}, which current Kubernetes ignores; it runs "
            "unconfined unless the kubelet defaults to RuntimeDefault.",
        )


def apparmor_hits(container: Container) -> Iterator[Hit]:
    """AppArmor unconfined in the profile the kubelet applies (its GetProfile): the
    container's appArmorProfile, else the container's annotation (deprecated, still read),
    else the pod's field."""
    profile = container.own_setting("appArmorProfile")
    annotation = _annotation(container.pod, _APPARMOR_CONTAINER_ANNOTATION + container.name)
    if profile is None and annotation is not None:
        if str(annotation.value).strip().lower() == "unconfined":
            yield container_hit(
                container,
                f"{where(container)} runs with AppArmor unconfined (annotation), removing the "
                "runtime's mandatory access control.",
                container.region_of(annotation.holder, annotation.key),
            )
        return
    profile = profile or container.effective("appArmorProfile")
    if profile is not None and str(mapping(profile.value).get("type", "")) == "Unconfined":
        yield container_hit(
            container,
            f"{where(container)} runs with AppArmor Unconfined"
            f"{pod_level(container, profile)}, removing the runtime's mandatory access control.",
            container.region_of(profile.value, "type"),
        )
