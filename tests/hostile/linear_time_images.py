"""Linear-time cases of base images named by many words (tests/hostile/test_linear_time.py): a
tag or a repository name of thousands of words that each name an image it is built on."""

from __future__ import annotations

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
}
