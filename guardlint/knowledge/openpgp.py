"""OpenPGP keys a build hands to gpg by their ID: the fingerprint (or long key ID) of a public
key it fetches from a keyserver, lists or exports (`gpg --recv-keys "$SWIFT_SIGNING_KEY"`, as
the official swift image does). Such a value is public whatever its variable is called."""

from __future__ import annotations

from collections.abc import Iterable

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command

# A v4 fingerprint (40 hex digits, often written in groups of four), a v5 one (64), or a long
# key ID (16), maybe after `0x`.
_KEY_ID = LazyPattern(r"(?:0x)?(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})")
_GPG_PROGRAMS = frozenset({"gpg", "gpg2", "apt-key"})
# gpg's commands whose operands name keys (apt-key adv passes them on).
_KEY_COMMANDS = frozenset(
    {"--recv-keys", "--recv-key", "--receive-keys", "--recv", "--fingerprint", "--export",
     "--list-keys", "--list-key", "--list-public-keys", "-k", "--locate-keys"}
)  # fmt: skip
# Options whose value is the next word: never an operand (`--passphrase "$KEY"`).
_VALUED_OPTIONS = frozenset(
    {"--passphrase", "--passphrase-file", "--passphrase-fd", "--keyserver",
     "--keyserver-options", "--homedir", "--output", "-o", "--default-key", "--local-user",
     "-u", "--recipient", "-r", "--trust-model"}
)  # fmt: skip
_VARIABLE = LazyPattern(r"\$\{?([A-Za-z_]\w*)\}?")


def is_key_id(value: str) -> bool:
    """Whether a value is written as an OpenPGP fingerprint or long key ID."""
    return len(value) <= 100 and bool(_KEY_ID.fullmatch(value.replace(" ", "")))


def key_variables(commands: Iterable[Command]) -> set[str]:
    """The variables gpg (or apt-key) is given as the keys to fetch, list or export."""
    found: set[str] = set()
    for command in commands:
        if command.program not in _GPG_PROGRAMS:
            continue
        keys, skip = False, False
        for arg in command.args:
            if skip:
                skip = False
            elif arg in _KEY_COMMANDS:
                keys = True
            elif arg in _VALUED_OPTIONS:
                skip = True
            elif keys and (variable := _VARIABLE.fullmatch(arg)):
                found.add(variable.group(1))
    return found
