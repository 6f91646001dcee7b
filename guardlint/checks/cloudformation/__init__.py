"""Python checks of the CloudFormation/SAM pack (rules/cloudformation.yaml), and the pack's
answers to the engine (guardlint.engine.hooks). The engine imports this module to ask before
any check runs: it imports nothing heavy."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from guardlint.documents.cloudformation.sam import declares_transform
from guardlint.documents.cloudformation.sam_translator import load_translator
from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule

# CFN028 (template-invalid) runs AWS's SAM translator on templates that use the SAM transform,
# unless its `sam_transform` option is off.
SAM_TRANSLATING_RULE = "CFN028"
# CFN030 (lambda-code-issues) runs bandit on the Python code of Lambda functions.
BANDIT_RULE = "CFN030"
_CODE_KEYS = (b"ZipFile", b"InlineCode", b"CodeUri", b"Code:", b'"Code"')


def shares_costly_setup(source: SourceFile, content: bytes, rules: Mapping[str, Rule]) -> bool:
    """Whether scanning the file imports AWS's SAM translator (a quarter of a second per
    process) or bandit (a tenth): a template that names the SAM transform, when CFN028
    translates; one that may hold a Python function's code, when CFN030 is on."""
    if _translates(content, rules):
        return True
    return (
        BANDIT_RULE in rules and b"python" in content and any(key in content for key in _CODE_KEYS)
    )


def loaded_before_workers(
    source: SourceFile, content: bytes, rules: Mapping[str, Rule]
) -> Callable[[], None] | None:
    """AWS's SAM translator, for a template CFN028 translates. Loaded by the worker that gets
    those templates together, it was loaded again by each process that got some of them when
    they were more than one worker's share (guardlint.parallel.chunked)."""
    return load_translator if _translates(content, rules) else None


def _translates(content: bytes, rules: Mapping[str, Rule]) -> bool:
    translating = rules.get(SAM_TRANSLATING_RULE)
    translates = translating is not None and translating.options.get("sam_transform", True)
    return translates and declares_transform(content)
