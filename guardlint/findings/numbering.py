"""Distinct identities for identical findings (same rule, path, resource and text): the scan's
fingerprints and ASFF's IDs, numbered in the order found. Apart from guardlint.findings.make:
a scan whose every outcome the result cache gives makes no finding but numbers them."""

from __future__ import annotations


def numbered(values: list[str]) -> list[str]:
    """`values` with an occurrence suffix on the second and later of equal ones (`:2`, `:3`):
    identical findings (same rule, path, resource and text) keep distinct identities."""
    seen: dict[str, int] = {}  # not a Counter: its __missing__ is a Python call per value
    result = []
    for value in values:
        count = seen[value] = seen.get(value, 0) + 1
        result.append(value if count == 1 else f"{value}:{count}")
    return result
