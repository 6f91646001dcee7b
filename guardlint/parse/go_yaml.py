"""Plain (unquoted, untagged) YAML scalars as go-yaml v2 resolves them, and map keys as
sigs.k8s.io/yaml turns them into JSON text: the reading of kubectl, Helm and the API server
(sigs.k8s.io/yaml goyaml.v2/resolve.go `resolve`, yaml.go `convertToJSONableObject`).

YAML 1.1 as PyYAML reads it, but apart in places: `y`, `Y`, `n`, `N` are booleans; `0o17`,
`0X1F`, `1e3`, `1.`, `08` and `1__0` numbers (Go's ParseInt with base 0, after every `_` is
dropped, then ParseFloat); `12:30` and `inf` text (no base 60, no bare infinity)."""

from __future__ import annotations

import math
import struct
from typing import Any

from guardlint.parse.lazy_pattern import LazyPattern

# resolveMap: what these exact texts are.
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# strconv.ParseInt(text, 0, 64)'s syntax (its underscores already dropped).
_GO_INTEGER = LazyPattern(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)")
_YAML_STYLE_FLOAT = LazyPattern(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_PREFIXES = {"0x": 16, "0b": 2, "0o": 8}
_UINT64_BITS = 64
_INT64 = 2**63
_UINT64 = 2**_UINT64_BITS
_LONGEST_FLOAT = 400
_FLOAT32_MAX_DIGITS = 9
_FIXED_UP_TO = 6  # the exponent from which shortest 'g' writes an exponent


NUMBER_STARTS = "+-.0123456789"  # the first characters of a number to go-yaml v2


class PlainFlagWord(str):
    """A plain `y`, `Y`, `n` or `N`: text to PyYAML, CloudFormation and Compose, a boolean to
    go-yaml v2, and so to kubectl and the API server (a quoted one is text to all). The YAML
    reader (guardlint.parse.yaml_scalars) makes them."""

    __slots__ = ()


class WideInteger(int):
    """An integer go-yaml v2 holds as a uint64 or a big.Int (past int64): no JSON map key."""


def resolve_plain(text: str) -> Any:
    """The value go-yaml v2 gives a plain scalar decoded into interface{}: a bool, None, an
    int (a WideInteger past int64), a float, or the text itself (a timestamp stays text)."""
    if text in _WORDS:
        return _WORDS[text]
    if not text or not text.isascii() or text[0] not in NUMBER_STARTS:
        return text
    if text[0] == ".":  # ParseFloat of the text as written
        found = _go_float(text) if _YAML_STYLE_FLOAT.fullmatch(text) else None
        return text if found is None else found
    plain = text.replace("_", "")
    if _GO_INTEGER.fullmatch(plain):
        number = _int(plain)
        if -_INT64 <= number < _INT64:  # ParseInt
            return number
        unsigned = plain[0] not in "+-"
        if unsigned and number < _UINT64:  # ParseUint
            return WideInteger(number)
        found = _go_float(plain) if _YAML_STYLE_FLOAT.fullmatch(plain) else None
        if found is not None:
            return found
        return WideInteger(number) if unsigned else text  # big.Int, for ParseUint's range
    if _YAML_STYLE_FLOAT.fullmatch(plain):
        found = _go_float(plain)
        return text if found is None else found
    return text


def go_yaml_number(text: str) -> bool:
    """Whether go-yaml v2 reads a plain scalar as a number (an int or float)."""
    found = resolve_plain(text)
    return isinstance(found, (int, float)) and not isinstance(found, bool)


def _int(plain: str) -> int:
    """strconv's base-0 reading (`017` octal, which int(text, 0) refuses); past 64 digits
    after the prefix and leading zeros, past 2**64 in every base: never converted."""
    sign = plain[0] if plain[0] in "+-" else ""
    body, base = plain[len(sign) :], 10
    if body[:2].lower() in _PREFIXES:
        body, base = body[2:], _PREFIXES[body[:2].lower()]
    elif len(body) > 1 and body[0] == "0":  # a leading zero: octal
        base = 8
    digits = body.lstrip("0") or "0"
    if len(digits) > _UINT64_BITS:
        return -_UINT64 if sign == "-" else _UINT64
    return int(sign + digits, base)


def _go_float(text: str) -> float | None:
    """strconv.ParseFloat of a yamlStyleFloat text: a finite float, None out of range."""
    if len(text) > _LONGEST_FLOAT:  # past float's range or precision: never converted
        return None
    number = float(text)
    return None if math.isinf(number) else number


def json_key(text: str) -> str | None:
    """The JSON key sigs.k8s.io/yaml makes of a plain key (`yes` is "true", `0x1F` "31",
    `1.0` "1"); None for one it refuses (null, an integer past int64)."""
    value = resolve_plain(text)
    if value is None or isinstance(value, WideInteger):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float32_text(value)
    return value


def _single(value: float) -> float:
    """Go's float32(value): rounded to the nearest single, infinite past its range."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _float32_text(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32), with go-yaml's names for the infinities and NaN:
    the fewest digits that read back as the same single, in exponent form from 1e+06 and
    below 1e-04."""
    if math.isnan(value):
        return ".nan"
    single = _single(value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1.0, single) < 0 else "0"
    for precision in range(_FLOAT32_MAX_DIGITS):
        written = f"{single:.{precision}e}"
        if _single(float(written)) == single:
            break
    mantissa, exponent_text = written.split("e")
    exponent = int(exponent_text)
    if exponent < -4 or exponent >= _FIXED_UP_TO:
        return written
    sign, digits = ("-", mantissa[1:]) if mantissa[0] == "-" else ("", mantissa)
    digits = digits.replace(".", "")
    point = exponent + 1  # digits before the point
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"
