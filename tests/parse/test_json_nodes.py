"""The JSON reading (guardlint.parse.json_nodes) gives exactly what the YAML reading of the same
text gives, values and regions, or declines and leaves the text to it."""

from __future__ import annotations

import json
import re
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.parse import yaml_nodes
from guardlint.parse.json_nodes import (
    _NOT_JSON_AS_YAML,
    _NOT_YAML,
    load_json,
    load_json_stream,
)
from guardlint.parse.located import YamlError, YamlMap, YamlSeq, new_region
from guardlint.parse.yaml_nodes import load_documents
from tests.conftest import processor_seconds


def yaml_reading(text: str) -> tuple[list[Any], list[YamlError]]:
    """What load_documents gives without the JSON reading: the documents and the notes."""
    notes: list[YamlError] = []
    with patch.object(yaml_nodes, "load_json", return_value=None):
        return load_documents(text, notes=notes), notes


def assert_same(fast: Any, reference: Any, path: str = "$") -> None:
    assert type(fast) is type(reference), path
    if isinstance(fast, YamlMap):
        assert (fast.region, list(fast), fast.merged_keys) == (
            reference.region, list(reference), reference.merged_keys
        ), path  # fmt: skip
        for key in fast:
            assert fast.key_regions[key] == reference.key_regions[key], f"{path}.{key}"
            assert fast.value_regions[key] == reference.value_regions[key], f"{path}.{key}"
            assert_same(fast[key], reference[key], f"{path}.{key}")
    elif isinstance(fast, YamlSeq):
        assert (fast.region, fast.item_regions) == (reference.region, reference.item_regions)
        for index, (item, other) in enumerate(zip(fast, reference, strict=True)):
            assert_same(item, other, f"{path}[{index}]")
    else:
        assert fast == reference, path


def assert_read_as_yaml(text: str) -> None:
    fast = load_json(text)
    documents, notes = yaml_reading(text)
    assert fast is not None and not notes and len(documents) == 1
    assert_same(fast, documents[0])


SCALARS = (
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=25,
)
LAYOUTS = st.sampled_from([None, 0, 1, 2, "\t"])


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), VALUES, max_size=5) | st.lists(VALUES, max_size=5), LAYOUTS,
       st.booleans(), st.booleans())  # fmt: skip
def test_json_is_read_as_yaml_reads_it(document, indent, ensure_ascii, crlf):
    text = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)
    text = text.replace("\n", "\r\n") if crlf else text
    fast = load_json(text)
    if fast is None:
        # Declined only for what YAML reads otherwise that the generator writes: characters
        # YAML forbids or breaks lines at, surrogate escapes (ensure_ascii's for characters
        # past U+FFFF), keys too long for a YAML key.
        declined_for = (
            _NOT_YAML.search(text)
            or _NOT_JSON_AS_YAML.search(text)
            or re.search(r"\\u[dD][89a-fA-F]", text)
            or any(len(key) > 150 for key in _keys(document))
        )
        assert declined_for
        return
    if re.search(r"\\u[dD][89a-fA-F]", text):
        # YAML refuses surrogate pairs: the values are YAML's reading of the characters.
        pairs = r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
        as_characters = re.sub(pairs, lambda pair: json.loads(f'"{pair[0]}"'), text)
        (reference,) = yaml_reading(as_characters)[0]
        assert fast == reference
        return
    assert_read_as_yaml(text)


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(key for item in value.values() for key in _keys(item))]
    if isinstance(value, list):
        return [key for item in value for key in _keys(item)]
    return []


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, "b"], "c": {"d": null}}',
        "[1e5, 1.5e5, 1.5e-5, -0, 0.5, 1E+2, 12345678901234567890, true, false, null]",
        '{"\\u00e9\\n\\t\\"\\\\\\/\\b\\f": "x", "é😀": {"k": [[], {}]}}',
        '{\r\n\t"a": [1,\t2],\r\n "b": "c"}\r\n',
        '  \n{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}\n\n',
        '{"<<": {"a": 1}, "b": "*x", "&y": "!Ref z"}',
    ],
)
def test_json_the_yaml_reading_accepts_is_read_the_same(text):
    assert_read_as_yaml(text)


