"""The suppressions written in a scanned file: what each covers (guardlint.suppress.inline
applies them).

The forms:
- a comment `# guardlint:ignore ACME001,ACME002 -- reason` at the end of the finding's line, or
  on its own line(s) right above it;
- a comment `# guardlint:ignore-file ACME001 -- reason` anywhere in the file;
- only a real comment of the file's syntax counts (guardlint.suppress.comments): the same text in a
  YAML string or block scalar, a Dockerfile heredoc body or quoted argument, or a JSON file
  is data;
- CloudFormation (JSON or YAML): `Metadata: {guardlint: {ignore: [{id: ACME001, reason: ..}]}}`
  on a resource covers findings inside that resource;
- Kubernetes: annotations `guardlint.dev/ignore: "ACME001,ACME002"` and
  `guardlint.dev/ignore-reason: "..."` on an object (or its pod template) cover that object.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, NamedTuple

from guardlint.model.documents import ONE_PLACE, Document, Region
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import region_of
from guardlint.suppress.comments import RealComments

K8S_IGNORE = "guardlint.dev/ignore"
K8S_IGNORE_REASON = "guardlint.dev/ignore-reason"
_ID = r"[A-Za-z][A-Za-z0-9]{1,7}[0-9]{3}"
_COMMENT = LazyPattern(r"(?:^|\s)#\s*guardlint:\s*(ignore-file|ignore)(?=[\s=:]|$)[\s=:]*(.*)$")
_IDS_THEN_REASON = LazyPattern(rf"^((?:{_ID}(?:\s*,\s*|\s+|$))+)(.*)$")
_ID_TOKEN = LazyPattern(_ID)
_ID_WORD = LazyPattern(rf"^{_ID}$")
_LIST = LazyPattern(r"[\s,]+")


class Directive(NamedTuple):
    """One written suppression: which rules, why, and which lines of which file it covers."""

    rule_ids: frozenset[str]
    reason: str
    region: Region  # where the directive itself is written
    # The lines it covers, inclusive; a directive on any line of a multi-line finding (a
    # continued RUN, a flow mapping) covers it. A file-wide one covers every finding of the
    # file, also one past its last line (a YAML file that ends in the middle of a node).
    first_line: int
    last_line: int
    resource: str
    described: str  # how a message names it
    # The one document it covers, when that document's text is on one line with others'
    # (ONE_PLACE: a manifest the CDK writes as JSON): its lines cover them all.
    within: Document | None = None


def _rule_ids(value: Any) -> frozenset[str]:
    """Rule IDs from `"A001, B002"` or `[A001, B002]`; anything else names no rule."""
    items = value if isinstance(value, list) else [value]
    words = [w for item in items if isinstance(item, str) for w in _LIST.split(item) if w]
    return frozenset(w.upper() for w in words if _ID_WORD.match(w))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ids_and_reason(text: str) -> tuple[frozenset[str], str]:
    match = _IDS_THEN_REASON.match(text.strip())
    if match is None:
        return frozenset(), ""
    ids = frozenset(i.upper() for i in _ID_TOKEN.findall(match.group(1)))
    return ids, match.group(2).strip().lstrip("-:").strip()


def _is_comment_only(line: str) -> bool:
    return line.lstrip().startswith("#")


def comment_directives(lines: list[str], comments: RealComments) -> Iterator[Directive]:
    """`# guardlint:ignore[-file] IDS -- reason` comments (YAML, Dockerfile): only where the
    file's syntax makes the `#` a comment, never inside a string, block scalar or heredoc."""
    candidates = []
    for number, line in enumerate(lines, start=1):
        if "guardlint" not in line:
            continue  # cheap prefilter: most lines of most files
        match = _COMMENT.search(line)
        if match is None:
            continue
        column = match.start() + (0 if line[match.start()] == "#" else 1) + 1
        candidates.append((number, column, match))
    real = comments.among((number, column) for number, column, _ in candidates)
    for number, column, match in candidates:
        if (number, column) not in real:
            continue
        ids, reason = _ids_and_reason(match.group(2))
        if not ids:
            continue
        line = lines[number - 1]
        region = Region(number, column, number, len(line) + 1)
        resource = f"guardlint:{match.group(1)} {','.join(sorted(ids))}"
        described = f"`# {resource}` on line {number}"
        if match.group(1) == "ignore-file":
            yield Directive(ids, reason, region, 1, sys.maxsize, resource, described)
        elif not _is_comment_only(line):
            yield Directive(ids, reason, region, number, number, resource, described)
        else:
            # A comment line covers the next line that is not a comment (stacked directives).
            target = number + 1
            while target <= len(lines) and (
                not lines[target - 1].strip() or _is_comment_only(lines[target - 1])
            ):
                target += 1
            yield Directive(ids, reason, region, number, target, resource, described)


