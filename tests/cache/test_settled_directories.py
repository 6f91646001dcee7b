"""A warm scan answers observations of the names in a directory whose status the scan's pack
recorded (guardlint.engine.scan_pack) without looking again, and looks again wherever a
directory's status cannot tell them: a link in it, another user, a change."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from guardlint.engine import cached, scan_pack
from guardlint.parse.lookups import ABSENT, FILES, LISTING, PRESENCE
from tests.cache.conftest import cached_scan, read_pack, seen, write_pack
from tests.cache.test_invalidation import DOCKERFILE, SAFE_HANDLER, rescan, rules_of
from tests.cache.test_scan_pack import pack_file
from tests.conftest import write_file
from tests.test_redaction import SAM_TEMPLATE as SAM

SERVICES = ("svc0", "svc1", "svc2")
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"


@pytest.fixture(autouse=True)
def settled_pack(monkeypatch) -> None:
    """Scans of a few files have a pack, and every file and directory counts as settled."""
    monkeypatch.setattr(scan_pack, "MIN_FILES", 1)
    monkeypatch.setattr(scan_pack, "time_ns", lambda: time.time_ns() + 60 * 10**9)


@pytest.fixture
def name_lookups(monkeypatch) -> list[tuple]:
    """The observations of names a warm scan makes again (a read of what is not there, a
    name's presence, a listing), from now on."""
    looked: list[tuple] = []
    real = cached.current_state

    def counting(what: str, path: str, how: tuple) -> str:
        state = real(what, path, how)
        if what in (PRESENCE, FILES, LISTING) or state == ABSENT:
            looked.append((what, path))
        return state

    monkeypatch.setattr(cached, "current_state", counting)
    return looked


def services(tmp_path: Path) -> Path:
    """Dockerfiles whose scans look for ignore files that are not there."""
    tree = tmp_path / "t"
    for service in SERVICES:
        write_file(tree, f"{service}/Dockerfile", DOCKERFILE)
    return tree


def test_a_warm_scan_looks_up_no_name_in_a_settled_directory(tmp_path, analysed, name_lookups):
    tree, cache = services(tmp_path), tmp_path / "cache"
    before, _ = rescan(tree, cache, analysed)
    name_lookups.clear()
    assert rescan(tree, cache, analysed) == (before, [])
    assert name_lookups == []


def test_a_pack_of_another_user_looks_up_names_again(tmp_path, analysed, name_lookups, monkeypatch):
    """A name that one user may not look up is absent to him, and present to another."""
    tree, cache = services(tmp_path), tmp_path / "cache"
    before, _ = rescan(tree, cache, analysed)
    credentials = scan_pack._credentials()
    monkeypatch.setattr(scan_pack, "_credentials", lambda: [*credentials, "another"])
    name_lookups.clear()
    assert rescan(tree, cache, analysed) == (before, [])
    assert {os.path.basename(path) for _, path in name_lookups} >= {".dockerignore"}


def test_a_directory_holding_a_link_whose_target_changes_kind_is_looked_at_again(
    tmp_path, analysed
):
    """K8S018 reads the YAML files beside a pod (scanned or not): a link there that led to a
    directory now leads to an account that disables the token, its directory's status
    unchanged."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "app/pod.yaml", POD + "  containers: [{name: c, image: nginx:1.27}]\n")
    (tree / "store/accounts").mkdir(parents=True)
    (tree / "app/accounts.yaml").symlink_to("../store/accounts")
    excluded = {"excludes": ["app/accounts.yaml", "store/**"]}  # the same files scanned
    before, _ = rescan(tree, cache, analysed, **excluded)
    assert "K8S018" in rules_of(before, "app/pod.yaml")
    (tree / "store/accounts").rmdir()
    write_file(tree, "store/accounts", ACCOUNT + "automountServiceAccountToken: false\n")
    after, scanned = rescan(tree, cache, analysed, **excluded)
    assert "K8S018" not in rules_of(after, "app/pod.yaml")
    assert "app/pod.yaml" in scanned


def test_a_dangling_link_that_comes_to_lead_to_a_dockerignore_is_read_again(tmp_path, analysed):
    tree, cache = services(tmp_path), tmp_path / "cache"
    (tree / "svc0/.dockerignore").symlink_to("../ignores/svc0")
    before, _ = rescan(tree, cache, analysed)
    assert "svc0/Dockerfile" in {f[1] for f in before if f[0] == "DKR026"}
    write_file(tree, "ignores/svc0", ".git\n.env\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "svc0/Dockerfile" not in {f[1] for f in after if f[0] == "DKR026"}
    assert scanned == ["svc0/Dockerfile"]


def test_a_listed_directorys_link_pointed_out_of_the_root_is_resolved_again(tmp_path, analysed):
    """The code directory a template lists is reached through a link: pointed at a copy
    outside the root (whose directories' statuses are all unchanged), it is not listed."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "code/app.py", SAFE_HANDLER)
    write_file(tmp_path, "outside/app.py", SAFE_HANDLER)
    (tree / "src").symlink_to("code")
    rescan(tree, cache, analysed)
    (tree / "src").unlink()
    (tree / "src").symlink_to(tmp_path / "outside")
    assert rescan(tree, cache, analysed)[1] == ["template.yaml"]


@pytest.mark.parametrize("change", ["create", "rename over", "unlink", "replace by a directory"])
def test_a_name_changed_in_a_settled_directory_is_noticed(tmp_path, analysed, change):
    tree, cache = services(tmp_path), tmp_path / "cache"
    ignore = tree / "svc1/.dockerignore"
    if change != "create":
        write_file(tree, "svc1/.dockerignore", "# nothing ignored\n")
    before, _ = rescan(tree, cache, analysed)
    if change == "create":
        write_file(tree, "svc1/.dockerignore", ".git\n.env\n")
    elif change == "rename over":
        write_file(tree, "svc1/new", ".git\n.env\n")
        (tree / "svc1/new").rename(ignore)
    elif change == "unlink":
        ignore.unlink()
    else:
        ignore.unlink()
        ignore.mkdir()
    after, scanned = rescan(tree, cache, analysed)
    assert scanned == ["svc1/Dockerfile"]
    if change in ("create", "rename over"):
        assert "svc1/Dockerfile" not in {f[1] for f in after if f[0] == "DKR026"}
    else:
        assert after == before


HOSTILE_DIRECTORIES = {
    "a-list": lambda pack: pack.__setitem__("directories", [[1] * 4] * 9),
    "texts": lambda pack: pack["directories"].update(
        {path: ["1"] * 4 for path in pack["directories"]}
    ),
    "of-another-directory": lambda pack: pack["directories"].update(
        {path: pack["directories"][min(pack["directories"])] for path in pack["directories"]}
    ),
    "of-another-user": lambda pack: pack.__setitem__("credentials", [0, 0, []]),
}


@pytest.mark.parametrize("damage", list(HOSTILE_DIRECTORIES), ids=str)
def test_planted_directory_statuses_change_no_result(tmp_path, damage):
    tree, cache = services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    for service in SERVICES:  # each service's findings change, a directory's status too
        write_file(tree, f"{service}/.dockerignore", ".git\n.env\n")
    pack = pack_file(cache)
    data = read_pack(pack)
    HOSTILE_DIRECTORIES[damage](data["value"])
    write_pack(pack, data)
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))
