"""ECS check of the task's IAM roles (ECS011): one role as both task role and execution role."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.ecs.hits import task_hit, task_subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import UNKNOWN_PART, Fields
from guardlint.documents.ecs.model import task_definition
from guardlint.knowledge.placeholders import is_filled_in_later
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.lazy_pattern import LazyPattern

_TASK_ROLE, _EXECUTION_ROLE = "taskRoleArn", "executionRoleArn"
# An IAM role's ARN (any partition, with or without a path): its account and name.
_ROLE_ARN = LazyPattern(r"arn:[^:/]*:iam::([^:/]*):role/(?:[^\x00]*/)?([\w+=,.@-]+)")
_SHORT_NAME = re.compile(r"[\w+=,.@-]+")  # a role's name alone, as IAM allows it


def _roles(fields: Fields, name: str) -> set[tuple[str | None, str]]:
    """(account, role name) of each value the setting may have: a short name or an ARN.
    The account is None when not written or not known: iam:PassRole hands a service only
    roles of the caller's own account, so any role ECS accepts is in the task's account."""
    roles = set()
    for text in fields.resolver.partial_texts(fields.raw(name)):
        arn = _ROLE_ARN.fullmatch(text.strip())
        if arn:
            account, role = arn.group(1), arn.group(2)
        elif _SHORT_NAME.fullmatch(text.strip()):
            account, role = None, text.strip()
        else:
            continue
        if account is not None and (UNKNOWN_PART in account or is_filled_in_later(account)):
            account = None
        if not is_filled_in_later(role):
            roles.add((account or None, role))
    return roles


def _same_name(fields: Fields) -> bool:
    """Both roles of the same name, given by short name (which ECS accepts for the task
    role) or by ARN, in the same account or in one that is not written or not known (in a
    template: `${AWS::AccountId}`, `arn:${AWS::Partition}:...` or a Join of it)."""
    execution_roles = _roles(fields, _EXECUTION_ROLE)
    return any(
        name == other and (account is None or other_account is None or account == other_account)
        for account, name in _roles(fields, _TASK_ROLE)
        for other_account, other in execution_roles
    )


@check("ECS011")
def task_role_is_execution_role(document: Document, rule: Rule) -> Iterator[Hit]:
    """taskRoleArn and executionRoleArn both set to the same role: the same text, or in a
    template the same Ref/GetAtt target. Values that differ or cannot be compared do not."""
    task = task_definition(document)
    fields = task.fields
    if _TASK_ROLE not in fields or _EXECUTION_ROLE not in fields:
        return
    task_role, execution_role = fields.text(_TASK_ROLE), fields.text(_EXECUTION_ROLE)
    same_text = (
        task_role is not None
        and task_role.strip()
        and not is_filled_in_later(task_role)
        and task_role.strip() == (execution_role or "").strip()
    )
    if (
        not same_text
        and not fields.resolver.same_target(fields.raw(_TASK_ROLE), fields.raw(_EXECUTION_ROLE))
        and not _same_name(fields)
    ):
        return
    yield task_hit(
        task,
        f"{task_subject(task)} uses the same role as task role and execution role: the "
        "application gets the ECS agent's permissions to pull images, read the task's secrets "
        "and write its logs.",
        fields.key_region(_TASK_ROLE),
    )
