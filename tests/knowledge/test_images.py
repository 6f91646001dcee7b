"""knowledge/images.py: which image references have a known tag and digest."""

from __future__ import annotations

import pytest

from guardlint.knowledge.images import tag_and_digest_known
from guardlint.parse.image_ref import split_reference


@pytest.mark.parametrize(
    "reference",
    ["nginx", "nginx:latest", "localhost:5000/app", "registry.example.com:443/team/app",
     "${REGISTRY}/app:latest", "{{ .Values.registry }}/app:1.2", "<registry>/app:latest",
     "gcr.io/PROJECT_ID/app:latest", "app:__TAG__", "app:Latest", "a.b_c__d--e:1",
     "${IMAGE}@sha256:" + "a" * 64,
     # latest written after a name filled in later: no name holds a tag before another
     "${IMAGE}:latest", "registry.io/${NAME}:latest", "{{image}}:latest"],
)  # fmt: skip
def test_known(reference):
    assert tag_and_digest_known(*split_reference(reference))


@pytest.mark.parametrize(
    "reference",
    ["<IMAGE1_NAME>", "{{ .Values.image }}", "{{image}}", "${IMAGE}", "$IMAGE", "${IMAGE}:1.2",
     "registry.io/${NAME}", "IMAGE:latest", "$(params.image)", "IMAGE_PLACEHOLDER",
     "gcr.io/PROJECT_ID/IMAGE:TAG", "Ubuntu", "__IMAGE__", "#{Image}#", "%IMAGE%",
     "app:{{ .Values.tag }}", "app:${TAG}", "registry.io/app:#{Build.BuildId}#", "app:",
     "placeholder", "replace-me:latest", "app:" + "1" * 129, "-app", "app-", ""],
)  # fmt: skip
def test_not_known(reference):
    assert not tag_and_digest_known(*split_reference(reference))


def test_linear_on_hostile_names():
    name = "a" + "_a-" * 100_000 + "!"
    assert not tag_and_digest_known(name, None, None)
