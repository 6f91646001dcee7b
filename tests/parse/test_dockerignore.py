"""A .dockerignore read as Docker reads it (guardlint.parse.dockerignore)."""

from __future__ import annotations

import pytest

from guardlint.parse.dockerignore import DockerIgnore
from tests.conftest import processor_seconds


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("id_rsa", "id_rsa", True),
        ("id_rsa", "keys/id_rsa", False),  # a pattern is a path from the context's top
        ("**/id_rsa", "keys/deep/id_rsa", True),
        ("**/id_rsa", "id_rsa", True),
        ("keys/**", "keys/a/b", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("*.pem", "x.pem", True),
        ("*.pem", "certs/x.pem", False),  # `*` crosses no `/`
        ("secrets", "secrets/a/b.key", True),  # a directory's files too
        ("/secrets/", "./secrets/x", True),  # cleaned, made relative
        ("secret?", "secrets", True),
        ("secret[s]", "secrets", True),
        ("secret[^s]", "secrets", False),
        ("f.(x)", "f.(x)", True),  # literal in filepath.Match
        ("f.x", "fax", False),
        ("  id_rsa  ", "id_rsa", True),
        ("# id_rsa", "# id_rsa", False),  # a comment
        ("\ufeffid_rsa", "id_rsa", True),
        ("*.key\n!keep.key", "keep.key", False),
        ("*.key\n!keep.key\nkeep*", "keep.key", True),  # the last match wins
        ("secrets\n!secrets/keep.key", "secrets/keep.key", False),
        ("[", "[", False),  # Docker refuses the pattern: it leaves nothing out
        ("id_rsa\\", "id_rsa", False),
        ("*", "..", False),  # outside the context
    ],
)
def test_patterns_as_docker_reads_them(patterns, path, excluded):
    assert DockerIgnore(patterns).excludes(path) is excluded


def test_a_hostile_ignore_file_and_path_take_bounded_time():
    """Every pattern is compiled when first needed and matched with every directory above the
    path: past the work budget nothing more is left out."""
    ignore = DockerIgnore("\n".join(f"**/a**b*{i}/**/c" for i in range(50_000)))
    path = "/".join(["a" * 40] * 100)
    started = processor_seconds()
    assert ignore.excludes(path) is False
    assert ignore.excludes(path + "/x") is False
    assert processor_seconds() - started < 2
