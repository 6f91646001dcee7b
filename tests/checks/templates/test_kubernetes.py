"""The Kubernetes templates (guardlint/checks/templates/kubernetes.py): container-setting and
container-image, run through the engine from a pack of the tests' own, and their parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.model.findings import Finding
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.conftest import write_file, write_template_pack

SETTING = {"setting": "privileged", "value": True, "required": False, "message": "{container}"}
IMAGE = {"tags": ["latest"], "message": "{container} runs {image}:{tag}"}


def write_pack(tmp_path: Path, template: str, params: dict[str, Any]) -> Path:
    return write_template_pack(tmp_path, "kubernetes", template, params)


def pod(*containers: str, windows: bool = False) -> str:
    """A Pod manifest whose containers are the given flow mappings."""
    os = "  os: {name: windows}\n" if windows else ""
    listed = "".join(f"    - {container}\n" for container in containers)
    head = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
    return f"{head}{os}  containers:\n{listed}"


def findings(tmp_path: Path, template: str, params: dict[str, Any], manifest: str) -> list[Finding]:
    pack = load_pack(write_pack(tmp_path, template, params))
    path = write_file(tmp_path, "pod.yaml", manifest)
    builtin = [load_pack(file) for file in pack_files(builtin_rules_dir())]
    result = scan(ScanOptions(paths=[str(path)], only_rules={"TST001"}), Rulebook([*builtin, pack]))
    return [f for f in result.findings if f.rule_id == "TST001"]


def said(found: list[Finding]) -> list[tuple[int, str]]:
    return [(f.region.start_line, f.message) for f in found]


# container-setting


def test_container_setting_catches_the_value_it_forbids(tmp_path):
    manifest = pod(
        "{name: a, securityContext: {privileged: true}}",
        "{name: b, securityContext: {privileged: Y}}",
    )
    found = findings(tmp_path, "container-setting", SETTING, manifest)
    assert said(found) == [(6, "Container a of Pod shop/p"), (7, "Container b of Pod shop/p")]
    assert found[0].resource == "Pod shop/p container a"
    assert found[0].properties == {"container": "a"}
    assert found[0].snippet.strip().startswith("- {name: a")


def test_container_setting_does_not_catch_other_values_or_unset(tmp_path):
    manifest = pod(
        "{name: a, securityContext: {privileged: false}}",
        "{name: b, securityContext: {privileged: 'yes'}}",
        "{name: c}",
    )
    assert not findings(tmp_path, "container-setting", SETTING, manifest)


def test_a_required_setting_fails_when_unset_or_different(tmp_path):
    params = {
        "setting": "readOnlyRootFilesystem",
        "value": True,
        "required": True,
        "message": "{container} sets it wrong",
        "message_when_unset": "{container} leaves it out",
    }
    manifest = pod(
        "{name: ok, securityContext: {readOnlyRootFilesystem: true}}",
        "{name: wrong, securityContext: {readOnlyRootFilesystem: false}}",
        "{name: unset}",
    )
    assert said(findings(tmp_path, "container-setting", params, manifest)) == [
        (7, "Container wrong of Pod shop/p sets it wrong"),
        (8, "Container unset of Pod shop/p leaves it out"),
    ]


def test_without_a_message_for_unset_the_message_says_it(tmp_path):
    params = {"setting": "allowPrivilegeEscalation", "value": False, "required": True,
              "message": "{container} may escalate"}  # fmt: skip
    found = findings(tmp_path, "container-setting", params, pod("{name: a}"))
    assert said(found) == [(6, "Container a of Pod shop/p may escalate")]


def test_linux_only_settings_skip_windows_pods(tmp_path):
    params = {"setting": "readOnlyRootFilesystem", "value": True, "required": True,
              "message": "{container}"}  # fmt: skip
    windows = pod("{name: w}", windows=True)
    assert findings(tmp_path, "container-setting", params, windows)
    assert not findings(tmp_path, "container-setting", {**params, "linux_only": True}, windows)


# container-image


def test_container_image_catches_untagged_and_listed_tags(tmp_path):
    params = {**IMAGE, "message_when_untagged": "{container} runs {image} untagged"}
    manifest = pod(
        "{name: a, image: nginx}",
        "{name: b, image: 'nginx:latest'}",
        "{name: c, image: 'registry.example.com:5000/team/app'}",
    )
    found = findings(tmp_path, "container-image", params, manifest)
    assert said(found) == [
        (6, "Container a of Pod shop/p runs nginx untagged"),
        (7, "Container b of Pod shop/p runs nginx:latest"),
        (8, "Container c of Pod shop/p runs registry.example.com:5000/team/app untagged"),
    ]
    assert found[1].properties == {"container": "b", "image": "nginx"}


def test_container_image_leaves_pinned_other_and_templated_images(tmp_path):
    digest = "sha256:" + "a" * 64
    manifest = pod(
        "{name: a, image: 'nginx:1.27'}",
        f"{{name: b, image: 'nginx@{digest}'}}",
        f"{{name: c, image: 'nginx:latest@{digest}'}}",
        "{name: d, image: '{{ .Values.image }}'}",
        "{name: e, image: '$(IMAGE)'}",
    )
    assert not findings(tmp_path, "container-image", IMAGE, manifest)


def test_container_image_tags_are_glob_patterns(tmp_path):
    params = {**IMAGE, "tags": ["dev*", "*-SNAPSHOT"]}
    manifest = pod(
        "{name: a, image: 'app:dev-42'}",
        "{name: b, image: 'app:1.0-SNAPSHOT'}",
        "{name: c, image: 'app:1.0'}",
        "{name: d, image: app}",
    )
    found = findings(tmp_path, "container-image", params, manifest)
    assert [f.properties["container"] for f in found] == ["a", "b"]


def test_an_image_with_an_empty_tag_is_no_reference(tmp_path):
    """The kubelet refuses `nginx:` (InvalidImageName), as Docker does: nothing is pulled."""
    found = findings(tmp_path, "container-image", IMAGE, pod("{name: a, image: 'nginx:'}"))
    assert said(found) == []


# Parameters


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("container-setting", {**SETTING, "colour": "red"}, "has no parameter 'colour'"),
        ("container-setting", {"setting": "privileged", "value": True, "message": "m"},
         "template container-setting needs required"),
        ("container-setting", {**SETTING, "value": "true"}, "params: value must be true or false"),
        ("container-setting", {**SETTING, "linux_only": 1},
         "params: linux_only must be true or false"),
        ("container-image", {"tags": ["latest"]}, "template container-image needs message"),
        ("container-image", {**IMAGE, "tags": "latest"}, "params: tags must be a list"),
        ("container-image", {**IMAGE, "tags": [1]}, "params: tags must be a list of strings"),
    ],
)  # fmt: skip
def test_params_a_kubernetes_template_cannot_take_fail_the_pack(
    tmp_path, template, params, expected
):
    with pytest.raises(RuleError) as caught:
        load_pack(write_pack(tmp_path, template, params))
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)
