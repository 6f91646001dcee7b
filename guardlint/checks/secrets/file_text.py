"""SEC001: credentials written in the text of any scanned file (detect-secrets detectors)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.knowledge.secret_lines import scan_lines
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.digests import sha256


@check("SEC001")
def hardcoded_secret(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each credential the shared detectors find on a line of the file; the fingerprint keys on
    a digest of the value, never the value."""
    # Every kind of file but a Dockerfile is YAML or JSON (a JSON string has no line break).
    yaml = document.source is None or document.source.kind != "dockerfile"
    # A Dockerfile's fingerprints that gpg fetches (`gpg --recv-keys "$SWIFT_SIGNING_KEY"`)
    # name public keys. Imported here: only a Dockerfile needs its model read.
    public: set[str] = set()
    if not yaml:
        from guardlint.checks.dockerfile.secrets import fetched_public_keys

        public = fetched_public_keys(document)
    for found in scan_lines(document.lines, yaml=yaml):
        match = found.match
        if match.value.strip("'\"") in public:
            continue
        yield Hit(
            message=f"{match.kind} hard-coded in {document.rel_path}; anyone who can read the "
            "repository can use it.",
            region=found.region,
            resource=document.rel_path,
            properties={"secretType": match.kind},
            secret_values=(match.value, *found.others),
            fingerprint_key=f"{match.kind}:{secret_digest(match.value)}",
        )


def secret_digest(value: str) -> str:
    """A short, irreversible token of the secret, so the fingerprint never carries the value."""
    return sha256(value.encode()).hexdigest()[:12]
