"""Which heredocs the frontend a `# syntax=` directive names reads (docker/dockerfile release
notes: `<< EOF` from 1.16.0, moby/buildkit#5817; heredocs from 1.4.0 and 1.3.0-labs)."""

from __future__ import annotations

import pytest

from guardlint.parse.dockerfile_frontend import Heredocs, heredoc_readings

SPACED, TIGHT, NONE = (Heredocs.SPACED,), (Heredocs.TIGHT,), (Heredocs.NONE,)
EVERY = (Heredocs.SPACED, Heredocs.TIGHT, Heredocs.NONE)


@pytest.mark.parametrize(
    ("syntax", "readings"),
    [
        ("docker/dockerfile:1", SPACED),
        ("docker/dockerfile", SPACED),
        ("docker/dockerfile:1.16", SPACED),
        ("docker/dockerfile:1.17.1-labs", SPACED),
        ("docker.io/docker/dockerfile-upstream:master-labs", SPACED),
        ("docker/dockerfile:1.15.1", TIGHT),
        ("docker/dockerfile:1.4", TIGHT),
        ("docker/dockerfile:1.3-labs", TIGHT),
        ("docker/dockerfile:1.3", NONE),
        ("docker/dockerfile:1.2.1", NONE),
        (None, EVERY),
        ("docker/dockerfile:1.16@sha256:" + "a" * 64, EVERY),
        ("docker/dockerfile@sha256:" + "a" * 64, EVERY),
        ("docker/dockerfile:1.0-experimental", EVERY),
        ("docker/dockerfile:2.0", EVERY),
        ("example.com/docker/dockerfile:1.16", EVERY),
        ("Docker/Dockerfile:1.16", EVERY),
    ],
)
def test_a_pinned_frontend_has_its_reading_an_unknown_one_every_reading(syntax, readings):
    assert heredoc_readings(syntax) == readings
