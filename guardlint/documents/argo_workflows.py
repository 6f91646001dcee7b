"""Argo Workflows' pods: each template that runs containers (container, script, containerSet,
with their initContainers and sidecars) runs a pod of its own, the workflow's pod settings
under the template's, and the workflow's then the template's podSpecPatch merged over that pod
and its containers (the controller's createWorkflowPod)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.pod_shape import (
    MERGE_BUDGET,
    POD_FIELDS,
    PodShape,
    Slot,
    listed,
    mapping,
    sequence,
)
from guardlint.documents.strategic_merge import Merge, append_item, copy_entry
from guardlint.model.documents import Region
from guardlint.parse.located import YamlError, YamlMap, YamlSeq, region_of, relocate
from guardlint.parse.yaml_nodes import load_documents

# Argo Workflows' kinds and where each keeps its WorkflowSpec.
WORKFLOW_SPECS = {
    "Workflow": ("spec",),
    "WorkflowTemplate": ("spec",),
    "ClusterWorkflowTemplate": ("spec",),
    "CronWorkflow": ("spec", "workflowSpec"),
}
# The pod settings a template replaces the workflow's with when it sets them (the
# controller's setupServiceAccount and addSchedulingConstraints).
_TEMPLATE_POD_FIELDS = (
    "serviceAccountName", "automountServiceAccountToken", "securityContext", "nodeSelector",
    "affinity", "tolerations",
)  # fmt: skip
# A template's own volumes join the workflow's in its pod, a name it defines hiding the
# workflow's volume of that name (the controller's addVolumeReferences).
_VOLUMES = "volumes"
_UNSET = (None, "", {}, [])
_PATCH = "podSpecPatch"
# A podSpecPatch is read when it is at most this long: patches are a few lines, and a longer
# text is left unknown rather than parsed for each template.
MAX_PATCH_CHARS = 4096
# A template's own container is named so in its pod, whatever the template's name.
_MAIN = "main"
# The container lists a patch merges into by name, each with the container the controller
# adds to it (the executor's `wait` and `init`, set by the controller's configuration).
_EXECUTORS = {"containers": "wait", "initContainers": "init"}


def workflow_pods(spec: dict, region: Region | None) -> list[PodShape]:
    """A workflow's pods: the templates that set none of the pod settings share one.
    templateDefaults completes every template where it runs, and an unread patch its pods:
    what they lack is unknown."""
    defaults = "templateDefaults" in spec
    metadata = mapping(spec.get("podMetadata"))
    patches = _Patches()
    workflow_patch = patches.of(spec)
    added: set[int] = set()
    shared: list[Slot] = []
    pods: list[PodShape] = []
    for template in sequence(spec.get("templates")):
        slots = list(_containers(template)) if isinstance(template, dict) else []
        if not slots:
            continue  # steps, dag, resource, suspend ...: no container of the user's
        if not _sets_pod(template):
            shared += slots
            continue
        pod, slots, known = _pod(
            spec, template, (workflow_patch, patches.of(template)), slots, added
        )
        pods.append(PodShape(pod, metadata, region, tuple(slots), defaults or not known))
    if shared and spec.get(_PATCH) in _UNSET:
        pods.insert(0, PodShape(spec, metadata, region, tuple(shared), defaults))
    elif shared:
        pod, shared, known = _pod(spec, {}, (workflow_patch, (None, True)), shared, added)
        pods.insert(0, PodShape(pod, metadata, region, tuple(shared), defaults or not known))
    return pods


def _containers(template: dict) -> Iterator[Slot]:
    """The containers of a template: its container or script (named for the template), a
    containerSet's, its initContainers and sidecars."""
    mains = [key for key in ("container", "script") if isinstance(template.get(key), dict)]
    container_set = mapping(template.get("containerSet"))
    if not mains and not container_set:
        return
    name = str(template.get("name") or _MAIN)
    yield from (Slot("containers", template, key, name=name) for key in mains)
    yield from listed(container_set, ("containers",))
    yield from listed(template, ("initContainers",))
    yield from listed(template, ("sidecars",), as_list="containers")