def last_line_of(region: Region) -> int:
    """The last line a region takes: one that ends at column 1 of a later line takes nothing
    of that line."""
    end = region.end_line or region.start_line
    if region.end_column == 1 and end > region.start_line:
        return end - 1
    return end


def _object_last_line(region: Region, lines: list[str]) -> int:
    """The last line of an object (a resource, a manifest): its region's, then the blank and
    comment lines after it, up to what comes next (the next resource's key, `---`)."""
    last = last_line_of(region)
    while last < len(lines) and (not lines[last].strip() or _is_comment_only(lines[last])):
        last += 1
    return last


def cloudformation_directives(document: Document) -> Iterator[Directive]:
    """Metadata.guardlint.ignore on each resource covers that resource's lines."""
    # Imported here: only a template has these, and its scan loaded the module already.
    from guardlint.documents.cloudformation.resources import construct_path, resource_label

    resources = document.data.get("Resources") if isinstance(document.data, dict) else None
    if not isinstance(resources, dict):
        return
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        metadata = resource.get("Metadata")
        settings = metadata.get("guardlint") if isinstance(metadata, dict) else None
        entries = settings.get("ignore") if isinstance(settings, dict) else None
        if not isinstance(entries, list):
            continue
        whole = region_of(resource) or Region(1)
        first = (region_of(resources, logical_id) or whole).start_line
        last = _object_last_line(whole, document.lines)
        name = resource_label(
            str(resource.get("Type", "resource")),
            str(logical_id),
            construct_path(document, str(logical_id)),
        )
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                ids, reason = _rule_ids(entry.get("id")), _text(entry.get("reason"))
            else:
                ids, reason = _rule_ids(entry), ""
            if ids:
                # Point at the `id` (in pretty-printed JSON the item starts on a lone `{`).
                located = entry if isinstance(entry, dict) and "id" in entry else entries
                region = region_of(located, "id" if located is entry else index) or whole
                described = f"of {', '.join(sorted(ids))} in the Metadata of {name}"
                yield Directive(ids, reason, region, first, last, name, described)


def _annotated(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The object's own annotations, then its pod template's."""
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("annotations"), dict):
        yield metadata["annotations"]
    spec = data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    metadata = template.get("metadata") if isinstance(template, dict) else None
    if isinstance(metadata, dict) and isinstance(metadata.get("annotations"), dict):
        yield metadata["annotations"]


def kubernetes_directives(document: Document) -> Iterator[Directive]:
    """`guardlint.dev/ignore` annotations cover the whole object."""
    data = document.data
    if not isinstance(data, dict):
        return
    whole = getattr(data, "region", None) or Region(1)
    for notes in _annotated(data):
        ids = _rule_ids(notes.get(K8S_IGNORE))
        if not ids:
            continue
        reason = _text(notes.get(K8S_IGNORE_REASON))
        region = region_of(notes, K8S_IGNORE) or whole
        resource = str(document.meta.get("resource", "object"))
        described = f"of {', '.join(sorted(ids))} in the annotations of {resource}"
        last = _object_last_line(whole, document.lines)
        within = document if document.meta.get(ONE_PLACE) is not None else None
        yield Directive(ids, reason, region, whole.start_line, last, resource, described, within)


_DOCUMENT_DIRECTIVES = {
    "cloudformation": cloudformation_directives,
    "kubernetes": kubernetes_directives,
}


def directives_of(
    documents: list[Document], lines: list[str], rel_path: str, comments: RealComments
) -> list[Directive]:
    """Every suppression written in one file."""
    found = list(comment_directives(lines, comments))
    for document in documents:
        extractor = _DOCUMENT_DIRECTIVES.get(document.kind)
        if extractor is not None and document.rel_path == rel_path:
            found.extend(extractor(document))
    return found
