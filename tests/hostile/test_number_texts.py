"""Numbers a file writes that Python's int() refuses, as the text sweep found them: thousands of
digits (int() converts at most 4,300) or digits of another script (`str.isdigit()` takes '²',
which int() does not). Each is read as the tool it configures reads it, or as not known; the
file is scanned whole, with no crash (GL002)."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file
from tests.documents.test_kustomize_deployed import BASE, DEPLOYMENT, OVERLAY, _indented
from tests.hostile.conftest import add_control, assert_control_scanned

THOUSANDS = "9" * 5000


def test_a_syntax_directive_of_thousands_of_digits_reads_every_heredoc_reading(tmp_path):
    """`docker/dockerfile:1.<5,000 digits>` is no tag the frontend table knows: the file is read
    in every reading, as under any other unknown frontend, and judged."""
    text = (
        f"# syntax=docker/dockerfile:1.{THOUSANDS}\n"
        "FROM ubuntu:22.04\nRUN curl -k https://example.com/install.sh | sh\nUSER app\n"
    )
    write_file(tmp_path, "Dockerfile", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL002")
    assert [f.region.start_line for f in findings_of(result, "DKR008")] == [3]
    assert [f.region.start_line for f in findings_of(result, "DKR017")] == [3]
    assert_control_scanned(result)


_SETTINGS = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {value: '%s'}\n"


def _replaced(tmp_path, value: str, field_path: str, options: str = ""):
    """The deployment of base/ built by an overlay whose replacement copies a ConfigMap's
    `value` into `field_path` of the deployment."""
    replacement = (
        "- source: {kind: ConfigMap, name: settings, fieldPath: data.value}\n  targets:\n"
        f"    - select: {{kind: Deployment, name: web}}\n      fieldPaths: [{field_path}]\n"
        + options
    )
    tree = {
        "base/kustomization.yaml": BASE,
        "base/deployment.yaml": DEPLOYMENT,
        "overlays/prod/kustomization.yaml": OVERLAY.replace("]", ", settings.yaml]")
        + "replacements:\n"
        + _indented(replacement, 2),
        "overlays/prod/settings.yaml": _SETTINGS % value,
    }
    for name, text in tree.items():
        write_file(tmp_path, name, text)
    add_control(tmp_path)
    return run_scan(tmp_path)


@pytest.mark.parametrize("index", ["²", THOUSANDS], ids=["superscript digit", "5,000 digits"])
def test_a_replacement_path_whose_index_int_refuses_keeps_the_base_finding(tmp_path, index):
    """`containers.².securityContext.privileged`: '²' is a map key kustomize looks for (no
    list index); thousands of digits an index past any list. Neither makes the base safe."""
    path = f"spec.template.spec.containers.{index}.securityContext.privileged"
    result = _replaced(tmp_path, "false", path)
    assert not findings_of(result, "GL002")
    assert [(f.path, f.region.start_line) for f in findings_of(result, "K8S001")] == [
        ("base/deployment.yaml", 10)
    ]
    assert_control_scanned(result)


def test_a_created_field_of_thousands_of_digits_is_not_known(tmp_path):
    """kustomize's `create` writes the value as YAML reads it: past int()'s digits, a number
    Go may read otherwise (a float), so the write is not known and the base is judged as
    written."""
    options = "      options: {create: true}\n"
    result = _replaced(tmp_path, THOUSANDS, "spec.template.spec.hostNetwork", options)
    assert not findings_of(result, "GL002")
    assert [(f.path, f.region.start_line) for f in findings_of(result, "K8S001")] == [
        ("base/deployment.yaml", 10)
    ]
    assert_control_scanned(result)
