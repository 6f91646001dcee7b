"""The kustomizations kustomize fails to build because a strategic merge patch without a
`target` (`patchesStrategicMerge`, or a `patches:` entry without one) does not select exactly
one object: kustomize looks it up by the ID it names among every ID each object of the
kustomization's tree has had (resWrangler.GetById, GetMatchingResourcesByAnyId), and fails the
build on none or several ("failed to find unique target for patch"). A failed build deploys
nothing, so it patches nothing safe (guardlint.documents.kustomize.deployed).

The objects are those replacement_sources.emitted_objects finds (the tree's files, within its
bounds); where they are not known (a plugin, a component, a file not read), no failure is seen
here, nor for a patch of a ConfigMap or Secret where the tree generates some. An object's IDs
are the one it is written with (`default` for no namespace) and those the kustomizations below
the built one gave it (`namespace`, then `namePrefix` and `nameSuffix`); the built
kustomization's own run after its patches."""

from __future__ import annotations

from guardlint.documents.kustomize.replacement_sources import GENERATED, Emitted, emitted_objects
from guardlint.parse.recorder import per_snapshot

# Kinds namePrefix and nameSuffix leave (kustomize's prefixSuffixFieldSpecsToSkip).
_NOT_RENAMED = frozenset({"CustomResourceDefinition", "APIService", "Namespace"})
_GENERATED_KINDS = frozenset({("v1", "ConfigMap"), ("v1", "Secret")})
DEFAULT_NAMESPACE = "default"  # of an ID that names none (kustomize's EffectiveNamespace)


def renamed(name: str, kind: str, affixes: tuple[str, str]) -> str:
    """The object's name once a kustomization's `namePrefix` and `nameSuffix` change it."""
    prefix, suffix = affixes
    return name if kind in _NOT_RENAMED else prefix + name + suffix


@per_snapshot
def misses_a_target(directory: str, root: str, named: tuple[tuple[str, ...], ...]) -> bool:
    """Whether one of the IDs (apiVersion, kind, name, namespace) that the strategic merge
    patches without a target of the kustomization in `directory` name selects no object of its
    tree or more than one; False where its objects are not known."""
    objects = emitted_objects(directory, root, past_generators=True)
    if objects is None:
        return False
    generated = any(each.data is GENERATED for each in objects)
    held: dict[tuple[str, ...], int] = {}
    anywhere: set[tuple[str, ...]] = set()
    for each in objects:
        for key in _ids(each):
            held[key] = held.get(key, 0) + 1
            anywhere.add(key[:3])
    # No match in any namespace: none (a namespace alone may be one a cluster-scoped kind
    # ignores, which kustomize matches).
    return any(
        (held.get(key, 0) > 1 or key[:3] not in anywhere)
        and not (generated and key[:2] in _GENERATED_KINDS)
        for key in named
    )


def _ids(each: Emitted) -> set[tuple[str, ...]]:
    data = each.data
    api_version, kind, metadata = data.get("apiVersion"), data.get("kind"), data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not all(isinstance(value, str) for value in (api_version, kind, name)):
        return set()
    namespace = metadata.get("namespace")
    namespace = namespace if isinstance(namespace, str) and namespace else DEFAULT_NAMESPACE
    ids = {(name, namespace)}
    for kustomization in each.way[:-1]:
        namespace = kustomization.namespace or namespace
        ids.add((name, namespace))
        name = renamed(name, kind, kustomization.name_affixes)
        ids.add((name, namespace))
    return {(api_version, kind, name, namespace) for name, namespace in ids}
