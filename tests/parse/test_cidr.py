"""Address ranges as the cloud reads them, and unions that admit every address
(guardlint/parse/cidr.py)."""

from __future__ import annotations

import pytest

from guardlint.parse.cidr import covers_world, parse_cidr
from tests.conftest import processor_seconds


@pytest.mark.parametrize(
    ("text", "network"),
    [
        ("0.0.0.0/0 ", "0.0.0.0/0"),
        (" 000.000.000.000/0", "0.0.0.0/0"),  # leading zeros read as decimal
        ("010.001.0.0/16", "10.1.0.0/16"),
        ("100.68.0.18/18", "100.68.0.0/18"),  # host bits, canonicalized as AWS does
        ("::ffff:0.0.0.0/96", "0.0.0.0/0"),  # IPv4-mapped: the IPv4 range it maps
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::/1", "::/1"),
        ("0/0", None),
        ("sg-123", None),
        (None, None),
    ],
)
def test_ranges_are_read_as_written_by_the_cloud(text, network):
    found = parse_cidr(text)
    assert (str(found) if found else None) == network


@pytest.mark.parametrize(
    ("ranges", "world"),
    [
        (["0.0.0.0/1", "128.0.0.0/1"], "0.0.0.0/0"),
        (["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], "0.0.0.0/0"),
        (["::/1", "8000::/1"], "::/0"),
        (["10.0.0.0/8", "::/1", "8000::/1"], "::/0"),
        (["0.0.0.0/1", "128.0.0.0/2"], None),
        (["0.0.0.0/1", "8000::/1"], None),  # halves of two families
        (["0.0.0.0/1", "0.0.0.0/1", "64.0.0.0/2", "64.0.0.0/2"], None),  # sizes add up
        ([], None),
    ],
)
def test_ranges_that_together_are_every_address(ranges, world):
    found = covers_world(parse_cidr(text) for text in ranges)
    assert (str(found) if found else None) == world


def test_many_ranges_are_cheap():
    ranges = [parse_cidr(f"{a}.{b}.0.0/16") for a in range(256) for b in range(0, 256, 32)]
    ranges += [parse_cidr(f"{a}.0.0.0/8") for a in range(256)]
    started = processor_seconds()
    assert str(covers_world(ranges)) == "0.0.0.0/0"
    assert processor_seconds() - started < 1
