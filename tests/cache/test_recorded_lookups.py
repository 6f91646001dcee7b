"""What a file's scan reads besides the file must be recorded, or a cached result would outlive
a change to it: the modules that scan a file (documents, checks, knowledge, parse, findings,
suppress, the engine's runner and finding-maker) look at the file system only through
guardlint.parse.inputs and guardlint.parse.lookups, which record every look (and
guardlint.parse.helm_template_set, which records its look at a Helm chart's template set as one
observation that lookups finds again)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "guardlint"
SCANNING = ["documents", "checks", "knowledge", "parse", "findings", "suppress"]
SCANNING += ["engine/runner.py", "engine/making.py"]
# The two modules that look and record, and the link resolver both use (what it finds is
# recorded by its callers: a read, or lookups.real_path).
RECORDING = {
    PACKAGE / "parse" / name
    for name in ("inputs.py", "lookups.py", "beneath.py", "helm_template_set.py", "helm_ignore.py")
}
# guardlint's own data (package resources), part of the cache's context, not of a file's scan.
OWN_DATA = {
    PACKAGE / "knowledge" / "tables.py",
    PACKAGE / "knowledge" / "iam_actions.py",  # and the IAM database, a library's (its version)
    PACKAGE / "knowledge" / "sam_policy_templates.py",  # and SAM's, a library's too
    PACKAGE / "parse" / "yaml_loader.py",
}
LOOKING_FUNCTIONS = {
    ("os", name)
    for name in ("stat", "lstat", "scandir", "listdir", "walk", "open", "access", "readlink")
} | {
    ("os.path", name)
    for name in ("exists", "lexists", "isfile", "isdir", "islink", "realpath", "getsize",
                 "getmtime", "samefile", "ismount")
} | {("io", "open"), ("glob", "glob"), ("glob", "iglob")}  # fmt: skip
# pathlib.Path's methods that look at the file system, in a module that imports pathlib (a
# CloudFormation template has a resolve() too).
LOOKING_METHODS = {
    "exists", "is_dir", "is_file", "is_symlink", "resolve", "read_text", "read_bytes",
    "iterdir", "glob", "rglob", "lstat", "samefile", "readlink", "owner",
}  # fmt: skip


def _modules() -> list[Path]:
    found = []
    for part in SCANNING:
        path = PACKAGE / part
        found.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [module for module in found if module not in RECORDING | OWN_DATA]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def looks(module: Path) -> list[str]:
    """The calls in `module` that look at the file system themselves."""
    found = []
    tree = ast.parse(module.read_text(), str(module))
    uses_pathlib = any(
        isinstance(node, ast.Import | ast.ImportFrom)
        and "pathlib" in {getattr(node, "module", None), *(alias.name for alias in node.names)}
        for node in ast.walk(tree)
    )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        owner, _, attribute = name.rpartition(".")
        if (
            name == "open"
            or (owner, attribute) in LOOKING_FUNCTIONS
            or (uses_pathlib and owner and attribute in LOOKING_METHODS)
        ):
            found.append(f"{module.name}:{node.lineno}: {name}()")
    return found


def test_scanning_modules_look_at_files_only_through_the_recording_modules():
    assert [look for module in _modules() for look in looks(module)] == []


@pytest.mark.parametrize(
    "code",
    ["import os\nos.path.exists(p)\n", "from pathlib import Path\nPath(p).is_dir()\n",
     "open(p).read()\n", "import os\nos.walk(d)\n", "import pathlib\nx.resolve()\n",
     "from io import open\nopen(p)\n"],
)  # fmt: skip
def test_the_check_sees_each_kind_of_look(tmp_path, code):
    module = tmp_path / "module.py"
    module.write_text(code)
    assert len(looks(module)) == 1
