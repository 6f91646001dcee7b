"""SEC001: credentials written in the text of any scanned file (detect-secrets detectors)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.knowledge.secret_lines import scan_lines
from guardlint.model import Document, Hit, Region, Rule


@check("SEC001")
def hardcoded_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each credential the shared detectors find on a line of the file; the fingerprint keys on
    a digest of the value, never the value."""
    for found in scan_lines(document.lines):
        line, match = found.line, found.match
        yield Hit(
            message=f"{match.kind} hard-coded in {document.rel_path}; anyone who can read the "
            "repository can use it.",
            region=Region(line, found.start + 1, line, found.end + 1),
            resource=document.rel_path,
            properties={"secretType": match.kind},
            secret_values=(match.value,),
            fingerprint_key=f"{match.kind}:{secret_digest(match.value)}",
        )


def secret_digest(value: str) -> str:
    """A short, irreversible token of the secret, so the fingerprint never carries the value."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]
