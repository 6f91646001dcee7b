"""The linear rewrites of quadratic code give what the code they replaced gave.

Each test checks a rewritten function against the one it replaced, kept here as the oracle, on
text built from the pieces that matter to it. The hostile inputs the rewrites exist for are in
tests/hostile/test_linear_time.py.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.checks.dockerfile.hits import hit, in_stage, is_remote
from guardlint.checks.dockerfile.layer_files import covers
from guardlint.checks.dockerfile.secrets import secret_removed_in_later_layer
from guardlint.checks.dockerfile.sensitive_files import Destination, is_sensitive_path
from guardlint.documents import dockerfile as dockerfile_builder
from guardlint.documents.cloudformation import template as cfn_eval
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.dockerfile_model import DockerfileModel
from guardlint.findings.literals import Literals, Occurrences
from guardlint.knowledge.shell_commands import operands
from guardlint.model.findings import Hit
from guardlint.model.rules import Severity
from guardlint.parse.compose_interpolation import interpolate
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.shell import Command
from guardlint.suppress.intervals import first_overlapping

EXAMPLES = settings(max_examples=400, deadline=None)


def text_of(*pieces: str, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


# --- suppressions: the first directive whose lines overlap a finding's --------------------

SPAN = st.tuples(st.integers(1, 30), st.integers(1, 30))


@EXAMPLES
@given(st.lists(SPAN, max_size=12), st.lists(SPAN, max_size=12))
def test_first_overlapping(spans, queries):
    """What suppress.apply_inline asked every directive in turn: the first that overlaps."""
    expected = [
        next((i for i, (a, b) in enumerate(spans) if a <= last and first <= b), None)
        for first, last in queries
    ]
    assert first_overlapping(spans, queries) == expected


# --- DKR018: every copied file against every later `rm` target ---------------------------


def old_copied_paths(instruction: Instruction, workdir: str) -> list[tuple[str, str]]:
    sources = instruction.sources
    destination = instruction.destination
    if not sources or "$" in destination:
        return []
    if not destination.startswith("/"):
        destination = posixpath.join(workdir, destination)
    into_directory = destination.endswith("/") or len(sources) > 1
    paths = []
    for source in sources:
        if is_remote(source) or "$" in source:
            continue
        name = posixpath.basename(source.rstrip("/"))
        is_directory = source.endswith("/") or name in ("", ".")
        target = (
            posixpath.join(destination, name)
            if into_directory and not is_directory
            else destination
        )
        paths.append((source, posixpath.normpath(target)))
    return paths


def old_removed_paths(commands: list[Command], workdir: str) -> list[str]:
    """What each `rm` deletes, read from where the script's `cd`s moved it: from a directory
    not known (`cd $H`), only an absolute path is known, and a `cd` to one knows it again."""
    removed: list[str] = []
    cwd: str | None = workdir
    for command in commands:
        targets = operands(command.args)
        if command.program == "cd":
            target = targets[0] if targets else "/root"
            cwd = None if target == "-" else _old_resolved(cwd, target)
        elif command.program == "rm":
            removed += [path for t in targets if (path := _old_resolved(cwd, t)) is not None]
    return removed


def _old_resolved(cwd: str | None, target: str) -> str | None:
    if "$" in target or (cwd is None and not target.startswith("/")):
        return None
    return posixpath.normpath(posixpath.join(cwd or "/", target))


def _strictly_below(path: str, directory: str) -> bool:
    """`path` lies inside `directory` (`//x` is below `//`, not `/`: a root of its own)."""
    if path == directory or path.startswith("//") != directory.startswith("//"):
        return False
    return path.startswith(directory.rstrip("/") + "/")


def old_secret_removed_in_later_layer(model: DockerfileModel) -> Iterator[Hit]:
    """Each copied file against each later `rm` target, and each target against each earlier
    copy of a directory above it (a key or credential removed from inside it)."""
    for stage in model.stages:
        workdir = "/"
        added: list[tuple[str, str, Instruction]] = []  # not deleted yet
        copied: list[tuple[str, Instruction]] = []  # every copy, in order
        deleted: dict[tuple[int, str], tuple[Instruction, bool]] = {}
        for position, instruction in enumerate(stage.instructions):
            directory = instruction.expanded_value or "$"  # variables substituted, as read now
            if instruction.keyword == "WORKDIR" and "$" not in directory:
                workdir = posixpath.join(workdir, directory.strip().strip("\"'"))
            elif instruction.keyword in ("COPY", "ADD"):
                paths = old_copied_paths(instruction, workdir)
                added += [(s, p, instruction) for s, p in paths]
                copied += [(p, instruction) for _, p in paths]
            elif instruction.keyword == "RUN":
                removed = old_removed_paths(instruction.commands, workdir)
                for source, path, origin in list(added):
                    if any(covers(target, path) for target in removed):
                        added.remove((source, path, origin))
                        # A key by its name, or by where it was copied to (DKR015's reading).
                        destination = Destination.of(origin)
                        sensitive = is_sensitive_path(source) or bool(
                            destination and destination.takes_credential(source)
                        )
                        deleted.setdefault((position, path), (origin, sensitive))
                for target in removed:
                    above = [origin for path, origin in copied if _strictly_below(target, path)]
                    if above and is_sensitive_path(target):
                        deleted.setdefault((position, target), (above[0], True))
        for (position, path), (origin, sensitive) in sorted(deleted.items()):
            yield hit(
                stage.instructions[position],
                stage,
                f"{path} is added by {origin.keyword} at line {origin.start_line} and "
                f"deleted by this RUN in {in_stage(stage)}, but it stays "
                "readable in the earlier layer"
                + ("; use a RUN --mount=type=secret instead." if sensitive else "."),
                severity=None if sensitive else Severity.LOW,
                properties={"path": path, "added_at": origin.start_line},
            )


PATHS = (
    "/", "//", "/a", "a", "a/", "/a/b", "a/b", "b", "..", "../a", "/a/..", ".", "*", "/a/*",
    "/*", "?", "/a/?", "[a]", "/[a]", "[", "/a[", "id_rsa", "/a/id_rsa", "$H",
)  # fmt: skip
WORD = st.one_of(
    st.sampled_from(PATHS),
    text_of(*PATHS, max_size=3).filter(lambda word: word.strip() != ""),
)
INSTRUCTION = st.one_of(
    st.builds("WORKDIR {}".format, WORD),
    st.builds(
        lambda keyword, sources, destination: f"{keyword} {' '.join(sources)} {destination}",
        st.sampled_from(["COPY", "ADD"]),
        st.lists(WORD, min_size=1, max_size=3),
        WORD,
    ),
    st.builds(lambda targets: f"RUN rm -rf {' '.join(targets)}", st.lists(WORD, max_size=3)),
    st.builds(lambda cd, target: f"RUN cd {cd} && rm {target}", WORD, WORD),
    st.just("FROM alpine AS next"),
)


@EXAMPLES
@given(st.lists(INSTRUCTION, max_size=20))
def test_files_removed_in_later_layers(instructions):
    model = dockerfile_builder.build_model(["FROM alpine", *instructions])
    document = SimpleNamespace(meta={"model": model})
    new = list(secret_removed_in_later_layer(document, None))
    # Hits are built without __eq__ (the scan never compares them): compare their fields.
    assert [vars(h) for h in new] == [vars(h) for h in old_secret_removed_in_later_layer(model)]


# --- Compose interpolation: recursive, each default rescanned to its closing brace ---------

OLD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OLD_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+?])?(?P<rest>.*)", re.S)


def old_interpolate(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 2]
        if char != "$" or not following:
            out.append(char)
            index += 1
        elif following == "$":
            out.append("$")
            index += 2
        elif following == "{":
            end = old_closing_brace(text, index + 2)
            if end < 0:
                out.append(text[index:])
                break
            out.append(old_expand(text[index + 2 : end]))
            index = end + 1
        elif match := OLD_NAME.match(text, index + 1):
            out.append("${" + match.group() + "}")
            index = match.end()
        else:
            out.append(char)
            index += 1
    return "".join(out)


def old_closing_brace(text: str, start: int) -> int:
    depth = 1
    for index in range(start, len(text)):
        if text.startswith("${", index):
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def old_expand(body: str) -> str:
    match = OLD_BRACED.fullmatch(body)
    if match is None:
        return "${" + body + "}"
    if match.group("op") in ("-", ":-", "+", ":+"):
        return old_interpolate(match.group("rest"))
    return "${" + match.group("name") + "}"


@EXAMPLES
@given(
    text_of(
        "$", "$$", "{", "}", "${", "A", "B1", "_", ":", "-", "+", "?", ":-", ":+", ":?", "x",
        " ", "\n", "${A", "${A:-", "${A-", "${B:+", "${B+", "${A:?", "${A?", "${1", "$A", "é",
        max_size=16,
    )
)  # fmt: skip
def test_compose_interpolation(text):
    assert interpolate(text) == old_interpolate(text)


# --- redaction: every secret of the file in each snippet, by one alternation in `re` --------

LITERAL = text_of("a", "b", "ab", "=", "\\", "é", "𝄞", "\ud800", "\n", max_size=5)


@EXAMPLES
@given(
    st.sets(LITERAL.filter(bool), min_size=1, max_size=8),
    text_of("a", "b", "x", "=", "é", "𝄞", "\ud800", "\n"),
)
def test_literals(texts, text):
    old = re.compile("|".join(map(re.escape, sorted(texts, key=len, reverse=True))))
    assert Literals(texts).sub("<redacted>", text) == old.sub("<redacted>", text)
    assert Literals(texts).search(text) == bool(old.search(text))


def old_occurrences(texts: set[str], text: str) -> list[tuple[int, str]]:
    found = []
    for value in texts:
        column = text.find(value)
        while column >= 0:
            found.append((column, value))
            column = text.find(value, column + len(value))
    return sorted(found)


@EXAMPLES
@given(
    st.sets(LITERAL.filter(bool), min_size=1, max_size=8),
    text_of("a", "b", "x", "=", "é", "𝄞", "\ud800", "\n"),
)
def test_occurrences(texts, text):
    assert sorted(Occurrences(texts).find(text)) == old_occurrences(texts, text)


# --- CloudFormation values: every combination of every part's values ----------------------

TEMPLATE = {
    "Parameters": {"P": {"Type": "String", "Default": "k"}},
    "Mappings": {"M": {"k": {"v": "1", "w": "x"}, "j": {"v": "0", "w": {"Ref": "P"}}}},
    "Resources": {},
}
EXPRESSION = st.recursive(
    st.sampled_from(["M", "k", "j", "v", "w", "0", "1", "2", "x", {"Ref": "P"},
                     {"Ref": "AWS::Region"}, {"Fn::GetAtt": ["R", "Arn"]}]),
    lambda inner: st.one_of(
        st.builds(lambda a, b: {"Fn::If": ["C", a, b]}, inner, inner),
        st.builds(lambda items: {"Fn::Join": ["-", items]}, st.lists(inner, max_size=3)),
        st.builds(lambda a: {"Fn::Sub": ["${A}.${P}", {"A": a}]}, inner),
        st.builds(lambda a, items: {"Fn::Select": [a, items]}, inner, st.lists(inner, max_size=3)),
        st.builds(lambda a, b, c: {"Fn::FindInMap": [a, b, c]}, inner, inner, inner),
    ),
    max_leaves=40,
)  # fmt: skip


def old_possible_values(expression: Any) -> list[Any]:
    """The evaluator before each part kept only some of its values."""
    with patch.object(cfn_eval, "PART_VALUES", 10**9):
        return Template(TEMPLATE).possible_values(expression)


@EXAMPLES
@given(EXPRESSION)
def test_cloudformation_possible_values(expression):
    assert Template(TEMPLATE).possible_values(expression) == old_possible_values(expression)
