"""The composing loader: PyYAML's tags, each short plain scalar's worked out once."""

from __future__ import annotations

from unittest.mock import patch

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.parse import libyaml
from guardlint.parse.go_yaml import NUMBER_STARTS, go_yaml_number
from guardlint.parse.libyaml import GO_YAML_BOOL_TAG, GO_YAML_NUMBER_TAG, LOADER, ComposingLoader

# Texts every implicit resolver of YAML 1.1 answers for, and ones none does.
_SCALARS = st.one_of(
    st.sampled_from(
        ["yes", "No", "on", "OFF", "true", "~", "null", "", "0x1F", "0o17", "1_000", "1e5",
         "1.5e-5", ".inf", "-.Inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<",
         "=", "190:20:30", "+12", "Type", "Properties", "y" * 64, "1" * 65, "true" * 20]
    ),
    st.text(alphabet="0123456789+-.:_eExXoOyYnNtTfF~<=abc", max_size=70),
)  # fmt: skip


_STR = "tag:yaml.org,2002:str"


def _tags(loader: type, text: str, go_yaml_flags: bool = False) -> list[str]:
    """The tag of every node; with `go_yaml_flags`, a plain `y`, `Y`, `n` or `N`'s, and a
    plain number go-yaml v2 reads where PyYAML's YAML 1.1 reads text (`0o17`, `1e5`), as the
    composing loader marks them."""
    found, pending = [], [yaml.compose(text, Loader=loader)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        if node is None:
            continue
        tag = node.tag
        if go_yaml_flags and isinstance(node, yaml.ScalarNode) and not node.style:
            if node.value in ("y", "Y", "n", "N"):
                tag = GO_YAML_BOOL_TAG
            elif tag == _STR and node.value[:1] in NUMBER_STARTS and go_yaml_number(node.value):
                tag = GO_YAML_NUMBER_TAG
        found.append(tag)
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(_SCALARS, min_size=1, max_size=8))
@example(["yes", "yes", "'yes'", "!!str yes", "1" * 100])
@example(["y", "'y'", "N", "yn", "0o17", "1e5", "08", "0X1F", "1__0", "'1e5'"])
def test_the_same_tags_as_pyyaml(scalars):
    flow = "- [" + ", ".join(f'"{s}"' for s in scalars) + "]\n"
    plain = "".join(f"- {s}\n" if s and s[0] not in "-?:,[]{}#&*!|>'\"%@`" else "" for s in scalars)
    mapping = "".join(f"k{i}: {line[2:]}" for i, line in enumerate(plain.splitlines(True)))
    for text in (flow, plain, mapping, "{" + ", ".join(scalars) + "}"):
        try:
            expected = _tags(LOADER, text, go_yaml_flags=True)
        except yaml.YAMLError:
            continue
        assert _tags(ComposingLoader, text) == expected


def test_a_short_plain_scalar_is_resolved_once_per_value():
    libyaml.plain_tag.cache_clear()
    long_value = "yes" * 30
    with patch.object(libyaml._RESOLVER, "resolve", wraps=libyaml._RESOLVER.resolve) as asked:
        text = f"a: yes\nb: yes\nc: 'yes'\nd: [yes, 1, 1]\ne: {long_value}\nf: {long_value}\n"
        tags = _tags(ComposingLoader, text)
    # Each key and short value once, the long one each time; the quoted one is no plain scalar.
    asked_for = sorted(call.args[1] for call in asked.call_args_list)
    assert asked_for == sorted(["1", "a", "b", "c", "d", "e", "f", "yes", long_value, long_value])
    assert tags.count("tag:yaml.org,2002:bool") == 3
    assert tags.count("tag:yaml.org,2002:str") == 9  # six keys, 'yes', the long value twice
