"""Where the region of a YAML block node ends: after the last character of its last value, never
on the blank lines and comments after it (libyaml ends it where the next token starts)."""

from __future__ import annotations

import pytest
import yaml

from guardlint.model.documents import Region
from guardlint.parse import yaml_nodes
from guardlint.parse.libyaml import ComposingLoader
from guardlint.parse.yaml_ends import NodeEnds
from guardlint.parse.yaml_nodes import load_documents


def load(text: str):
    (document,) = load_documents(text)
    return document


def test_a_block_mapping_ends_at_its_last_value_not_at_the_next_key():
    doc = load("a:\n  b: 1\n  c: two  # note\n\n# comment\n\nd: 3\n")
    assert doc.value_region("a") == Region(2, 3, 3, 9)
    assert doc.region == Region(1, 1, 7, 5)


def test_a_block_sequence_ends_at_its_last_item():
    doc = load("a:\n  - 1\n  - x  # c\n\n# c\nd: 3")
    assert doc.value_region("a") == Region(2, 3, 3, 6)
    assert doc.region == Region(1, 1, 6, 5)  # no line past the file's last


def test_nested_block_collections_end_with_their_innermost_last_value():
    doc = load("a:\n  b:\n    - c: 1\n      d: [x, y]\n# c\ne: 1\n")
    end = (4, 16)
    assert doc.value_region("a")[2:] == end
    assert doc["a"].value_region("b")[2:] == end
    assert doc["a"]["b"].item_region(0)[2:] == end


def test_a_block_scalar_ends_at_its_last_character():
    text = "a:\n  run: |\n    echo hi\n    # not a comment\n\n  \n# a comment\nb: 1\n"
    doc = load(text)
    assert doc["a"].value_region("run") == Region(2, 8, 4, 20)
    assert doc.value_region("a") == Region(2, 3, 4, 20)
    folded = load("a: >-\n  text\n\n\nb: 1\n")
    assert folded.value_region("a") == Region(1, 4, 2, 7)


@pytest.mark.parametrize(
    "text, end",
    [
        ("x: &e {k: v}\na:\n  b: 1\n  c: *e   # shared\n\nd: 1\n", (4, 8)),
        ("x: &e 1\na:\n  - 1\n  - *e # *not this\n# c\nd: 1\n", (4, 7)),
        ("x: &e 1\na:\n  - &f 2\n  - *f\n  - *e\n\nd: 1\n", (5, 7)),  # anchors inside
        ("a:\n  - b: &e 1\n  - *e\n# c\nd: 1\n", (3, 7)),  # the anchor in the item before
        ("x: &e {k: v}\na:\n  k: v\n  <<: *e\n\nd: 1\n", (4, 9)),
        ("x: &e 1\na:\n  c:\n    # why\n    *e\n\nd: 1\n", (5, 7)),
    ],
)
def test_a_block_collection_ending_with_an_alias_ends_after_the_alias(text, end):
    assert load(text).value_region("a")[2:] == end


def test_an_empty_last_value_ends_after_its_indicator():
    assert load("a:\n  b:\n\n# c\nd: 1\n").value_region("a") == Region(2, 3, 2, 5)
    assert load("a:\n  -\n  - \n\n# c\nb: 1").value_region("a") == Region(2, 3, 3, 4)


def test_a_short_form_tag_on_a_block_sequence():
    doc = load("a: !If\n  - c\n  - x\n\n# c\nb: 1\n")
    assert doc["a"].region == Region(1, 4, 3, 6)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\x85", "\u2028"])
def test_lines_broken_otherwise(newline):
    text = "x: &e 1\na:\n  b: |\n    t\n\n  c:\n    - *e\n\nd: 1\n".replace("\n", newline)
    doc = load(text)
    assert doc["a"].value_region("b") == Region(3, 6, 4, 6)
    assert doc.value_region("a") == Region(3, 3, 7, 9)


