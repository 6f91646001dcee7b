"""CFN030: bandit on the Python code of Lambda functions defined in a template.

Two sources of code:
- inline code (`Code.ZipFile` of AWS::Lambda::Function, `InlineCode` of a SAM function), as a
  string, an `Fn::Sub` string or an `Fn::Join` of lines; a bandit issue on code line N is
  reported at the template line that holds line N;
- the local `CodeUri` directory (or `Code` path) of a Python function, whose files
  guardlint.documents.cloudformation.artifacts reads (no check opens a file itself).

bandit itself is run by guardlint.knowledge.bandit_analysis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.cloudformation.artifacts import local_artifact_path, local_python_files
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    LAMBDA_FUNCTION,
    Resource,
    region_at,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.knowledge.bandit_analysis import BanditIssue, bandit_issues
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.located import YamlSeq
from guardlint.parse.lookups import DIRECTORY, path_kind, real_root

_BANDIT_SEVERITY = {"LOW": Severity.LOW, "MEDIUM": Severity.MEDIUM, "HIGH": Severity.HIGH}
_CONFIDENCE_ORDER = ("LOW", "MEDIUM", "HIGH")
_BLOCK_SCALAR = re.compile(r"^(![A-Za-z:]+\s+)?[|>][-+0-9]*\s*(#.*)?$")
_SUB_ESCAPE = re.compile(r"\$\{!([^}]*)\}")


@dataclass
class InlineCode:
    """Inline code and how its lines map back to template lines."""

    text: str
    template_line: Callable[[int], int]  # code line (1-based) -> template line


# bandit tests that do not apply to Lambda code: B108 (hard-coded temporary directory) warns
# that /tmp is shared with other users and processes, but /tmp is a Lambda function's only
# writable directory and belongs to its own execution environment.
_NOT_FOR_LAMBDA = frozenset({"B108"})


def _wanted(issue: BanditIssue, rule: Rule) -> bool:
    skipped = _NOT_FOR_LAMBDA | {str(t).upper() for t in rule.options.get("skip_tests", ())}
    minimum = str(rule.options.get("min_confidence", "low")).upper()
    if issue.test_id.upper() in skipped:
        return False
    if minimum not in _CONFIDENCE_ORDER or issue.confidence not in _CONFIDENCE_ORDER:
        return True
    return _CONFIDENCE_ORDER.index(issue.confidence) >= _CONFIDENCE_ORDER.index(minimum)


# bandit's hard-coded password tests quote the password in their text: a secret's value, which
# the engine must redact from the message and snippet. The value may hold quotes and line breaks.
_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})
# The quoted text that ends the message. Tried from the start of the text only (the first `'`
# is the match's start whenever one exists): from every `'` of a long run of quotes, `re`
# would try every later one as the end (quadratic).
QUOTED_VALUE = re.compile(r"\A[^']*'(.+)'\s*\Z", re.DOTALL)


def _secret_values(issue: BanditIssue) -> tuple[str, ...]:
    quoted = QUOTED_VALUE.search(issue.text) if issue.test_id in _PASSWORD_TESTS else None
    return (quoted.group(1),) if quoted else ()


def _issue_hit(
    issue: BanditIssue,
    function: Resource,
    where: str,
    region: Region,
    code_lines: Region,
    **extra: Any,
) -> Hit:
    """The hit of a bandit issue at `region`; `code_lines` are the lines of the code bandit
    reports (a password's literal is written there, escaped or split as the code likes)."""
    secret_values = _secret_values(issue)
    return Hit(
        message=f"bandit {issue.test_id} ({issue.test_name}) in {where} of function "
        f"{function.logical_id}: {issue.text}",
        region=region,
        resource=function.label,
        severity=_BANDIT_SEVERITY.get(issue.severity),
        properties={
            "logicalId": function.logical_id,
            "banditTestId": issue.test_id,
            "banditTestName": issue.test_name,
            "banditSeverity": issue.severity.lower(),
            "banditConfidence": issue.confidence.lower(),
        },
        secret_values=secret_values,
        secret_regions=(code_lines,) if secret_values else (),
        **extra,
    )


# -- which functions ---------------------------------------------------------------------------


def _is_python(template: Template, function: Resource) -> bool:
    runtimes = template.resolved_strings(function.props.get("Runtime"))
    return bool(runtimes) and all(r.strip().lower().startswith("python") for r in runtimes)


@check("CFN030")
def lambda_python_code(document: Document, rule: Rule) -> Iterator[Hit]:
    template = template_of(document)
    functions_by_dir: dict[Path, list[Resource]] = {}
    for function in resources_of(document, *FUNCTION_TYPES):
        if not _is_python(template, function):
            continue
        inline = inline_code(document, function)
        if inline is not None:
            yield from _inline_hits(document, rule, function, inline)
            continue
        directory = _local_code_path(document, template, function)
        if directory is not None:
            functions_by_dir.setdefault(directory, []).append(function)
    # Functions sharing one CodeUri share its findings: scan each directory once.
    for directory, functions in functions_by_dir.items():
        yield from _directory_hits(document, rule, directory, functions)


def _inline_hits(
    document: Document, rule: Rule, function: Resource, inline: InlineCode
) -> Iterator[Hit]:
    code_lines = inline.text.splitlines()
    for issue in bandit_issues(inline.text.encode(), f"{function.logical_id}.py"):
        if not _wanted(issue, rule):
            continue
        line = inline.template_line(issue.line)
        code_line = code_lines[issue.line - 1] if 0 < issue.line <= len(code_lines) else ""
        template_text = document.line_text(line)
        indent = len(template_text) - len(code_line) if template_text.endswith(code_line) else 0
        column = indent + issue.column + 1 if code_line and indent >= 0 else 1
        code = Region(line, 1, inline.template_line(issue.end_line))
        yield _issue_hit(issue, function, "the inline code", Region(line, column), code)


# -- inline code ------------------------------------------------------------------------------


def inline_code(document: Document, function: Resource) -> InlineCode | None:
    """The function's inline code and its line mapping, when it has inline code."""
    if function.type == LAMBDA_FUNCTION:
        code = function.props.get("Code")
        container, key = (code, "ZipFile") if isinstance(code, dict) else (None, None)
    else:
        container, key = function.props, "InlineCode"
    if not isinstance(container, dict) or key not in container:
        return None
    return _code_of(document, container, key)


def _code_of(document: Document, container: Any, key: Any) -> InlineCode | None:
    value = container[key]
    if isinstance(value, str):
        return InlineCode(value, _scalar_lines(document, region_at(container, key, Region(1))))
    call = intrinsic(value)
    if call is None:
        return None
    name, arg = call
    if name == "Fn::Sub":
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            inner = _code_of(document, arg, 0)
        elif isinstance(arg, str):
            inner = _code_of(document, value, name)
        else:
            return None
        if inner is not None:
            inner.text = unescape_sub(inner.text)
        return inner
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        return _joined_code(arg[0], arg[1], region_at(value, name, Region(1)))
    return None


def unescape_sub(text: str) -> str:
    """Fn::Sub's `${!Literal}` as the code sees it, `${Literal}`. Only the text up to the last
    `}` is searched: after it each `${!` is unclosed, and `re` would scan from every one of them
    to the end (quadratic)."""
    closed = text.rfind("}") + 1
    return _SUB_ESCAPE.sub(r"${\1}", text[:closed]) + text[closed:]


def _scalar_lines(document: Document, region: Region) -> Callable[[int], int]:
    """Code line -> template line for a string scalar: a block scalar (`|`) starts on the
    next line; a quoted one-line string (JSON) keeps every code line on its own line."""
    opening = document.line_text(region.start_line)[region.start_column - 1 :].strip()
    if _BLOCK_SCALAR.match(opening):
        return lambda n: region.start_line + n
    if region.end_line == region.start_line:
        return lambda n: region.start_line
    return lambda n: min(region.start_line + n - 1, region.end_line or region.start_line)


def _joined_code(separator: Any, items: Any, region: Region) -> InlineCode | None:
    """`Fn::Join` of code lines (JSON templates): each code line maps to its item's line."""
    if not isinstance(separator, str) or not isinstance(items, list):
        return None
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []  # (first code line of the item, template line)
    code_line = 1
    for index, item in enumerate(items):
        text = item if isinstance(item, str) else "REF"  # a Ref or GetAtt inside a string
        item_region = items.item_region(index) if isinstance(items, YamlSeq) else region
        starts.append((code_line, item_region.start_line))
        pieces.append(text)
        code_line += text.count("\n") + separator.count("\n")
    text = separator.join(pieces)

    def template_line(number: int) -> int:
        line = region.start_line
        for first, item_line in starts:
            if first > number:
                break
            line = item_line
        return line

    return InlineCode(text, template_line)


# -- local code directories -------------------------------------------------------------------


def _local_code_path(document: Document, template: Template, function: Resource) -> Path | None:
    """The local directory or .py file a function's CodeUri (or Code) names, inside the scan
    root; None for S3 locations, images, intrinsics and anything outside the root. A SAM
    function with neither CodeUri nor InlineCode has the template's directory, which `sam
    build` and `sam package` take then."""
    key = "Code" if function.type == LAMBDA_FUNCTION else "CodeUri"
    uri = function.props.get(key)
    if function.type != LAMBDA_FUNCTION and key not in function.props:
        uri = None if "InlineCode" in function.props else "."
    path = local_artifact_path(document, uri)
    if path is None or not (path_kind(str(path)) == DIRECTORY or path.suffix == ".py"):
        return None
    return path


def _directory_hits(
    document: Document, rule: Rule, directory: Path, functions: list[Resource]
) -> Iterator[Hit]:
    source = document.source
    if source is None:
        return
    root = Path(real_root(source.root or "."))
    function = functions[0]
    also = [f.logical_id for f in functions[1:]]
    for path, content in local_python_files(directory, root, document, function):
        rel_path = path.relative_to(root).as_posix()
        code_lines = content.decode("utf-8", "replace").splitlines()
        for issue in bandit_issues(content, str(path)):
            if not _wanted(issue, rule):
                continue
            code_line = code_lines[issue.line - 1] if 0 < issue.line <= len(code_lines) else ""
            found = _issue_hit(
                issue,
                function,
                rel_path,
                Region(issue.line, issue.column + 1),
                Region(issue.line, 1, issue.end_line),
                rel_path=rel_path,
                snippet=code_line,
                fingerprint_key=f"{issue.test_id}:{code_line.strip()}",
            )
            if also:
                found.properties["sharedWith"] = also
            yield found
