"""The IAM action database's cached views give what filtering its expansion gives."""

from __future__ import annotations

import pytest

from guardlint.knowledge.iam_actions import (
    PERMISSIONS_MANAGEMENT,
    WRITE,
    expand,
    matches,
    scoped_at_levels,
    scoped_names,
)

LEVELS = frozenset({WRITE, PERMISSIONS_MANAGEMENT})


@pytest.mark.parametrize("pattern", ["*", "s3:*", "iam:Put*", "sqs:GetQueueUrl", "nosuch:Thing"])
def test_scoped_at_levels_is_the_filtered_expansion(pattern: str) -> None:
    expected = [a for a in expand(pattern) if a.access_level in LEVELS and a.resource_scoped]
    assert list(scoped_at_levels(pattern, LEVELS)) == expected


def test_scoped_names_are_the_sorted_union() -> None:
    names = scoped_names(("s3:Put*", "s3:PutObject", "sqs:*"), LEVELS)
    expected = {a.full_name for p in ("s3:Put*", "sqs:*") for a in scoped_at_levels(p, LEVELS)}
    assert list(names) == sorted(expected)
    assert "s3:PutObject" in names and "sqs:GetQueueUrl" not in names


@pytest.mark.parametrize(
    "pattern", ["*:Get*", "S3*:*Object", "?3:*", "ec2*:Describe?nstances", "*:PassRole", "x1*:*"]
)
def test_a_service_prefix_pattern_expands_to_every_action_it_matches(pattern: str) -> None:
    """Its prefix picks the services, its name their actions: what matching each action's whole
    `service:action` against the pattern gives."""
    expected = [action for action in expand("*") if matches(pattern, action.key)]
    assert list(expand(pattern)) == expected
