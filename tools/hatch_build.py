"""The wheel's build hook: guardlint's own YAML (rules/*.yaml, guardlint/data/*.yaml) compiled to
JSON into the wheel, which loads ten times faster (guardlint/parse/yaml_loader.py says how it is
used). An editable install gets none: it reads the YAML as it is edited."""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED_SOURCES = ("rules/*.yaml", "guardlint/data/*.yaml")


def _yaml_loader(root: Path) -> ModuleType:
    """guardlint/parse/yaml_loader.py on its own: the build environment has PyYAML, not the
    rest of guardlint's dependencies."""
    path = root / "guardlint" / "parse" / "yaml_loader.py"
    spec = importlib.util.spec_from_file_location("guardlint_yaml_loader", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled_yaml(root: Path) -> tuple[str, bytes]:
    """The compiled file's name and bytes for the source tree at `root`."""
    loader = _yaml_loader(root)
    paths = sorted(path for pattern in COMPILED_SOURCES for path in root.glob(pattern))
    compiled = loader.compile_yaml(path.read_text(encoding="utf-8") for path in paths)
    return loader.COMPILED_NAME, json.dumps(compiled, sort_keys=True).encode()


class CompiledYamlHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        name, content = compiled_yaml(Path(self.root))
        self._scratch = tempfile.mkdtemp(prefix="guardlint-build-")
        path = Path(self._scratch) / name
        path.write_bytes(content)
        build_data["force_include"][str(path)] = f"guardlint/parse/{name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            shutil.rmtree(self._scratch, ignore_errors=True)
