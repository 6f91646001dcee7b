"""CodeDeploy checks of the `permissions` an EC2/On-Premises AppSpec sets on installed files.

A mode is read as the file writes it: `mode: 0777` is the octal 777 its author meant, `mode:
777` the same digits. It is also read as the agent applies it: its YAML 1.1 parser reads an
unquoted `0640` as the octal number 416, and the agent takes that number's decimal digits as
the mode (`mode.to_s`), 416, which lets others write; a reading with an 8 or 9 the agent
refuses. As the agent does, a mode of one to four octal digits is padded to three; the last
digit is the other users' bits, a fourth digit the setuid (4), setgid (2) and sticky (1) bits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from guardlint.checks.registry import check
from guardlint.documents.appspec import AppSpec, Entry, appspec_of
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.scalars import key_of, value_of

_MODE = re.compile(r"[0-7]{1,4}")
WRITE, SETGID, SETUID = 2, 2, 4
# An ACL entry's type, as setfacl and the agent spell it: `o`/`other`, after an optional
# `d`/`default` prefix (`o::rw`, `d:other::rwx`, `o:rw`).
_OTHER = frozenset({"o", "other"})
_DEFAULT = frozenset({"d", "default"})


@dataclass(frozen=True)
class _Mode:
    """A reading of a permission's mode: three or four octal digits, how it is written, and
    whether they are the digits the agent applies rather than the ones the author meant."""

    digits: str
    written: str
    applied: bool = False

    @property
    def shown(self) -> str:
        if self.applied:
            return f"mode {self.written}, which the agent applies as {self.digits}"
        return f"mode {self.written}"


def _modes(appspec: AppSpec, permission: dict) -> list[_Mode]:
    """The permission's mode as the agent applies it (a YAML octal number's decimal digits),
    then as its author meant it (a YAML octal literal without its leading zero), each when it
    is one to four octal digits."""
    key = key_of(permission, "mode")
    written = None if key is None else appspec.written(permission, key)
    if written is None:
        return []
    value = permission[key]
    applied = str(value) if isinstance(value, int) and not isinstance(value, bool) else written
    # `0640` written and 416 read: the zero only marks the literal as octal.
    meant = written[1:] if applied != written and written[:1] == "0" else written
    readings: dict[str, _Mode] = {}
    for text, is_applied in ((applied, applied != written), (meant, False)):
        if _MODE.fullmatch(text):
            readings.setdefault(text.zfill(3), _Mode(text.zfill(3), written, is_applied))
    return list(readings.values())


def _properties(mode: _Mode) -> dict[str, str]:
    return {"mode": mode.written, **({"applied_mode": mode.digits} if mode.applied else {})}


def _acl_grants_others_write(entry: object) -> bool:
    if not isinstance(entry, str):
        return False
    fields = entry.strip().split(":")
    if len(fields) > 2 and fields[0] in _DEFAULT:
        fields = fields[1:]
    if len(fields) < 2 or fields[0] not in _OTHER:
        return False
    permissions = fields[-1]
    if len(permissions) == 1 and permissions in "01234567":
        return bool(int(permissions) & WRITE)
    return "w" in permissions


def _permissions(appspec: AppSpec) -> Iterator[tuple[Entry, dict]]:
    for entry in appspec.entries("permissions"):
        if isinstance(entry.value, dict):
            yield entry, entry.value


def _object(permission: dict) -> str:
    target = value_of(permission, "object")
    return str(target) if isinstance(target, (str, int)) else "its object"


@check("CDP002")
def world_writable_permissions(document: Document, rule: Rule) -> Iterator[Hit]:
    """A mode whose last digit grants others write (2, 3, 6, 7), or an ACL entry that does."""
    appspec = appspec_of(document)
    for entry, permission in _permissions(appspec):
        writable = [mode for mode in _modes(appspec, permission) if int(mode.digits[-1]) & WRITE]
        reasons = [writable[0].shown] if writable else []
        acls = value_of(permission, "acls")
        entries = acls if isinstance(acls, list) else [acls]
        reasons += [f"ACL entry {acl}" for acl in entries if _acl_grants_others_write(acl)]
        if reasons:
            yield Hit(
                message=f"The permissions entry for {_object(permission)} lets every local "
                f"user write ({', '.join(reasons)}): any account or compromised service on "
                "the instance can change the deployed application.",
                region=entry.region,
                resource=entry.resource,
                properties=_properties(writable[0]) if writable else {},
            )


@check("CDP003")
def setuid_setgid_permissions(document: Document, rule: Rule) -> Iterator[Hit]:
    """A four-digit mode with the setuid or setgid bit; the sticky bit alone is fine."""
    appspec = appspec_of(document)
    for entry, permission in _permissions(appspec):
        for mode in _modes(appspec, permission):
            special = int(mode.digits[0]) if len(mode.digits) == 4 else 0
            bits = [name for bit, name in ((SETUID, "setuid"), (SETGID, "setgid")) if special & bit]
            if bits:
                yield Hit(
                    message=f"The permissions entry for {_object(permission)} sets {mode.shown} "
                    f"({' and '.join(bits)}): its programs run with their owner's or group's "
                    "rights whoever starts them, a privilege escalation path for any local user.",
                    region=entry.region,
                    resource=entry.resource,
                    properties=_properties(mode),
                )
                break  # one finding per entry, for the first reading that has the bits
