"""The names the AWS CDK gave a synthesised template's resources
(guardlint.model.documents.ResourceName).

A resource whose `Metadata` holds `aws:cdk:path` (`MyStack/Api/Handler/Resource`) is named by
that construct path: its label reads `<Type> <construct path> (<LogicalId>)`
(guardlint.documents.cloudformation.resources) and its findings' fingerprints use the path in
place of the logical ID, which CDK derives from a hash and may change while the construct stays
the same. CDK's own framework resources say so in every finding. When the template lies in a
cloud assembly synthesised with `cdk synth --debug` (beside its manifest, or below the manifest
that names it), the manifest's stack trace for the construct gives where the app defines it:
the first frame outside node_modules, Python's packages and aws-cdk-lib whose file is in the
scanned tree (a frame is never guessed from a file name alone, and nothing outside the scan
root is ever named).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence

from guardlint.knowledge.cdk import FRAMEWORK_NOTE, is_framework_resource, is_library_file
from guardlint.model.documents import Document, Region, RelatedLocation, ResourceName, SourceFile
from guardlint.parse.cdk_assembly import CloudAssembly, parse_frame, read_assembly
from guardlint.parse.inputs import lies_inside
from guardlint.parse.lookups import FILE, path_kind, real_path, real_root
from guardlint.parse.text import printable

CDK_PATH = "aws:cdk:path"
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")  # what CloudFormation accepts
# Bounds on the files a hostile manifest can make a scan look up: the resources of a template
# (CloudFormation's own limit), the app frames tried per resource (a Python app's trace has the
# jsii runtime's before its own), the path components tried per frame, the directories above
# the assembly they are tried under.
_MAX_RESOURCES = 500
_MAX_APP_FRAMES = 8
_MAX_COMPONENTS = 16
_MAX_APP_DIRECTORIES = 8


def cdk_resource_names(document: Document) -> dict[str, ResourceName]:
    """Logical ID -> construct path (and framework note, source location) for every resource
    of the template that the CDK named; empty for a template the CDK did not write."""
    resources = document.data.get("Resources") if isinstance(document.data, dict) else None
    if not isinstance(resources, dict):
        return {}
    paths: dict[str, tuple[str, str]] = {}  # logical ID -> (type, construct path)
    for logical_id, resource in resources.items():
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
        if isinstance(path, str) and path.strip() and _LOGICAL_ID.fullmatch(str(logical_id)):
            paths[str(logical_id)] = (str(resource.get("Type", "")), path.strip())
    if not paths:
        return _framework_names(document.data, resources)
    found = _assembly_of(document.source)
    traces = found[0].traces if found is not None else {}
    sources = _AppSources(found[0].directory, document.source.root) if traces else None
    names = {}
    for index, (logical_id, (resource_type, path)) in enumerate(paths.items()):
        framework = is_framework_resource(resource_type, logical_id, path)
        trace = traces.get(path, ()) if index < _MAX_RESOURCES else ()
        defined_at = sources.defined_at(trace) if sources and trace else None
        names[logical_id] = ResourceName(path, FRAMEWORK_NOTE if framework else "", defined_at)
    return names


def _framework_names(data: dict, resources: dict) -> dict[str, ResourceName]:
    """The framework resources, by logical ID, of a template the CDK wrote without construct
    paths (`--path-metadata false`, the snapshots of the CDK's own integration tests): named
    by that ID, so labels and fingerprints stay those of any template."""
    if not _written_by_cdk(data, resources):
        return {}
    return {
        str(logical_id): ResourceName(str(logical_id), FRAMEWORK_NOTE)
        for logical_id, resource in resources.items()
        if isinstance(resource, dict)
        and _LOGICAL_ID.fullmatch(str(logical_id))
        and is_framework_resource(str(resource.get("Type", "")), str(logical_id), "")
    }


def _written_by_cdk(data: dict, resources: dict) -> bool:
    """Whether the CDK synthesised the template: its bootstrap version check (every stack of
    the default synthesizer) or its version metadata resource."""
    parameters = data.get("Parameters")
    bootstrap = parameters.get("BootstrapVersion") if isinstance(parameters, dict) else None
    default = bootstrap.get("Default") if isinstance(bootstrap, dict) else None
    if isinstance(default, str) and default.startswith("/cdk-bootstrap/"):
        return True
    return any(
        isinstance(resource, dict) and resource.get("Type") == "AWS::CDK::Metadata"
        for resource in resources.values()
    )


def stack_account(document: Document) -> str | None:
    """The AWS account the template's stack deploys to, when the CDK cloud assembly it lies
    in says (a stack with a concrete `env`, whose templates write that account as a literal
    ID where an environment-agnostic one writes `AWS::AccountId`)."""
    found = _assembly_of(document.source)
    return found[0].account_of(found[1]) if found is not None else None


def _assembly_of(source: SourceFile | None) -> tuple[CloudAssembly, tuple[str, ...]] | None:
    """The cloud assembly the template lies in, and the template's path below it (as
    components): its own directory's, else the nearest above it, up to the scan root, whose
    manifest names it as a stack's templateFile (guardlint.parse.cdk_assembly judges those).
    None for standard input, which has no root (a scanned file's bytes may be read already)."""
    if source is None or source.root is None:
        return None
    path = os.path.abspath(source.path)
    directory = os.path.dirname(path)
    assembly = read_assembly(directory, source.root)
    if assembly is not None:
        return assembly, (os.path.basename(path),)
    while directory != os.path.dirname(directory):
        directory = os.path.dirname(directory)
        if not lies_inside(directory, source.root):
            return None
        assembly = read_assembly(directory, source.root)
        parts = tuple(os.path.relpath(path, directory).split(os.sep))
        if assembly is not None and parts in assembly.nested_template_paths:
            return assembly, parts
    return None


class _AppSources:
    """The app's source files in the scanned tree, as a template's traces name them."""

    def __init__(self, assembly: str, root: str) -> None:
        self.root = os.path.abspath(root)
        self.bases = _app_directories(os.path.abspath(assembly), self.root)
        self.found: dict[str, str | None] = {}  # a frame's file -> its path in the tree

    def defined_at(self, frames: Sequence[str]) -> RelatedLocation | None:
        """The first app frame whose file is in the scanned tree, as a related location."""
        app_frames = (
            frame
            for frame in map(parse_frame, frames)
            if frame is not None and not is_library_file(frame.file)
        )
        for frame in itertools.islice(app_frames, _MAX_APP_FRAMES):
            if frame.file not in self.found:
                self.found[frame.file] = _in_scanned_tree(frame.file, self.bases, self.root)
            found = self.found[frame.file]
            if found is not None:
                shown = printable(
                    found.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                )
                return RelatedLocation(
                    shown, Region(frame.line, frame.column), f"defined at {shown}:{frame.line}"
                )
        return None


def _app_directories(assembly: str, root: str) -> tuple[str, ...]:
    """Where the app's files may be, nearest first: the directories above the assembly (its
    parent holds the app; a stage's assembly sits inside the app's `cdk.out`), up to the scan
    root."""
    found = []
    directory = os.path.dirname(assembly)
    while lies_inside(directory, root) and directory != root:
        found.append(directory)
        directory = os.path.dirname(directory)
    return (*found[:_MAX_APP_DIRECTORIES], root)


def _in_scanned_tree(file: str, bases: tuple[str, ...], root: str) -> str | None:
    """`file` as written on the machine that ran `cdk synth` (absolute there), as the path
    relative to the scan root of the same file here: the longest tail of its path that is a
    regular file under one of `bases` (the nearest first), and really inside the scan root.
    None when there is none."""
    parts = [part for part in re.split(r"[/\\]", file) if part]
    if ".." in parts:
        parts = parts[len(parts) - parts[::-1].index("..") :]  # only what follows the last ..
    parts = [part for part in parts[-_MAX_COMPONENTS:] if part != "."]
    real_root_path = real_root(root)
    for size in range(len(parts), 0, -1):
        tail = parts[-size:]
        for base in bases:
            candidate = os.path.join(base, *tail)
            try:
                if path_kind(candidate) != FILE:
                    continue
                real = real_path(candidate, root)
            except (OSError, ValueError):  # a NUL byte, a name too long
                continue
            if real is None or real == real_root_path:
                continue
            return os.path.relpath(candidate, root).replace(os.sep, "/")
    return None
