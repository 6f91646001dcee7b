"""A file under a Helm chart's templates/ as Helm renders it, where that is known without values.

Helm runs every such file through Go's text/template. A file without an action (`{{`) renders
as it is written. An action inside a YAML comment renders inside that comment, whatever its
value (short of a line break in it), and a Go template comment (`{{/* ... */}}`) renders to
nothing; both may trim the white space beside them (`{{- `, ` -}}`), which can join lines. A
string literal prints its value, and control actions print nothing but choose which text
between them Helm renders (guardlint.parse.helm_actions): each rendering they can choose is
judged. A file whose every action is one of these is the manifest Helm deploys, and is judged
as one; any other action makes the text depend on values, and the file is left to a scan of
what `helm template` renders.

Where an action sits is decided by libyaml's scanner on the rendered text (it knows what is a
comment and what is inside a quoted or block scalar). The text judged keeps the file's lines:
each rendered line is put back on the line it starts on, with empty lines where trimming joined
lines, unless those empty lines would change the YAML (inside a block scalar), where the
rendered text itself is judged.

Helm then splits the rendered text into manifests where a line starts with `---`
(releaseutil.SplitManifests, for charts of apiVersion v1 and v2), also a `---` glued to what
follows (`---apiVersion: v1`), which YAML reads as a plain scalar, not a document's start: such
a `---` is judged as a line of its own, the lines after it one further down.
"""

from __future__ import annotations

import bisect
from re import Match
from typing import NamedTuple

from guardlint.parse.helm_actions import Variants, variants
from guardlint.parse.helm_pipelines import Action, read_action
from guardlint.parse.lazy_pattern import LazyPattern

# The text of a template's renderings together, at most, where it has more than one: each is
# parsed and judged (8 renderings of a 1 MiB template, 2 of a 4 MiB one).
MAX_RENDERED_CHARACTERS = 8 * 1024 * 1024

