"""YAML scalars to Python values the safe way: a tag's value by PyYAML's safe constructor for
int, float, bool and null, any other tag's as its text (nothing else is ever constructed).
Shared by the YAML converter (guardlint.parse.yaml_nodes) and the JSON parser
(guardlint.parse.json_nodes), whose numbers and literals must come out as YAML reads them
(YAML 1.1: `1e5` is text, `1.5e-5` a float)."""

from __future__ import annotations

import functools
from typing import Any

from guardlint.parse.go_yaml import PlainFlagWord
from guardlint.parse.libyaml import GO_YAML_BOOL_TAG, plain_tag
from guardlint.parse.pyyaml import yaml

_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
}
CONSTRUCTED_TAGS = frozenset(_SCALAR_CONSTRUCTORS)
# Stateless for scalars: one serves every document.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The value of a scalar node with its resolved tag."""
    method = _SCALAR_CONSTRUCTORS.get(node.tag)
    if method is None:
        if node.tag == GO_YAML_BOOL_TAG:
            return PlainFlagWord(node.value)
        return node.value if isinstance(node.value, str) else str(node.value)
    try:
        return getattr(_CONSTRUCTOR, method)(node)
    except (ValueError, yaml.YAMLError):
        return node.value


@functools.lru_cache(maxsize=4096)  # numbers and literals recur (0, 1, true, null)
def plain_scalar(text: str) -> Any:
    """The value of an untagged, unquoted scalar (immutable, so a cached one is shared)."""
    return scalar_value(yaml.ScalarNode(plain_tag(text), text))
