"""A link is resolved without looking outside the scan root (guardlint.parse.beneath): the
moment a link's target leaves the root the path leads out, whatever lies beyond. With
os.path.realpath a link to `/X/../<root>/b` led inside or out as `/X`, outside the checkout,
was a directory, missing or a link, so what a scan read and reported told a hostile
repository's author about the machine's file system."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from guardlint.parse.beneath import MAX_LINKS, resolve_beneath
from guardlint.parse.inputs import LEADS_OUTSIDE, InputError, read_input
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.test_outside_references import CASES

WORLDS = ("missing", "directory", "link")
DOCKERFILE = "FROM ubuntu:latest\nUSER root\n"


def _world(tmp_path: Path, world: str) -> Path:
    """A repository whose `probe` links to `<outside>/X/../repo/inside`, on a machine where
    `<outside>/X` is missing, a directory, or a link to a directory elsewhere (where a
    `repo/inside` of other content lies)."""
    base = tmp_path / world
    repo = base / "repo"
    write_file(repo, "inside/secrets.env", "A=1\n")
    write_file(repo, "inside/Dockerfile.real", DOCKERFILE)
    write_file(base / "elsewhere" / "repo" / "inside", "secrets.env", "B=2\n")
    write_file(base / "elsewhere" / "repo" / "inside", "Dockerfile.real", DOCKERFILE)
    (base / "elsewhere" / "deep").mkdir()
    if world == "directory":
        (base / "X").mkdir()
    elif world == "link":
        (base / "X").symlink_to(base / "elsewhere" / "deep")
    (repo / "probe").symlink_to(f"{base}/X/../repo/inside")
    return repo


def _report(repo: Path) -> tuple:
    result = run_scan(repo, root=str(repo))
    found = sorted((f.rule_id, f.path, f.region.start_line, f.message) for f in result.findings)
    return found, dict(result.skipped_files), dict(result.skipped_dirs)


@pytest.mark.parametrize("case", CASES)
def test_what_lies_outside_the_root_never_changes_a_reference(tmp_path, case):
    name, text, line, _ = CASES[case]
    reports = []
    for world in WORLDS:
        repo = _world(tmp_path, world)
        write_file(repo, name, text.format(ref="probe/secrets.env"))
        reports.append(_report(repo))
    assert reports[0] == reports[1] == reports[2]
    notes = [f for f in reports[0][0] if f[0] == "GL001" and "probe/secrets.env" in f[3]]
    assert [(f[2], LEADS_OUTSIDE in f[3]) for f in notes] == [(line, True)]


def test_what_lies_outside_the_root_never_changes_what_discovery_finds(tmp_path):
    reports = []
    for world in WORLDS:
        repo = _world(tmp_path, world)
        (repo / "Dockerfile").symlink_to("probe/Dockerfile.real")
        (repo / "linked").symlink_to("probe")
        reports.append(_report(repo))
    assert reports[0] == reports[1] == reports[2]
    assert reports[0][1:] == ({"link-outside-root": 3, "not-iac-name": 1}, {})


@pytest.mark.parametrize("world", WORLDS)
def test_the_reader_never_follows_a_link_out_and_back(tmp_path, world):
    repo = _world(tmp_path, world)
    with pytest.raises(InputError, match=LEADS_OUTSIDE):
        read_input(str(repo / "probe" / "secrets.env"), 1_000, str(repo))


def test_a_link_chain_that_leaves_and_reenters_the_root_leads_out(tmp_path):
    repo = tmp_path / "repo"
    write_file(repo, "real.env", "A=1\n")
    write_file(repo, "Dockerfile.real", DOCKERFILE)
    (tmp_path / "hop.env").symlink_to(repo / "real.env")
    (repo / "through-hop.env").symlink_to(tmp_path / "hop.env")
    (repo / "climbing.env").symlink_to("../repo/real.env")
    (repo / "Dockerfile").symlink_to("../repo/Dockerfile.real")
    compose = "services:\n  web:\n    image: nginx:1.27\n    env_file: [{}, {}, real.env]\n"
    write_file(repo, "compose.yaml", compose.format("through-hop.env", "climbing.env"))
    found, skipped_files, _ = _report(repo)
    notes = [message for rule, _, _, message in found if rule == "GL001"]
    assert len(notes) == 2 and all(LEADS_OUTSIDE in note for note in notes)
    assert skipped_files == {"link-outside-root": 3, "not-iac-name": 1}
    for name in ("through-hop.env", "climbing.env"):
        with pytest.raises(InputError, match=LEADS_OUTSIDE):
            read_input(str(repo / name), 1_000, str(repo))
    assert read_input(str(repo / "real.env"), 1_000, str(repo)) == b"A=1\n"


def _chain(repo: Path, length: int) -> Path:
    """link0 -> link1 -> ... -> link<length - 1> -> real.env, every link inside `repo`."""
    write_file(repo, "real.env", "A=1\n")
    for index in range(length):
        target = f"link{index + 1}" if index + 1 < length else "real.env"
        (repo / f"link{index}").symlink_to(target)
    return repo / "link0"


def test_links_are_followed_up_to_the_bound_and_a_loop_is_eloop(tmp_path):
    repo = tmp_path / "repo"
    assert resolve_beneath(str(_chain(repo, MAX_LINKS)), str(repo), str(repo)) == str(
        repo / "real.env"
    )
    longer = tmp_path / "longer"
    with pytest.raises(OSError) as past:
        resolve_beneath(str(_chain(longer, MAX_LINKS + 1)), str(longer), str(longer))
    (repo / "a").symlink_to("b")
    (repo / "b").symlink_to("a/x")
    with pytest.raises(OSError) as loop:
        resolve_beneath(str(repo / "a"), str(repo), str(repo))
    assert past.value.errno == loop.value.errno == errno.ELOOP


def test_a_chain_of_links_deeper_than_the_recursion_limit_is_no_crash(tmp_path):
    """os.path.realpath recursed once per link: a thousand links raised RecursionError."""
    repo = tmp_path / "repo"
    _chain(repo, 1_200)
    write_file(repo, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"
               "    env_file: link0\n    build: link0\n")  # fmt: skip
    result = run_scan(repo, root=str(repo))
    assert [f.message for f in findings_of(result, "GL001")] == []
    with pytest.raises(InputError, match="Too many levels of symbolic links"):
        read_input(str(repo / "link0"), 1_000, str(repo))
