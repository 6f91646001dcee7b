"""What Kubernetes checks read beside the manifest: the document's classification and their
rule's options. (Numbers and booleans, which manifests spell as strings as often as not, are
read by guardlint.parse.scalars.)"""

from __future__ import annotations

from guardlint.model import Document, Rule


def meta(document: Document, key: str) -> str:
    """A field of the document's classification (kind, resource), empty when it has none."""
    return str(document.meta.get(key) or "")


def option_strings(rule: Rule, key: str) -> list[str]:
    """The rule option `key` as a list of strings (empty when unset)."""
    return [str(item) for item in rule.options.get(key) or ()]
