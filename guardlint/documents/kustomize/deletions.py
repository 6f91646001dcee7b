"""A kustomize patch that removes the whole object it selects: a strategic merge patch whose
root says `$patch: delete` (listed under `patchesStrategicMerge`, or under `patches` naming the
object or with a `target`). kustomize merges it over each object it selects, and an object the
merge leaves empty is dropped from the build's output (resWrangler.ApplySmPatch keeps only
those not IsNilOrEmpty): that build deploys nothing of it, so it has none of its findings.

A patch that would select the object after it is gone is not followed: one naming it makes
kustomize fail (nothing to patch), and the answer is then unknown."""

from __future__ import annotations

from typing import Any

DELETED = object()  # what a build emits of an object a patch removed: nothing
_PATCH = "$patch"


def deletes_object(body: Any) -> bool:
    """Whether a patch document removes each object it selects (see the module's docstring)."""
    return isinstance(body, dict) and body.get(_PATCH) == "delete"


def deleted_at_last(at: int, count: int) -> object | None:
    """DELETED where the deleting patch, `at` of `count` chosen ones, is the last to select
    the object; None (unknown) where another one follows it."""
    return DELETED if at == count - 1 else None
