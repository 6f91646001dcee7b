"""One risk, every pack that judges it: an image reference or a user written the same way is
read the same way in a Dockerfile, a Compose file, a Kubernetes pod and an ECS task
definition."""

from __future__ import annotations

import json

import pytest

from tests.conftest import lines_of, run_scan, write_file

DIGEST = "sha256:" + "0123456789abcdef" * 4


def _files(image: str, user: str) -> dict[str, str]:
    return {
        "Dockerfile": f"FROM {image}\nUSER {user}\n",
        "compose.yaml": f"services:\n  app:\n    image: '{image}'\n    user: '{user}'\n",
        "pod.yaml": (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            f"  containers:\n  - {{name: c, image: '{image}'}}\n"
        ),
        "taskdef.json": json.dumps(
            {"family": "f", "containerDefinitions": [{"name": "c", "image": image, "user": user}]}
        ),
    }


def _fired(tmp_path, image: str, user: str, rules: dict[str, str]) -> dict[str, bool]:
    for name, text in _files(image, user).items():
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path, only_rules=set(rules.values()))
    return {name: bool(lines_of(result, rule)) for name, rule in rules.items()}


LATEST_RULES = {
    "Dockerfile": "DKR002",
    "compose.yaml": "CMP008",
    "pod.yaml": "K8S012",
    "taskdef.json": "ECS009",
}


@pytest.mark.parametrize(
    ("image", "latest"),
    [
        ("app", True),
        ("localhost:5000/app", True),  # a registry's port is no tag
        ("registry.example.com:443/team/app", True),
        ("docker.io/library/nginx", True),
        ("app:latest", True),
        (f"app:latest@{DIGEST}", False),  # the digest is what is pulled
        ("app:LATEST", False),  # tags are case-sensitive: another tag than latest
        ("app:Latest", False),
        ("localhost:5000/app:1.2", False),
    ],
)
def test_latest_tag_is_one_reading(tmp_path, image, latest):
    assert _fired(tmp_path, image, "app", LATEST_RULES) == dict.fromkeys(LATEST_RULES, latest)


ROOT_RULES = {"Dockerfile": "DKR001", "compose.yaml": "CMP013", "taskdef.json": "ECS002"}


@pytest.mark.parametrize(
    ("user", "root"),
    [
        ("root", True),
        ("0", True),
        ("00:0", True),
        ("+0", True),  # Go's strconv.Atoi reads a sign
        ("0:1000", True),
        ("root:root", True),
        ("ROOT", False),  # names are looked up as written: no user is ROOT
        ("1000:0", False),  # group 0 is not user 0
        ("rootless", False),
    ],
)
def test_root_user_is_one_reading(tmp_path, user, root):
    image = f"alpine:3.20@{DIGEST}"
    assert _fired(tmp_path, image, user, ROOT_RULES) == dict.fromkeys(ROOT_RULES, root)


DIGEST_RULES = {"Dockerfile": "DKR003", "pod.yaml": "K8S013"}


@pytest.mark.parametrize(
    ("image", "latest", "unpinned"),
    [
        # An unknown registry or namespace leaves the tag known.
        ("${REGISTRY}/app:latest", True, True),
        ("gcr.io/PROJECT_ID/app:latest", True, True),
        # A placeholder a pipeline or a template fills in: neither tag nor digest is known.
        ("IMAGE_PLACEHOLDER", False, False),
        ("gcr.io/PROJECT_ID/IMAGE:TAG", False, False),
        ("__IMAGE__", False, False),
        ("#{Image}#", False, False),
        ("<IMAGE1_NAME>", False, False),
        ("{{image}}", False, False),
        ("registry.example.com/app:#{Build.BuildId}#", False, False),
        ("app:__TAG__", False, True),
        # A latest tag written after the placeholder is the tag whatever fills it in: no
        # reference holds a tag or digest before another tag.
        ("${IMAGE}:latest", True, True),
        ("${REGISTRY}/${NAME}:latest", True, True),
        ("${IMAGE}:1.2", False, False),
    ],
)
def test_placeholder_images_are_one_reading(tmp_path, image, latest, unpinned):
    found = _fired(tmp_path / "latest", image, "app", LATEST_RULES)
    assert found == dict.fromkeys(LATEST_RULES, latest)
    found = _fired(tmp_path / "digest", image, "app", DIGEST_RULES)
    assert found == dict.fromkeys(DIGEST_RULES, unpinned)