_LEFT, _RIGHT = "{{", "}}"
_COMMENT_OPEN, _COMMENT_CLOSE = "/*", "*/"
_TRIM = "-"
# text/template's white space (isSpace), which trim markers remove.
_SPACE_CHARACTERS = (" ", "\t", "\r", "\n")
_SPACES = "".join(_SPACE_CHARACTERS)
_SPACE_RUN = LazyPattern(r"[ \t\r\n]*")
# Inside an action: a string literal (which may hold `}}`), or the next `}}`.
_ACTION_PART = LazyPattern(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|}}|[^"`\'}]+|}')
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")  # libyaml's
# A `---` Helm splits manifests at that YAML reads as no document marker: glued to what follows
# at a line's start (after `\n`), or at the start after white space, which Helm trims.
_GLUED_SEPARATOR = LazyPattern(r"(?:(?<=\n)|\A[ \t\r\n]*)---(?=[^ \t\r\n])")


class _Action(NamedTuple):
    start: int  # the offset of its `{{`
    end: int  # the offset after its `}}`
    comment: bool  # a Go template comment, which renders to nothing
    trims_before: bool  # `{{- `: the white space before it goes
    trims_after: bool  # ` -}}`: the white space after it goes


def _has_trim_marker(text: str, at: int) -> bool:
    """`- ` at `at`: a left trim marker (a `-` with no white space after is a number's sign)."""
    return text.startswith(_TRIM, at) and text[at + 1 : at + 2] in _SPACE_CHARACTERS


def _right_delimiter(text: str, at: int) -> tuple[int, bool] | None:
    """(the offset after `}}`, whether ` -}}` trims) for a delimiter right at `at`."""
    if text[at : at + 1] in _SPACE_CHARACTERS and text.startswith(_TRIM + _RIGHT, at + 1):
        return at + 2 + len(_RIGHT), True
    if text.startswith(_RIGHT, at):
        return at + len(_RIGHT), False
    return None


def _action_close(text: str, at: int) -> tuple[int, bool] | None:
    """The end of an action whose body starts at `at` (its first `}}` outside a string
    literal), as for _right_delimiter; None when it has none."""
    position = at
    while (part := _ACTION_PART.match(text, position)) is not None:
        if part.group() == _RIGHT:
            trims = part.start() - at >= 2 and text[part.start() - 1] == _TRIM
            trims = trims and text[part.start() - 2] in _SPACES
            return part.end(), trims
        position = part.end()
    return None


def _actions(text: str) -> list[_Action] | None:
    """The actions of `text` as text/template's lexer reads them; None where it fails (an
    unclosed action or comment, a comment not closed at its delimiter): Helm renders nothing."""
    actions: list[_Action] = []
    position = 0
    while (start := text.find(_LEFT, position)) >= 0:
        body = start + len(_LEFT)
        trims_before = _has_trim_marker(text, body)
        if trims_before:
            body += 2
        if text.startswith(_COMMENT_OPEN, body):
            close = text.find(_COMMENT_CLOSE, body + len(_COMMENT_OPEN))
            end = None if close < 0 else _right_delimiter(text, close + len(_COMMENT_CLOSE))
            comment = True
        else:
            end, comment = _action_close(text, body), False
        if end is None:
            return None
        actions.append(_Action(start, end[0], comment, trims_before, end[1]))
        position = _SPACE_RUN.match(text, end[0]).end() if end[1] else end[0]
    return actions


def _gaps(text: str, actions: list[_Action]) -> list[tuple[int, int]]:
    """The text before each action and after the last, less what trim markers remove."""
    gaps: list[tuple[int, int]] = []
    position = 0
    for action in actions:
        stop = action.start
        if action.trims_before:
            stop = position + len(text[position:stop].rstrip(_SPACES))
        gaps.append((position, max(position, stop)))
        position = action.end
        if action.trims_after:
            position = _SPACE_RUN.match(text, position).end()
    gaps.append((position, max(position, len(text))))
    return gaps


class _Rendering(NamedTuple):
    text: str
    # Each piece of it: (where in the file it is written, its length, whether each of its
    # characters is written there in turn; an action's literal value is written at the action)
    pieces: list[tuple[int, int, bool]]
    outputs: list[int]  # where each action of an unknown value writes it


def _render(text: str, template: _Template, variant: int) -> _Rendering:
    """One variant of the text as Helm renders it, each unknown value left empty (its place
    kept)."""
    kept_texts, kept_actions = template.variants.kept(variant)
    parts: list[str] = []
    pieces: list[tuple[int, int, bool]] = []
    outputs: list[int] = []
    length = 0
    for index, (start, end) in enumerate(template.gaps):
        if kept_texts[index] and end > start:
            parts.append(text[start:end])
            pieces.append((start, end - start, True))
            length += end - start
        read = template.read[index] if index < len(template.read) else None
        if read is None or not read.prints() or not kept_actions[index]:
            continue  # a comment, a control action (which prints nothing), or not rendered
        if read.literal is None:
            outputs.append(length)
        elif read.literal:
            parts.append(read.literal)
            pieces.append((template.actions[index].start, len(read.literal), False))
            length += len(read.literal)
    return _Rendering("".join(parts), pieces, outputs)


def _last_line_start(text: str, start: int, end: int) -> int:
    """Where the last line of text[start:end] starts (`start` when no line breaks there)."""
    return max(start, max(text.rfind(character, start, end) for character in _LINE_BREAKS) + 1)


def _in_comments(rendered: str, places: list[int]) -> bool:
    """Every place (in order) is inside a YAML comment of `rendered`: outside every token, with
    a `#` after the last token before it and no line break since. False for text that is no
    YAML. Linear: each stretch of text between tokens or places is searched once."""
    from guardlint.parse.libyaml import LOADER
    from guardlint.parse.pyyaml import yaml

    starts: list[int] = []
    ends: list[int] = []
    try:
        for token in yaml.scan(rendered, Loader=LOADER):
            start, end = token.start_mark.index, token.end_mark.index
            if end > start:
                starts.append(start)
                ends.append(end)
    except yaml.YAMLError:
        return False
    commented = -1  # the last place found in a comment
    for place in places:
        index = bisect.bisect_right(starts, place) - 1
        if index >= 0 and place <= ends[index]:
            return False  # in a token or against one: the value becomes part of it
        after = ends[index] if index >= 0 else 0
        if commented >= after:  # the same comment, unless a line ended it
            if _last_line_start(rendered, commented, place) > commented:
                return False
        elif rendered.find("#", _last_line_start(rendered, after, place), place) < 0:
            return False  # between tokens, only white space since the line began
        commented = place
    return True


def _on_written_lines(text: str, rendering: _Rendering) -> str:
    """The rendered text with each line on the line of the file it starts on: empty lines
    where trimming joined lines or a comment spanned some."""
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    piece_starts: list[int] = []
    rendered_at = 0
    for _, length, _ in rendering.pieces:
        piece_starts.append(rendered_at)
        rendered_at += length
    placed: list[str] = []
    next_line = 0
    rendered_at = 0
    for line in rendering.text.splitlines(keepends=True):
        piece = bisect.bisect_right(piece_starts, rendered_at) - 1
        written_at, _, in_turn = rendering.pieces[piece]
        written_at += rendered_at - piece_starts[piece] if in_turn else 0
        written_line = bisect.bisect_right(line_starts, written_at) - 1
        written_line = max(written_line, next_line)  # a literal's lines: after the action's
        placed.append("\n" * (written_line - next_line))
        placed.append(line)
        next_line = written_line + (line != line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))
        rendered_at += len(line)
    return "".join(placed)


