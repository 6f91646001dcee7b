"""Which `#` of a scanned file is a comment of the file's own syntax.

An inline suppression (`# guardlint:ignore ...`) counts only in a real comment. The same text
inside data is data: in a YAML string (quoted, block or plain multi-line), in a Dockerfile
heredoc body or a quoted argument, and anywhere in a JSON file, which has no comments. The
parsers know the difference: libyaml's scanner gives every scalar's span (a `#` outside every
token is a comment), and the Dockerfile parser gives the instructions and heredoc bodies.

Only the places of `# guardlint:` candidates are asked about, so a file without one costs
nothing; YAML is scanned only as far as the last candidate.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TYPE_CHECKING

from guardlint.documents import ParsedFile
from guardlint.model.documents import SourceFile
from guardlint.parse.lazy_pattern import LazyPattern

if TYPE_CHECKING:
    from guardlint.documents.dockerfile_model import DockerfileModel

Place = tuple[int, int]  # 1-based line and column of a `#`
_BLOCK_STYLES = ("|", ">")
_YAML_LINE_BREAK = LazyPattern("\r\n?|[\n\x85\u2028\u2029]")


class RealComments:
    """The comment syntax of one file: which of some `#` places are comments."""

    def __init__(
        self,
        source: SourceFile,
        text: str,
        lines: list[str],
        dockerfile: DockerfileModel | None = None,
    ) -> None:
        self.text, self.lines, self.dockerfile = text, lines, dockerfile
        if source.kind == "dockerfile":
            self.syntax = "dockerfile"
        elif source.rel_path.lower().endswith(".json"):
            self.syntax = "json"
        else:
            self.syntax = "yaml"

    @classmethod
    def of(cls, parsed: ParsedFile) -> RealComments:
        """A parsed file's comments; a Dockerfile's model (when it parsed) says where its
        instructions and heredocs are."""
        models = [d.meta.get("model") for d in parsed.documents if d.kind == "dockerfile"]
        return cls(parsed.source, parsed.text, parsed.lines, models[0] if models else None)

    def among(self, places: Iterable[Place]) -> set[Place]:
        """The places that are in a comment."""
        places = sorted(set(places))
        if not places or self.syntax == "json":
            return set()
        if self.syntax == "dockerfile":
            return _dockerfile_comments(self.lines, places, self.dockerfile)
        return _yaml_comments(self.text, places)


def _yaml_comments(text: str, places: list[Place]) -> set[Place]:
    """A `#` that is in no scalar's text, where the scanner could read the file up to it. A
    block scalar's header line (`key: |  # note`) can hold a comment; its text cannot."""
    # here: only a YAML file's suppressions need them, and it has loaded them already
    from guardlint.parse.libyaml import LOADER
    from guardlint.parse.pyyaml import yaml

    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    offsets = {place: starts[place[0] - 1] + place[1] - 1 for place in places}
    last = max(offsets.values())
    scalar_starts: list[int] = []
    scalar_ends: list[int] = []
    readable = len(text)
    try:
        for token in yaml.scan(text, Loader=LOADER):
            start = token.start_mark.index
            if start > last:
                break
            if isinstance(token, yaml.ScalarToken):
                if token.style in _BLOCK_STYLES:
                    header_end = _YAML_LINE_BREAK.search(text, start)
                    start = header_end.end() if header_end else token.end_mark.index
                scalar_starts.append(start)
                scalar_ends.append(token.end_mark.index)
    except yaml.MarkedYAMLError as exc:
        # From the token being read when the scanner failed (an unclosed string) on, what is
        # text and what is a comment is unknown: nothing there is a comment.
        marks = [mark.index for mark in (exc.context_mark, exc.problem_mark) if mark]
        readable = min(marks, default=0)
    except yaml.YAMLError:
        readable = 0

    def in_scalar(offset: int) -> bool:
        index = bisect.bisect_right(scalar_starts, offset) - 1
        return index >= 0 and offset < scalar_ends[index]

    return {
        place for place, offset in offsets.items() if offset < readable and not in_scalar(offset)
    }


def _dockerfile_comments(
    lines: list[str], places: list[Place], model: DockerfileModel | None
) -> set[Place]:
    """A comment line (Docker drops it, also inside a continued instruction), or the rest of
    an instruction after a `#` that begins a word outside quotes (a shell comment: guardlint's
    convention for a trailing suppression). Heredoc bodies are data whatever they hold."""
    from guardlint.documents.dockerfile_model import layout  # only a Dockerfile's scan loads it

    shape = layout(lines, model)
    firsts = [first for first, _ in shape.instructions]
    holding = set()  # the instructions a place is in
    for line, _ in places:
        index = bisect.bisect_right(firsts, line) - 1
        if index >= 0 and line <= shape.instructions[index][1]:
            holding.add(shape.instructions[index])
    comment_starts: dict[int, int] = {}  # line -> column where the rest of it is a comment
    for first, last in holding:
        own_lines = [n for n in range(first, last + 1) if n not in shape.heredoc_lines]
        comment_starts.update(_trailing_comments(lines, own_lines, shape.escape))
    found = set()
    for line, column in places:
        if line in shape.heredoc_lines:
            continue
        start = comment_starts.get(line)
        if lines[line - 1].lstrip().startswith("#") or (start is not None and column >= start):
            found.add((line, column))
    return found


def _trailing_comments(lines: list[str], numbers: list[int], escape: str) -> dict[int, int]:
    """Where a comment begins on each of an instruction's own lines: at the first `#` that
    begins a word outside quotes, and then on every later line (the continued lines are one
    line to the shell, so the comment runs to the instruction's end)."""
    starts: dict[int, int] = {}
    quote: str | None = None
    for number in numbers:
        text = lines[number - 1]
        if starts:
            starts[number] = 1
            continue
        if text.lstrip().startswith("#"):
            continue  # a comment line inside the instruction: Docker drops it
        escaped, previous = False, " "
        for column, char in enumerate(text, start=1):
            if escaped:
                escaped = False
            elif char == escape and quote != "'":
                escaped = True
            elif quote is not None:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and previous.isspace():
                starts[number] = column
                break
            previous = char
    return starts
