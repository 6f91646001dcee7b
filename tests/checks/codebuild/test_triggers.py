"""Webhooks that build pull requests from anyone (CBD009)."""

from __future__ import annotations

import json

import pytest

from tests.checks.codebuild.helpers import scan_project
from tests.conftest import lines_of, processor_seconds, run_scan, write_file

PULL_REQUESTS = "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED"


def _triggers(*groups: list[dict], webhook: str = "true", extra: str = "") -> str:
    text = f"Triggers:\n  Webhook: {webhook}\n"
    if groups:
        text += "  FilterGroups:\n" + "".join(f"    - {json.dumps(group)}\n" for group in groups)
    return text + extra


def _event(pattern: str, exclude: bool | None = None) -> dict:
    found = {"Type": "EVENT", "Pattern": pattern}
    return found if exclude is None else {**found, "ExcludeMatchedPattern": exclude}


def _actor(pattern: str, exclude: bool | None = None) -> dict:
    found = {"Type": "ACTOR_ACCOUNT_ID", "Pattern": pattern}
    return found if exclude is None else {**found, "ExcludeMatchedPattern": exclude}


CASES = {
    "no filter groups": (_triggers(), [8]),
    "empty filter groups": (_triggers() + "  FilterGroups: []\n", [8]),
    "pull requests, no actor": (_triggers([_event(PULL_REQUESTS)]), [10]),
    "one pull request event": (_triggers([_event("PULL_REQUEST_REOPENED")]), [10]),
    "lower-case event": (_triggers([_event("pull_request_created")]), [10]),
    "event pattern": (_triggers([_event("PUSH,PULL_REQUEST_.*")]), [10]),
    "excluded merge": (_triggers([_event("PULL_REQUEST_MERGED", True)]), [10]),
    "unanchored actor": (_triggers([_event(PULL_REQUESTS), _actor("1234567")]), [10]),
    "half-anchored actor": (_triggers([_event(PULL_REQUESTS), _actor("^1234567")]), [10]),
    # Longer than any account ID: no name to try, so it must be anchored.
    "unanchored long actor": (_triggers([_event(PULL_REQUESTS), _actor("1" * 80)]), [10]),
    "excluded actor": (_triggers([_event(PULL_REQUESTS), _actor("^666$", True)]), [10]),
    # Anchored, but a wildcard: every account's ID matches.
    "anchored wildcard actor": (_triggers([_event(PULL_REQUESTS), _actor("^.*$")]), [10]),
    "anchored digits actor": (_triggers([_event(PULL_REQUESTS), _actor("^[0-9]+$")]), [10]),
    "anchored alternative": (_triggers([_event(PULL_REQUESTS), _actor("^(123|\\d{8})$")]), [10]),
    # `^` binds to the first alternative only, `$` to the last: 12345678 and 87654321 pass.
    "half-anchored alternatives": (
        _triggers([_event(PULL_REQUESTS), _actor("^1234567|7654321$")]),
        [10],
    ),
    "one alternative unanchored": (
        _triggers([_event(PULL_REQUESTS), _actor("^1234567$|7654321")]),
        [10],
    ),
    "second group": (
        _triggers([_event("PUSH")], [_event(PULL_REQUESTS), _actor("(12|34)")]),
        [11],
    ),
    "approval disabled": (
        _triggers(
            [_event(PULL_REQUESTS)],
            extra="  PullRequestBuildPolicy: {RequiresCommentApproval: DISABLED}\n",
        ),
        [10],
    ),
    "anchored actor": (_triggers([_event(PULL_REQUESTS), _actor("^(1234567|7654321)$")]), []),
    "anchored actors": (_triggers([_event(PULL_REQUESTS), _actor("^1234567$|^7654321$")]), []),
    # Anchored inside a group: still only the two accounts.
    "grouped anchored actors": (
        _triggers([_event(PULL_REQUESTS), _actor("(^1234567$|^7654321$)")]),
        [],
    ),
    "non-capturing anchored actor": (
        _triggers([_event(PULL_REQUESTS), _actor("(?:^1234567$)")]),
        [],
    ),
    "push only": (_triggers([_event("PUSH")], [_event("PULL_REQUEST_MERGED")]), []),
    "pull requests excluded": (_triggers([_event("PULL_REQUEST_.*", True)]), []),
    "closed only": (_triggers([_event("PULL_REQUEST_CLOSED")]), []),
    "no event filter": (_triggers([{"Type": "HEAD_REF", "Pattern": "^refs/heads/main$"}]), []),
    "approval of all": (
        _triggers(
            [_event(PULL_REQUESTS)],
            extra="  PullRequestBuildPolicy: {RequiresCommentApproval: ALL_PULL_REQUESTS}\n",
        ),
        [],
    ),
    "approval of forks": (
        _triggers(
            extra="  PullRequestBuildPolicy:\n    RequiresCommentApproval: FORK_PULL_REQUESTS\n"
        ),
        [],
    ),
    "webhook off": (_triggers([_event(PULL_REQUESTS)], webhook="false"), []),
    "webhook unknown": (_triggers([_event(PULL_REQUESTS)], webhook="!Ref Hook"), []),
    "actor unknown": (_triggers([_event(PULL_REQUESTS), _actor("!Ref Actors")]), []),
    "groups unknown": (_triggers() + "  FilterGroups: !Ref Groups\n", []),
    "no triggers": ("Artifacts: {Type: NO_ARTIFACTS}\n", []),
}


