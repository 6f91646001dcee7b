"""A base an overlay lists through a symbolic link (guardlint/documents/kustomize/links.py):
kustomize follows it, so the overlay's patches apply to the base's objects where the link
stays in the scan root; one leading out of the root names nothing of the scan (a GL001 note
where it is written) and the base is judged as built alone. Links in a loop end."""

from __future__ import annotations

import os

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, run_scan, write_file
from tests.documents.test_kustomize_deployed import _PATCHED_OVERLAYS, BASE, DEPLOYMENT

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
_PATCHED = _PATCHED_OVERLAYS["strategic merge file"]
_REPORTED = [("base/deployment.yaml", 10)]


def _tree(root, files: dict[str, str]) -> None:
    for name, text in {"base/kustomization.yaml": BASE, "base/deployment.yaml": DEPLOYMENT,
                       **files}.items():  # fmt: skip
        write_file(root, name, text)


def _found(root) -> list[tuple[str, int]]:
    return sorted((f.path, f.region.start_line) for f in scan_rule(root, "K8S001"))


def _linked_overlay(overlay: str = "prod") -> dict[str, str]:
    return {
        name.replace("overlays/prod", f"overlays/{overlay}"): text.replace(
            "../../base", "../linked"
        )
        for name, text in _PATCHED.items()
    }


def test_an_overlay_that_lists_a_link_to_the_base_patches_it(tmp_path):
    _tree(tmp_path, _linked_overlay())
    (tmp_path / "overlays" / "linked").symlink_to(tmp_path / "base", target_is_directory=True)
    assert _found(tmp_path) == []


def test_an_unpatched_overlay_through_the_link_still_reports_the_base(tmp_path):
    _tree(
        tmp_path,
        {**_linked_overlay(), "overlays/dev/kustomization.yaml": "resources: [../linked]\n"},
    )
    (tmp_path / "overlays" / "linked").symlink_to("../base", target_is_directory=True)
    assert _found(tmp_path) == _REPORTED


def test_a_link_that_leads_out_of_the_root_is_not_followed(tmp_path):
    root = tmp_path / "repo"
    _tree(tmp_path / "elsewhere", {})
    _tree(root, _linked_overlay())
    (root / "overlays" / "linked").symlink_to(tmp_path / "elsewhere" / "base")
    assert _found(root) == _REPORTED
    notes = findings_of(run_scan(root), "GL001")
    assert any(note.path == "overlays/prod/kustomization.yaml" for note in notes)


def test_links_in_a_loop_end(tmp_path):
    files = {"overlays/prod/kustomization.yaml": "resources: [../../base, ../loop]\n"}
    _tree(tmp_path, files)
    (tmp_path / "overlays" / "loop").symlink_to(tmp_path / "overlays" / "prod")
    (tmp_path / "base" / "again").symlink_to(tmp_path / "overlays")
    assert _found(tmp_path) == _REPORTED
