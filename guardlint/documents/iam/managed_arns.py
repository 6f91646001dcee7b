"""Which AWS::IAM::ManagedPolicy of a template a value names: `!Ref Policy` (its ARN), or the
ARN written out, literally or built with `!Sub`/`!Join`
(`arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/Name`), which is the template's policy
whose ManagedPolicyName is Name and whose Path (`/` unless set) is the ARN's. A customer
managed policy can only be attached in its own account, so any account but `aws` (AWS's own
managed policies) is the stack's; a name or path the template does not fix names none.
"""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import referenced_id
from guardlint.documents.cloudformation.template import Template

MANAGED_POLICY = "AWS::IAM::ManagedPolicy"
# Stands in for what the template cannot resolve in a built ARN (the account, mostly).
_UNKNOWN_PART = "\x00"


class ManagedPolicies:
    """The managed policies of a template, by the `policy/<path><name>` part of their ARN."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.by_arn_resource: dict[str, str | None] = {}  # None: two policies spell it
        for logical_id, _ in template.resources_of(MANAGED_POLICY):
            properties = template.properties(logical_id)
            names = template.resolved_strings(properties.get("ManagedPolicyName"))
            paths = template.resolved_strings(properties["Path"]) if "Path" in properties else ["/"]
            if len(names) == 1 and len(paths) == 1:
                resource = f"policy{paths[0]}{names[0]}"
                known = resource in self.by_arn_resource
                self.by_arn_resource[resource] = None if known else logical_id

    def named(self, value: Any) -> str | None:
        """The logical ID of the managed policy a value surely names, or None."""
        target = referenced_id(value)
        if target is not None and target in self.template.resources:
            return target if self.template.resource_type(target) == MANAGED_POLICY else None
        if not self.by_arn_resource:
            return None
        arns = self.template.partial_values(value, _UNKNOWN_PART)
        if len(arns) != 1 or not isinstance(arns[0], str):
            return None
        parts = arns[0].split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2:4] != ["iam", ""] or parts[4] == "aws":
            return None
        return self.by_arn_resource.get(parts[5])
