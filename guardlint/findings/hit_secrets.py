"""The Redactor of one file's findings: the secrets its hits name, where each hit says they
are written (in the file, or in the file it points to), and what the findings will show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.findings.redaction import Redactor
from guardlint.findings.secret_text import LineText
from guardlint.model.findings import Hit


def hit_line_text(hit: Hit, lines: list[str]) -> LineText:
    """Line N of the file a hit is in: `lines`, or only its snippet line for a hit located in
    another file (Hit.rel_path)."""
    if hit.snippet is not None:
        snippet, number = hit.snippet, hit.region.start_line
        return lambda n: snippet if n == number else ""
    return lambda n: lines[n - 1] if 0 < n <= len(lines) else ""


def redactor_for(hits: list[tuple[Hit, list[str]]], path: str, escaped: bool) -> Redactor:
    """The secrets of one file's hits (each with the lines of the file it points into).

    When the file is `escaped` (guardlint.documents.ParsedFile), a secret may be written so
    that no rule saw it in the text (a logical ID in JSON escapes) while a finding shows it
    decoded: what the hits show is searched too. Otherwise the generic secret detector, which
    reads every file's text, saw every such secret."""
    redactor = Redactor()
    for hit, lines in hits:
        if hit.secret_values:
            where = hit.rel_path or path
            regions = hit.secret_regions or (hit.region,)
            redactor.add(where, hit.secret_values, regions, hit_line_text(hit, lines))
    if escaped:
        shown = {text for hit, _ in hits for text in _shown(hit)}
        redactor.add_found_in(shown)
    return redactor


def _shown(hit: Hit) -> Iterator[str]:
    yield hit.message
    yield hit.resource
    yield from _strings(hit.properties)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)
