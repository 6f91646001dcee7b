"""Linear-time cases of images (tests/hostile/test_linear_time.py): a tag or a repository name
of thousands of words that each name an image it is built on; thousands of image volumes that
thousands of pods share."""

from __future__ import annotations

import json

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

IMAGE_CASES = {
    "dockerfile-tag-of-many-base-images": (
        "Dockerfile",
        "FROM python:3.7" + "-jdk-openjdk-alpine3.1.1" * (_LONG // 25) + "\n",
        "DKR019",
    ),
    "dockerfile-name-of-many-base-images": (
        "Dockerfile",
        "FROM registry.example.com/" + "debian1.1-" * (_LONG // 10) + "x:" + "1." * 50 + "\n",
        "DKR019",
    ),
    "dockerfile-digest-of-many-separated-words": (
        "Dockerfile",
        # nearly an `algorithm:encoded` digest, which only its last character spoils
        "FROM python:3.13@" + "sha256.a-" * (_LONG // 9) + "x:" + "0a" * 200 + ":\n",
        "DKR003",
    ),
    "argo-workflow-templates-sharing-image-volumes": (
        "workflow.json",
        # every template's pod holds the workflow's volumes: its image volumes are read once
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Workflow",
                "metadata": {"name": "w", "namespace": "ci"},
                "spec": {
                    "volumes": [
                        {"name": f"v{i}", "image": {"reference": f"r/m{i}:latest"}}
                        for i in range(5_000)
                    ],
                    "templates": [
                        {"name": f"t{i}", "container": {"image": "alpine:3.19"}}
                        for i in range(5_000)
                    ],
                },
            },
            indent=0,
        ),
        "K8S012",
    ),
}
