"""Which webhook events start a build: pull requests from anyone (CBD009). A filter group
starts a build when all its filters pass; its EVENT filters say which events (a comma list of
event names, or patterns), an ACTOR_ACCOUNT_ID filter whose account may trigger it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from guardlint.checks.codebuild.hits import project_hit, project_of
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED
from guardlint.documents.codebuild.project import PROJECT, Project
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.linear_regex import compile_written
from guardlint.parse.located import YamlSeq
from guardlint.parse.scalars import key_of, value_of

# The events of a pull request whose code the build then runs.
PULL_REQUEST_EVENTS = ("PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED")
EVENT, ACTOR = "EVENT", "ACTOR_ACCOUNT_ID"
_DISABLED = "DISABLED"
# Account IDs that no filter names (no account 0; too long to exist; an arbitrary one): an
# ACTOR_ACCOUNT_ID pattern that admits them admits anyone.
_STRANGER_IDS = ("0", "80868086", "987654321098765432")
# An account ID a pattern names (GitHub's and GitLab's are numbers); the first few are tried.
_NAMED_ID = re.compile(r"[0-9A-Za-z]{3,}")
_MAX_NAMED, _LONGEST_ID = 16, 64


@check("CBD009")
def untrusted_webhook_builds(document: Document, rule: Rule) -> Iterator[Hit]:
    """A webhook that builds pull requests from any account: no filter groups, or a group that
    admits pull request events without an anchored ACTOR_ACCOUNT_ID filter; unless comment
    approval is required."""
    project = project_of(document)
    if project.type != PROJECT:
        return
    for triggers, webhook in _webhooks(project):
        if _approval_required(project, triggers):
            continue
        groups = _groups(project, triggers)
        if groups is None:
            continue  # filter groups that cannot be known
        if not groups:
            yield project_hit(
                project,
                f"{project.label} builds on every webhook event, pull requests from anyone "
                "included: their code runs with the project's role, variables and secrets.",
                webhook,
            )
            continue
        for region, filters in groups:
            events = _pull_request_events(project, filters)
            if events and not _trusted_actor(project, filters):
                yield project_hit(
                    project,
                    f"A webhook filter group of {project.label} builds {', '.join(events)} "
                    "without an anchored ACTOR_ACCOUNT_ID filter: pull requests from anyone "
                    "run their code with the project's role, variables and secrets.",
                    region,
                    events=list(events),
                )


def _webhooks(project: Project) -> list[tuple[dict, Region]]:
    """(settings, where) of each webhook that is (or may be) on: a template's `Triggers` with
    Webhook true, or the `webhook` of a project as batch-get-projects prints it, which is there
    only when the project has one. Both hold FilterGroups and PullRequestBuildPolicy."""
    found = [
        (triggers, project.at(triggers, "Webhook"))
        for triggers in project.maps(project.props, "Triggers")
        if project.may_be_true(triggers, "Webhook")
    ]
    found += [(webhook, project.at(project.props, "Webhook"))
              for webhook in project.maps(project.props, "Webhook")]  # fmt: skip
    return found


def _approval_required(project: Project, triggers: dict) -> bool:
    """PullRequestBuildPolicy.RequiresCommentApproval set to a mode other than DISABLED (or
    one that cannot be known: what cannot be resolved never fires)."""
    for policy in project.maps(triggers, "PullRequestBuildPolicy"):
        value = value_of(policy, "RequiresCommentApproval")
        if value is None:
            continue
        modes = project.template.possible_values(value)
        if all(
            mode is UNRESOLVED or (isinstance(mode, str) and mode.strip().upper() != _DISABLED)
            for mode in modes
        ):
            return True
    return False


def _groups(project: Project, triggers: dict) -> list[tuple[Region, list[dict]]] | None:
    """(where, filters) of each filter group; [] when there are none; None when unknown."""
    key = key_of(triggers, "FilterGroups")
    if key is None:
        return []
    found: list[tuple[Region, list[dict]]] = []
    for groups in project.template.possible_values(triggers[key]):
        if groups is UNRESOLVED:
            return None
        if not isinstance(groups, list):
            continue
        for index, group in enumerate(groups):
            region = groups.item_region(index) if isinstance(groups, YamlSeq) else project.region
            for option in project.template.possible_values(group):
                if isinstance(option, list):
                    filters = [
                        candidate
                        for item in option
                        for candidate in project.template.possible_values(item)
                        if isinstance(candidate, dict)
                    ]
                    found.append((region, filters))
    return found


def _of_type(project: Project, filters: list[dict], kind: str) -> list[dict]:
    return [
        f for f in filters if any(t.strip().upper() == kind for t in project.strings(f, "Type"))
    ]


def _pull_request_events(project: Project, filters: list[dict]) -> tuple[str, ...]:
    """The pull request events every EVENT filter of the group admits (none when the group
    has no EVENT filter, which CodeBuild rejects, or one that cannot be resolved)."""
    event_filters = _of_type(project, filters, EVENT)
    if not event_filters:
        return ()
    admitted = set(PULL_REQUEST_EVENTS)
    for event_filter in event_filters:
        patterns = project.strings(event_filter, "Pattern")
        if len(patterns) != 1:
            return ()
        excluded = project.may_be_true(event_filter, "ExcludeMatchedPattern")
        admitted &= {e for e in PULL_REQUEST_EVENTS if _event_matches(patterns[0], e) != excluded}
    return tuple(e for e in PULL_REQUEST_EVENTS if e in admitted)


def _event_matches(pattern: str, event: str) -> bool:
    """An EVENT pattern is a comma list of event names; a part that is no event name is read
    as a regular expression (on RE2: the pattern is the repository's)."""
    for part in (p.strip() for p in pattern.split(",")):
        if part.upper() == event:
            return True
        if part and not part.isidentifier() and _searches(part, event):
            return True
    return False


def _trusted_actor(project: Project, filters: list[dict]) -> bool:
    """An ACTOR_ACCOUNT_ID filter that admits only the accounts it names: not excluding, each
    name anchored at both ends (an unanchored pattern admits longer IDs that contain it), and
    no wildcard that admits any ID. One that cannot be resolved counts as trusted: what cannot be
    known never fires."""
    for actor in _of_type(project, filters, ACTOR):
        if project.may_be_true(actor, "ExcludeMatchedPattern"):
            continue
        patterns = project.strings(actor, "Pattern")
        if not patterns or all(_admits_only_named(pattern) for pattern in patterns):
            return True
    return False


def _admits_only_named(pattern: str) -> bool:
    """Admitting no stranger's ID (`^.*$`, `^[0-9]+$` admit every account) nor a longer ID
    that holds one the pattern names (`1234`, `^1234|5678$`: the anchors bind to one
    alternative each). A pattern that names no ID (`^\\d{8}$`) must be anchored `^...$`."""
    text = pattern.strip()
    if any(_searches(text, stranger) for stranger in _STRANGER_IDS):
        return False
    names = (found.group() for found in _NAMED_ID.finditer(text))
    named = list(itertools.islice((n for n in names if len(n) <= _LONGEST_ID), _MAX_NAMED))
    if not named:
        return text.startswith("^") and text.endswith("$")
    return not any(_searches(text, longer) for name in named for longer in (f"9{name}", f"{name}9"))


def _searches(pattern: str, text: str) -> Any:
    try:
        return compile_written(pattern).search(text)
    except ValueError:
        return False
