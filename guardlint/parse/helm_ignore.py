"""Whether Helm leaves a chart's template out of every chart that would load it: a file its
`.helmignore` ignores is no part of the chart (helm package, template and install never read
it), so what it says is never deployed, and a `define` in it replaces nothing.

Helm loads a chart from a directory (loader.LoadDir) by walking it and skipping what the
chart's `.helmignore` ignores, with the default rule `templates/.?*` added (pkg/ignore/rules.go);
a directory ignored is skipped whole. A rule is one line, trimmed of white space; blank lines
and `#` comments are none; `!` negates and a trailing `/` wants a directory; a rule with a
leading `/` or any other `/` matches the path below the chart, one without the base name, by
Go's filepath.Match (guardlint.parse.go_glob; `**` and malformed patterns make Helm refuse the
chart). Rules are not gitignore's: a path is ignored where any rule fires, a negated rule
firing on every path it does not match (and on every file, if it wants a directory). A
subchart's files are loaded with its parent's (loader.LoadFiles), under the parent's rules
and not its own, and a subchart directory named with a leading `_` or `.` is not loaded. So
a file counts as left out only where every chart inside the scan root that loads it (its own,
and each that holds it through `charts/<name>`) leaves it out, and never where a chart that
would load it lies outside the scan root (its rules are not read).

Since a rule only ever adds to what is ignored, leaving one out is the sound side: a
`.helmignore` past MAX_BYTES or MAX_RULES, unreadable, or a rule past MAX_RULE_LENGTH or one
Go may read otherwise (a byte that is no UTF-8, a first line after a byte order mark, which
older Helm keeps), counts with the default rule only. Checking a path costs at most its length
times the rules' (each rule one expression, matched without going back).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

from guardlint.parse import recorder
from guardlint.parse.go_glob import BadPattern, compile_glob
from guardlint.parse.inputs import InputError, read_scanned_file, relative_path
from guardlint.parse.lazy_pattern import LazyPattern

HELM_IGNORE = ".helmignore"
MAX_BYTES = 64 * 1024  # a .helmignore's size
MAX_RULES = 1_000  # its rules (lines that are neither blank nor a comment)
MAX_RULE_LENGTH = 1_000  # characters of one rule
# A rule matched against a name costs at most their lengths' product: for one file, the rules'
# characters times those of the paths matched (the file's and each directory's on the way).
MAX_WORK = 1_000_000
# Names of a template's path below the scan root looked at (each chart on the way a loader):
# past them, it is taken as loaded by Helm, its cost kept within a constant per file.
MAX_DEPTH = 64
_CHART_FILE, _TEMPLATES, _CHARTS = "Chart.yaml", "templates", "charts"
# unicode.IsSpace, which strings.TrimSpace trims (not str.strip's \x1c-\x1f).
_GO_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_NOT_UTF8 = LazyPattern("[\udc80-\udcff]")


@dataclass(frozen=True, eq=False)  # never compared
class _Rule:
    """One rule: its expression (None: it matches nothing), matched against the whole path or
    only the base name, negated, wanting a directory."""

    expression: re.Pattern[str] | None
    whole_path: bool
    negated: bool
    directory_only: bool

    def fires(self, path: str, is_directory: bool) -> bool:
        """Whether this rule makes rules.Ignore say the path is ignored."""
        if self.directory_only and not is_directory:
            return self.negated
        name = path if self.whole_path else path.rsplit("/", 1)[-1]
        matched = self.expression is not None and self.expression.fullmatch(name) is not None
        return matched != self.negated


def left_out_by_helm(path: str, root: str) -> bool:
    """Whether every chart that loads the file at `path` (below a chart's templates/, inside
    the scan `root`) leaves it out, as the module's doc tells."""
    found = _loaders(path, root)
    if found is None:
        return False
    names, loaders = found
    return all(_leaves_out(_directory(names[:index]), names[index:], root) for index in loaders)


def loaded_with(path: str, other: str, root: str) -> bool:
    """Whether every chart that loads the template at `path` (each inside the scan `root`)
    loads `other` too, a file of the same templates/ (of the deepest of them, the file's own
    chart), so that Helm parses the two together whenever it renders the template."""
    found = _loaders(path, root)
    if found is None:
        return False
    names, loaders = found
    own = loaders[-1]
    beside = os.path.abspath(other).split(os.sep)[1:]
    return (
        names[own] == _TEMPLATES
        and len(beside) > own + 1
        and beside[: own + 1] == names[: own + 1]
        and not _NOT_UTF8.search(other)
        and not any(
            _leaves_out(_directory(names[:index]), beside[index:], root) for index in loaders
        )
    )


