"""Kubernetes securityContext checks: privilege (Windows HostProcess too), user, capabilities,
root filesystem, /proc and sysctls, seccomp and AppArmor (security_profiles.py reads those;
inheritance from the pod: guardlint.documents.kubernetes).
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterator
from typing import Any

from guardlint.checks.kubernetes.hits import (
    container_hit,
    innermost_region,
    pod_level,
    setting_region,
    where,
)
from guardlint.checks.kubernetes.security_profiles import (
    apparmor_hits,
    runs_privileged,
    seccomp_hits,
)
from guardlint.checks.kubernetes.values import option_strings
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import (
    Container,
    Setting,
    containers,
    flag,
    linux_containers,
    mapping,
    placeholder,
    pod_specs,
    sequence,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.scalars import whole_number


@check("K8S001")
def privileged(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S001: `privileged: true`, or a Windows HostProcess container
    (`windowsOptions.hostProcess: true`, its own or the pod's), which runs on the node with
    the node's privileges; Pod Security Standards' baseline forbids both."""
    for container in containers(document):
        setting = container.own_setting("privileged")
        if setting is not None and flag(setting.value) is True:
            yield container_hit(
                container,
                f"{where(container)} runs privileged: it has every capability and the host's "
                "devices, so escaping to the node is trivial.",
                setting_region(container, setting),
            )
        host_process = _host_process(container)
        if host_process is not None:
            yield container_hit(
                container,
                f"{where(container)} is a Windows HostProcess container"
                f"{_windows_pod_level(container, host_process)}: it runs on the node as a "
                "node process, with its file system, network and privileges.",
                setting_region(container, host_process),
            )


def _windows_options(security_context: dict) -> dict:
    return mapping(security_context.get("windowsOptions"))


def _windows_option(container: Container, key: str) -> Setting | None:
    """A field of windowsOptions: the container's own value, else the pod's (each field of
    windowsOptions is inherited on its own)."""
    for context in (container.security_context, container.pod.security_context):
        options = _windows_options(context)
        if options.get(key) is not None:
            return Setting(options[key], options, key)
    return None


def _windows_pod_level(container: Container, setting: Setting) -> str:
    """' (inherited from the pod)' when a windowsOptions field is the pod's."""
    own = setting.holder is _windows_options(container.security_context)
    return "" if own else " (inherited from the pod)"


def _host_process(container: Container) -> Setting | None:
    """`windowsOptions.hostProcess` when true."""
    found = _windows_option(container, "hostProcess")
    return found if found is not None and flag(found.value) is True else None


