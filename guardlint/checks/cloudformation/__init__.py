"""Python checks of the CloudFormation/SAM pack (rules/cloudformation.yaml), and the pack's
answers to the engine (guardlint.engine.hooks). The engine imports this module to ask before
any check runs: it imports nothing heavy."""

from __future__ import annotations

from collections.abc import Mapping

from guardlint.documents.cloudformation.sam import declares_transform
from guardlint.model import Rule, SourceFile

# CFN028 (template-invalid) runs AWS's SAM translator on templates that use the SAM transform,
# unless its `sam_transform` option is off.
SAM_TRANSLATING_RULE = "CFN028"


def shares_costly_setup(source: SourceFile, content: bytes, rules: Mapping[str, Rule]) -> bool:
    """Whether scanning the file imports AWS's SAM translator (a quarter of a second per
    process): a template that names the SAM transform, when CFN028 translates."""
    rule = rules.get(SAM_TRANSLATING_RULE)
    if rule is None or not rule.options.get("sam_transform", True):
        return False
    return declares_transform(content)
