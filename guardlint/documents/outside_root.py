"""References a scanned file makes to files that lie outside the scan root: a Compose service's
`env_file`, `extends: {file}` and `build` context, an `include:`, a SAM function's `CodeUri`
(a Lambda function's `Code`), an API's or state machine's `DefinitionUri` (a GraphQL API's
`SchemaUri`), a kustomization's `resources`, `bases`, `components` and patch files. guardlint
never reads them (input written by an attacker must not lead it to `/etc/passwd` or the
runner's secrets), but what they would show (a privileged base service, a secret in an
environment file) is then not known: each such reference is a GL001 note at the line that
names it, naming the reference as written and why, the way a dependency past the size limit is
(guardlint.documents.dependencies). Nothing is read to say so: the path is judged as written,
then by where its links lead (recorded for the result cache, guardlint.parse.lookups). A file's
first MAX_NOTES such references are a note each, and the rest one note at the first of them
that counts them: a 24 KB file of a thousand `/elsewhere/N.yaml` made a thousand notes, 1.9 MB
of SARIF (27 KB now), which a repository of such files would multiply past what a code
scanning upload takes (its real findings crowded out)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from guardlint.documents.dependencies import note_unread
from guardlint.model.documents import Document, Region
from guardlint.parse.inputs import LEADS_OUTSIDE, lies_inside
from guardlint.parse.located import region_of
from guardlint.parse.lookups import real_path
from guardlint.parse.text import shown

OUTSIDE = "lies outside the scan root; never read"
_UNKNOWN = ": the findings it could give are not known here"
MAX_REFERENCES = 1000  # a file's paths judged, past which the rest are not looked at
MAX_NOTES = 10  # a file's references noted one by one, past which one note counts the rest
SHOWN = 160  # characters of a reference a note quotes

# A reference: its path as written, where it is written, what names it (for the note).
Reference = tuple[Any, Region | None, str]

_KUSTOMIZE_PATHS = ("resources", "bases", "components", "patchesStrategicMerge")
_KUSTOMIZE_PATCHES = ("patches", "patchesJson6902")
_KUSTOMIZE_API = "kustomize.config.k8s.io/"  # a Kustomization's or a Component's


def note_references_outside_root(document: Document) -> None:
    """A GL001 note on `document` at each path it names that leads out of the scan root."""
    source = document.source
    finder = _FINDERS.get(document.kind)
    if finder is None or source is None or source.root is None or source.template:
        return
    if source.path == "-":
        return
    directory = os.path.dirname(os.path.abspath(source.path))
    written_paths = (found for found in finder(document.data) if isinstance(found[0], str))
    outside: list[tuple[str, Region]] = []
    for count, (written, region, what) in enumerate(written_paths):
        if count >= MAX_REFERENCES:
            break
        why = _outside(directory, source.root, written)
        if why is not None:
            outside.append((f"{what} {shown(written, SHOWN)} {why}", region or Region(1)))
    for said, region in outside[:MAX_NOTES]:
        note_unread(document, region, said + _UNKNOWN)
    if len(outside) > MAX_NOTES:
        first = outside[MAX_NOTES][1]
        note_unread(
            document,
            first,
            f"{len(outside) - MAX_NOTES:,} more references from line {first.start_line} on "
            "lead out of the scan root, never read: the findings they could give are not known "
            "here",
        )


def _outside(directory: str, root: str, written: str) -> str | None:
    """Why the path `written` (relative to `directory`) is not read, when it leads out of
    `root`; None for one inside it, and for what names no local path (a URL, a variable)."""
    if not written.strip() or "\0" in written:
        return None
    text = written.strip()
    if "$" in text or "://" in text or text.startswith("git@"):
        return None
    path = os.path.normpath(os.path.join(directory, text))
    if not lies_inside(path, root):
        return OUTSIDE
    if real_path(path, root) is None:
        return LEADS_OUTSIDE
    return None


def _compose_references(data: Any) -> Iterator[Reference]:
    include = data.get("include") if isinstance(data, dict) else None
    for index, item in enumerate(include if isinstance(include, list) else ()):
        where = region_of(include, index)
        for key in ("path", "env_file", "project_directory"):
            value = item.get(key) if isinstance(item, dict) else item if key == "path" else None
            for path in value if isinstance(value, list) else [value]:
                yield path, where, f"include {key}"
    services = data.get("services") if isinstance(data, dict) else None
    for service in services.values() if isinstance(services, dict) else ():
        if not isinstance(service, dict):
            continue
        yield from _env_files(service)
        extends, build = service.get("extends"), service.get("build")
        if isinstance(extends, dict):
            yield extends.get("file"), region_of(service, "extends"), "extends file"
        context = build.get("context") if isinstance(build, dict) else build
        yield context, region_of(service, "build"), "build context"


def _env_files(service: dict) -> Iterator[Reference]:
    setting = service.get("env_file")
    where = region_of(service, "env_file")
    for entry in setting if isinstance(setting, list) else [setting]:
        yield entry.get("path") if isinstance(entry, dict) else entry, where, "env_file"


def _template_references(data: Any) -> Iterator[Reference]:
    # Imported here, not above: only a template needs them.
    from guardlint.documents.cloudformation.resources import LAMBDA_FUNCTION
    from guardlint.documents.cloudformation.sam import DEFINITION_FILES, FUNCTION

    local_paths = {FUNCTION: "CodeUri", LAMBDA_FUNCTION: "Code", **DEFINITION_FILES}
    resources = data.get("Resources") if isinstance(data, dict) else None
    for resource in resources.values() if isinstance(resources, dict) else ():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            continue
        key = local_paths.get(resource["Type"])
        properties = resource.get("Properties")
        if key is not None and isinstance(properties, dict):
            yield properties.get(key), region_of(properties, key), key


def _kustomization_references(data: Any) -> Iterator[Reference]:
    api_version = data.get("apiVersion") if isinstance(data, dict) else None
    if not isinstance(api_version, str) or not api_version.startswith(_KUSTOMIZE_API):
        return
    for field in (*_KUSTOMIZE_PATHS, *_KUSTOMIZE_PATCHES):
        entries = data.get(field)
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            path = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(path, str) and "\n" not in path:  # an inline patch names no file
                yield path, region_of(entries, index), field


_FINDERS = {
    "compose": _compose_references,
    "cloudformation": _template_references,
    "kubernetes": _kustomization_references,
}
