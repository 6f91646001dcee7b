"""What an installed library imports from other modules, and how it uses the names it binds:
read from its source, for the tests of the stand-ins it is imported with
(guardlint.knowledge.stand_ins)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Binding:
    """One name a module binds from another at its import."""

    module: str  # the library's module
    source: str  # the module it imports from
    name: str | None  # None: `import source`


def library_modules(package: str) -> Iterator[tuple[str, ast.Module]]:
    """Each module of the installed `package`, by name, parsed."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def bindings(package: str, sources: tuple[str, ...]) -> set[Binding]:
    """Every import in `package` of a module under one of `sources` (itself or a submodule)."""
    found = set()
    for module, tree in library_modules(package):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {
                    Binding(module, alias.name, None)
                    for alias in node.names
                    if alias.name.split(".")[0] in sources
                }
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and not node.level
                and node.module.split(".")[0] in sources
            ):
                found |= {Binding(module, node.module, alias.name) for alias in node.names}
    return found


def uses(tree: ast.Module, name: str) -> Iterator[tuple[ast.AST, str]]:
    """Each read of `name` in the module and how: "annotation", "called", "attribute" (the
    attribute read), or "other"."""
    annotations = {
        id(inner)
        for node in ast.walk(tree)
        for annotation in _annotations(node)
        for inner in ast.walk(annotation)
    }
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = parents.get(id(node))
        if id(node) in annotations:
            yield node, "annotation"
        elif isinstance(parent, ast.Call) and parent.func is node:
            yield node, "called"
        elif isinstance(parent, ast.Attribute):
            yield node, f"attribute {parent.attr}"
        else:
            yield node, "other"


def _annotations(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
        yield node.annotation
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
        yield node.returns


def fresh_output(code: str) -> list[str]:
    """The lines `code` prints in a fresh interpreter, where what it imports is its own."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()