@check("K8S002")
def privilege_escalation(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S002: allowPrivilegeEscalation not false, or false where Kubernetes makes it true
    anyway (a privileged container, or one with CAP_SYS_ADMIN). Container level only: the
    field does not exist on the pod."""
    for container in linux_containers(document):
        setting = container.own_setting("allowPrivilegeEscalation")
        if setting is None and container.is_partial:
            continue  # a patch's silence: the base it patches decides
        if setting is not None and placeholder(setting.value):
            continue  # filled in when the template is processed
        if setting is None:
            said = "does not set allowPrivilegeEscalation: false"
        elif flag(setting.value) is not False:
            said = "sets allowPrivilegeEscalation: true"
        elif overridden := _escalation_forced(container):
            said = (
                f"sets allowPrivilegeEscalation: false but {overridden}, which Kubernetes "
                "takes as allowPrivilegeEscalation: true"
            )
        else:
            continue
        yield container_hit(
            container,
            f"{where(container)} {said}, so a setuid binary or file capability can gain "
            "privileges the process did not start with.",
            setting_region(container, setting),
        )


def _escalation_forced(container: Container) -> str | None:
    """Why the container escalates whatever allowPrivilegeEscalation says, if it does."""
    if runs_privileged(container):
        return "runs privileged"
    added = {_capability_name(c) for c in sequence(_capabilities(container).get("add"))}
    if "SYS_ADMIN" in added:
        return "adds SYS_ADMIN"
    return "adds ALL (SYS_ADMIN among them)" if "ALL" in added else None


@check("K8S003")
def runs_as_root(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S003: runAsNonRoot not true (own or inherited), or runAsUser 0. A non-zero
    runAsUser alone is not runAsNonRoot: true (rules.md), and runAsNonRoot: false is a fail."""
    for container in containers(document):
        user = container.effective("runAsUser")
        non_root = container.effective("runAsNonRoot")
        uid = whole_number(user.value) if user else None
        administrator = _windows_administrator(container)
        if user and uid == 0:
            yield container_hit(
                container,
                f"{where(container)} runs as UID 0 (root){pod_level(container, user)}; a "
                f"compromised process is root in the container{_namespaced_root(container)}.",
                setting_region(container, user),
            )
        elif administrator:
            yield container_hit(
                container,
                f"{where(container)} runs as ContainerAdministrator, the Windows container's "
                f"root{_windows_pod_level(container, administrator)}; a compromised process "
                "administers the container and is one bug away from the node.",
                setting_region(container, administrator),
            )
        elif non_root and (
            flag(non_root.value) is True or container.pod.filled_in_later(non_root.value)
        ):
            continue  # true, or filled in when the template is processed
        elif non_root is None and container.is_partial:
            continue  # a patch's silence: the base it patches decides
        else:
            said = (
                f"sets runAsNonRoot: false{pod_level(container, non_root)}"
                if non_root
                else "does not set runAsNonRoot: true"
            )
            consequence = (
                f"its runAsUser {uid}{pod_level(container, user)} is the only guard and the "
                "kubelet does not refuse to start it as root once that changes"
                if uid is not None and uid > 0
                else "it runs as root whenever the image does"
            )
            consequence += _namespaced_root(container) if container.pod.in_user_namespace else ""
            yield container_hit(
                container,
                f"{where(container)} {said}, so {consequence}.",
                setting_region(container, non_root),
            )


def _windows_administrator(container: Container) -> Setting | None:
    """`windowsOptions.runAsUserName` when it is ContainerAdministrator (in any case, as
    Windows matches user names), which the kubelet takes for root as it does UID 0."""
    found = _windows_option(container, "runAsUserName")
    named = str(found.value).strip().lower() if found is not None else ""
    return found if named == "containeradministrator" else None


def _namespaced_root(container: Container) -> str:
    """What root in the container is on the node (rules.md asks for runAsNonRoot either way)."""
    if container.pod.in_user_namespace:
        return (
            "; in the pod's user namespace (hostUsers: false) that root maps to an "
            "unprivileged user on the node, so an escape does not land as the node's root"
        )
    return " and one bug away from the node"


def _capabilities(container: Container) -> dict:
    return mapping(container.security_context.get("capabilities"))


def _capability_name(value: Any) -> str:
    name = str(value).strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@functools.lru_cache(maxsize=8)
def _capability_names(listed: tuple[str, ...]) -> frozenset[str]:
    """The capabilities a rule option lists, as _capability_name writes them: once per scan,
    not once per document."""
    return frozenset(map(_capability_name, listed))


@check("K8S008")
def dangerous_capabilities(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S008: capabilities.add of a capability that breaks isolation (Linux pods: Windows
    has no capabilities, and the kubelet strips them there)."""
    dangerous = _capability_names(option_strings(rule, "dangerous"))
    for container in linux_containers(document):
        added = sequence(_capabilities(container).get("add"))
        found = [(i, _capability_name(c)) for i, c in enumerate(added)]
        found = [(i, name) for i, name in found if name in dangerous]
        if not found:
            continue
        names = ", ".join(name for _, name in found)
        yield container_hit(
            container,
            f"{where(container)} adds {names}: "
            + (
                "in the pod's user namespace (hostUsers: false) the capabilities hold over that "
                "namespace only, but they open kernel interfaces (mounts, BPF, raw sockets) an "
                "escape goes through."
                if container.pod.in_user_namespace
                else "enough to escape the container or attack the node and its network."
            ),
            container.region_of(added, found[0][0]),
            capabilities=[name for _, name in found],
        )


@check("K8S009")
def capabilities_not_dropped(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S009: capabilities.drop does not include ALL."""
    for container in linux_containers(document):
        capabilities = _capabilities(container)
        drop = capabilities.get("drop")
        # The runtimes (containerd, CRI-O) take ALL in any case, but not as CAP_ALL.
        if any(str(c).strip().upper() == "ALL" for c in sequence(drop)):
            continue
        if drop is None and container.is_partial:
            continue  # a patch's silence: the base it patches decides
        yield container_hit(
            container,
            f"{where(container)} does not drop ALL capabilities, so it keeps the runtime's "
            "default set (NET_RAW, CHOWN, SETUID, ...) it almost never needs.",
            innermost_region(container, container.security_context, "capabilities", "drop"),
        )


def _sysctl_name(name: str) -> str:
    """The dotted form of a sysctl name: the kubelet also takes `/` as the separator (then a
    dot is part of a name, as in net/ipv4/conf/eth0.100/rp_filter) and swaps the two."""
    separator = next((char for char in name if char in "./"), ".")
    return name if separator == "." else name.translate(str.maketrans("./", "/."))


@check("K8S027")
def unsafe_proc_or_sysctl(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S027: procMount Unmasked, or a sysctl outside the safe set (Linux pods: a Windows
    node has neither)."""
    for container in linux_containers(document):
        setting = container.own_setting("procMount")
        if setting and str(setting.value) == "Unmasked":
            yield container_hit(
                container,
                f"{where(container)} mounts /proc unmasked, exposing kernel interfaces the "
                + (
                    "runtime normally hides; in the pod's user namespace (hostUsers: false) "
                    "an unprivileged node user sees them, but they are still open to an "
                    "escape."
                    if container.pod.in_user_namespace
                    else "runtime normally hides."
                ),
                setting_region(container, setting),
            )
    safe = option_strings(rule, "safe_sysctls")
    judged: set[int] = set()  # sysctls several pods share (an Argo workflow's) are judged once
    for pod in pod_specs(document):
        sysctls = sequence(pod.security_context.get("sysctls"))
        if pod.is_windows or id(sysctls) in judged:
            continue
        judged.add(id(sysctls))
        for index, item in enumerate(sysctls):
            name = _sysctl_name(str(mapping(item).get("name", "")))
            if not name or any(fnmatch.fnmatchcase(name, pattern) for pattern in safe):
                continue
            yield Hit(
                message=f"{pod.resource} sets the unsafe sysctl {name}, which can affect "
                "other pods on the node or the node itself.",
                region=pod.region_of(sysctls, index),
                resource=pod.resource,
                properties={"sysctl": name},
            )


@check("K8S017")
def seccomp_unconfined(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S017: no seccompProfile at container or pod level (a legacy annotation is not one), one
    the API server rejects, or Unconfined; AppArmor unconfined."""
    for container in linux_containers(document):
        yield from seccomp_hits(container)
        yield from apparmor_hits(container)