STARTS = [
    "a:\n  b: 1\n  c: two  # note\n\n# comment\n\nd: 3\n",
    "x: &e {k: v}\nl:\n  - *e\n  - - a\n    - |\n      t\n\n# c\nm:\n  <<: *e\n  k: !Ref v\n",
    "? [a, b]\n: - 1\n  - 2\n...\n",
]


@pytest.mark.parametrize("text", STARTS)
def test_starts_are_libyamls(text):
    """Only ends move: every region starts where libyaml's node starts."""
    node = ComposingLoader(text).get_single_node()
    starts = set()
    stack = [node]
    while stack:
        current = stack.pop()
        starts.add((current.start_mark.line + 1, current.start_mark.column + 1))
        if isinstance(current, yaml.MappingNode):
            stack += [part for pair in current.value for part in pair]
        elif isinstance(current, yaml.SequenceNode):
            stack += current.value
    regions = []
    stack = [load(text)]
    while stack:
        current = stack.pop()
        regions.append(current.region)
        if isinstance(current, dict):
            regions += [*current.key_regions.values(), *current.value_regions.values()]
            stack += [v for v in current.values() if isinstance(v, (dict, list))]
        elif isinstance(current, list):
            regions += current.item_regions
            stack += [v for v in current if isinstance(v, (dict, list))]
    assert {region[:2] for region in regions} <= starts


WITHOUT_ANCHORS = [
    "a:\n  b: 1\n  c: two  # note\n\n# comment\n\nd: 3\n",
    "a:\n  b:\n    - c: 1\n      d: [x, y]\n# c\ne: 1\n",
    "a:\n  run: |\n    echo hi\n\n  \n# a comment\nb: 1\n",
    "a:\n  b:\n\n# c\nd: 1\n",  # an empty last value: its region has no end column
    "a:\n  -\n  - \n\n# c\nb: 1",
    "a:\n  k: v\n  <<: {m: n}\n\nd: 1\n",  # a merge written last, inline
    "a:\n  <<: {m: n}\n",
    "a: !If\n  - c\n  - x: !Sub |\n      t\n\n# c\nb: 1\n",
    "a: !Custom\n  b: !!binary aGk=\n  c: !Ref x\n# c\n",
    "l:\n- - - a\n    - {b: c}\n- >-\n  f\n\n",
    "? [a, b]\n: - 1\n  - 2\n...\n",
    "a:\n  b: 'quoted\n    on two lines'\n\nc: 1\n",
]


def _regions(document):
    found, stack = [], [document]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append((current.region, current.key_regions, current.value_regions))
            stack += [v for v in current.values() if isinstance(v, (dict, list))]
        elif isinstance(current, list):
            found.append((current.region, current.item_regions))
            stack += [v for v in current if isinstance(v, (dict, list))]
    return found


@pytest.mark.parametrize("text", WITHOUT_ANCHORS)
def test_a_collection_ends_with_its_last_value_as_node_ends_says(text, monkeypatch):
    """A block collection's region made from its last value's is the one NodeEnds gives."""
    made = [_regions(document) for document in load_documents(text)]
    init = yaml_nodes._Converter.__init__

    def asking_node_ends(self, *args):
        init(self, *args)
        self.ends_at_last_value = False

    monkeypatch.setattr(yaml_nodes._Converter, "__init__", asking_node_ends)
    assert made == [_regions(document) for document in load_documents(text)]


def test_without_anchors_no_walk_down_a_collections_last_values(monkeypatch):
    """Each block collection's end is read off its last value's region, not found again by
    NodeEnds walking down the last values (once per nesting level of every collection)."""
    walked = []
    block_end = NodeEnds._block_end

    def counting(self, node):
        walked.append(type(node).__name__)
        return block_end(self, node)

    monkeypatch.setattr(NodeEnds, "_block_end", counting)
    load("a:\n  b:\n    - c: 1\n      d:\n        e: |\n          t\n\n# c\nf:\n  - 1\n")
    assert walked == ["ScalarNode"]  # the block scalar's own end only