def _sets_pod(template: dict) -> bool:
    return template.get(_PATCH) not in _UNSET or any(
        template.get(key) not in _UNSET for key in (*_TEMPLATE_POD_FIELDS, _VOLUMES)
    )


def _pod(
    spec: dict,
    template: dict,
    patches: tuple[tuple[YamlMap | None, bool], tuple[YamlMap | None, bool]],
    slots: list[Slot],
    added: set[int],
) -> tuple[YamlMap, list[Slot], bool]:
    """(the pod spec of a template's pod, its containers, whether all that makes them was
    read); `patches`: the workflow's and the template's podSpecPatch as `_Patches.of` reads
    them; `added`: the patch entries already added as containers of the workflow's pods."""
    pod = YamlMap(region_of(spec) or Region(1))
    for key in POD_FIELDS:
        if key in spec:
            copy_entry(pod, spec, key)
    for key in _TEMPLATE_POD_FIELDS:
        if template.get(key) not in _UNSET:
            copy_entry(pod, template, key)
    volumes_known = True
    if template.get(_VOLUMES) not in _UNSET:
        pod[_VOLUMES], volumes_known = _volumes(spec, template)
    merge = Merge(MERGE_BUDGET)
    known = patches[0][1] and patches[1][1] and volumes_known
    patched: Any = YamlMap(pod.region)
    for patch, _ in patches:
        if patch is not None:
            pod_part, lists = YamlMap(patch.region), YamlMap(patch.region)
            for key in patch:
                copy_entry(lists if key in _EXECUTORS else pod_part, patch, key)
            pod = merge(pod, pod_part)
            patched = merge(patched, lists)
    entries = _entries(patched)
    if entries is None:
        return pod, slots, False
    slots = _patched(slots, entries, merge, added)
    return pod, slots, known and merge.complete


def _volumes(spec: dict, template: dict) -> tuple[YamlSeq, bool]:
    """(a template's volumes, then the workflow's of other names; whether all of those were
    taken): at most MERGE_BUDGET of the workflow's, so that thousands of templates over
    thousands of workflow volumes stay linear."""
    own, shared = sequence(template.get(_VOLUMES)), sequence(spec.get(_VOLUMES))
    names = {name for item in own if isinstance(name := mapping(item).get("name"), str)}
    volumes = YamlSeq(region_of(template, _VOLUMES) or Region(1))
    for index, item in enumerate(own):
        append_item(volumes, own, index, item)
    for index, item in enumerate(shared[:MERGE_BUDGET]):
        name = mapping(item).get("name")
        if not (isinstance(name, str) and name in names):
            append_item(volumes, shared, index, item)
    return volumes, len(shared) <= MERGE_BUDGET


def _entries(lists: Any) -> dict[tuple[str, str], Any] | None:
    """(container list, name) -> the patch's entry for that container; None when a list or
    entry is not one Kubernetes merges by name (an entry without its name fails the pod)."""
    entries: dict[tuple[str, str], Any] = {}
    for list_name in _EXECUTORS:
        items = mapping(lists).get(list_name)
        if items is not None and not isinstance(items, list):
            return None
        for item in items or ():
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name:
                return None
            entries[(list_name, name)] = item
    return entries


