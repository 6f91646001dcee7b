"""libyaml's safe loader, for every YAML text guardlint reads (the pure-Python one when libyaml
is missing: about 10 times slower)."""

from __future__ import annotations

import functools
import operator

from guardlint.parse.go_yaml import NUMBER_STARTS, go_yaml_number
from guardlint.parse.pyyaml import yaml

try:
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    LOADER = yaml.SafeLoader

# Longer plain scalars are resolved each time: remembering them would keep their text alive.
_REMEMBERED_LENGTH = 64
_RESOLVER = yaml.resolver.Resolver()
# A safe loader has no path resolvers: a node that is no plain scalar gets its kind's default.
_DEFAULT_TAGS = {
    yaml.ScalarNode: LOADER.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: LOADER.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: LOADER.DEFAULT_MAPPING_TAG,
}


# go-yaml v2 (kubectl's reader) takes these plain scalars for booleans, and those of the
# other tag for numbers (`0o17`, `1e3`, `08`), where YAML 1.1 as PyYAML reads it has text:
# their own tags keep that they were written plain, not quoted.
GO_YAML_BOOL_TAG = "tag:guardlint,2026:go-yaml-bool"
GO_YAML_NUMBER_TAG = "tag:guardlint,2026:go-yaml-number"
_GO_YAML_ONLY_BOOLS = frozenset({"y", "Y", "n", "N"})
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_tag(value: str) -> str:
    if value in _GO_YAML_ONLY_BOOLS:
        return GO_YAML_BOOL_TAG
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR_TAG and value[:1] in NUMBER_STARTS and go_yaml_number(value):
        return GO_YAML_NUMBER_TAG
    return tag


@functools.lru_cache(maxsize=4096)
def plain_tag(value: str) -> str:
    """The tag YAML gives an untagged, unquoted scalar (int, float, bool, null, str...)."""
    return _plain_tag(value)


class ComposingLoader(LOADER):
    """LOADER with the implicit tag of each short plain scalar remembered. libyaml asks PyYAML's
    resolver, in Python, for the tag of every node (it tries up to six patterns on each plain
    scalar): 120,000 asks for 1,800 templates, nearly all for the same keys and words."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            if len(value) <= _REMEMBERED_LENGTH:
                return plain_tag(value)
            return _plain_tag(value)
        return _DEFAULT_TAGS[kind]

    # libyaml calls these two hooks around every node it composes, for path resolvers, which a
    # safe loader never has: C callables that ignore their arguments, instead of two Python
    # calls per node (300,000 in a corpus scan).
    descend_resolver = operator.is_  # (parent, index)
    ascend_resolver = tuple  # ()
