"""How Kubernetes checks read scalars and their rule's options: manifests spell booleans and
numbers as strings as often as not."""

from __future__ import annotations

from typing import Any

from guardlint.model import Document, Rule


def is_true(value: Any) -> bool:
    """`true`, also when quoted ("true", " True ")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    """`false`, also when quoted."""
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def as_int(value: Any) -> int | None:
    """The whole number a value spells (`80`, "80"), None for anything else (booleans too)."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def meta(document: Document, key: str) -> str:
    """A field of the document's classification (kind, resource), empty when it has none."""
    return str(document.meta.get(key) or "")


def option_strings(rule: Rule, key: str) -> list[str]:
    """The rule option `key` as a list of strings (empty when unset)."""
    return [str(item) for item in rule.options.get(key) or ()]
