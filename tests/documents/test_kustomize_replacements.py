"""A kustomization's `replacements:` (guardlint/documents/kustomize/replacements.py and its
sources, kustomize/replacement_sources.py, applied by kustomize/replaced.py): the object a
build emits holds the value a replacement copies from its source, so a base an overlay's
replacement makes safe is not reported there, and one some build leaves unsafe still is. What
is not known (a label selector, an option not read, a source not found or not unique, a source
a patch may change) keeps the finding."""

from __future__ import annotations

import pytest

from tests.documents.test_kustomize_deployed import DEPLOYMENT, OVERLAY, _indented, _scan

_REPORTED = [("base/deployment.yaml", 10)]
_SETTINGS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {privileged: "false", tag: "1.5", image: "registry.example.com/app:1.5"}
"""
_PRIVILEGED = "spec.template.spec.containers.[name=app].securityContext.privileged"


def _overlay(replacement: str, settings: str = _SETTINGS, extra: str = "") -> dict[str, str]:
    return {
        "overlays/prod/kustomization.yaml": OVERLAY.replace("]", ", settings.yaml]")
        + extra
        + "replacements:\n"
        + _indented(replacement, 2),
        "overlays/prod/settings.yaml": settings,
    }


_SAFE = f"""\
- source: {{kind: ConfigMap, name: settings, fieldPath: data.privileged}}
  targets:
    - select: {{kind: Deployment, name: web}}
      fieldPaths:
        - {_PRIVILEGED}
"""
_SAFE_FORMS = {
    "inline": _overlay(_SAFE),
    "from a file": {
        **_overlay("- path: replacement.yaml\n"),
        "overlays/prod/replacement.yaml": _SAFE[2:].replace("\n  ", "\n"),
    },
    "every container": _overlay(_SAFE.replace("[name=app]", "*")),
    "by index, group and version": _overlay(
        _SAFE.replace("[name=app]", "0").replace(
            "kind: Deployment, name: web", "group: apps, version: v1, kind: Deployment"
        )
    ),
    "from a field of another object": _overlay(
        _SAFE.replace(
            "{kind: ConfigMap, name: settings, fieldPath: data.privileged}",
            f"\n    kind: Deployment\n    name: safe\n    fieldPath: {_PRIVILEGED}",
        ),
        settings="apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: safe}\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: app\n"
        "          securityContext: {privileged: false}\n",
    ),
    "a map replaced whole": _overlay(
        _SAFE.replace("data.privileged", "data").replace(
            ".securityContext.privileged", ".securityContext"
        ),
        settings=_SETTINGS.replace('data: {privileged: "false"', "data: {privileged: false"),
    ),
}


@pytest.mark.parametrize("form", list(_SAFE_FORMS), ids=str)
def test_a_base_a_replacement_makes_safe_is_not_reported(tmp_path, form):
    assert _scan(tmp_path, "K8S001", _SAFE_FORMS[form]) == []


def test_a_build_without_the_replacement_still_reports_the_base(tmp_path):
    files = {**_SAFE_FORMS["inline"], "overlays/dev/kustomization.yaml": OVERLAY}
    assert _scan(tmp_path, "K8S001", files) == _REPORTED


def test_a_replacement_of_an_unsafe_value_keeps_the_finding_and_is_reported_itself(tmp_path):
    files = _overlay(_SAFE, settings=_SETTINGS.replace('privileged: "false"', 'privileged: "true"'))
    assert _scan(tmp_path, "K8S001", files) == [*_REPORTED, ("overlays/prod/kustomization.yaml", 3)]


@pytest.mark.parametrize(
    ("replacement", "why"),
    [
        (_SAFE.replace("name: settings", "name: gone"), "no source"),
        (_SAFE.replace("kind: ConfigMap, name: settings", "version: v1"), "two sources"),
        (_SAFE.replace("data.privileged", "data.missing"), "no source field"),
        (_SAFE.replace("{kind: Deployment, name: web}", "{labelSelector: app=web}"), "labels"),
        (_SAFE.replace("name: web}", "name: web}\n      options: {regex: true}"), "an option"),
        (_SAFE.replace("name: web}", "name: web}\n      reject: [{name: web}]"), "rejected"),
        (_SAFE.replace("name: web}", "name: api}"), "another object"),
        (_SAFE.replace("[name=app]", "[name=sidecar]"), "no such container"),
        (_SAFE.replace("data.privileged", "data.tag"), "not a boolean"),
    ],
    ids=lambda value: value if isinstance(value, str) and "\n" not in value else "",
)
def test_a_replacement_not_known_to_make_the_base_safe_keeps_the_finding(
    tmp_path, replacement, why
):
    files = _overlay(replacement, settings=_SETTINGS + "---\n" + _SETTINGS.replace(
        "name: settings", "name: other"))  # fmt: skip
    assert _scan(tmp_path, "K8S001", files) == _REPORTED, why


def test_a_source_a_patch_may_change_keeps_the_finding(tmp_path):
    patch = "patches:\n  - target: {kind: ConfigMap}\n    patch: |-\n" + _indented(
        '- {op: replace, path: /data/privileged, value: "true"}', 6
    )
    assert _scan(tmp_path, "K8S001", _overlay(_SAFE, extra=patch)) == _REPORTED


def test_a_source_made_by_a_generator_keeps_the_finding(tmp_path):
    generator = "configMapGenerator:\n  - name: settings\n    literals: [privileged=true]\n"
    assert _scan(tmp_path, "K8S001", _overlay(_SAFE, extra=generator)) == _REPORTED


_TAG = """\
- source: {kind: ConfigMap, name: settings, fieldPath: data.tag}
  targets:
    - select: {kind: Deployment}
      fieldPaths:
        - spec.template.spec.containers.[name=app].image
      options: {delimiter: ':', index: 1}
"""


def test_a_tag_a_replacement_writes_into_the_image_is_judged_as_built(tmp_path):
    # K8S012: an image tagged `latest`; the replacement gives the base's image the tag 1.5.
    latest = {"base/deployment.yaml": DEPLOYMENT.replace("app:1.4", "app:latest")}
    assert _scan(tmp_path / "alone", "K8S012", latest)
    assert _scan(tmp_path / "replaced", "K8S012", {**latest, **_overlay(_TAG)}) == []


@pytest.mark.parametrize(
    ("rule", "replacement", "settings"),
    [
        ("K8S001", _SAFE, _SETTINGS.replace('privileged: "false"', 'privileged: "true"')),
        (
            "K8S012",
            _TAG.replace("data.tag", "data.image").replace(
                "\n      options: {delimiter: ':', index: 1}", ""
            ),
            _SETTINGS.replace("app:1.5", "app:latest"),
        ),
    ],
    ids=["privileged", "image"],
)
def test_an_unsafe_value_replaced_into_a_safe_base_is_reported_at_the_replacement(
    tmp_path, rule, replacement, settings
):
    files = {
        "base/deployment.yaml": DEPLOYMENT.replace("privileged: true", "privileged: false"),
        **_overlay(replacement, settings=settings),
    }
    assert _scan(tmp_path, rule, files) == [("overlays/prod/kustomization.yaml", 3)]
