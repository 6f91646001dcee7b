"""Passwords a command reads from its standard input, written in the file: a literal echoed or
printed into (`echo 'app:pa$$w0rd' | chpasswd`, `printf '...' | docker login --password-stdin`)
or given as a here-string to (`chpasswd <<< 'app:...'`, `passwd --stdin app <<< ...`) chpasswd,
`passwd --stdin`, a `--password-stdin` login (docker, podman, helm registry, oras, skopeo,
nerdctl ...), `sudo -S`, `htpasswd -i`, `docker secret create NAME -` or openssl's
`-passin stdin`. Single-quoted, a `$` is a `$`; in double quotes or none, the value has no
expansion and ends at its word's end. Each is found in time linear in the text."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.parse.lazy_pattern import LazyPattern

# A `user:password` line echoed into chpasswd, or written to its input as a here-string. A
# password in single quotes is what the shell passes, `$` and all (`'app:pa$$w0rd'`); in double
# quotes or none, it has no expansion and ends at the word's end (not the `pre` of
# `"app:pre$SUFFIX"`).
_ECHO = r"\b(?:echo|printf)\s+(?:-[neE]+\s+)?"
_SINGLE_QUOTED_PASSWORD = r"[^\s'\\]+"
_PLAIN_PASSWORD = r"[^\s'\":$\\|;&`]+"
_CHPASSWD_LINE = (
    rf"(?:'[\w.@-]+:(?P<{{0}}single>{_SINGLE_QUOTED_PASSWORD})(?:\\n)?'"
    rf"|(?P<{{0}}quote>\"?)[\w.@-]+:(?P<{{0}}plain>{_PLAIN_PASSWORD})(?:\\n)?(?P={{0}}quote)"
    r"(?=$|[\s;&|)]))"
)
_CHPASSWD = LazyPattern(
    rf"(?:{_ECHO}{_CHPASSWD_LINE.format('piped_')}\s*\|\s*(?:sudo\s+)?chpasswd\b)"
    rf"|(?:\bchpasswd\s*<<<\s*{_CHPASSWD_LINE.format('here_')})"
)
# A literal echoed into a command that reads its password from standard input.
_STDIN_WORD = (
    rf"(?:'(?P<single>{_SINGLE_QUOTED_PASSWORD})'"
    r"|(?P<quote>\"?)(?P<plain>[^\s'\"$\\|;&`]+)(?P=quote)(?=$|[\s;&|)<]))"
)
# What makes a command read a password or secret from its standard input: a login's
# `--password-stdin` (docker, podman, buildah, skopeo, helm registry, oras, crane, nerdctl),
# `passwd --stdin`, sudo's `-S` (its user's password), htpasswd's `-i` (alone or among its
# letters: `-Bic`), `docker secret create NAME -` (Podman's too), openssl's `-passin stdin`
# (`-pass`, `-passout`). Each starts a word; htpasswd's options are read one by one.
_STDIN_READERS = (
    r"(?<!\S)(?:--password-stdin|passwd\s+--stdin"
    r"|sudo(?:\s+-[A-Za-z]*)*?\s+(?:-[A-Za-z]*S|--stdin)"
    r"|htpasswd(?:\s+-[A-Za-z]+)*?\s+-[A-Za-z]*i[A-Za-z]*"
    r"|secret\s+create\s+[^\s|;&-][^\s|;&]*\s+-|-pass(?:in|out)?\s+stdin)(?!\S)"
)
_STDIN_PASSWORD = LazyPattern(rf"{_ECHO}{_STDIN_WORD}\s*\|[^|;&\n]*?{_STDIN_READERS}")
# A command that reads its password from standard input, and a here-string it is given: each
# command's text (between its operators) is searched once for each.
_COMMAND_TEXT = LazyPattern(r"[^|;&\n]+")
_READS_STDIN_PASSWORD = LazyPattern(_STDIN_READERS)
_HERE_STRING = LazyPattern(rf"<<<\s*{_STDIN_WORD}")


def stdin_passwords(text: str, folded: str) -> Iterator[tuple[int, str]]:
    """(where it starts, the value) of each password fed to a command's standard input in
    `text` (`folded`: case-folded)."""
    if "chpasswd" in folded:
        for match in _CHPASSWD.finditer(text):
            group = next(g for g in _CHPASSWD_GROUPS if match.group(g) is not None)
            yield match.start(group), match.group(group)
    if "stdin" in folded or "-s" in folded or "htpasswd" in folded or "create" in folded:
        yield from _stdin_passwords(text)


_CHPASSWD_GROUPS = ("piped_single", "piped_plain", "here_single", "here_plain")


def _stdin_passwords(text: str) -> Iterator[tuple[int, str]]:
    """Each literal echoed or printed into, or given as a here-string to, a command that reads
    its password from standard input (_STDIN_READERS)."""
    found = list(_STDIN_PASSWORD.finditer(text))
    if "<<<" in text:
        for command in _COMMAND_TEXT.finditer(text):
            if "<<<" in command.group() and _READS_STDIN_PASSWORD.search(command.group()):
                here = _HERE_STRING.search(text, command.start(), command.end())
                found.extend(() if here is None else (here,))
    for match in sorted(found, key=lambda match: match.start()):
        group = "plain" if match.group("single") is None else "single"
        yield match.start(group), match.group(group)
