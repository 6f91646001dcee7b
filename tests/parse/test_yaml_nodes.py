"""The YAML layer: regions on every node, merge keys, CloudFormation tags, limits."""

from __future__ import annotations

import pytest

from guardlint.model.documents import Region
from guardlint.parse import yaml_nodes
from guardlint.parse.located import MAX_DEPTH, YamlError, YamlMap, YamlSeq
from guardlint.parse.yaml_nodes import load_documents


def test_regions_of_keys_values_and_items():
    (doc,) = load_documents("a: 1\nb:\n  - x\n  - y: 2\n")
    assert isinstance(doc, YamlMap)
    assert doc.key_region("b").start_line == 2
    items = doc["b"]
    assert isinstance(items, YamlSeq)
    assert [items.item_region(i).start_line for i in range(2)] == [3, 4]
    assert items[1].key_region("y").start_column == 5


def test_scalars_are_typed_like_yaml_1_1():
    (doc,) = load_documents("i: 0x10\nf: 1.5\nb: yes\nn: ~\ns: '5'\nt: 2024-01-01\n")
    assert doc == {"i": 16, "f": 1.5, "b": True, "n": None, "s": "5", "t": "2024-01-01"}


def test_merge_keys_explicit_keys_win_and_point_at_the_merge_line():
    text = (
        "x-defaults: &defaults\n"
        "  privileged: true\n"
        "  image: base:1\n"
        "services:\n"
        "  web:\n"
        "    <<: *defaults\n"
        "    image: web:2\n"
    )
    (doc,) = load_documents(text)
    web = doc["services"]["web"]
    assert web["privileged"] is True and web["image"] == "web:2"
    assert web.key_region("privileged").start_line == 6
    assert web.merged_keys == {"privileged"}


def test_multi_document_stream():
    docs = load_documents("a: 1\n---\nb: 2\n---\nc: 3\n")
    assert [d.key_region(next(iter(d))).start_line for d in docs] == [1, 3, 5]


def test_cloudformation_short_tags_become_long_form():
    text = (
        "A: !Ref Param\n"
        "B: !GetAtt Bucket.Arn\n"
        "C: !Sub 'arn:${AWS::Partition}:s3:::x'\n"
        "D: !If [Cond, !Ref X, !Ref AWS::NoValue]\n"
        "E: !Join ['', [a, !Ref Y]]\n"
    )
    (doc,) = load_documents(text)
    assert doc["A"] == {"Ref": "Param"}
    assert doc["B"] == {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert doc["C"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}
    assert doc["D"] == {"Fn::If": ["Cond", {"Ref": "X"}, {"Ref": "AWS::NoValue"}]}
    assert doc["E"] == {"Fn::Join": ["", ["a", {"Ref": "Y"}]]}
    assert doc["D"].region.start_line == 4


def test_json_has_lines_too():
    (doc,) = load_documents('{\n  "Resources": {\n    "B": {"Type": "AWS::S3::Bucket"}\n  }\n}\n')
    assert doc["Resources"].key_region("B").start_line == 3


def test_alias_bomb_is_refused_without_expanding_it():
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlError, match="alias expansion"):
        load_documents("\n".join(lines) + "\n")


def test_syntax_error_carries_its_line():
    with pytest.raises(YamlError) as error:
        load_documents("a: 1\nb: [\n  c: d\n")
    assert error.value.line >= 2


def test_a_key_that_is_a_map_or_list_is_noted():
    """`[!ImportValue Fn::Sub: "${Net}-A"]` is a flow list holding a map whose key is the map
    {Fn::ImportValue: Fn::Sub}: YAML reads it, no JSON-based tool accepts it."""
    notes: list[YamlError] = []
    text = 'Ids: !Join [",", [!ImportValue Fn::Sub: "${Net}-A"]]\n? [a, b]\n: c\n'
    (doc,) = load_documents(text, notes=notes)
    assert isinstance(doc, YamlMap)
    assert [(note.line, "scalar keys" in str(note)) for note in notes] == [(1, True), (2, True)]
    # A template's placeholder is no such mistake.
    notes.clear()
    load_documents("metadata:\n  name: {{name}}\n  labels: {app: {{app}}}\n", notes=notes)
    assert not notes


@pytest.mark.parametrize("kind", ["map", "sequence"])
def test_a_plain_string_past_the_depth_limit_is_refused_like_any_value(kind):
    """Plain strings are converted in place (without convert()'s depth check): the limit
    still holds for them, at exactly the same depth as for any other value."""

    def nested(levels: int) -> str:
        if kind == "map":
            return "{a: " * levels + "x" + "}" * levels
        return "[" * levels + "x" + "]" * levels

    (doc,) = load_documents(nested(MAX_DEPTH))
    for _ in range(MAX_DEPTH):
        doc = doc["a"] if kind == "map" else doc[0]
    assert doc == "x"
    with pytest.raises(YamlError, match="nesting deeper than"):
        load_documents(nested(MAX_DEPTH + 1))


def test_string_keys_values_and_items_of_every_style_keep_their_regions():
    """Plain, quoted and block strings, converted in place or the general way, each at its
    own place; other scalars typed as before."""
    text = (
        "plain: value\n"
        "'single': \"double\"\n"
        "? |\n  block key\n"
        ": >\n  folded value\n\n"
        "items:\n  - plain\n  - 'quoted'\n  - |\n    block item\n\n  - 5\n"
        "number: 7\n"
    )
    (doc,) = load_documents(text)
    assert doc == {
        "plain": "value",
        "single": "double",
        "block key\n": "folded value\n",
        "items": ["plain", "quoted", "block item\n", 5],
        "number": 7,
    }
    assert doc.key_region("plain") == (1, 1, 1, 6)
    assert doc.value_region("plain") == (1, 8, 1, 13)
    assert doc.key_region("single") == (2, 1, 2, 9)
    assert doc.value_region("single") == (2, 11, 2, 19)
    assert doc.key_region("block key\n") == (3, 3, 4, 12)
    assert doc.value_region("block key\n") == (5, 3, 6, 15)
    items = doc["items"]
    assert items.item_regions == [(9, 5, 9, 10), (10, 5, 10, 13), (11, 5, 12, 15), (14, 5, 14, 6)]
    assert doc.value_region("number") == (15, 9, 15, 10)


def test_numbers_booleans_and_nulls_are_taken_from_their_nodes_without_an_alias(monkeypatch):
    """In a text without anchors no node is shared: a map's numbers, booleans and nulls are
    made where the map is converted, and convert() keeps no memo of what it converted."""
    converters = []
    convert = yaml_nodes._Converter.convert

    def counting(self, node, depth=0):
        converters.append(self)
        return convert(self, node, depth)

    monkeypatch.setattr(yaml_nodes._Converter, "convert", counting)
    text = "a: 1\nb: true\nc: ~\nd: 1.5e+3\ne: 0x1F\nf: !!int '7'\ng: 'x'\nh:\n  - 2\n"
    (doc,) = load_documents(text)
    assert doc == {"a": 1, "b": True, "c": None, "d": 1500.0, "e": 31, "f": 7, "g": "x", "h": [2]}
    assert doc.value_region("f") == Region(6, 4, 6, 13)
    assert len(converters) == 3  # the document, its list and the list's number
    assert converters[0].memo == {}
    # With an anchor, what an alias names is converted once and shared.
    (shared,) = load_documents("a: &n [1]\nb: *n\n")
    assert shared["a"] is shared["b"]
