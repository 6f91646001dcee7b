"""Property tests: whatever bytes or mangled fixture a file holds, parsing and scanning it
never raises, never crashes a rule (GL002), and every file ends scanned, skipped, or as one
GL001 saying why.

The default suite runs few examples; `python bench/fuzz.py` runs thousands
(GUARDLINT_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.discover import kind_by_name
from guardlint.documents import SCANNED, SKIPPED, UNPARSABLE
from guardlint.documents.dockerfile import parse_dockerfile
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import FileOutcome, RuleRunner
from guardlint.engine.runner import scan_file
from guardlint.model.documents import SourceFile
from guardlint.parse.located import YamlError
from guardlint.parse.text import ParseError, decode
from guardlint.parse.yaml_nodes import load_documents
from guardlint.rulebook import load_rulebook

EXAMPLES = int(os.environ.get("GUARDLINT_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _parses(path: Path) -> bool:
    try:
        return bool(load_documents(path.read_text(encoding="utf-8")))
    except (YamlError, UnicodeDecodeError):
        return False  # the GL001 fixtures are broken on purpose


STRUCTURED = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.is_file() and p.suffix in (".yaml", ".yml", ".json") and _parses(p)
)
DOCKERFILES = sorted(p for p in FIXTURES.rglob("Dockerfile") if p.is_file())
IAC_NAMES = ["Dockerfile", "compose.yaml", "template.yaml", "template.json", "policy.json"]

_RUNNER: RuleRunner | None = None
_WORKDIR = tempfile.mkdtemp(prefix="guardlint-fuzz-")


def _runner() -> RuleRunner:
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = RuleRunner(load_rulebook(), ScanOptions(file_timeout=60))
    return _RUNNER


def scan_bytes(name: str, data: bytes) -> FileOutcome:
    """scan_file on `data` saved under `name`, with every rule enabled."""
    path = Path(_WORKDIR) / name
    path.write_bytes(data)
    kind = kind_by_name(name) or "structured"
    return scan_file(SourceFile(str(path), name, kind, _WORKDIR), _runner())


def assert_accounted_for(outcome: FileOutcome) -> None:
    crashes = [f.message for f in outcome.findings if f.rule_id == "GL002"]
    assert crashes == []
    assert outcome.status in (SCANNED, SKIPPED, UNPARSABLE)
    not_parsed = [f for f in outcome.findings if f.message.startswith("Could not ")]
    assert len(not_parsed) == (outcome.status == UNPARSABLE)
    if outcome.status == UNPARSABLE:
        assert not_parsed[0].rule_id == "GL001" and not_parsed[0].properties["reason"]


# -- the parsers alone ---------------------------------------------------------------------

YAMLISH = st.text(alphabet="[]{}:-,&*!|>'\"#?%@`\n \tabAW:S01.${}<=", max_size=300)


@FUZZ
@given(st.binary(max_size=400))
def test_decode_returns_text_or_a_parse_error(data):
    try:
        assert isinstance(decode(data), str)
    except ParseError as error:
        assert error.reason and error.line >= 1


@FUZZ
@given(st.one_of(YAMLISH, st.text(max_size=200)))
def test_yaml_layer_returns_documents_or_a_yaml_error(text):
    try:
        assert isinstance(load_documents(text), list)
    except YamlError as error:
        assert str(error) and error.line >= 1 and error.column >= 1


DOCKER_WORDS = st.sampled_from(
    [
        "FROM", "RUN", "CMD", "COPY", "ADD", "ENV", "ARG", "USER", "EXPOSE", "WORKDIR",
        "ENTRYPOINT", "HEALTHCHECK", "ONBUILD", "SHELL", "LABEL", "VOLUME", "STOPSIGNAL",
        "AS", "--from=0", "--chown=0", "--mount=type=secret,id=x", "<<EOF", "EOF", "\\",
        "[", "]", '"', "$X", "${X:-y}", "alpine:3.20", "sudo", "curl", "|", "sh", "&&", "#",
        "root", "0", "NONE", "CMD-SHELL", "=", "\t",
    ]
)  # fmt: skip
DOCKERFILE_TEXT = st.lists(st.lists(DOCKER_WORDS, max_size=6).map(" ".join), max_size=12).map(
    "\n".join
)


@FUZZ
@given(DOCKERFILE_TEXT)
def test_dockerfile_parser_accepts_any_text(text):
    source = SourceFile("Dockerfile", "Dockerfile", "dockerfile")
    try:
        documents = parse_dockerfile(text, text.splitlines(), source)
    except ParseError:
        return
    assert documents and all(document.kind == "dockerfile" for document in documents)


# -- the whole file pipeline: parse, classify, every rule ----------------------------------


@FUZZ
@given(st.sampled_from(IAC_NAMES), st.binary(max_size=300))
def test_any_bytes_under_an_iac_name(name, data):
    assert_accounted_for(scan_bytes(name, data))


@FUZZ
@given(DOCKERFILE_TEXT)
def test_any_dockerfile_text(text):
    assert_accounted_for(scan_bytes("Dockerfile", text.encode()))


def _plain(value: Any) -> Any:
    """YamlMap/YamlSeq (with CloudFormation tags in long form) to plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        items: Any = value.items()
    else:
        items = enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, (*prefix, key))


