"""LazyPattern: a module-level regular expression compiled on first use, used as `re`'s."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys

from guardlint.parse.lazy_pattern import LazyPattern

# Scans a tree in this interpreter, then says whether the placeholder pattern was compiled.
PROBE = """
import sys
sys.argv = {arguments!r}
from guardlint.cli import main
from guardlint.knowledge import placeholders
try:
    main()
except SystemExit:
    pass
print("_compiled" in vars(placeholders._PLACEHOLDER))
"""
SOURCE = r"(?P<user>[a-z]+):(?P<password>[^@\s]+)@"


def test_nothing_is_compiled_until_the_pattern_is_used():
    pattern = LazyPattern(SOURCE, re.IGNORECASE)

    assert "_compiled" not in vars(pattern)
    assert pattern.search("ADMIN:s3cret@host").group("password") == "s3cret"
    assert "_compiled" in vars(pattern)


def test_it_answers_as_the_compiled_pattern_does():
    lazy, compiled = LazyPattern(SOURCE), re.compile(SOURCE)
    text = "a:b@ c:d@ x"

    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub("***@", text) == compiled.sub("***@", text)
    assert lazy.fullmatch("a:b@") is not None and lazy.match(" a:b@") is None
    assert lazy.findall(text) == compiled.findall(text) == [("a", "b"), ("c", "d")]
    assert (lazy.pattern, lazy.flags, lazy.groups) == (SOURCE, compiled.flags, 2)
    assert lazy.groupindex == compiled.groupindex
    assert lazy.scanner(text).search().span() == (0, 4)  # an attribute not kept: still answered


def test_it_pickles_as_its_source_and_a_missing_private_attribute_is_an_error():
    pattern = LazyPattern(SOURCE, re.IGNORECASE)
    pattern.search("x")

    copy = pickle.loads(pickle.dumps(pattern))

    assert "_compiled" not in vars(copy)
    assert copy.search("A:b@").group("user") == "A"
    assert repr(copy) == f"LazyPattern({SOURCE!r}, {re.IGNORECASE!r})"
    try:
        pattern._missing  # noqa: B018 - the lookup itself is what is tested
    except AttributeError as error:
        assert str(error) == "_missing"
    else:
        raise AssertionError("a private attribute the pattern lacks must not compile it")


def test_a_scan_of_a_dockerfile_with_no_secret_does_not_compile_the_placeholder_patterns(
    tmp_path,
):
    (tmp_path / "Dockerfile").write_text('FROM python:3.12-slim\nUSER app\nCMD ["app"]\n')
    arguments = ["guardlint", "scan", str(tmp_path), "-q", "-f", "json", "-o", str(tmp_path / "r")]
    probe = PROBE.format(arguments=arguments)

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)

    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
