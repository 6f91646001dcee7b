"""knowledge/users.py: which `user[:group]` settings run a container as root."""

from __future__ import annotations

import pytest

from guardlint.knowledge.users import names_root


@pytest.mark.parametrize(
    "user", ["root", "0", "00", "+0", "-0", "0:0", "root:app", " root ", "0:1000", "root:"]
)
def test_root_by_name_or_uid(user):
    assert names_root(user)


@pytest.mark.parametrize("user", ["ROOT", "Root", "rootless", "1000:0", "010", "", ":0", "uid=0"])
def test_other_users(user):
    assert not names_root(user)


def test_the_windows_administrator_only_where_windows_names_it():
    assert names_root("ContainerAdministrator") and names_root("containeradministrator:x")
    assert not names_root("ContainerAdministrator", windows=False)
