"""A CDK cloud assembly on disk (what `cdk synth` writes into `cdk.out/`, or the directory `-o`
names): whether a directory is one, by its `manifest.json`; which of its entries hold no
template (discovery skips them); and the stack traces its `cdk synth --debug` metadata records
for each construct.

A manifest is the repository's file like any other: read through guardlint.parse.inputs
(bounded, never out of the scan root), decoded with the standard library's JSON parser, whose
nesting is bounded by the interpreter's recursion limit (RecursionError is caught). Anything
malformed makes the directory no assembly, or leaves a construct without a trace; it never
fails the scan. The metadata of a stack is in its artifact's `metadata` (older aws-cdk-lib) or
in the file its `additionalMetadataFile` names beside the manifest (current aws-cdk-lib).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from guardlint.parse.inputs import InputError, lies_inside, read_input
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.lookups import entry_info
from guardlint.parse.recorder import memoized
from guardlint.parse.text import DEFAULT_MAX_BYTES

# Why discovery skips an entry (keys of its SKIP_REASONS): an asset staging folder
# (`asset.<hash>/`, or a staged file `asset.<hash>.<ext>`), a copy of code scanned where it
# lives; a file of the assembly that holds no template, or `cdk.context.json` anywhere.
STAGED_ASSET = "cdk-asset"
NO_TEMPLATE = "cdk-metadata"
ASSET_PREFIX = "asset."
CONTEXT_FILE = "cdk.context.json"
# Beside the templates: the construct tree, asset manifests, the assembly manifest and the side
# files of stack metadata.
_NO_TEMPLATE_NAMES = LazyPattern(r"tree\.json|manifest\.json|.+\.(?:assets|metadata)\.json")
MANIFEST = "manifest.json"
STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
LOGICAL_ID_ENTRY = "aws:cdk:logicalId"
# The manifest and each metadata file: the default bound of every scanned file. CDK writes a
# few kilobytes per construct even with --debug traces.
MANIFEST_MAX_BYTES = DEFAULT_MAX_BYTES
# A trace frame longer than this is no source location CDK wrote.
MAX_FRAME_CHARS = 4096


class Frame(NamedTuple):
    """One stack-trace frame: the file as written on the machine that ran `cdk synth`."""

    file: str
    line: int
    column: int


class CloudAssembly:
    """A recognised cloud assembly: its directory and the stack artifacts of its manifest."""

    def __init__(self, directory: str, root: str | None, stacks: list[dict[str, Any]]) -> None:
        self.directory = directory
        self._root = root
        self._stacks = stacks

    @property
    def traces(self) -> Mapping[str, tuple[str, ...]]:
        """Construct path (`Stack/Api/Handler/Resource`, no leading `/`) -> the frames of the
        stack trace where the construct got its logical ID (`cdk synth --debug` only). Every
        template of the assembly asks, and each records the metadata files read for it."""
        traces: dict[str, tuple[str, ...]] = {}
        for stack in self._stacks:
            found = [_logical_id_traces(stack.get("metadata"))]
            name = stack.get("additionalMetadataFile")
            # CDK writes `<artifact>.metadata.json` beside the manifest: a bare file name.
            if isinstance(name, str) and _bare_name(name):
                found.append(_side_file_traces(os.path.join(self.directory, name), self._root))
            for stack_traces in found:
                for path, trace in stack_traces.items():
                    traces.setdefault(path, trace)
        return traces

    @property
    def template_files(self) -> frozenset[str]:
        """The files its stacks deploy (each artifact's `templateFile`, a bare name beside the
        manifest): `cdk deploy --app` reads each whatever its name (`stack.bin`, `tree.json`)."""
        properties = [stack.get("properties") for stack in self._stacks]
        names = [found.get("templateFile") for found in properties if isinstance(found, dict)]
        return frozenset(name for name in names if isinstance(name, str) and _bare_name(name))

    @property
    def nested_template_paths(self) -> frozenset[tuple[str, ...]]:
        """The templateFiles below a directory of the assembly, as path components: the
        cloud-assembly schema reads a templateFile relative to the manifest's directory. One
        that is absolute, or has a `..` or `\\` in it, leads nowhere (CDK writes none)."""
        properties = [stack.get("properties") for stack in self._stacks]
        names = [found.get("templateFile") for found in properties if isinstance(found, dict)]
        return frozenset(
            parts
            for name in names
            if isinstance(name, str) and (parts := _components_below(name)) and len(parts) > 1
        )

    def account_of(self, template_parts: tuple[str, ...]) -> str | None:
        """The account the stack of a template (its path below the manifest's directory, as
        components) deploys to, from its artifact's `environment`
        (`aws://111122223333/us-east-1`); for a template no stack names (a nested stack's,
        deployed in its parent's account) the one account every stack of the assembly has.
        None for an environment-agnostic stack (`aws://unknown-account/unknown-region`)."""
        accounts = set()
        for stack in self._stacks:
            account = _account(stack.get("environment"))
            properties = stack.get("properties")
            name = properties.get("templateFile") if isinstance(properties, dict) else None
            if isinstance(name, str) and _components_below(name) == template_parts:
                return account
            accounts.add(account)
        return accounts.pop() if len(accounts) == 1 else None


def _account(environment: Any) -> str | None:
    """The account ID of an artifact's environment, if it names one."""
    if not isinstance(environment, str) or not environment.startswith("aws://"):
        return None
    account = environment[len("aws://") :].split("/", 1)[0]
    return account if len(account) == 12 and account.isascii() and account.isdigit() else None


def _side_file_traces(path: str, root: str | None) -> Mapping[str, tuple[str, ...]]:
    info = entry_info(path)
    if info is None:
        return {}
    return _read_side_file_traces(path, root, (info.st_ino, info.st_size, info.st_mtime_ns))


# Read once while it stays the same file, and recorded again for every template that asks (a
# cached_property on the shared assembly recorded it for the first template only).
@memoized(maxsize=64)
def _read_side_file_traces(
    path: str, root: str | None, _version: tuple
) -> Mapping[str, tuple[str, ...]]:
    return _logical_id_traces(_read_json(path, root))


def _logical_id_traces(metadata: Any) -> dict[str, tuple[str, ...]]:
    """Construct path -> trace, from a stack's metadata (in the manifest or a side file)."""
    traces: dict[str, tuple[str, ...]] = {}
    for path, entries in metadata.items() if isinstance(metadata, dict) else ():
        trace = _logical_id_trace(entries)
        if isinstance(path, str) and trace:
            traces.setdefault(path.lstrip("/"), trace)
    return traces


def _components_below(name: str) -> tuple[str, ...]:
    """The components of a relative path that stays below its directory; () for any other."""
    if name.startswith("/") or set(name) & {"\\", "\0"}:
        return ()
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    return () if ".." in parts else parts


def _bare_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not set(name) & {"/", "\\", "\0"}


def _logical_id_trace(entries: Any) -> tuple[str, ...]:
    if not isinstance(entries, list):
        return ()
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type") == LOGICAL_ID_ENTRY:
            trace = entry.get("trace")
            if isinstance(trace, list):
                return tuple(frame for frame in trace if isinstance(frame, str))
    return ()


def _read_json(path: str, root: str | None) -> Any:
    try:
        return json.loads(read_input(path, MANIFEST_MAX_BYTES, root))
    except (InputError, ValueError, RecursionError):  # ValueError: bad JSON, bad encoding
        return None


def read_assembly(directory: str, root: str | None) -> CloudAssembly | None:
    """The cloud assembly at `directory`: its `manifest.json` holds a `version` and
    `artifacts` with at least one `aws:cloudformation:stack` or nested `cdk:cloud-assembly`
    (a Stage's, by its directory). None for any other directory
    (a web app's or a browser extension's manifest.json). `root` is the scan root the
    manifest must not lead out of. Discovery and every template of the assembly ask: the
    manifest is read once while it stays the same file."""
    try:
        info = entry_info(os.path.join(directory, MANIFEST))
    except ValueError:  # a NUL byte in the name
        return None
    if info is None:
        return None
    return _read_assembly(directory, root, (info.st_ino, info.st_size, info.st_mtime_ns))


# What a read observed is recorded again on every hit: the result cache sees the manifest as a
# dependency of every template it names (guardlint.parse.recorder).
@memoized(maxsize=16)
def _read_assembly(directory: str, root: str | None, _version: tuple) -> CloudAssembly | None:
    manifest = _read_json(os.path.join(directory, MANIFEST), root)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        return None
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, dict):
        return None
    listed = [artifact for artifact in artifacts.values() if isinstance(artifact, dict)]
    stacks = [artifact for artifact in listed if artifact.get("type") == STACK_ARTIFACT]
    if stacks or any(_is_nested_assembly(artifact) for artifact in listed):
        return CloudAssembly(directory, root, stacks)
    return None


