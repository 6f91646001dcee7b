"""Host paths as rules compare them (guardlint/parse/host_path.py)."""

from __future__ import annotations

import time

import pytest

from guardlint.parse.host_path import comparable_host_paths, holds_host_path

_LISTED = ["/var/lib/kubelet/", "C:\\ProgramData\\Docker", "//etc/../var/lib/etcd", "/", "C:\\"]
PATHS = comparable_host_paths((*_LISTED, "\\\\.\\pipe\\docker_engine"))


@pytest.mark.parametrize(
    ("path", "holds"),
    [
        ("/", True),
        ("/var", True),
        ("/var/lib", True),
        ("c:/", True),
        ("c:/programdata", True),
        # A listed path itself, one below it, one beside it, a named pipe: none is above one.
        ("/var/lib/kubelet", False),
        ("/var/lib/kubelet/pods", False),
        ("/var/li", False),
        ("/var/lib/etc", False),
        ("c:/programdata/docker", False),
        ("\\\\.\\pipe", False),
    ],
)
def test_a_directory_above_a_listed_path_holds_it(path, holds):
    """Paths as comparable_host_path gives them: `/` and a drive's root hold everything on
    them; a named pipe holds nothing."""
    assert holds_host_path(path, PATHS) is holds


def test_no_paths_none_held():
    assert not holds_host_path("/", frozenset())


def test_an_option_of_many_components_is_compared_in_linear_time():
    """A rule option (a repository's config may set one) of a path of 200,000 components: each
    path is compared once, not split into every directory above it."""
    deep = comparable_host_paths(("/a" * 200_000,))
    start = time.process_time()
    assert holds_host_path("/a" * 100_000, deep)
    assert not holds_host_path("/b" * 100_000, deep)
    assert time.process_time() - start < 1.0
