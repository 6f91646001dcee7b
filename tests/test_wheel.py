"""The wheel and its build hook (tools/hatch_build.py): guardlint's own YAML compiled to JSON,
which guardlint.parse.yaml_loader reads instead of the YAML where the texts are the same."""

from __future__ import annotations

import json
import zipfile

import pytest
import yaml
from hatchling.builders.wheel import WheelBuilder

from guardlint.parse import yaml_loader
from guardlint.rulebook import builtin_rules_dir, load_rulebook
from tests.conftest import ROOT

PACKS = sorted(builtin_rules_dir().glob("*.yaml"))
# Packs JSON cannot spell, read as YAML: compose's port options are keyed by numbers.
NOT_COMPILED = {"compose.yaml"}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The compiled YAML in a wheel built from this checkout, as pip would build it."""
    directory = tmp_path_factory.mktemp("wheel")
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(directory), versions=["standard"])
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(f"guardlint/parse/{yaml_loader.COMPILED_NAME}"))


def test_the_wheel_carries_the_rule_packs_compiled(compiled: dict[str, str]) -> None:
    assert len(PACKS) > len(NOT_COMPILED)
    for pack in PACKS:
        text = pack.read_text(encoding="utf-8")
        spelled = compiled.get(yaml_loader.text_digest(text))
        if pack.name in NOT_COMPILED:
            assert spelled is None
        else:
            assert json.loads(spelled) == yaml.safe_load(text), pack.name


def test_the_build_leaves_the_source_tree_as_it_was(compiled: dict[str, str]) -> None:
    assert not (ROOT / "guardlint" / "parse" / yaml_loader.COMPILED_NAME).exists()


def test_a_rulebook_from_the_compiled_packs_is_the_rulebook_from_yaml(
    compiled: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from_yaml = load_rulebook()
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: compiled)
    read_as_yaml = []
    load = yaml_loader.yaml.load

    def recorded(text: str, **kwargs: object) -> object:
        read_as_yaml.append(text)
        return load(text, **kwargs)

    monkeypatch.setattr(yaml_loader.yaml, "load", recorded)
    from_json = load_rulebook()
    assert len(read_as_yaml) == len(NOT_COMPILED)
    assert from_json.rules == from_yaml.rules


def test_a_text_not_compiled_as_it_is_is_read_as_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "rules: [a, b]\n"
    stale = {yaml_loader.text_digest(text): json.dumps({"rules": ["stale"]})}
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: stale)
    assert yaml_loader.load_plain(text + "# edited after the build\n") == {"rules": ["a", "b"]}
    assert yaml_loader.load_plain(text) == {"rules": ["stale"]}


def test_each_load_gives_new_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "rules: [a]\n"
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: yaml_loader.compile_yaml([text]))
    first = yaml_loader.load_plain(text)
    first["rules"].append("changed by a caller")
    assert yaml_loader.load_plain(text) == {"rules": ["a"]}


def test_yaml_that_json_cannot_give_back_is_not_compiled() -> None:
    dated, numbered = "released: 2024-01-31\n", "{1: one}\n"
    assert yaml_loader.compile_yaml([dated, numbered]) == {}
