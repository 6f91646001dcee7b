"""The value each replacement of a kustomization copies (guardlint.documents.
replacements): the field of the one object of its build that the `source` selects.

The objects are those of the files its kustomization lists and, through the kustomizations it
lists, theirs (each kustomization once, inside the scan root, within MAX_KUSTOMIZATIONS,
MAX_FILES and MAX_OBJECTS). An object is selected by any name it has had (as written, then as
each kustomization's `namePrefix`/`nameSuffix` made it) and any namespace (its own, `default`
for none, each kustomization's). kustomize fails where the source selects no object or more
than one; the value is also not known (NOT_KNOWN) where the tree makes or changes objects
guardlint does not follow there (a generator or plugin, a kustomization refused, a file not
read), or where what the source's field holds may have changed before the replacement runs: a
kustomization on its way that has a patch of no kind or of its kind, an earlier replacement
that may select its kind, a name or namespace change for a field of its metadata, `images:`
for a field of an image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from guardlint.documents.kustomize.kustomization_contents import Kustomization, kustomization_at
from guardlint.documents.kustomize.replacement_writes import looked_up, refined
from guardlint.documents.kustomize.replacements import NOT_KNOWN, Replacement, replacements
from guardlint.documents.manifest_objects import manifest_objects, manifest_signature
from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.recorder import memoized, per_snapshot

MAX_KUSTOMIZATIONS = 16
MAX_FILES = 128
MAX_OBJECTS = 2_000
MAX_MANIFEST_BYTES = 2_000_000


GENERATED: dict = {}  # stands for the ConfigMaps and Secrets a kustomization generates


class Emitted(NamedTuple):
    """An object of the build and the kustomizations it comes through, its lister's first."""

    data: dict
    way: tuple[Kustomization, ...]


@per_snapshot
def replacement_values(directory: str, root: str) -> tuple[tuple[Any, Any], ...] | None:
    """(replacement, the value it copies or NOT_KNOWN) of each replacement of the
    kustomization in `directory`, in order (a replacement not read: (NOT_KNOWN, NOT_KNOWN));
    None where they are not known."""
    kustomization = kustomization_at(directory, root)
    found = replacements(kustomization.replacements, root)
    if not found:
        return None if found is None else ()
    emitted = emitted_objects(directory, root)
    named = {} if emitted is None else _by_name(emitted)
    values = []
    for at, replacement in enumerate(found):
        if not isinstance(replacement, Replacement) or emitted is None:
            values.append((replacement, NOT_KNOWN))
            continue
        name = replacement.source.name
        candidates = emitted if name is None else named.get(name, ())
        values.append((replacement, _value(replacement, candidates, found[:at])))
    return tuple(values)


def _by_name(emitted: list[Emitted]) -> dict[str, list[Emitted]]:
    """The objects that have had each name: a source that names its object (most do) asks
    those only, not each of the build's thousands of objects."""
    named: dict[str, list[Emitted]] = {}
    for each in emitted:
        for name in _names(each)[0]:
            named.setdefault(name, []).append(each)
    return named


def _value(replacement: Replacement, candidates: Sequence[Emitted], earlier: tuple) -> Any:
    matches = [each for each in candidates if _selected(replacement, each)]
    if len(matches) != 1 or _may_have_changed(replacement, matches[0], earlier):
        return NOT_KNOWN
    value = looked_up(matches[0].data, replacement.source_path)
    return NOT_KNOWN if value is NOT_KNOWN else refined(value, replacement.source_options)


def _names(each: Emitted) -> tuple[set[str], set[str]]:
    """The names and namespaces an object has had on its way."""
    metadata = each.data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    names = {name} if isinstance(name, str) else set()
    namespaces = {namespace if isinstance(namespace, str) and namespace else "default"}
    current = name if isinstance(name, str) else ""
    for kustomization in each.way:
        prefix, suffix = kustomization.name_affixes
        current = prefix + current + suffix
        names.add(current)
        if kustomization.namespace:
            namespaces.add(kustomization.namespace)
    return names, namespaces


def _selected(replacement: Replacement, each: Emitted) -> bool:
    api_version, kind = each.data.get("apiVersion"), each.data.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return False
    names, namespaces = _names(each)
    return any(replacement.source.selects(api_version, kind, name, namespaces) for name in names)


def _may_have_changed(replacement: Replacement, source: Emitted, earlier: tuple) -> bool:
    kind = source.data.get("kind")
    keys = {token.key for token in replacement.source_path}
    for kustomization in source.way:
        if any(entry.target is None or entry.target.kind in (None, kind)
               for entry in kustomization.patch_entries):  # fmt: skip
            return True
        if "metadata" in keys and (kustomization.namespace or any(kustomization.name_affixes)):
            return True
        if kustomization.images and any(key and "image" in key for key in keys):
            return True
    ways = [kustomization.replacements for kustomization in source.way[:-1]]
    return any(_may_select(each, kind) for each in (*earlier, *(r for w in ways for r in w or ())))


def _may_select(replacement: Any, kind: Any) -> bool:
    if not isinstance(replacement, Replacement):
        return True
    return any(target.select.kind in (None, kind) for target in replacement.targets)


def emitted_objects(
    directory: str, root: str, past_generators: bool = False
) -> list[Emitted] | None:
    """The objects of the build of `directory` (see the module's docstring); None where they
    are not known. `past_generators`: a kustomization's configMapGenerator and
    secretGenerator make GENERATED in their place (ConfigMaps and Secrets not known)."""
    found: list[Emitted] = []
    pending = [(directory, ())]
    seen = {directory}
    files = 0
    while pending:
        current, above = pending.pop()
        kustomization = kustomization_at(current, root)
        if kustomization.refused or kustomization.components or kustomization.plugins:
            return None
        way = (kustomization, *above)
        if kustomization.generates:
            if not past_generators:
                return None
            found.append(Emitted(GENERATED, way))
        for resource in sorted(kustomization.resources):
            if not lies_inside(resource, root):
                return None
            if kustomization_at(resource, root).size:
                if resource in seen:
                    return None  # a base listed twice: kustomize fails on its objects
                seen.add(resource)
                pending.append((resource, way))
                continue
            files += 1
            objects = _file_objects(resource, root, manifest_signature(resource))
            if objects is None or files > MAX_FILES or len(seen) > MAX_KUSTOMIZATIONS:
                return None
            found.extend(Emitted(data, way) for data in objects)
            if len(found) > MAX_OBJECTS:
                return None
    return found


@memoized(maxsize=1024)
def _file_objects(path: str, root: str, signature: tuple) -> tuple | None:
    try:
        return tuple(manifest_objects(read_input(path, MAX_MANIFEST_BYTES, root)))
    except InputError:
        return None
