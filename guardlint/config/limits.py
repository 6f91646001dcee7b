"""The numeric options (--max-file-size, --file-timeout, --jobs and their config keys): what
they accept, in one place for the command line and the config file.

Out-of-range values are refused where they are given (exit 2 naming the option or the config
line), never passed on: an infinite or huge timeout overflows the interval timer and a huge
size its read buffer, and either would turn every file into a crash report (GL002).
"""

from __future__ import annotations

import math
import re
from typing import Any

from guardlint.parse.digits import ASCII_SPACE, digits_number
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.text import shown

# The largest file guardlint will read: IaC files are kilobytes, the default limit is 5 MB.
MAX_FILE_SIZE = 1024**3
# The longest per-file budget: an hour on one file is a hung scan, not a slow file.
MAX_FILE_TIMEOUT = 3600.0
# The shortest: under a tenth of a second a loaded machine times out files that parse in time,
# and `1e-320` times out every one (GL001), as if the repository were unreadable.
MIN_FILE_TIMEOUT = 0.1
# Each worker is a process holding its own rulebook: more than this only costs memory.
MAX_JOBS = 256

# Matched whole on the stripped text: `\s*$` after the unit would retry the end from every
# space of a long run after the number (quadratic).
# ASCII digits: `\d` also takes '٣', which int() reads as 3; ASCII blanks and letters
# (re.ASCII): `\s` also takes U+2003, and IGNORECASE the Kelvin sign for a `K`.
_SIZE = LazyPattern(r"([0-9]+)\s*(B|KB|KIB|MB|MIB|GB|GIB)?", re.IGNORECASE | re.ASCII)
# Seconds on the command line as a person writes them (`30`, `1.5`, `.5`): float() also reads
# `1_0`, `٣`, `1e-320`, `inf` and `nan`.
_SECONDS = LazyPattern(r"[0-9]{1,9}(?:\.[0-9]{0,9})?|\.[0-9]{1,9}")
# Binary units: 5MB is 5 MiB, the built-in limit.
_SIZE_UNITS = {"B": 1, "KB": 1024, "KIB": 1024, "MB": 1024**2, "MIB": 1024**2}
_SIZE_UNITS |= {"GB": 1024**3, "GIB": 1024**3}


def parse_size(value: Any) -> int:
    """Bytes from `5MB`, `512KB`, `1048576`; ValueError with the reason otherwise."""
    if type(value) is int:
        size = value
    else:
        match = _SIZE.fullmatch(value.strip(ASCII_SPACE)) if isinstance(value, str) else None
        unit = _SIZE_UNITS[(match.group(2) or "B").upper()] if match else 0
        size = (digits_number(match.group(1), MAX_FILE_SIZE + 1) or 0) * unit if match else 0
    if size <= 0:
        raise ValueError(f"{shown(value)} is not a size such as 5MB, 512KB or 1048576")
    if size > MAX_FILE_SIZE:
        raise ValueError(f"{shown(value)} is more than 1GB, the largest size allowed")
    return size


def check_file_timeout(seconds: Any, zero_allowed: bool) -> float:
    """A per-file budget in seconds (0, when allowed, for none); ValueError otherwise."""
    number = not isinstance(seconds, bool) and isinstance(seconds, (int, float))
    lowest_ok = number and (seconds >= MIN_FILE_TIMEOUT or (zero_allowed and seconds == 0))
    # math.isfinite() last: it cannot take an int too large for a float.
    if not (lowest_ok and seconds <= MAX_FILE_TIMEOUT and math.isfinite(seconds)):
        wanted = f"0 (no limit) or a number of seconds from {MIN_FILE_TIMEOUT:g} to"
        if not zero_allowed:
            wanted = f"a positive number of seconds from {MIN_FILE_TIMEOUT:g} to"
        raise ValueError(f"{shown(seconds)} is not {wanted} {MAX_FILE_TIMEOUT:,g}")
    return float(seconds)


def parse_file_timeout(text: str) -> float:
    """--file-timeout's seconds: decimal digits with at most one point, 0 for no limit."""
    stripped = text.strip(ASCII_SPACE)
    return check_file_timeout(float(stripped) if _SECONDS.fullmatch(stripped) else text, True)


def parse_jobs(text: str) -> int:
    """--jobs: a whole number of processes from 0 (one per CPU) to MAX_JOBS."""
    jobs = digits_number(text.strip(ASCII_SPACE), MAX_JOBS + 1)
    if jobs is None or jobs > MAX_JOBS:
        raise ValueError(f"{shown(text)} is not a number of processes from 0 to {MAX_JOBS}")
    return jobs
