"""Python checks of the IAM pack (rules/iam.yaml), and the pack's answer to the engine
(guardlint.engine.hooks). The engine imports this module to ask before any check runs: it
imports nothing heavy."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule

# What follows `Action` in an Action entry that starts with a wildcard (`"*"`, `['?*:*']`,
# `- "*:Get*"`), up to the end of its service part. One whose service part matches every
# service (knowledge.iam_wildcards: `*`, `?*`), like a NotAction statement, has a policy's
# checks build the whole IAM action database. A file this misses builds the database in the
# process that scans it, as without the hook; one it takes for such a policy only has it built
# once before the workers fork.
_WILDCARD_ENTRY = re.compile(rb"""['"]?[ \t]*:[\s\[-]*['"]?([*?][^:'"\s,\]]*)""")
_ACTION = b"Action"


def _every_service(service: bytes) -> bool:
    """Whether an entry's service part is a glob of every service prefix (imported here: only
    a file with such an entry needs the action database's reading)."""
    from guardlint.knowledge.iam_wildcards import every_text_from

    return every_text_from(service.decode("ascii", "replace")) is not None


def _may_grant_every_action(content: bytes) -> bool:
    """Looked for at each `Action` (a few in a template): one regex search of the whole text
    cost a CloudFormation scan a third of what the database costs."""
    at = content.find(_ACTION)
    while at >= 0:
        if content.endswith(b"Not", 0, at):
            return True
        entry = _WILDCARD_ENTRY.match(content, at + len(_ACTION))
        if entry and _every_service(entry.group(1)):
            return True
        at = content.find(_ACTION, at + len(_ACTION))
    return False


def _build_every_action() -> None:
    from guardlint.knowledge.iam_actions import expand

    expand("*")


def loaded_before_workers(
    source: SourceFile, content: bytes, rules: Mapping[str, Rule]
) -> Callable[[], None] | None:
    """The IAM action database, for a file that may hold a policy granting every action or a
    NotAction: 40-90 ms a process, built once before the workers fork instead of in each."""
    return _build_every_action if _may_grant_every_action(content) else None
