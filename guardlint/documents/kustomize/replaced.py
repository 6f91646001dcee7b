"""What a kustomization's replacements write into one object a build emits (guardlint.
documents.kustomize.deployed applies them after the kustomization's patches, as kustomize runs
its replacement transformer after its other ones): each replacement one of whose targets
selects the object by any name and namespace it has had (and no `reject` does), with the value
guardlint.documents.kustomize.replacement_sources finds. A replacement that may select the
object and is not known, or whose value is not, leaves the object unknown."""

from __future__ import annotations

from typing import Any, NamedTuple

from guardlint.documents.json_patch_apply import Copies
from guardlint.documents.kustomize.kustomization_contents import Kustomization
from guardlint.documents.kustomize.replacement_sources import replacement_values
from guardlint.documents.kustomize.replacement_writes import written
from guardlint.documents.kustomize.replacements import NOT_KNOWN, Replacement, Target
from guardlint.documents.kustomize.targets import Selector


class Replaced(NamedTuple):
    """One replacement's value and the targets of it that select an object."""

    value: Any
    targets: tuple[Target, ...]
    key: tuple[int, ...]  # tells one from another across builds: the same writes, one object

    def applied(self, data: dict, copies: Copies) -> dict | None:
        """`data` once the value is written into each target's fields, through the maps and
        lists `copies` makes; None where not known (or past its budget)."""
        for target in self.targets:
            data = written(data, self.value, target, copies)  # type: ignore[assignment]
            if data is None:
                return None
        return data


def replaced(
    kustomization: Kustomization,
    directory: str,
    root: str,
    api_version: str,
    kind: str,
    names: list[str],
    namespaces: set[str],
) -> tuple[list[Replaced] | None, int]:
    """(the replacements of `kustomization` (in `directory`) that select an object of this
    apiVersion and kind, named `names` and in `namespaces` so far, in order, None where one
    that may select it is not known; the targets looked at)."""
    if kustomization.replacements == ():
        return [], 0  # most have none: each object of each build asks
    values = replacement_values(directory, root)
    if values is None:
        return None, 0
    found = []
    looked_at = sum(len(r.targets) for r, _ in values if isinstance(r, Replacement))
    for pair in values:
        replacement, value = pair
        if not isinstance(replacement, Replacement):
            return None, looked_at
        chosen = tuple(
            target
            for target in replacement.targets
            if _targets(target, api_version, kind, names, namespaces)
        )
        if not chosen:
            continue
        if value is NOT_KNOWN:
            return None, looked_at
        indexes = tuple(replacement.targets.index(target) for target in chosen)
        found.append(Replaced(value, chosen, (id(pair), *indexes)))
    return found, looked_at


def _targets(
    target: Target, api_version: str, kind: str, names: list[str], namespaces: set[str]
) -> bool:
    return any(
        target.select.selects(api_version, kind, name, namespaces)
        and not any(
            _rejects(reject, api_version, kind, name, namespaces) for reject in target.rejects
        )
        for name in dict.fromkeys(names)
    )


def _rejects(
    reject: Selector, api_version: str, kind: str, name: str, namespaces: set[str]
) -> bool:
    """Whether a `reject` drops the object (one that names nothing drops nothing)."""
    return any(reject[:5]) and reject.selects(api_version, kind, name, namespaces)
