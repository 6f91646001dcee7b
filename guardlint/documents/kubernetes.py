"""The pod-spec model of a Kubernetes manifest: where a kind keeps its pod template, every
container of every container list, and securityContext inheritance between pod and container.

Checks in guardlint.checks.kubernetes ask this module "which pods and containers does this
document run, and what does each container effectively get", never walk kinds themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from guardlint.documents.kustomize.builds import deployed_images
from guardlint.documents.kustomize.kustomizations import is_patch
from guardlint.documents.pod_shape import CONTAINER_LISTS, Slot, mapping, sequence
from guardlint.documents.pod_templates import pod_shapes
from guardlint.documents.tekton import GROUP as TEKTON_GROUP
from guardlint.documents.tekton import is_variable
from guardlint.knowledge.placeholders import is_filled_in_later
from guardlint.knowledge.windows_images import is_windows_image
from guardlint.model.documents import Document, Region
from guardlint.parse.go_yaml import PlainFlagWord
from guardlint.parse.image_ref import split_reference
from guardlint.parse.located import region_of
from guardlint.parse.use_sites import SharedUses, UseSites, located

# Kinds whose pods are meant to keep running (probes make sense); batch kinds finish.
LONG_RUNNING_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
     "DeploymentConfig", "Pod"}
)  # fmt: skip
# Custom controllers that replace a Deployment (API group, kind): their pods serve too. Not
# Knative, which probes a container's port itself when no readiness probe is set.
LONG_RUNNING_CUSTOM_KINDS = frozenset(
    {("argoproj.io", "Rollout"), ("apps.kruise.io", "CloneSet"),
     ("apps.kruise.io", "UnitedDeployment")}
)  # fmt: skip
# securityContext fields a container inherits from the pod when it does not set them.
INHERITED_SECURITY_FIELDS = frozenset(
    {"runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile",
     "windowsOptions", "appArmorProfile"}
)  # fmt: skip
_WINDOWS_NODE_SELECTORS = ("kubernetes.io/os", "beta.kubernetes.io/os")


def flag(value: Any) -> bool | None:
    """A boolean field as the API server reads it: a YAML boolean (`true`, and `yes`, `on`,
    `off` that go-yaml v2 and PyYAML both read so), or a plain `y`, `Y`, `n`, `N`, which go-yaml
    v2 reads so too; None for text (`"true"`, `"y"` quoted, a placeholder), which the API
    server refuses for a boolean field (`cannot unmarshal string into ... of type bool`)."""
    if isinstance(value, bool):
        return value
    return value in ("y", "Y") if isinstance(value, PlainFlagWord) else None


RUNS_PODS = "pods"  # the type of every object that runs pods (no kind is spelled in lower case)


def object_kind(document: Document) -> frozenset[str]:
    """The object's kind (its `kind` meta, empty when none), and RUNS_PODS when it runs pods: a
    rule that judges some kinds only (a Role's rules) or pods only declares them as its
    `resource_types`, and the engine runs it on no other object (a ConfigMap, a Service)."""
    kind = str(document.meta.get("kind") or "")
    runs_pods = next(pod_specs(document), None) is not None
    return frozenset((kind, RUNS_PODS)) if runs_pods else frozenset((kind,))


def placeholder(value: Any) -> bool:
    """A value a template fills in before it is applied (an OpenShift Template's `${PARAM}`
    and `${{PARAM}}`, envsubst's `${VAR}`, `{{ .Values.x }}`): unknown, not wrong."""
    return isinstance(value, str) and bool(value.strip()) and is_filled_in_later(value)


# How a container of each list but `containers` is named in messages (Container.label).
_LIST_LABELS = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Setting:
    """A value found in a manifest, with the map holding it so a finding can point at it."""

    value: Any
    holder: dict
    key: str


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Container:
    """One container of a pod spec, with the pod it runs in."""

    data: dict
    slot: Slot  # where it is written
    region: Region
    pod: PodSpec

    @property
    def list_name(self) -> str:
        """containers, initContainers or ephemeralContainers."""
        return self.slot.list_name

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.slot.name or f"{self.list_name}[{self.slot.key}]")

    @property
    def label(self) -> str:
        """How messages name it: `container nginx`, `init container setup`."""
        return f"{_LIST_LABELS.get(self.list_name, 'container')} {self.name}"

    @property
    def resource(self) -> str:
        return f"{self.pod.resource} container {self.name}"

    @property
    def is_partial(self) -> bool:
        """What it leaves out is set elsewhere: its pod's (PodSpec.is_partial), or its own
        settings' (a KServe model server's, by its serving runtime)."""
        return self.slot.completed_elsewhere or self.pod.is_partial

    @property
    def is_sidecar(self) -> bool:
        """A native sidecar: an init container that keeps running beside the app."""
        return self.list_name == "initContainers" and self.data.get("restartPolicy") == "Always"

    @property
    def security_context(self) -> dict:
        return mapping(self.data.get("securityContext"))

    def own_setting(self, key: str) -> Setting | None:
        context = self.security_context
        if key in context and context[key] is not None:
            return Setting(context[key], context, key)
        return None

    def effective(self, key: str) -> Setting | None:
        """The container's own securityContext value, else the pod's for inherited fields."""
        own = self.own_setting(key)
        if own is not None or key not in INHERITED_SECURITY_FIELDS:
            return own
        context = self.pod.security_context
        if key in context and context[key] is not None:
            return Setting(context[key], context, key)
        return None

    @cached_property
    def use_sites(self) -> UseSites:
        """Where the parts of this container a YAML alias brings from elsewhere are used."""
        slot = self.slot
        return UseSites(self.pod.document, slot.holder, slot.key, shared=self.pod.uses)

    def value_region(self, holder: Any, key: Any) -> Region:
        """Where the value `holder[key]` is written, or used when an alias brings it."""
        found = self.use_sites.value_region(holder, key)
        return self.pod.use_sites.locate(found) if found is not None else self.region

    def region_of(self, holder: Any, key: Any = None) -> Region:
        """Where `holder[key]` is written; one a YAML alias brings from elsewhere (another
        container's `securityContext: *hardened`, `env: *common`, `- *item`) is where this
        container uses it, so that each container's finding points into that container."""
        found = located(self.use_sites, holder, key)
        return self.pod.use_sites.locate(found) if found is not None else self.region


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class PodSpec:
    """The pod spec of a workload (its template's, for a controller)."""

    document: Document
    spec: dict
    metadata: dict  # the pod template's metadata (annotations live here)
    region: Region
    slots: tuple[Slot, ...]  # where its containers are written
    completed_elsewhere: bool = False  # a workflow engine completes it where it runs
    name: str | None = None  # among the object's pod templates (a training job's Worker)
    account_elsewhere: bool = False  # runs as the account of the object using it (KServe's)

    @property
    def kind(self) -> str:
        return str(self.document.meta.get("kind", ""))

    @property
    def group(self) -> str:
        """The API group of its document's apiVersion (`apps`, `tekton.dev`)."""
        return str(self.document.data.get("apiVersion", "")).rpartition("/")[0]

    @property
    def resource(self) -> str:
        """`Deployment shop/api`; `PyTorchJob ml/train Worker` for one of several templates."""
        resource = str(self.document.meta.get("resource", self.document.rel_path))
        return f"{resource} {self.name}" if self.name else resource

    @property
    def security_context(self) -> dict:
        return mapping(self.spec.get("securityContext"))

    def filled_in_later(self, value: Any) -> bool:
        """A placeholder, or a variable the engine that runs the pod fills in (Tekton's)."""
        return placeholder(value) or (self.group == TEKTON_GROUP and is_variable(value))

    @property
    def annotations(self) -> dict:
        return mapping(self.metadata.get("annotations"))

    @cached_property
    def is_windows(self) -> bool:
        """Linux-only settings (seccomp, capabilities, read-only root) do not apply: the pod
        says it runs on Windows, or asks for Windows nodes, or one of its containers runs an
        image that runs only on Windows (`mcr.microsoft.com/windows/servercore:ltsc2022`),
        which a Linux node cannot start, or it runs a HostProcess container (the pod's or a
        container's `windowsOptions.hostProcess: true`), which exists only on Windows."""
        if str(mapping(self.spec.get("os")).get("name", "")).lower() == "windows":
            return True
        if _host_process(self.spec) or any(
            _host_process(mapping(slot.holder[slot.key])) for slot in self.slots
        ):
            return True
        selector = mapping(self.spec.get("nodeSelector"))
        if any(str(selector.get(key, "")).lower() == "windows" for key in _WINDOWS_NODE_SELECTORS):
            return True
        # Required node affinity: every term (they are ORed) asks for Windows nodes only.
        affinity = mapping(mapping(self.spec.get("affinity")).get("nodeAffinity"))
        required = mapping(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
        terms = [mapping(term) for term in sequence(required.get("nodeSelectorTerms"))]
        if terms and all(map(_selects_windows, terms)):
            return True
        images = (mapping(slot.holder[slot.key]).get("image") for slot in self.slots)
        return any(isinstance(image, str) and is_windows_image(image) for image in images)

    @property
    def in_user_namespace(self) -> bool:
        """`hostUsers: false`: its users are mapped to unprivileged ones on the node, and its
        capabilities hold over its own user namespace only."""
        return flag(self.spec.get("hostUsers")) is False

    @property
    def is_partial(self) -> bool:
        """What it leaves out is set elsewhere, so a missing setting is unknown, not absent: a
        Kustomize patch (documents/kustomize/kustomizations.py), whose base has it, or a workflow
        engine's pod, which the engine completes (a Tekton TaskRun's pod template)."""
        return self.completed_elsewhere or is_patch(self.document)

    @property
    def is_long_running(self) -> bool:
        if self.kind == "Pod":
            return self.spec.get("restartPolicy", "Always") == "Always"
        return (
            self.kind in LONG_RUNNING_KINDS or (self.group, self.kind) in LONG_RUNNING_CUSTOM_KINDS
        )

    def containers(self, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[Container]:
        for slot in self.slots:
            if slot.list_name in lists:
                container = Container(slot.holder[slot.key], slot, self.region, self)
                found = container.use_sites.own_site() or region_of(slot.holder, slot.key)
                container.region = self.use_sites.locate(found) if found else self.region
                yield container

    @cached_property
    def uses(self) -> SharedUses:
        """What the use sites of its containers share (their container lists, read once)."""
        return {}

    @cached_property
    def use_sites(self) -> UseSites:
        """Where the parts of the document a YAML alias brings from elsewhere (another item
        of a List) are used."""
        return UseSites(self.document, root=self.document.data)

    def region_of(self, holder: Any, key: Any = None) -> Region:
        return located(self.use_sites, holder, key) or self.region


# What pod_specs and containers found, kept in Document.meta for the document's other rules.
_POD_SPECS, _CONTAINERS = "pod_specs", "containers"


def _host_process(spec: dict) -> bool:
    """Whether a pod spec or a container sets `securityContext.windowsOptions.hostProcess`."""
    options = mapping(mapping(spec.get("securityContext")).get("windowsOptions"))
    return flag(options.get("hostProcess")) is True


def _selects_windows(term: dict) -> bool:
    """Whether a node selector term matches only Windows nodes (`kubernetes.io/os In
    [windows]`)."""
    return any(
        mapping(e).get("key") in _WINDOWS_NODE_SELECTORS
        and mapping(e).get("operator") == "In"
        and [str(v).lower() for v in sequence(mapping(e).get("values"))] == ["windows"]
        for e in sequence(term.get("matchExpressions"))
    )


def pod_specs(document: Document) -> Iterator[PodSpec]:
    """The pod spec a Kubernetes document runs, if it runs pods (found once per document:
    most of the pack's rules ask)."""
    return iter(document.once(_POD_SPECS, lambda: _pod_specs(document)))


def _pod_specs(document: Document) -> list[PodSpec]:
    data = document.data
    if not isinstance(data, dict):
        return []
    kind = str(document.meta.get("kind", data.get("kind", "")))
    region = region_of(data) or Region(1)
    return [
        PodSpec(
            document,
            s.spec,
            s.metadata,
            s.region or region,
            s.slots,
            s.completed_elsewhere,
            s.name,
            s.account_elsewhere,
        )
        for s in pod_shapes(data, kind)
    ]


def containers(document: Document, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[Container]:
    """Every container of every pod the document runs."""
    # Asked by most rules of each document: looked up without making anything on the way.
    made = document.meta.get(_CONTAINERS)
    if made is None:
        made = document.meta[_CONTAINERS] = {}
    found = made.get(lists)
    if found is None:
        found = made[lists] = [
            container for pod in pod_specs(document) for container in pod.containers(lists)
        ]
    return iter(found)


def linux_containers(document: Document) -> Iterator[Container]:
    """Containers of Linux pods: seccomp, capabilities and the like do not exist on Windows."""
    return (container for container in containers(document) if not container.pod.is_windows)


def _literal_image(image: Any) -> str | None:
    """An image reference as written, unless it is empty (whether a templated one's tag is
    known is for the rules: `${REGISTRY}/app:latest` pulls latest whatever the registry)."""
    if not isinstance(image, str) or not image.strip():
        return None
    return image.strip()


def container_images(
    document: Document,
) -> Iterator[tuple[Container, str, str | None, str | None]]:
    """(container, image name, tag, digest) for every container with a literal image: once
    for each image the builds that deploy its file run there (kustomize's `images:`), the
    first one's first (guardlint.documents.kustomize.builds)."""
    for container in containers(document):
        image = _literal_image(container.data.get("image"))
        if image is not None:
            for name, tag, digest in deployed_images(document, *split_reference(image)):
                yield container, name, tag, digest or None


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class ImageVolume:
    """An image volume (Kubernetes 1.31+): an OCI image or artifact mounted into the pod,
    whose `reference` the kubelet pulls as it does a container's image."""

    pod: PodSpec
    name: str
    source: dict  # the volume's `image` map, holding `reference`


def volume_images(
    document: Document,
) -> Iterator[tuple[ImageVolume, str, str | None, str | None]]:
    """(image volume, image name, tag, digest) for every image volume with a literal
    reference; a list of volumes several pods share (an Argo workflow's) is read once.
    Kustomize's `images:` rewrites containers' images only."""
    read: set[int] = set()
    # A volume in the lists of thousands of pods (an Argo workflow's, joined to each of its
    # templates' own) that holds no image is read once, not once per list.
    imageless: set[int] = set()
    for pod in pod_specs(document):
        volumes = pod.spec.get("volumes")
        if id(volumes) in read:
            continue
        read.add(id(volumes))
        for item in sequence(volumes):
            if id(item) in imageless:
                continue
            volume = mapping(item)
            source = mapping(volume.get("image"))
            image = _literal_image(source.get("reference"))
            if image is None:
                imageless.add(id(item))
                continue
            name, tag, digest = split_reference(image)
            found = ImageVolume(pod, str(volume.get("name", "?")), source)
            yield found, name, tag, digest or None
