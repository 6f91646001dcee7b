"""What Kubernetes checks read beside the manifest: the document's classification and their
rule's options. (Numbers and booleans, which manifests spell as strings as often as not, are
read by guardlint.parse.scalars.)"""

from __future__ import annotations

from typing import Any

from guardlint.model.documents import Document
from guardlint.model.rules import Rule

# option_strings' answers by the identity of the option's value, each kept with the value so
# that its id cannot pass to another object: the rules read their lists of kinds, groups and
# paths on every document. Bounded: a process that loads many rulebooks (tests) starts again.
_STRINGS_KEPT = 256
_strings_of: dict[int, tuple[Any, tuple[str, ...]]] = {}


def meta(document: Document, key: str) -> str:
    """A field of the document's classification (kind, resource), empty when it has none."""
    return str(document.meta.get(key) or "")


def option_strings(rule: Rule, key: str) -> tuple[str, ...]:
    """The rule option `key` as strings (empty when unset)."""
    value = rule.options.get(key)
    known = _strings_of.get(id(value))
    if known is None or known[0] is not value:
        if len(_strings_of) >= _STRINGS_KEPT:
            _strings_of.clear()
        known = _strings_of[id(value)] = (value, tuple(str(item) for item in value or ()))
    return known[1]
