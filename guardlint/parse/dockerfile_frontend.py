"""How the Dockerfile frontend a `# syntax=` directive names reads heredocs, where that decides
which lines are instructions.

- docker/dockerfile 1.16.0 and later (moby/buildkit#5817, BuildKit v0.22): `<< EOF` opens a
  heredoc too, blanks after `<<` taken into its word (`SPACED`);
- 1.4 to 1.15 (and 1.3-labs): `<<EOF` only; `<< EOF` is two words, so the lines after it are
  instructions (`TIGHT`);
- before 1.4, and Docker's legacy builder: no heredocs at all (`NONE`).

A directive pinning docker/dockerfile (or dockerfile-upstream, on Docker Hub) at a version tag
gives its reading; a tag that follows the newest release (`1`, `latest`, `labs`, `master`)
reads as `SPACED`. Where the frontend cannot be known (no directive: the builder's own; a
digest, which may name any image; another image; a tag of another shape) every reading is
possible: `SPACED`, what `docker/dockerfile:1` reads today, first.
"""

from __future__ import annotations

import enum
import re


class Heredocs(enum.Enum):
    SPACED = "spaced"
    TIGHT = "tight"
    NONE = "none"


# BuildKit's instructions (frontend/dockerfile/command): any other keyword fails the build.
INSTRUCTIONS = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
_IMAGE = re.compile(r"(?:docker\.io/)?docker/dockerfile(?:-upstream)?(?::([\w.-]+))?")
_NEWEST = frozenset({None, "1", "latest", "labs", "1-labs", "master", "master-labs"})
# ASCII digits, a few: int() reads no other tag, and refuses thousands of digits.
_VERSION = re.compile(r"1\.([0-9]{1,9})(?:\.[0-9]+)?(-labs)?")
_SPACED_FROM = 16  # docker/dockerfile 1.16.0
_HEREDOCS_FROM = 4  # docker/dockerfile 1.4.0 (1.3.0-labs)
_EVERY_READING = (Heredocs.SPACED, Heredocs.TIGHT, Heredocs.NONE)


def heredoc_readings(syntax: str | None) -> tuple[Heredocs, ...]:
    """The readings the frontend a `# syntax=` value names may have: one where it is known,
    every one (the first is SPACED) where it is not."""
    image = _IMAGE.fullmatch(syntax or "")
    if image is None:
        return _EVERY_READING
    tag = image.group(1)
    if tag in _NEWEST:
        return (Heredocs.SPACED,)
    version = _VERSION.fullmatch(tag)
    if version is None:
        return _EVERY_READING
    minor, labs = int(version.group(1)), version.group(2) is not None
    if minor >= _SPACED_FROM:
        return (Heredocs.SPACED,)
    if minor >= _HEREDOCS_FROM or (labs and minor == _HEREDOCS_FROM - 1):
        return (Heredocs.TIGHT,)
    return (Heredocs.NONE,)