def _loaders(path: str, root: str) -> tuple[list[str], list[int]] | None:
    """The names of the absolute `path` and, for each chart that loads the file there as a
    template, the number of names its directory has, highest first; None where there is none
    or one lies outside the scan `root` (or the path holds a byte that is no UTF-8)."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    rel = relative_path(path, root)
    if rel == os.curdir or rel.startswith(os.pardir) or _NOT_UTF8.search(path):
        return None
    names = path.split(os.sep)[1:]
    inside = len(names) - len(rel.split(os.sep))  # names[inside:] lie below the root
    if len(names) - inside > MAX_DEPTH:
        return None
    loaders = [
        index
        for index in range(len(names) - 1)
        if _loads(names[index:]) and os.path.isfile(_directory(names[:index], _CHART_FILE))
    ]
    return (names, loaders) if loaders and loaders[0] >= inside else None


def _directory(names: list[str], *more: str) -> str:
    return os.path.join(os.sep, *names, *more)


def _loads(below: list[str]) -> bool:
    """Whether a chart loads the file at these names below it as a template: through
    `charts/<name>/` steps, then `templates/`."""
    index = 0
    while below[index] == _CHARTS and index + 2 < len(below):
        index += 2
    return below[index] == _TEMPLATES and index + 1 < len(below)


def _leaves_out(chart: str, below: list[str], root: str) -> bool:
    """Whether loading the chart at `chart` leaves out the file at names `below` it: a
    subchart named `_*` or `.*` on the way, or the chart's rules ignoring the file or a
    directory on the way."""
    index = 0
    while below[index] == _CHARTS and index + 2 < len(below):
        if below[index + 1][:1] in ("_", "."):
            return True
        index += 2
    paths = ["/".join(below[: count + 1]) for count in range(len(below))]
    rules, weight = _rules(chart, root)
    if weight * sum(map(len, paths)) > MAX_WORK:
        rules = rules[-1:]  # the default rule alone
    return any(
        rule.fires(path, count + 1 < len(paths))
        for count, path in enumerate(paths)
        for rule in rules
    )


@recorder.per_snapshot  # each chart's once a scan
def _rules(chart: str, root: str) -> tuple[tuple[_Rule, ...], int]:
    """The chart's rules, the default one last (the default one alone past a bound), and the
    characters of the others."""
    default = ((_default_rule(),), 0)
    try:
        data = read_scanned_file(
            os.path.join(chart, HELM_IGNORE), MAX_BYTES, os.path.realpath(root)
        )[0]
    except InputError:
        return default  # none there, or not to be read
    lines = data.split(b"\n")
    if data.startswith(_BYTE_ORDER_MARK):
        lines = lines[1:]  # newer Helm trims the mark, older keeps it in the rule
    texts = [
        text
        for line in lines
        if (text := line.decode("utf-8", "surrogateescape").strip(_GO_SPACE))
        and not text.startswith("#")
    ]
    if len(texts) > MAX_RULES:
        return default
    taken = [
        (text, rule)
        for text in texts
        if len(text) <= MAX_RULE_LENGTH and not _NOT_UTF8.search(text) and "**" not in text
        for rule in [_rule(text)]
        if rule is not None
    ]
    rules = tuple(rule for _, rule in taken) + default[0]
    return rules, sum(len(text) for text, _ in taken)


@functools.cache  # compiled where a chart is scanned, not as the module loads
def _default_rule() -> _Rule:
    """rules.AddDefaults: every dot file directly in templates/."""
    return _Rule(compile_glob("templates/.?*"), True, False, False)


def _rule(text: str) -> _Rule | None:
    """rules.parseRule's pattern of a trimmed rule; None where Helm refuses it."""
    try:
        compile_glob(text)
    except BadPattern:
        return None
    negated = text.startswith("!")
    pattern = text[1:] if negated else text
    directory_only = pattern.endswith("/")
    pattern = pattern[:-1] if directory_only else pattern
    whole_path = "/" in pattern
    try:
        expression: re.Pattern[str] | None = compile_glob(pattern.removeprefix("/"))
    except BadPattern:  # valid only before a `/` was stripped: its matcher fails, matching nothing
        expression = None
    return _Rule(expression, whole_path, negated, directory_only)