def _same_yaml(first: str, second: str) -> bool:
    """The two texts hold the same YAML events (marks aside)."""
    from guardlint.parse.libyaml import LOADER
    from guardlint.parse.pyyaml import yaml

    fields = ("anchor", "tag", "implicit", "value", "style", "flow_style", "explicit")

    def events(text: str) -> list[tuple]:
        return [
            (type(event), *(getattr(event, name, None) for name in fields))
            for event in yaml.parse(text, Loader=LOADER)
        ]

    try:
        return events(first) == events(second)
    except yaml.YAMLError:
        return False


class _Template(NamedTuple):
    actions: list[_Action]
    read: list[Action | None]  # what each action does (None: a comment)
    gaps: list[tuple[int, int]]
    variants: Variants


def static_texts(text: str) -> list[str] | None:
    """The texts of a chart's template as Helm renders it whatever the values, each distinct
    one once (one for each choice its control actions can make: helm_actions), on the file's
    lines where that keeps its YAML (and split into manifests where Helm splits it); None
    where the rendering depends on values or fails, or its renderings are too much text."""
    if _LEFT not in text:  # nearly every static file: rendered as it is
        return [_GLUED_SEPARATOR.sub(_separated, text) if "---" in text else text]
    actions = _actions(text)
    if actions is None:
        return None
    read = [None if action.comment else read_action(_body(text, action)) for action in actions]
    found = variants(read)
    if found is None or (found.count > 1 and found.count * len(text) > MAX_RENDERED_CHARACTERS):
        return None
    template = _Template(actions, read, _gaps(text, actions), found)
    texts: list[str] = []
    for variant in range(found.count):
        rendered = _rendered(text, _render(text, template, variant))
        if rendered is None:
            return None
        texts.append(_GLUED_SEPARATOR.sub(_separated, rendered) if "---" in rendered else rendered)
    return list(dict.fromkeys(texts))


def _body(text: str, action: _Action) -> str:
    """The text of an action between its delimiters and trim markers."""
    start = action.start + len(_LEFT) + 2 * action.trims_before
    return text[start : action.end - len(_RIGHT) - 2 * action.trims_after]


def _separated(glued: Match[str]) -> str:
    """A glued `---` as a line of its own (white space before the file's first one dropped, as
    Helm trims it: only line breaks kept)."""
    before = glued.group()[:-3]
    return "\n" * before.count("\n") + "---\n"


def _rendered(text: str, rendering: _Rendering) -> str | None:
    if rendering.outputs and not _in_comments(rendering.text, rendering.outputs):
        return None
    placed = _on_written_lines(text, rendering)
    if placed == rendering.text or _same_yaml(placed, rendering.text):
        return placed
    return rendering.text
