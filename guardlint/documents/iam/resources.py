"""Whether a Resource entry reaches every resource an action can act on: the one notion behind
"on every resource" for the rules that judge grants by it (IAM003, and IAM006, IAM007, IAM012
through guardlint.documents.iam.grants).

`*` and an ARN of nothing but wildcards (`arn:*:*:*:*:*`) reach everything. Otherwise an ARN
reaches every resource of a type when its resource part is only wildcards after that type's
prefix: `arn:aws:iam::*:role/*` (every role of every account), `arn:aws:iam::123456789012:
role/*` (every role of the account), `arn:aws:iam::*:*` (every IAM resource),
`arn:aws:secretsmanager:*:*:secret:*`. Partition, region and account may be anything,
CloudFormation's `${AWS::Partition}` and `${AWS::AccountId}` included: each names a whole
account or more. A name or path prefix (`role/deploy-*`, `role/app/*`) chooses some of the
resources, which is what scoping means, and a variable in the resource part (`role/${Name}`)
is not known to be a wildcard. The types come from the action database's ARN formats
(`Action.resource_heads`), so `sts:AssumeRole` on `arn:aws:iam::*:role/*` reaches every role
while `iam:PassRole` on `arn:aws:s3:::*` reaches nothing it acts on.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from guardlint.documents.iam.policy import Item
from guardlint.knowledge.iam_actions import Action, matches

WILDCARD_RESOURCE = re.compile(r"^(\*|arn:(\*|aws[\w-]*):\*(:\*){3}(/\*)?)$", re.IGNORECASE)
# arn:partition:service:region:account:resource (the resource part may hold colons).
_ARN = re.compile(r"^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$", re.DOTALL)
# A CloudFormation substitution (`${AWS::Partition}` holds colons of its own).
_SUBSTITUTION = re.compile(r"\$\{[^}]*\}")
# Wildcards that match every name (`*`, `?*`; `?` alone matches one character).
_EVERY_NAME = r"[*?]*\*[*?]*"
# Only wildcards, across types too: `*`, `*/*` (every object of every bucket), `*:*`.
_EVERY_TYPE = re.compile(rf"^{_EVERY_NAME}([/:]{_EVERY_NAME})*$")
# A literal resource type prefix, then only wildcards: `role/*`, `secret:*`.
_EVERY_OF_TYPE = re.compile(rf"^([A-Za-z0-9_.-]+[/:]){_EVERY_NAME}$")


def is_any_resource(item: Item) -> bool:
    """`*`, or an ARN made of nothing but wildcards (`arn:aws:*:*:*:*`)."""
    return item.text is not None and bool(WILDCARD_RESOURCE.match(item.text.strip()))


@dataclass(frozen=True)
class Breadth:
    """A Resource entry that reaches every resource of a service (`type_prefix` None) or of
    one resource type."""

    service: str  # may hold IAM wildcards (`*`)
    type_prefix: str | None

    def reaches(self, action: Action) -> bool:
        """Whether it reaches every resource of one of the action's resource types."""
        for head in action.resource_heads:
            service, prefix = head.split(":", 1)
            if matches(self.service, service) and self.type_prefix in (None, prefix):
                return True
        return False


def breadth(item: Item) -> Breadth | None:
    """How far a Resource entry reaches, when it reaches every resource of a type; None when
    it names fewer (or cannot be read)."""
    text = item.template_text
    return _breadth_of_arn(text.strip()) if text is not None else None


@functools.lru_cache(maxsize=4096)
def _breadth_of_arn(text: str) -> Breadth | None:
    arn = _ARN.match(_SUBSTITUTION.sub("x", text))
    if arn is None:
        return None
    service, resource = arn.groups()
    if _EVERY_TYPE.match(resource):
        return Breadth(service, None)
    of_type = _EVERY_OF_TYPE.match(resource)
    return Breadth(service, of_type.group(1)) if of_type else None
