"""The one image-reference parser: Dockerfile stages, Compose services and Kubernetes
containers all split `[registry/]repository[:tag][@digest]` with it."""

from __future__ import annotations

import pytest

from guardlint.parse.image_ref import parse_image, split_reference
from tests.conftest import findings_of, run_scan


@pytest.mark.parametrize(
    ("reference", "parts"),
    [
        ("nginx", ("nginx", None, None)),
        ("nginx:1.27", ("nginx", "1.27", None)),
        ("registry.example.com:5000/team/app", ("registry.example.com:5000/team/app", None, None)),
        ("registry.example.com:5000/app:2", ("registry.example.com:5000/app", "2", None)),
        ("app@sha256:abc", ("app", None, "sha256:abc")),
        ("app:1@sha256:abc", ("app", "1", "sha256:abc")),
        ("app:", ("app", "", None)),
        ("app@", ("app", None, "")),
        ("Docker.IO/Library/App:V1", ("Docker.IO/Library/App", "V1", None)),
    ],
)
def test_split_keeps_the_parts_as_written(reference, parts):
    assert split_reference(reference) == parts


def test_parse_normalises_docker_hubs_implied_parts():
    ref = parse_image(" docker.io/library/Alpine:3.22@sha256:abc ")
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        None,
        "alpine",
        "3.22",
        "sha256:abc",
    )
    assert parse_image("localhost:5000/app").name == "localhost:5000/app"


@pytest.mark.parametrize("reference", ["", "   ", "app name", "${IMAGE}", "registry.io/"])
def test_parse_refuses_what_is_no_reference(reference):
    assert parse_image(reference) is None


def test_kubernetes_and_compose_read_tags_through_it(tmp_path):
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - {name: a, image: 'registry.example.com:5000/app'}\n"
        "    - {name: b, image: 'registry.example.com:5000/app:2'}\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a: {image: 'registry.example.com:5000/app'}\n"
        "  b: {image: 'registry.example.com:5000/app:2'}\n"
    )
    result = run_scan(tmp_path)
    assert [f.message.split(" uses")[0] for f in findings_of(result, "K8S012")] == [
        "Container a of Pod default/p"
    ]
    assert [f.resource for f in findings_of(result, "CMP008")] == ["service a"]
