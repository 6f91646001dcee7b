"""The leaves of a template's resource properties, walked once for the rules that judge every
property value (CFN018, CFN019), and which of their texts may hold a secret, found once."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.resources import resources_of
from guardlint.knowledge.secret_texts import may_hold_secrets
from guardlint.model.documents import Document

# Name/value pairs: CodeBuild EnvironmentVariables, Beanstalk OptionSettings, Tags, StackSet
# Parameters, CloudFront origin headers, an SSM parameter... Each names its value as a variable
# does, but a tag's Key, which is only a label.
_PAIR_NAME_KEYS = ("Name", "Key", "OptionName", "ParameterKey", "HeaderName")
_PAIR_VALUE_KEYS = ("Value", "ParameterValue", "HeaderValue")
_VARIABLE_PAIR_KEYS = ("Name", "OptionName", "ParameterKey", "HeaderName")
_REFERENCE_VALUE_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})  # CodeBuild
# The answers of property_leaves and secret_texts, kept in Document.meta.
_PROPERTY_LEAVES, _SECRET_TEXTS = "cfn_property_leaves", "cfn_secret_texts"


def property_leaves(document: Document) -> list[tuple[Any, Any, Any, Any, str, Any]]:
    """(resource, top-level property, container, key, effective name, value) of every leaf
    of every resource's Properties."""
    return document.once(_PROPERTY_LEAVES, lambda: _leaves_of(document))


def _leaves_of(document: Document) -> list[tuple[Any, Any, Any, Any, str, Any]]:
    leaves: list[tuple[Any, Any, Any, Any, str, Any]] = []
    for resource in resources_of(document, created_only=False):
        _add_leaves(resource, resource.props, "", None, leaves)
    return leaves


def secret_texts(document: Document) -> set[str]:
    """The literal texts among the leaves' values that may hold a secret or a secret's name
    (guardlint.knowledge.secret_texts), found in one search over them all: most are names, ARNs
    and settings, which then need no search of their own."""
    return document.once(
        _SECRET_TEXTS,
        lambda: may_hold_secrets(  # each leaf unpacked whole: `*_` would make it a list
            {item for _, _, _, _, _, item in property_leaves(document) if isinstance(item, str)}
        ),
    )


def _add_leaves(resource: Any, value: Any, name: str, top: Any, leaves: list) -> None:
    """Add (resource, top-level property, container, key or index, effective name, value) for
    every leaf of a Properties tree to `leaves`, in the tree's order; an intrinsic counts as a
    leaf. In a name/value pair the name is the pair's name."""
    if isinstance(value, dict):
        value_key = pair_name = None
        if not value.keys().isdisjoint(_PAIR_VALUE_KEYS):  # in C: most maps are no pair
            value_key = next(k for k in _PAIR_VALUE_KEYS if k in value)
            pair_name = _pair_name(value)
        entries = []
        for key, item in value.items():
            effective = str(key)
            if pair_name is not None and key == value_key:
                if str(value.get("Type", "")).upper() in _REFERENCE_VALUE_TYPES:
                    continue  # the value names a parameter or secret that holds the value
                effective = pair_name
            entries.append((key, effective, item))
    elif isinstance(value, list):
        entries = [(index, name, item) for index, item in enumerate(value)]
    else:
        return
    # Every resource's properties are walked: one list, not a generator per level, through
    # which each leaf would pass at every level above it.
    for key, effective, item in entries:
        under = key if top is None else top
        if isinstance(item, list) or (isinstance(item, dict) and intrinsic(item) is None):
            _add_leaves(resource, item, effective, under, leaves)
        else:
            leaves.append((resource, under, value, key, effective, item))


def names_its_value(container: Any, key: Any, name: str) -> bool:
    """A pair's value, named by its Name, OptionName, ParameterKey or HeaderName."""
    return key in _PAIR_VALUE_KEYS and any(container.get(k) == name for k in _VARIABLE_PAIR_KEYS)


def _pair_name(value: dict) -> str | None:
    return next((value[k] for k in _PAIR_NAME_KEYS if isinstance(value.get(k), str)), None)
