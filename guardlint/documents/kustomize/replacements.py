"""A kustomization's `replacements:` (kustomize's successor to `vars`, api/filters/
replacement): each copies a field of one source object of the build into fields of the objects
its targets select, after every other transformer of its kustomization.

Read here: the selections by group, version, kind, name and namespace (`select`, `reject`),
field paths of keys, list indexes, `*` (every item) and `[key=value]` selectors (a key written
`[a.b]` or with `\\.`), and the options `delimiter`, `index` and `create`, within
MAX_REPLACEMENTS, MAX_TARGETS and MAX_FIELD_PATHS per kustomization. What a replacement writes
into an object follows kustomize (guardlint.documents.kustomize.replacement_writes). Anything
else (a label or annotation selector, another option, a field path not read here, a file that
cannot be read) makes the replacement unknown: its targets' objects are not known.

The source's value is guardlint.documents.kustomize.replacement_sources'. Nothing here reads a
file but a replacement's own (`path:`), read like every input."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from guardlint.documents.kustomize.targets import Selector
from guardlint.documents.manifest_objects import manifest_signature
from guardlint.parse.digits import digits_number
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.recorder import memoized
from guardlint.parse.text import ParseError
from guardlint.parse.yaml_nodes import load_documents

MAX_REPLACEMENTS = 64  # per kustomization, with those its files hold
# Per kustomization: each object of each build asks each target whether it selects it, and
# each field path is followed in each object a target selects.
MAX_TARGETS = 128
MAX_FIELD_PATHS = 256
MAX_PATH_TOKENS = 32
MAX_INDEX = 64
MAX_REPLACEMENT_FILE_BYTES = 100_000
DEFAULT_FIELD_PATH = "metadata.name"
# A kustomization's fields that make objects or change them by plugins guardlint does not run.
GENERATOR_FIELDS = ("configMapGenerator", "secretGenerator")  # a ConfigMap or Secret each
PLUGIN_FIELDS = (*GENERATOR_FIELDS, "generators", "helmCharts", "helmChartInflationGenerator",
                 "transformers", "vars")  # fmt: skip
_SELECTION_KEYS = frozenset({"group", "version", "kind", "name", "namespace"})
_OPTION_KEYS = frozenset({"delimiter", "index", "create"})
_ALL = "*"
NOT_KNOWN = object()  # a value or replacement guardlint does not follow


class Token(NamedTuple):
    """One step of a field path: a key, a list index, every item (`*`) or the items whose
    `key` is `value` (`[key=value]`)."""

    key: str | None = None
    index: int | None = None
    every: bool = False
    match: tuple[str, str] | None = None


class Options(NamedTuple):
    delimiter: str
    index: int
    create: bool


class Target(NamedTuple):
    select: Selector
    rejects: tuple[Selector, ...]
    field_paths: tuple[tuple[Token, ...], ...]
    options: Options


class Replacement(NamedTuple):
    """One replacement: where its value comes from and what it writes it into."""

    source: Selector
    source_path: tuple[Token, ...]
    source_options: Options
    targets: tuple[Target, ...]


def replacement_entries(directory: str, kustomization: dict) -> tuple | None:
    """The replacements of a kustomization (a parsed map) in `directory`, in order, each a
    Replacement, NOT_KNOWN or the normalized path of a file of them (read by `replacements`);
    None where its `replacements:` is not a list or past MAX_REPLACEMENTS."""
    entries = kustomization.get("replacements")
    if entries is None:
        return ()
    if not isinstance(entries, list) or len(entries) > MAX_REPLACEMENTS:
        return None
    found: list[Any] = []
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) and len(entry) == 1 else None
        if isinstance(path, str) and path and "://" not in path:
            found.append(os.path.normpath(os.path.join(directory, path)))
        else:
            found.append(_replacement(entry))
    return tuple(found)


def replacements(entries: tuple | None, root: str) -> tuple | None:
    """The replacements of `replacement_entries`, each file's read (once per version); None
    where they are not known or past MAX_REPLACEMENTS."""
    if entries is None:
        return None
    found: list[Any] = []
    for entry in entries:
        if isinstance(entry, str):
            found.extend(_file_replacements(entry, root, manifest_signature(entry)))
        else:
            found.append(entry)
    targets = [t for each in found if isinstance(each, Replacement) for t in each.targets]
    paths = sum(len(target.field_paths) + len(target.rejects) for target in targets)
    if len(found) > MAX_REPLACEMENTS or len(targets) > MAX_TARGETS or paths > MAX_FIELD_PATHS:
        return None
    return tuple(found)


@memoized(maxsize=256)
def _file_replacements(path: str, root: str, signature: tuple) -> tuple:
    """The replacements a `path:` file holds (one, or a list of them); NOT_KNOWN where it
    cannot be read or parsed."""
    try:
        data = read_input(path, MAX_REPLACEMENT_FILE_BYTES, root)
        documents = load_documents(data.decode("utf-8"), cfn_tags=False)
    except (InputError, UnicodeDecodeError, ParseError, RecursionError):
        return (NOT_KNOWN,)
    body = documents[0] if len(documents) == 1 else None
    entries = body if isinstance(body, list) else [body]
    return tuple(_replacement(entry) for entry in entries[: MAX_REPLACEMENTS + 1])


def _replacement(entry: Any) -> Any:
    if not isinstance(entry, dict) or set(entry) != {"source", "targets"}:
        return NOT_KNOWN
    source, targets = entry["source"], entry["targets"]
    if not isinstance(source, dict) or not isinstance(targets, list) or not targets:
        return NOT_KNOWN
    selection = _selection(source, {"fieldPath", "options"})
    path = _field_path(source.get("fieldPath", DEFAULT_FIELD_PATH))
    options = _options(source.get("options"))
    read = [_target(target) for target in targets]
    if selection is None or path is None or options is None or None in read:
        return NOT_KNOWN
    if options.create or any(token.every for token in path):
        return NOT_KNOWN  # a source is looked up, one value: not followed here
    return Replacement(selection, path, options, tuple(read))


def _target(target: Any) -> Target | None:
    if not isinstance(target, dict) or not set(target) <= {"select", "reject", "fieldPaths",
                                                           "options"}:  # fmt: skip
        return None
    select = _selection(target.get("select"), set())
    rejects = target.get("reject", [])
    paths = target.get("fieldPaths", [DEFAULT_FIELD_PATH])
    options = _options(target.get("options"))
    if not isinstance(rejects, list) or not isinstance(paths, list) or not paths:
        return None
    read_rejects = [_selection(reject, set()) for reject in rejects]
    read_paths = [_field_path(path) for path in paths]
    if select is None or options is None or None in read_rejects or None in read_paths:
        return None
    if options.create and any(token.every for path in read_paths for token in path):
        return None  # kustomize fails: create in a multi-value target
    return Target(select, tuple(read_rejects), tuple(read_paths), options)  # type: ignore[arg-type]


def _selection(spec: Any, other_keys: set[str]) -> Selector | None:
    """What a `select`, `reject` or `source` selects, by its IDs' fields (names are matched
    whole, never as patterns); None for anything else (a label or annotation selector)."""
    if not isinstance(spec, dict) or not set(spec) <= _SELECTION_KEYS | other_keys:
        return None
    said = [spec.get(key) for key in ("group", "version", "kind", "name", "namespace")]
    if any(value is not None and not isinstance(value, str) for value in said):
        return None
    return Selector(*(value or None for value in said), certain=True)


def _options(spec: Any) -> Options | None:
    if spec is None:
        return Options("", 0, False)
    if not isinstance(spec, dict) or not set(spec) <= _OPTION_KEYS:
        return None
    delimiter, index, create = (spec.get(k, d) for k, d in (("delimiter", ""), ("index", 0),
                                                             ("create", False)))  # fmt: skip
    if not isinstance(delimiter, str) or type(index) is not int or not isinstance(create, bool):
        return None
    return Options(delimiter, index, create)


def _field_path(path: Any) -> tuple[Token, ...] | None:
    """The tokens of a field path (kyaml's SmarterPathSplitter: `.` splits but inside
    brackets, `\\.` is a dot of a key); None for one not read here."""
    if not isinstance(path, str) or not path:
        return None
    parts: list[str] = []
    current, depth, escaped = "", 0, False
    for character in path:
        if escaped:
            current, escaped = current + character, False
        elif character == "\\":
            escaped = True
        elif character == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            depth += {"[": 1, "]": -1}.get(character, 0)
            current += character
    parts.append(current)
    tokens = [_token(part) for part in parts]
    if len(tokens) > MAX_PATH_TOKENS or None in tokens or depth or escaped:
        return None
    return tuple(tokens)  # type: ignore[arg-type]


def _token(part: str) -> Token | None:
    if part.startswith("[") and part.endswith("]"):
        inner = part[1:-1]
        key, equals, value = inner.partition("=")
        if not equals:
            return Token(key=inner) if inner else None
        if not key or "*" in value or "[" in inner:
            return None
        return Token(match=(key, value))
    if part == _ALL:
        return Token(every=True)
    if not part or "[" in part or "]" in part:
        return None
    index = digits_number(part, MAX_INDEX + 1)  # an index of a list, a key of a map ('²' a key)
    if index is not None:
        return Token(key=part, index=index) if index <= MAX_INDEX else None
    return Token(key=part)
