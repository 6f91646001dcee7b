"""A rule's hit made into a finding: the rule's metadata, a redacted snippet, a fingerprint."""

from __future__ import annotations

from collections.abc import Mapping

from guardlint.findings.hit_secrets import hit_line_text
from guardlint.findings.redaction import Redactor, shown_text
from guardlint.findings.secret_text import LineText
from guardlint.model.documents import Region, ResourceName
from guardlint.model.findings import MAX_MESSAGE_CHARS, Finding, Hit
from guardlint.model.rules import Rule
from guardlint.parse.digests import sha256
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.text import clip, printable

# A generated ID as resource labels and source lines write it (CloudFormation logical IDs are
# alphanumeric), and as a label names its resource: `AWS::S3::Bucket Stack/Logs/Resource
# (LogsBucket9C4D8843)`.
_ID = LazyPattern(r"[A-Za-z0-9]+")
_LABELLED_ID = LazyPattern(r"\(([A-Za-z0-9]+)\)")


def fingerprint(rule_id: str, path: str, resource: str, snippet: str) -> str:
    """Stable across line shifts: what the finding is about, never where it sits."""
    # Runs of whitespace as one space, none at the ends: what `re.sub(r"\s+", " ", snippet)
    # .strip()` gives (both take whitespace as str.isspace does), without the regex engine.
    normalized = " ".join(snippet.split())
    digest = sha256(f"{rule_id}\0{path}\0{resource}\0{normalized}".encode())
    return digest.hexdigest()[:32]


def _stable(text: str, names: Mapping[str, ResourceName]) -> str:
    """`text` with every generated ID that has a stable name written as that name."""
    if not names:
        return text
    return _ID.sub(lambda found: names[found[0]].stable if found[0] in names else found[0], text)


def _named(resource: str, names: Mapping[str, ResourceName]) -> ResourceName | None:
    """What the generator tells about the resource a label names, if it named it."""
    if not names:
        return None
    for found in _LABELLED_ID.finditer(resource):
        if found[1] in names:
            return names[found[1]]
    # `<Type> <LogicalId> ...`: a resource named by its logical ID (a framework resource of a
    # template without construct paths, documents.cloudformation.cdk).
    words = resource.split(" ", 2)
    return names.get(words[1]) if len(words) > 1 else None


def _with_end_column(region: Region, line_text: LineText) -> Region:
    """A region on whole lines (no end column) ending after the last character of its last
    line that is not a blank, as spec/findings.md gives every region an end column; unchanged
    when that line is blank or unknown."""
    if region.end_column is not None:
        return region
    last = line_text(region.end_line or region.start_line).rstrip()
    return Region(*region[:3], len(last) + 1) if last else region


def make_finding(
    rule: Rule,
    hit: Hit,
    path: str,
    lines: list[str],
    redactor: Redactor | None = None,
    names: Mapping[str, ResourceName] | None = None,
) -> Finding:
    """The finding of a hit, with `redactor`'s secrets (the file's) out of every string.
    `names` are the stable names of the generated IDs of the hit's document
    (guardlint.model.documents.ResourceName): fingerprints use them, so a finding keeps its
    identity when only a generated ID changes."""
    redactor = redactor if redactor is not None else Redactor()
    names = names or {}
    named = _named(hit.resource, names)
    message = hit.message if named is None or not named.note else f"{hit.message} {named.note}"
    severity = hit.severity if hit.severity is not None else rule.severity
    where = hit.rel_path or path
    number = hit.region.start_line
    line_text = hit_line_text(hit, lines)
    line = line_text(number)
    shown = redactor.shown(where, number, line)
    resource = redactor.text(hit.resource)
    key = hit.fingerprint_key
    # A key that quotes the source line (bandit's, on a CodeUri file) quotes it redacted.
    quotes_line = key is not None and redactor and shown.stripped and shown.stripped in key
    if key is None or quotes_line:
        located = shown.located
        if hit.secret_values:  # its own values too, wherever the line writes them
            located = shown_text(redactor.located(where, number, line, hit.secret_values))
        key = located if key is None else key.replace(shown.stripped, located)
    if redactor and hit.fingerprint_key is not None:
        key = redactor.text(key)
    basis = (_stable(resource, names), _stable(key, names))
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        score=rule.score_for(severity),
        category=rule.category,
        finding_type=rule.finding_type,
        message=clip(printable(redactor.text(message)), MAX_MESSAGE_CHARS),
        path=printable(where),
        region=_with_end_column(hit.region, line_text),
        resource=clip(printable(resource), MAX_MESSAGE_CHARS),
        remediation=rule.remediation,
        pack=rule.pack,
        snippet=shown.snippet,
        properties=redactor.data(hit.properties),
        fingerprint=fingerprint(rule.id, where, *basis),
        fingerprint_basis=basis,
        related_locations=(named.defined_at,) if named and named.defined_at else (),
    )