@pytest.mark.parametrize("case", CASES)
def test_untrusted_webhook_builds(tmp_path, case):
    properties, lines = CASES[case]
    properties = properties.replace('"!Ref Actors"', "!Ref Actors")
    parameters = (
        "Parameters:\n  Hook: {Type: String}\n  Actors: {Type: String}\n  Groups: {Type: String}\n"
    )
    result = scan_project(tmp_path, properties, "CBD009", parameters)
    assert lines_of(result, "CBD009") == lines


@pytest.mark.parametrize("pattern", ["(a*)*b" + "a" * 5000, "PULL_(REQUEST", "[", "(?<=x)PULL"])
def test_hostile_or_invalid_event_patterns_match_nothing_and_never_crash(tmp_path, pattern):
    """A repository's patterns run on RE2 (linear whatever they are); one it cannot compile
    (a syntax error, a lookbehind) admits no event."""
    properties = _triggers([_event(f"{pattern},PUSH")])
    result = scan_project(tmp_path, properties, "CBD009")
    assert not lines_of(result, "CBD009") and not lines_of(result, "GL002")


def test_long_actor_pattern_is_judged_in_bounded_time(tmp_path):
    """Only the first names of a long alternation are tried, each on a short text."""
    names = "|".join(f"^{index:012d}$" for index in range(20_000))
    properties = _triggers([_event(PULL_REQUESTS), _actor(f"{names}|^1234567")])
    started = processor_seconds()
    result = scan_project(tmp_path, properties, "CBD009")
    assert processor_seconds() - started < 10
    assert not lines_of(result, "GL002")


def test_json_webhook_filter_groups(tmp_path):
    project = {
        "name": "prs",
        "source": {"type": "GITHUB", "location": "https://github.com/example/shop.git"},
        "environment": {"computeType": "BUILD_GENERAL1_SMALL"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "triggers": {
            "webhook": True,
            "filterGroups": [[{"type": "EVENT", "pattern": "PULL_REQUEST_CREATED"}]],
        },
    }
    write_file(tmp_path, "project.json", json.dumps(project, indent=2))
    assert lines_of(run_scan(tmp_path, only_rules={"CBD009"}), "CBD009") == [16]  # the group


def _listed_project(webhook: dict) -> str:
    """`aws codebuild batch-get-projects` output: a project whose `webhook` is on (a project
    without a webhook has no such key)."""
    project = {
        "name": "prs",
        "source": {"type": "GITHUB", "location": "https://github.com/example/shop.git"},
        "environment": {
            "computeType": "BUILD_GENERAL1_SMALL",
            "image": "aws/codebuild/standard:7.0",
        },
        "artifacts": {"type": "NO_ARTIFACTS"},
        "webhook": {"url": "https://api.github.com/repos/example/shop/hooks/1", **webhook},
    }
    return json.dumps({"projects": [project], "projectsNotFound": []}, indent=2)


LISTED = {
    "pull requests": ({"filterGroups": [[_event("PULL_REQUEST_CREATED")]]}, [19]),  # the group
    "no filter groups": ({"branchFilter": "^main$"}, [16]),  # the webhook
    "trusted actor": ({"filterGroups": [[_event(PULL_REQUESTS), _actor("^1234567$")]]}, []),
    "pushes only": ({"filterGroups": [[_event("PUSH")]]}, []),
    "approval": (
        {
            "filterGroups": [[_event("PULL_REQUEST_CREATED")]],
            "pullRequestBuildPolicy": {"requiresCommentApproval": "ALL_PULL_REQUESTS"},
        },
        [],
    ),
}


@pytest.mark.parametrize("case", LISTED)
def test_listed_project_webhook(tmp_path, case):
    """A project as batch-get-projects prints it holds its webhook, filter groups included."""
    webhook, lines = LISTED[case]
    write_file(tmp_path, "projects.json", _listed_project(webhook))
    assert lines_of(run_scan(tmp_path, only_rules={"CBD009"}), "CBD009") == lines
