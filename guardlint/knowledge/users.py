"""Which container users are root, read as the runtime reads a `user[:group]` setting
(a Dockerfile's USER, Compose's and ECS's `user`): runc's user lookup treats a user that
Go's strconv.Atoi reads as a number as a UID, and any other as a name compared exactly."""

from __future__ import annotations

from guardlint.parse.lazy_pattern import LazyPattern

# UID 0 however Atoi reads it ("00", "+0", "-0"), or the name root: no passwd has a `ROOT`, so
# a container given one does not start.
_ROOT = LazyPattern(r"root|[+-]?0+")


def names_root(user: str, *, windows: bool = True) -> bool:
    """Whether a `user[:group]` setting runs the container as root (its group does not
    matter); with `windows`, also ContainerAdministrator, the administrator of a Windows
    container, which Windows names in any case."""
    name = user.strip().partition(":")[0].strip()
    return bool(_ROOT.fullmatch(name)) or (windows and name.lower() == "containeradministrator")
