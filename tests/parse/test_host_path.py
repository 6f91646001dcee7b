"""Host paths as rules compare them (guardlint/parse/host_path.py)."""

from __future__ import annotations

from guardlint.parse.host_path import comparable_host_path_ancestors


def test_the_directories_above_an_options_paths_are_comparable():
    """Each directory above a listed path, as comparable_host_path writes it (`/` and a
    drive's root included, a Windows drive path in lower case, `.`/`..` folded); a root and a
    named pipe have none above them."""
    paths = ["/var/lib/kubelet/", "C:\\ProgramData\\Docker", "//etc/../var/lib/etcd", "/", "C:\\"]
    paths.append("\\\\.\\pipe\\docker_engine")
    ancestors = comparable_host_path_ancestors(tuple(paths))
    assert ancestors == {"/", "/var", "/var/lib", "c:/", "c:/programdata"}


def test_no_paths_no_ancestors():
    assert comparable_host_path_ancestors(()) == frozenset()