def _is_nested_assembly(artifact: dict) -> bool:
    """A Stage's assembly (`cdk.out/assembly-<Stage>/`): an app whose stacks all live in
    Stages has a top manifest of only these, and that top directory stages their assets."""
    properties = artifact.get("properties")
    name = properties.get("directoryName") if isinstance(properties, dict) else None
    return artifact.get("type") == NESTED_ASSEMBLY and isinstance(name, str) and _bare_name(name)


class AssemblyEntries:
    """Which entries under a scan root belong to a CDK cloud assembly and hold no template, and
    which are templates a stack deploys: beside the manifest, or below it (`sub/stack.json`,
    even inside an asset staging folder, which is then walked for its templates alone)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.nested_templates: set[str] = set()  # normalized paths below their manifests
        self.template_dirs: set[str] = set()  # staging folders walked for templates alone

    def is_assembly(self, directory: str) -> bool:
        """A cloud assembly inside the root (its manifest is read only there); the templates
        its stacks name below it are expected from then on."""
        if not lies_inside(directory, self.root):
            return False
        assembly = read_assembly(directory, self.root)
        if assembly is None:
            return False
        for parts in assembly.nested_template_paths:
            self.nested_templates.add(os.path.normpath(os.path.join(directory, *parts)))
            staged = [
                index for index, part in enumerate(parts[:-1]) if part.startswith(ASSET_PREFIX)
            ]
            for depth in range(staged[0] if staged else len(parts) - 1, len(parts) - 1):
                self.template_dirs.add(
                    os.path.normpath(os.path.join(directory, *parts[: depth + 1]))
                )
        return True

    def reason(
        self, path: str, is_dir: bool, in_assembly: bool | None, name: str | None = None
    ) -> str | None:
        """STAGED_ASSET, NO_TEMPLATE or None for the entry at `path` (whose base name is
        `name`). `in_assembly` says whether its directory is an assembly; None when no listing
        told (a path named on the command line, pre-commit's staged files): its directories up
        to the root are looked at."""
        name = os.path.basename(path) if name is None else name
        if in_assembly is None and is_dir:
            self._read_above(path)  # for a file, names_template reads them
        if not is_dir and self.names_template(path, name, in_assembly):
            return None
        if self.template_dirs:
            normal = os.path.normpath(path)
            if is_dir and normal in self.template_dirs:
                return None
            if os.path.dirname(normal) in self.template_dirs:
                return STAGED_ASSET  # the rest of a staging folder walked for a template
        if not is_dir and name.lower() == CONTEXT_FILE:
            return NO_TEMPLATE
        if in_assembly is None:
            in_assembly = self.is_assembly(os.path.dirname(path))
            if self._under_staged_asset(path):
                return STAGED_ASSET
        if in_assembly and name.startswith(ASSET_PREFIX):
            return STAGED_ASSET
        if in_assembly and not is_dir and _NO_TEMPLATE_NAMES.fullmatch(name.lower()):
            return NO_TEMPLATE
        return None

    def names_template(self, path: str, name: str, in_assembly: bool | None = None) -> bool:
        """The file at `path` (named `name`) is a template a stack deploys (guardlint reads it
        as CloudFormation whatever its name): one of an assembly seen above it, or, unless
        `in_assembly` says its directory is none, one its directory's manifest names."""
        if in_assembly is None:
            self._read_above(path)
        if self.nested_templates and os.path.normpath(path) in self.nested_templates:
            return True
        if in_assembly is False:  # before dirname: discovery asks for every file it lists
            return False
        directory = os.path.dirname(path)
        if not lies_inside(directory, self.root):
            return False
        assembly = read_assembly(directory, self.root)
        return assembly is not None and name in assembly.template_files

    def _read_above(self, path: str) -> None:
        """Read the assemblies in the directories above a path no listing reached, up to the
        root, so that the templates they name below them are known."""
        parent = os.path.dirname(path)
        while lies_inside(parent, self.root):
            self.is_assembly(parent)  # a look at its manifest, recorded (parse.lookups)
            if parent == os.path.dirname(parent):
                break
            parent = os.path.dirname(parent)

    def _under_staged_asset(self, path: str) -> bool:
        """`path` lies inside an asset staging folder of an assembly in the root."""
        child, parent = os.path.dirname(path), os.path.dirname(os.path.dirname(path))
        while lies_inside(parent, self.root) and parent != child:
            if os.path.basename(child).startswith(ASSET_PREFIX) and self.is_assembly(parent):
                return True
            child, parent = parent, os.path.dirname(parent)
        return False


def parse_frame(frame: str) -> Frame | None:
    """`new ApiStack (/app/lib/api-stack.ts:42:5)`, `/app/bin/app.js:7:1` or, for a Python
    app's host frames, `<module> (/app/app.py:28)`, as a Frame; None for anything else
    (`...aws-cdk-lib...`, `(no user code in 10 frames ...)`)."""
    text = frame.strip()
    if len(text) > MAX_FRAME_CHARS:
        return None
    text = text.removeprefix("at ")
    if text.endswith(")") and "(" in text:
        text = text[text.rindex("(") + 1 : -1]
    head, _, last = text.rpartition(":")
    file, _, middle = head.rpartition(":")
    if middle.isdigit():  # file:line:column
        if not (_number(middle) and _number(last)):
            return None
        line, column = int(middle), int(last)
    elif _number(last):  # file:line (a Python app's frame without a column)
        file, line, column = head, int(last), 1
    else:
        return None
    if not file or line < 1:
        return None
    return Frame(file, line, max(column, 1))


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9
