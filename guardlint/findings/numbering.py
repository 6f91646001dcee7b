"""Distinct identities for identical findings (same rule, path, resource and text): the scan's
fingerprints and ASFF's IDs, numbered in the order found. Apart from guardlint.findings.make:
a scan whose every outcome the result cache gives makes no finding but numbers them."""

from __future__ import annotations

from collections.abc import Iterator


def numbered(values: list[str]) -> list[str]:
    """`values` with an occurrence suffix on the second and later of equal ones (`:2`, `:3`):
    identical findings (same rule, path, resource and text) keep distinct identities."""
    result = list(values)
    for index, unique in repeats(values):
        result[index] = unique
    return result


def repeats(values: list[str]) -> Iterator[tuple[int, str]]:
    """The index and numbered value of each of `values` that repeats an earlier one: the few
    that `numbered` changes (a scan renumbers only their findings)."""
    seen: dict[str, int] = {}  # not a Counter: its __missing__ is a Python call per value
    for index, value in enumerate(values):
        count = seen[value] = seen.get(value, 0) + 1
        if count > 1:
            yield index, f"{value}:{count}"