def test_a_surrogate_pair_escape_is_read_as_json_reads_it():
    """json.dumps (ensure_ascii, the default) writes a character past U+FFFF as a surrogate
    pair; CloudFormation, IAM, ECS and kubectl read it as that character. libyaml refuses it, so
    this reading takes the text (one character), and only a lone surrogate is declined."""
    text = json.dumps({"Description": "queue \U0001f600", "Resources": {}}, indent=2)
    assert "\\ud83d\\ude00" in text
    document = load_json(text)
    assert document == {"Description": "queue \U0001f600", "Resources": {}}
    assert (
        document.value_regions["Resources"]
        == load_json(text.replace("\\ud83d\\ude00", "x" * 12)).value_regions["Resources"]
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # YAML notes the duplicate
        "[1, 2,]",  # YAML reads a trailing comma
        '\t{"a": 1}',  # YAML refuses a tab there
        '{"a": 1}\n\t',
        '{"a": "\\ud83d"}',  # a lone surrogate: no UTF-8 encoder takes it
        '{"a": "\\ude00\\ud83d"}',
        '{"a": "x\u2028y"}',  # a line break to YAML
        '{"a": "x\x85y"}',
        '{"a":\r1}',
        '\ufeff{"a": 1}',
        '{"a": "\x7f"}',  # YAML does not allow the character
        "[" * 70 + "]" * 70,  # deeper than this reading goes
        '{"' + "k" * 1100 + '": 1}',  # too long for a YAML key
        '{"a"\n: 1}',  # a YAML key's `:` is on its line
        '{"a": 1} // comment',
        '{"a": 1, # comment\n"b": 2}',
        '"text"',
        "",
        "{",
        '{"a": 1]',
        "[1 2]",
        '{"a" 1}',
        "[01]",
        "[1.]",
        "[.5]",
        "[+1]",
        "['a']",
        "{a: 1}",
        "[tru]",
        "[nullx]",
    ],
)
def test_what_yaml_could_read_otherwise_is_left_to_it(text):
    assert load_json(text) is None
    try:
        expected: Any = yaml_reading(text)[0]
    except YamlError as exc:
        expected = str(exc)
    try:
        read: Any = load_documents(text)
    except YamlError as exc:
        read = str(exc)
    assert read == expected


def test_what_yaml_does_not_allow_is_what_pyyaml_s_reader_refuses():
    """_NOT_YAML names the characters PyYAML's NON_PRINTABLE, a negated class, takes: every
    code point is taken by both or by neither."""
    import yaml

    every_character = "".join(map(chr, range(0x110000)))
    refused = yaml.reader.Reader.NON_PRINTABLE.findall(every_character)
    assert _NOT_YAML.findall(every_character) == refused
    assert len(refused) == 2048 + 61 + 2  # surrogates, controls (not tab, LF, CR, NEL), U+FFFE-F


def test_a_duplicate_key_is_still_noted():
    notes: list[YamlError] = []
    assert load_documents('{"a": 1, "a": 2}', notes=notes) == [{"a": 2}]
    assert "duplicate key 'a'" in str(notes[0])


@pytest.mark.parametrize(
    "text",
    [
        "[" + " " * 1_000_000,  # blanks after an unclosed bracket
        '{"a": 1}' + " " * 1_000_000,
        '["' + "\\n" * 500_000 + '"]',
        "[" + "1," * 300_000 + "1]",
        '{"' + "\\u00e9" * 150_000,  # an unclosed string
    ],
)
def test_hostile_json_is_read_in_linear_time(text):
    started = processor_seconds()
    load_json(text)
    assert processor_seconds() - started < 5.0  # quadratic would take hours


def test_json_texts_one_after_another_are_the_documents_of_a_stream():
    """kubectl applies each object of a stream of JSON texts (what `jq '.items[]'` prints);
    YAML refuses it. Each is read as that text alone would be, where it is in the stream."""
    first, second = '{"a": [1, {"b": null}]}', '[\r\n  "c", 2.5]'
    documents = load_documents(f"  {first}\r\n\r\n{second}{first}\r\n")
    assert documents == [{"a": [1, {"b": None}]}, ["c", 2.5], {"a": [1, {"b": None}]}]
    assert [d.region for d in documents] == [
        new_region(1, 3, 1, 26),
        new_region(3, 1, 4, 12),
        new_region(4, 12, 4, 35),
    ]
    assert documents[2].value_regions["a"] == new_region(4, 18, 4, 34)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # one text: load_json's
        '{"a": 1}\n{"b": 2',  # the last one not closed
        '{"a": 1}\nx',
        '{"a": 1}\n"text"',
        '{"a": 1}\n\t{"b": 2}',  # a tab, which the single-text reading refuses too
        '{"a": 1} {"a": 1, "a": 2}',  # a duplicate key
        '{"a": 1}\n{"b": 2}\n{"c": 3}',  # past the documents allowed (two here)
    ],
)
def test_what_is_not_a_stream_of_json_texts_is_declined(text):
    assert load_json_stream(text, max_documents=2) is None


def test_a_long_stream_is_declined_in_linear_time():
    started = processor_seconds()
    assert load_json_stream("{}" * 500_000, max_documents=1_000) is None
    assert load_json_stream("[]" * 999 + "x" * 1_000_000, max_documents=1_000) is None
    assert processor_seconds() - started < 5.0
