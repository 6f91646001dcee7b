"""guardlint.parse.quoted_scalars: a YAML text's double-quoted scalars over several lines."""

from __future__ import annotations

import yaml

from guardlint.model.documents import Region
from guardlint.parse.quoted_scalars import multiline_double_quoted

TEXT = """\
a: "one \\
   two"
b: !Sub "folded
   once

   and an empty line\\x21"
c: ["x", "in a
  flow"]
d: 'single
  quoted'
e: "one line"
"""


def test_each_scalar_reads_as_yaml_reads_it_and_is_placed_on_its_quotes():
    found = multiline_double_quoted(TEXT)
    loaded = yaml.safe_load(TEXT.replace("!Sub ", ""))
    assert [scalar.text for scalar in found] == [loaded["a"], loaded["b"], loaded["c"][1]]
    assert [scalar.text for scalar in found] == [
        "one two",
        "folded once\nand an empty line!",
        "in a flow",
    ]
    assert [scalar.region for scalar in found] == [
        Region(1, 4, 2, 8),
        Region(3, 9, 6, 26),
        Region(7, 10, 8, 8),
    ]


def test_text_that_cannot_hold_one_is_not_read():
    assert multiline_double_quoted('{"a": "b",\n "c": "d"}\n') == []
    assert multiline_double_quoted("a: b\n") == []


def test_a_scalar_before_what_is_not_yaml_is_read():
    found = multiline_double_quoted('a: "x\\\n  y"\nb: "z\n  w"\n: : [\n')
    assert [scalar.text for scalar in found] == ["xy", "z w"]


def test_a_text_libyaml_cannot_take_is_not_read():
    """A lone surrogate (a UTF-16 text's) is no UTF-8: libyaml refuses the whole text."""
    assert multiline_double_quoted('a: "x\\\n  y"\nb: "\ud800\n  z"\n') == []
