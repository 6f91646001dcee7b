"""CodeDeploy check of where an EC2/On-Premises AppSpec's `files` mappings install the
revision. The agent runs as root, so it writes wherever a destination points."""

from __future__ import annotations

import ntpath
import posixpath
import re
from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.appspec import appspec_of
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.scalars import value_of

# What a destination under these paths controls. /etc's own entries (and all below them)
# decide who may log in, what runs as root and which libraries every program loads; other
# /etc subdirectories (/etc/nginx/conf.d) belong to applications.
_ETC_CONTROL = {
    "sudoers": "sudo's rules", "sudoers.d": "sudo's rules", "ssh": "SSH logins",
    "pam.d": "login authentication", "profile.d": "every login shell's environment",
    "passwd": "the user accounts", "shadow": "the user accounts' passwords",
}  # fmt: skip
_ETC_CONTROL_PREFIXES = {
    "cron": "jobs cron runs as root",
    "ld.so.": "the libraries every program loads",
}
_TOP_CONTROL = {
    "root": "root's home", "boot": "the kernel and boot loader", "bin": "system programs",
    "sbin": "system programs", "usr/bin": "system programs", "usr/sbin": "system programs",
}  # fmt: skip
# World-writable with the sticky bit: another local user can plant a file or a symbolic link
# there before the deployment, and the root-run agent then writes through it.
_SHARED_TEMPORARY = ("tmp", "var/tmp", "dev/shm")
_WINDOWS_SYSTEM = re.compile(r"[A-Za-z]:[\\/]+windows(?:[\\/]|\Z)", re.IGNORECASE)
_DRIVE = re.compile(r"[A-Za-z]:")


def _components(destination: str) -> list[str] | None:
    """The components of an absolute POSIX path, `.` and `..` resolved; None for others."""
    if not destination.startswith("/"):
        return None
    normal = posixpath.normpath("/" + destination.lstrip("/"))
    return [part for part in normal.split("/") if part]


def _under(parts: list[str], directory: str) -> bool:
    wanted = directory.split("/")
    return parts[: len(wanted)] == wanted


def _controlled(parts: list[str]) -> str | None:
    """What a destination with these components controls on the host, if anything."""
    if not parts:
        return "the whole filesystem"
    if parts == ["etc"]:
        return "the host's configuration"
    if ".ssh" in parts:
        return "SSH logins"
    if parts[0] == "etc":
        entry = parts[1]
        prefix = next((p for p in _ETC_CONTROL_PREFIXES if entry.startswith(p)), None)
        return _ETC_CONTROL.get(entry) or (prefix and _ETC_CONTROL_PREFIXES[prefix])
    if parts[0].startswith("lib"):
        return "system libraries"
    return next((what for path, what in _TOP_CONTROL.items() if _under(parts, path)), None)


def destination_risk(destination: str) -> tuple[Severity, str] | None:
    """How much a destination exposes the host, and why; None for application paths."""
    text = destination.strip()
    # A Windows path with `.` and `..` resolved as Windows does (`C:\inetpub\..\Windows`).
    if _DRIVE.match(text) and _WINDOWS_SYSTEM.match(ntpath.normpath(text)):
        return Severity.MEDIUM, (
            "the Windows system directory: the agent writes there as LocalSystem, so whoever "
            "controls the revision controls the host"
        )
    parts = _components(text)
    if parts is None:
        return None
    controlled = _controlled(parts)
    if controlled is not None:
        return Severity.MEDIUM, (
            f"where it overwrites {controlled}: the agent writes there as root, so whoever "
            "controls the revision controls the host"
        )
    if any(_under(parts, shared) for shared in _SHARED_TEMPORARY):
        return Severity.LOW, (
            "a world-writable temporary directory: another local user can plant files or "
            "symbolic links there that the root-run agent then writes through"
        )
    return None


@check("CDP004")
def system_path_destination(document: Document, rule: Rule) -> Iterator[Hit]:
    """A `files` destination that overwrites what controls the host (medium) or sits in a
    world-writable temporary directory (low)."""
    for entry in appspec_of(document).entries("files"):
        destination = value_of(entry.value, "destination")
        if not isinstance(destination, str):
            continue
        risk = destination_risk(destination)
        if risk is None:
            continue
        severity, why = risk
        yield Hit(
            message=f"A files mapping installs the revision into {destination.strip()}, {why}.",
            region=entry.region,
            resource=entry.resource,
            severity=severity,
            properties={"destination": destination.strip()},
        )
