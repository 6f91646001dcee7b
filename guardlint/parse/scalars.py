"""Values and keys as IaC files spell them. Booleans: YAML, JSON and templates write `true`,
`"true"` and `" True "` for the same thing, and Compose (whose YAML 1.1 habits survive) also
`yes`, `on`, `y` and `1`. Keys: CodeBuild and CodeDeploy take theirs in any case
(`privilegedMode`, `PrivilegedMode`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from guardlint.parse.digits import ASCII_SPACE, ascii_digits
from guardlint.parse.lazy_pattern import LazyPattern

# A Kubernetes resource quantity of value zero: `0`, `0m`, `0Mi`, `0.0Gi`, `.0`, `0e3`. A run
# of zeros is read one way (the zeros after the point only after a `.`), so a long run that
# its last character spoils fails in time linear in the run.
_ZERO_QUANTITY = LazyPattern(r"[-+]?(?:0+(?:\.0*)?|\.0+)(?:[eE][-+]?[0-9]+|[KMGTPE]i|[numkMGTPE])?")
_WORDS = {"true": True, "false": False}
_YAML_1_1_WORDS = {
    **_WORDS,
    **dict.fromkeys(("yes", "on", "y", "1"), True),
    **dict.fromkeys(("no", "off", "n", "0"), False),
}


def truth(value: Any, *, yaml_1_1: bool = False) -> bool | None:
    """True or False for a boolean or its text (any case, spaces around it; with `yaml_1_1`
    also yes/no, on/off, y/n and 1/0, as text or number); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) or (yaml_1_1 and isinstance(value, int)):
        return (_YAML_1_1_WORDS if yaml_1_1 else _WORDS).get(str(value).strip().lower())
    return None


def key_of(mapping: Any, name: str) -> Any:
    """The key of `mapping` that is `name` in any case, or None. The exact spelling wins over
    another case, then the first such key."""
    if not isinstance(mapping, dict):
        return None
    if name in mapping:
        return name
    wanted = name.lower()
    return next((key for key in mapping if isinstance(key, str) and key.lower() == wanted), None)


def value_of(mapping: Any, name: str) -> Any:
    """`mapping[name]` with the key in any case; None when there is no such key."""
    key = key_of(mapping, name)
    return None if key is None else mapping[key]


def whole_number(value: Any) -> int | None:
    """The whole number a value spells: 80, 80.0, "80", " -1 "; None for anything else
    (booleans, fractions, infinities, `1_000`, digits of other scripts, 5,000 digits, and
    spaces no consumer strips: Go's strconv and Java's parseInt strip none, Ruby's Integer()
    only ASCII ones, where str.strip() also takes U+3000, U+00A0 and U+001C)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = value.strip(ASCII_SPACE) if isinstance(value, str) else ""
    if not ascii_digits(text[1:] if text[:1] in ("-", "+") else text):
        return None
    try:
        return int(text)
    except ValueError:  # past int()'s 4,300 digits: YAML keeps such a number as its text
        return None


def zero_quantity(value: Any) -> bool:
    """Whether a Kubernetes resource quantity is zero (`0`, `"0"`, `0m`, `0Mi`, `0.0`): the
    kubelet sets no cgroup limit for a zero limit and the QoS class ignores a zero request, so
    such a quantity bounds and reserves nothing, as if unset."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 0
    return isinstance(value, str) and bool(_ZERO_QUANTITY.fullmatch(value.strip()))


def base64_text(value: Any, limit: int) -> str | None:
    """The UTF-8 text a string of at most `limit` characters spells in base64 (line breaks
    and spaces between its groups allowed); None for anything else."""
    if not isinstance(value, str) or len(value) > limit:
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
