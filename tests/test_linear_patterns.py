"""The linear-time patterns find what the backtracking ones they replaced found.

Each test checks a rewritten pattern (or its function) against the pattern it replaced, kept
here as the oracle, on text built from the pieces that matter to it. The hostile inputs the
rewrites exist for are in tests/hostile/test_linear_time.py.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.checks.cloudformation import access as cloudformation_access
from guardlint.checks.cloudformation import lambda_code
from guardlint.checks.dockerfile.packages import INSTALLS_TEXT
from guardlint.config import limits
from guardlint.documents import dockerfile as dockerfile_builder
from guardlint.documents.cloudformation.intrinsics import sub_variables
from guardlint.knowledge import (
    detector_values,
    detectors,
    iam_actions,
    placeholders,
    secret_names,
    secret_patterns,
    written_settings,
)
from guardlint.knowledge.shell_commands import VERSION_SUFFIX
from guardlint.parse import dockerfile as parse_dockerfile
from guardlint.parse import dockerfile_split
from guardlint.parse.dockerfile_lex import process_word
from guardlint.parse.linear_regex import compile_linear

EXAMPLES = settings(max_examples=400, deadline=None)


def text_of(*pieces: str, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


def old_wildcard(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower())
    return re.compile("".join(parts) + r"\Z")


@EXAMPLES
@given(text_of("a", "b", "*", "?", "[", ":", "A"), text_of("a", "b", "[", ":"))
def test_iam_wildcards(pattern, action):
    assert iam_actions.matches(pattern, action) == bool(old_wildcard(pattern.strip()).match(action))


@EXAMPLES
@given(text_of("A", "B", "a", "b", "1", "_", " "))
def test_acronym_split(name):
    expected = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    assert secret_names.separate_acronyms(name, " ") == expected


# The name starts in a run of name characters that no colon comes right before (the lazy skip
# takes the earliest start that matches).
OLD_ASSIGNMENT = re.compile(
    r"""(?<![\w.:-])[\w.-]*?"""
    r"""(?P<name>[A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?(?P<value>[A-Za-z0-9+/=_\-!@#%^&*.~]{12,})"""
)


@EXAMPLES
@given(text_of("pw", "a", "Z", "_", "1", ".", "-", "=", ":", "'", '"', " ", "!", "abcdefghijkl"))
def test_assignments(line):
    def pairs(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
        return [(m.group("name"), m.group("value")) for m in pattern.finditer(line)]

    assert pairs(written_settings.ASSIGNMENT) == pairs(OLD_ASSIGNMENT)


# The program is a word of its own (not `/etc/mysql/`, `mysql:mysql`, `mysql-server`).
OLD_COMMAND_CREDENTIALS = [
    re.compile(
        rf"\b{command}(?:\.exe)?(?=[\s'\"\\]|$)[^|;&\n]*?{option}"
        rf"(?P<value>{secret_patterns.ARG_END})"
    )
    for command, option in (
        # the user may be empty (`-u :pass`) or quoted apart from the password (`kevin:'pass'`,
        # a quote escaped too), as the pattern's own comment says
        ("curl", r"\s(?:-u\s*|--user[=\s]+)(?:\\?['\"])?[^\s:'\"]*(?:\\?['\"])?:(?:\\?['\"])?"),
        ("wget", r"\s--(?:http-|ftp-)?password[=\s]+['\"]?"),
        (r"docker\s+login", r"\s(?:-p|--password)[=\s]+['\"]?"),
        (r"(?:mysql|mariadb)(?:-?(?:dump|admin))?", r"\s(?:-p|--password=)['\"]?"),
    )
]


COMMAND_PIECES = (
    "curl", "wget", "docker", "login", "mysql", "dump", " ", " -u", " -p", "--user", "--password",
    "=", ":", "a", "b", "|", "'", "\n", "/", ".exe", "-",
)  # fmt: skip


@EXAMPLES
@given(text_of(*COMMAND_PIECES))
def test_command_line_passwords(command):
    # the patterns of the old ones' commands, in their order
    starts = (r"\bcurl", r"\bwget", r"\b(?:docker|", r"\b(?:mysql|")
    patterns = secret_patterns.COMMAND_CREDENTIALS
    new = [next(p for p in patterns if p.pattern.startswith(start)) for start in starts]
    for pattern, old in zip(new, OLD_COMMAND_CREDENTIALS, strict=True):
        values = [m.group("value") for m in pattern.finditer(command)]
        assert values == [m.group("value") for m in old.finditer(command)]


@EXAMPLES
@given(text_of("${", "{{", "}", "}}", "a", "resolve:", "$"))
def test_interpolations_on_re2(text):
    assert compile_linear(placeholders.INTERPOLATION_SOURCE).subn("", text) == (
        placeholders.INTERPOLATION.subn("", text)
    )


DETECTOR_PIECES = (
    "eyJ", "a", ".", "=", "/", "//", "/:_authToken=", "npm_", " ", "sk-", "T3BlbkFJ", "Ab1",
    "ABCDEFGHIJ0123456789", "xoxb-", "1-", "://", "u:", "@", "ghp_", "AKIA", "\n", "'", "-",
)  # fmt: skip


@EXAMPLES
@given(text_of(*DETECTOR_PIECES, max_size=30))
def test_detectors_on_re2(line):
    for detector in detectors.detectors():
        for pattern in detector.denylist:
            found = [m.group(0) for m in detector_values.linear_pattern(pattern).finditer(line)]
            assert found == [m.group(0) for m in pattern.finditer(line)]


OLD_INSTALLS = re.compile(
    r"\b(apt-get|apt|aptitude)\b[^;&|\n]*"
    r"\b(install|reinstall|upgrade|dist-upgrade|build-dep|satisfy|source|download)\b|"
    r"\bapk\b[^;&|\n]*\b(add|upgrade|fix|fetch)\b"
)


@EXAMPLES
@given(
    text_of(
        "apt", "apt-get", "aptitude", "apk", "install", "add", "fix", "download", " ", ";", "x", "-"
    )
)
def test_install_after_update(script):
    assert bool(INSTALLS_TEXT.search(script)) == bool(OLD_INSTALLS.search(script))


@EXAMPLES
@given(text_of("1", ".", "a", "\n", "3.12"))
def test_interpreter_versions(program):
    assert VERSION_SUFFIX.sub("", program) == re.sub(r"\d+(\.\d+)?$", "", program)


@EXAMPLES
@given(text_of("img", "a", "as", "AS", " ", "\t", "\n", "x"))
def test_from_alias(value):
    old = re.match(r"^(.*?)\s+as\s+(\S+)\s*$", value, re.IGNORECASE | re.DOTALL)
    new = dockerfile_builder.STAGE_ALIAS.match(value)
    assert (new and new.groups()) == (old and old.groups())


@EXAMPLES
@given(text_of("#", " ", "\t", "syntax", "=", "x", "a b"))
def test_directives(line):
    old = re.match(r"^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$", line.strip())
    known = old and old.group(1).lower() in ("syntax", "escape", "check")
    expected = {old.group(1).lower(): old.group(2)} if known else {}
    assert dockerfile_split.parser_directives([line]) == expected


@EXAMPLES
@given(text_of("<", "<<", "-", "'", '"', "\\", "EOF", " ", "\n", "a", "$A", "2", max_size=20))
def test_heredoc_markers(value):
    # Each marker is a word of the value that is one as BuildKit reads it: the words were
    # split in one pass and each is matched once (no search from every `<<` or quote).
    markers = dockerfile_split.heredoc_markers(value)
    assert len(markers) <= value.count("<<")
    assert all(delimiter and "<" not in delimiter for _, delimiter in markers)


@EXAMPLES
@given(text_of("$", "{", "}", "A", "B", ":-", "-", ":+", "#", "%", "/", "'", '"', "\\", "${A"))
def test_variable_substitution(text):
    # The lexer replaced a pattern: any text gives a value or None (refused), never an error,
    # and one without `$`, quotes or escapes is left as it is.
    result = process_word(text, {"A": "1", "B": None})
    assert result is None or isinstance(result, str)
    if not set(text) & set("$'\"\\"):
        assert result == text


@EXAMPLES
@given(text_of("--a", "--b", "=", '"', "'", " ", "x", "-"))
def test_flags(arguments):
    flags: dict[str, list[str]] = {}
    rest = arguments.lstrip()
    while rest.startswith("--") and (match := parse_dockerfile.FLAG.match(rest)):
        flags.setdefault(match.group(1).lower(), []).append(
            parse_dockerfile.unquote(match.group(2) or "")
        )
        rest = rest[match.end() :]
    assert parse_dockerfile.split_flags(arguments) == (flags, rest.strip())


@EXAMPLES
@given(text_of("$", "{", "}", "!", "a", " "))
def test_sub_references(text):
    old = re.findall(r"\$\{([^}]*)\}", text)
    assert sub_variables(text) == [n.strip() for n in old if not n.startswith("!")]
    assert lambda_code.unescape_sub(text) == re.sub(r"\$\{!([^}]*)\}", r"${\1}", text)


@EXAMPLES
@given(text_of("'", "a", " ", "\n", "x'"))
def test_quoted_password(text):
    old = re.search(r"'(.+)'\s*$", text, re.DOTALL)  # the value may span lines
    new = lambda_code.QUOTED_VALUE.search(text)
    assert (new and new.group(1)) == (old and old.group(1))


@EXAMPLES
@given(text_of("FullAccess", "IAM", "a", ".", "_", "AdministratorAccess", "PowerUserAccess"))
def test_cloudformation_names(policy):
    old_full = r"^(AdministratorAccess|PowerUserAccess|IAMFullAccess|\w*FullAccess\w*)$"
    assert bool(cloudformation_access.FULL_ACCESS.fullmatch(policy)) == bool(
        re.match(old_full, policy)
    )


@EXAMPLES
@given(text_of("1", "0", " ", "\t", "k", "KB", "mib", "B", "\n", "x"))
def test_sizes(text):
    old = re.match(r"^\s*(\d+)\s*(B|KB|KIB|MB|MIB|GB|GIB)?\s*$", text, re.IGNORECASE)
    units = {"B": 1, "KB": 1024, "KIB": 1024, "MB": 1024**2, "MIB": 1024**2, "GB": 1024**3}
    units["GIB"] = units["GB"]
    size = int(old.group(1)) * units[(old.group(2) or "B").upper()] if old else 0
    if 0 < size <= limits.MAX_FILE_SIZE:
        assert limits.parse_size(text) == size
    else:
        with pytest.raises(ValueError):
            limits.parse_size(text)


def old_counts_out(text: str) -> bool:
    """The loop counts_out_or_repeats ran over a token's characters, before its one search."""
    counted = either_case = 1
    for before, after in itertools.pairwise(text):
        letters = after.isascii() and after.isalpha() and before.isascii()
        following = letters and ord(after) - ord(before) == 1
        counted = counted + 1 if following else 1
        folded = letters and ord(after.lower()) - ord(before.lower()) == 1
        either_case = either_case + 1 if folded else 1
        if counted >= 8 or either_case >= 10:
            return True
    return False


@EXAMPLES
@given(text_of("@A", "ABC", "DEFG", "HIJ", "`a", "bcd", "efgh", "ij", "KLM", "s", "\u017f", "K",
               "\u212a", "x", "Z[", "0", max_size=10))  # fmt: skip
def test_counted_out_runs(text):
    expected = bool(placeholders._REPEATED.search(text)) or old_counts_out(text)
    assert placeholders.counts_out_or_repeats(text) == expected


@EXAMPLES
@given(
    st.lists(
        st.one_of(
            text_of("a", "b", "c", "d", "e", "\n", "+", "/", "-", max_size=6).map(
                lambda piece: piece * 2
            ),
            text_of("ab", "abc", "abcd", "abcde", "x", "\n", max_size=4).flatmap(
                lambda piece: st.integers(1, 8).map(lambda times: piece * times)
            ),
        ),
        max_size=6,
    ).map("".join)
)
def test_repeated_periods_are_found_where_the_pairs_allow(text):
    """The count of repeated pairs never keeps a text from the search for repeated periods."""
    assert placeholders.counts_out_or_repeats(text) == (
        bool(placeholders._REPEATED.search(text))
        or bool(compile_linear(placeholders._COUNTED_RUN).search(text))
    )


def old_expand(pattern: str) -> tuple:
    """iam_actions.expand as it tried a compiled wildcard on every action of each service."""
    pattern = pattern.strip()
    if pattern == "*":
        return iam_actions.expand("*")
    form = iam_actions.ACTION_FORM.match(pattern)
    if not form:
        return ()
    prefix, name = form.group(1).lower(), form.group(2).lower()
    database = iam_actions._database()
    services = [s for s in iam_actions.services_matching(prefix) if s in database]
    regex = iam_actions._wildcard(name)
    return tuple(a for s in services for key, a in database[s].items() if regex.match(key))


@EXAMPLES
@given(text_of("s3", "S3", "ec2", "*", "?", ":", "get", "Get", "Object", "o", "De", "scribe",
               "\u212a", "x", max_size=6))  # fmt: skip
def test_iam_expansions(pattern):
    assert iam_actions.expand(pattern) == old_expand(pattern)