def _patched(
    slots: list[Slot], entries: dict[tuple[str, str], Any], merge: Merge, added: set[int]
) -> list[Slot]:
    """The pod's containers with the patch's entries merged into those of their names, and
    the entries of other names added (but the executor's, which the controller sets up): the
    workflow's patch adds its own to every pod, judged once."""
    copies: dict[int, Any] = {}
    used: set[tuple[str, str]] = set()
    found: list[Slot] = []
    for slot in slots:
        written = slot.holder[slot.key]
        key = (slot.list_name, _MAIN if slot.name else written.get("name"))
        entry = entries.get(key) if isinstance(key[1], str) else None
        merged = merge(written, entry) if entry is not None else entry
        if merged is None or merged is entry:
            found.append(slot)  # not patched, or a directive: what is written still counts
            continue
        used.add(key)
        merged.region = region_of(written) or merged.region
        found.append(_replaced(slot, merged, copies, (written, entry)))
    for (list_name, name), entry in entries.items():
        if (list_name, name) in used or _EXECUTORS[list_name] == name or id(entry) in added:
            continue
        added.add(id(entry))
        holder = YamlSeq(region_of(entry) or Region(1))
        holder.append(merge(YamlMap(holder.region), entry))
        holder.item_regions.append(holder.region)
        found.append(Slot(list_name, holder, 0, parts=(entry,)))
    return found


def _replaced(slot: Slot, container: YamlMap, copies: dict[int, Any], parts: tuple) -> Slot:
    """`slot` holding `container` instead of what is written there, in a copy of its holder
    (one per holder) that keeps its regions, where the use of an alias is found."""
    holder = copies.get(id(slot.holder))
    if holder is None:
        holder = copies[id(slot.holder)] = _copy(slot.holder)
    holder[slot.key] = container
    return Slot(slot.list_name, holder, slot.key, slot.name, parts)


def _copy(holder: Any) -> Any:
    if isinstance(holder, YamlSeq):
        copied = YamlSeq(holder.region)
        copied.extend(holder)
        copied.item_regions = list(holder.item_regions)
        return copied
    copied = YamlMap(region_of(holder) or Region(1))
    for key in holder:
        copy_entry(copied, holder, key)
    return copied


class _Patches:
    """A workflow's podSpecPatches, each text read once: a text YAML aliases into many
    templates (`podSpecPatch: *p`) is one string, parsed for its first template and shared
    by the others, so the containers it adds are judged once (`_patched`'s `added`), where it
    is written. Parsed for each use, a 4 KB patch of 120 containers aliased into 1,000
    templates took an 84 KB file past its time budget."""

    def __init__(self) -> None:
        self._read: dict[int, tuple[str, tuple[YamlMap | None, bool]]] = {}

    def of(self, holder: dict) -> tuple[YamlMap | None, bool]:
        text = holder.get(_PATCH)
        held = self._read.get(id(text))
        if held is not None and held[0] is text:
            return held[1]
        read = _pod_spec_patch(holder)
        if isinstance(text, str):
            self._read[id(text)] = (text, read)  # the text kept: its id stays its own
        return read


def _pod_spec_patch(holder: dict) -> tuple[YamlMap | None, bool]:
    """(the podSpecPatch of a workflow or template as a mapping placed at its key, whether it
    was read): a short text of one YAML or JSON mapping is, its `{{expressions}}` values Argo
    fills in (unknown, not wrong, as every placeholder); one whose expression stands for more
    than a value, a long text or anything else is not."""
    text = holder.get(_PATCH)
    if text in _UNSET:
        return None, True
    if not isinstance(text, str) or len(text) > MAX_PATCH_CHARS:
        return None, False
    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError:
        return None, False
    if len(documents) != 1 or not isinstance(documents[0], YamlMap):
        return None, False
    if "{{" in text and _expressions_in_scalars(documents[0]) != text.count("{{"):
        return None, False  # an expression outside a quoted or plain scalar: structure
    where = region_of(holder, _PATCH) or Region(1)
    relocate(documents[0], lambda _: where)
    return documents[0], True


def _expressions_in_scalars(patch: YamlMap) -> int:
    """How many `{{` the keys and text values of a parsed patch hold (an aliased node once,
    as it is written once)."""
    count, stack, seen = 0, [patch], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            count += key.count("{{") if isinstance(key, str) else 0
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif isinstance(value, str):
                count += value.count("{{")
    return count
