"""The heredocs an instruction opens, as BuildKit's parser finds them (moby/buildkit
frontend/dockerfile/parser/parser.go `heredocsFromLine` and `ParseHeredoc`, every release with
heredocs since the shell-word names of moby/buildkit#2213, and the blanks after `<<` of
BuildKit v0.22, docker/dockerfile 1.16, moby/buildkit#5817).

BuildKit splits the instruction into words with its shell lexer keeping quotes, escapes and
unset variables as written, and fails the whole split (no heredoc at all) on an unclosed quote
or a `${` it refuses. `<<` takes the spaces, tabs and carriage returns after it into its word.
A word is a heredoc when it is digits, `<<`, an optional `-`, blanks, then text without `<`
that lexes (quotes and escapes removed) to exactly one word, the delimiter: `<<E_X`,
`<<file.txt`, `<< EOF`, `<<'one two'` are heredocs; `cat<<EOF`, `\\<<EOF`, `$X<<EOF` (the
variable is kept as written) and `<<<EOF` are not. Words end at Go's unicode.IsSpace, not at
Python's (`\\x1c`-`\\x1f` are no blanks to Go).
"""

from __future__ import annotations

import re

from guardlint.parse.dockerfile_lex import written_words

_MARKER = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)")  # Go's \d and \s


def heredoc_markers(value: str, marker_blanks: bool = True) -> list[tuple[bool, str]]:
    """(strip_tabs, delimiter) of each heredoc an instruction's arguments open, in order;
    without `marker_blanks`, as a frontend before docker/dockerfile 1.16 reads them, blanks
    after `<<` end its word (`<< EOF` opens none)."""
    if "<<" not in value:
        return []
    found = []
    for word in written_words(value, raw=True, marker_blanks=marker_blanks) or []:
        marker = _MARKER.fullmatch(word)
        if marker is None or not marker.group(3):
            continue
        # None: BuildKit refuses the Dockerfile, nothing is built
        name = written_words(marker.group(3), raw=False)
        if name is not None and len(name) == 1:
            found.append((marker.group(2) == "-", name[0]))
    return found