REPLACEMENTS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=12), st.just([]), st.just({}), st.just(""),
    st.lists(st.one_of(st.text(max_size=6), st.integers(), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.text(max_size=6), st.none()), max_size=2),
    st.sampled_from(
        [
            "*", "0.0.0.0/0", "::/0", "${AWS::Region}", "arn:aws:iam::*:root", "root", "latest",
            {"Ref": "Missing"}, {"Fn::If": ["Cond", "a", {"Ref": "AWS::NoValue"}]},
            {"Fn::GetAtt": ["X", "Arn"]}, {"Fn::Sub": ["${a}", {"a": 1}]}, {"Fn::Join": 5},
            {"Fn::Select": ["x", []]}, {"Fn::FindInMap": []}, {"Fn::Split": [",", 3]},
            {"Fn::Base64": None}, {"Condition": ["x"]}, {"Effect": "Allow"}, [None], [[]],
        ]
    ),
)  # fmt: skip


def _set(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


@pytest.mark.skipif(not STRUCTURED, reason="no fixtures")
@FUZZ
@given(st.data())
def test_fixture_with_one_value_of_the_wrong_type(data):
    fixture = data.draw(st.sampled_from(STRUCTURED), label="fixture")
    documents = [_plain(d) for d in load_documents(fixture.read_text(encoding="utf-8"))]
    index = data.draw(st.integers(0, max(0, len(documents) - 1)), label="document")
    if documents:
        path = data.draw(st.sampled_from(list(_paths(documents[index]))), label="path")
        replacement = data.draw(REPLACEMENTS, label="replacement")
        documents[index] = _set(documents[index], path, copy.deepcopy(replacement))
    text = yaml.safe_dump_all(documents, sort_keys=False)
    # A .json fixture comes back as YAML: same documents, same kinds.
    assert_accounted_for(scan_bytes(fixture.stem + ".yaml", text.encode()))


MUTATIONS = st.sampled_from(["delete", "insert", "flip", "truncate", "duplicate-line", "drop-line"])


@pytest.mark.skipif(not (STRUCTURED or DOCKERFILES), reason="no fixtures")
@FUZZ
@given(st.data())
def test_fixture_with_damaged_bytes(data):
    fixture = data.draw(st.sampled_from(STRUCTURED + DOCKERFILES), label="fixture")
    content = bytearray(fixture.read_bytes())
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        kind = data.draw(MUTATIONS)
        at = data.draw(st.integers(0, max(0, len(content) - 1)))
        if kind == "delete":
            del content[at : at + data.draw(st.integers(1, 20))]
        elif kind == "insert":
            content[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif kind == "flip" and content:
            content[at] ^= 1 << data.draw(st.integers(0, 7))
        elif kind == "truncate":
            del content[at:]
        else:
            lines = bytes(content).split(b"\n")
            line = data.draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate-line":
                lines.insert(line, lines[line])
            else:
                del lines[line]
            content = bytearray(b"\n".join(lines))
    assert_accounted_for(scan_bytes(fixture.name, bytes(content)))
