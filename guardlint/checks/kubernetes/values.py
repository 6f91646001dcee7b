"""How Kubernetes checks read scalars and their rule's options: manifests spell booleans and
numbers as strings as often as not."""

from __future__ import annotations

from guardlint.model import Document, Rule


def meta(document: Document, key: str) -> str:
    """A field of the document's classification (kind, resource), empty when it has none."""
    return str(document.meta.get(key) or "")


def option_strings(rule: Rule, key: str) -> list[str]:
    """The rule option `key` as a list of strings (empty when unset)."""
    return [str(item) for item in rule.options.get(key) or ()]
