"""The declarative rule language: JSONPath selects subjects, predicates decide, the engine reports.

    match:
      select: "$.services.*"          # subjects (default: the document root)
      where: {path: privileged, equals: true}
      locate: privileged              # optional: what to point at (default: first predicate hit)
      resource: "service {name}"
      message: "Service {name} runs privileged."   # fields: guardlint/checks/template.py

Predicates: a leaf `{path: P, OP: V}` with OP one of exists, equals, not_equals, in, not_in,
matches, not_matches (the `not_*` forms also hold when P finds nothing), flag, or `all`, `any`,
`not`. `flag: true` (or `false`) holds where a value reads so as a boolean field to the tool that
consumes the document: its kind says how (guardlint.documents.registry.flag_reading; kubectl
reads a plain `y` as true and refuses a quoted "true").
`matches` patterns run on RE2 (guardlint.parse.linear_regex): a policy may come from the repository
under scan, and no pattern may make matching slower than linear in the value.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from guardlint.checks.match_paths import Datum, Descendants, shortcut_find
from guardlint.checks.template import TemplateError, check_template, render
from guardlint.documents.registry import FlagReading, flag_reading, read_as_written
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.linear_regex import compile_linear
from guardlint.parse.located import MAX_DEPTH
from guardlint.parse.text import shown
from guardlint.parse.use_sites import SharedUses, UseSites

LEAF_OPERATORS = (
    "exists", "equals", "not_equals", "in", "not_in", "matches", "not_matches", "flag"
)  # fmt: skip
_MATCH_KEYS = frozenset({"select", "where", "locate", "resource", "message"})
# Documents nest at most MAX_DEPTH levels, so a deeper path finds nothing; and evaluating one
# would exhaust Python's recursion limit on every file.
MAX_PATH_DEPTH = MAX_DEPTH
# `$..a..b` visits every node under every node: more descents than one multiply the work by
# the document's size again (`$..*..*..*..*` took a 24 KB manifest past the file's time budget).
MAX_DESCENTS = 1
MAX_PATH_LENGTH = 1_000
# Values one JSONPath may find in one document, counting those on the way (`a` and `a.b` for
# `a.b.c`): the steps _refused refuses cannot multiply matches, so this bounds what no check
# foresaw; a path past it stops its rule on the document (GL002: a missing result).
MAX_VALUES = 100_000


class TooManyValues(RuntimeError):
    """A JSONPath found more values than a rule may look at in one document (a GL002)."""


class MatchError(ValueError):
    """A malformed match; `keys` lead from the match to the part at fault."""

    def __init__(self, problem: str, *keys: str) -> None:
        super().__init__(problem)
        self.keys = keys


@functools.cache
def compile_path(expression: str) -> Any:
    """JSONPath expressions are compiled once per process."""
    from jsonpath_ng.ext import parse  # only for kinds with declarative rules (startup)

    return parse(expression)


def validate_match(match: Any, compile_expressions: bool = True) -> None:
    """Raise ValueError for a malformed match; `compile_expressions=False` checks JSONPaths'
    and regular expressions' shape only and leaves compiling (and importing jsonpath-ng and
    RE2) to their first use."""
    if not isinstance(match, dict):
        raise ValueError("must be a map")
    unknown = sorted(set(match) - _MATCH_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(unknown)}")
    if "where" not in match:
        raise ValueError("needs a `where` predicate")
    for key in ("select", "locate"):
        if key in match:
            _validate_path(match[key], compile_expressions)
    _validate_predicate(match["where"], compile_expressions)
    for key in ("resource", "message"):
        if key in match:
            try:
                check_template(match[key])
            except TemplateError as exc:
                raise MatchError(f"{key}: {exc}", key) from None


def _validate_path(expression: Any, compile_expressions: bool = True) -> None:
    if not isinstance(expression, str) or not expression:
        raise ValueError(f"JSONPath must be a non-empty string, not {expression!r}")
    if len(expression) > MAX_PATH_LENGTH:
        raise ValueError(
            f"JSONPath {shown(expression, 80)} is longer than {MAX_PATH_LENGTH:,} characters"
        )
    if not compile_expressions:
        return
    try:
        tree = compile_path(expression)
    except Exception as exc:  # jsonpath-ng raises several exception types (and RecursionError)
        raise ValueError(f"invalid JSONPath {shown(expression, 80)}: {exc}") from None
    deepest, descents, refused = _shape(tree)
    if refused:
        raise ValueError(f"JSONPath {shown(expression, 80)} uses {refused}")
    if deepest > MAX_PATH_DEPTH:
        raise ValueError(
            f"JSONPath {shown(expression, 80)} nests deeper than {MAX_PATH_DEPTH} levels"
        )
    if descents > MAX_DESCENTS:
        raise ValueError(
            f"JSONPath {shown(expression, 80)} descends recursively (`..`) {descents} times: "
            f"at most {MAX_DESCENTS}, since each multiplies the work by the document's size"
        )


def _shape(tree: Any) -> tuple[int, int, str | None]:
    """How deeply a compiled JSONPath nests (each step of `$.a.b` is a level: jsonpath-ng
    finds matches recursively, a few frames per level), how many recursive descents it holds,
    and what it uses that a rule may not (or None)."""
    from jsonpath_ng import Descendants, JSONPath  # only for kinds with declarative rules

    deepest, descents, refused, pending = 0, 0, None, [(tree, 1)]
    while pending and deepest <= MAX_PATH_DEPTH:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        descents += isinstance(node, Descendants)
        refused = refused or _refused(node)
        for value in getattr(node, "__dict__", {}).values():
            children = value if isinstance(value, (list, tuple)) else (value,)
            pending.extend((child, depth + 1) for child in children if isinstance(child, JSONPath))
    return deepest, descents, refused


def _refused(node: Any) -> str | None:
    """What a JSONPath step does that a rule may not: run a regular expression on Python's
    backtracking engine, where hostile text takes exponential time (a rule's `matches` runs on
    RE2, linear); compute (`$.a * $.b` repeats a text as often as a number says, in one call
    that holds gigabytes); or find one value more than once, which a chain of such steps
    multiplies (`['a','a']['a','a']...`: 2 to the power of the steps)."""
    from jsonpath_ng import Fields, Index, Parent, jsonpath  # see _shape
    from jsonpath_ng.ext.arithmetic import Operation
    from jsonpath_ng.ext.filter import Expression
    from jsonpath_ng.ext.string import Sub

    if isinstance(node, Sub) or (isinstance(node, Expression) and node.op == "=~"):
        return "a regular expression (`=~`, `sub()`): test text with the predicate `matches`"
    if isinstance(node, Operation):
        return "arithmetic (`+`, `-`, `*`, `/`): compare values with the predicates"
    # Newer jsonpath-ng deprecates `|` and renames its class (asking for the old name warns).
    union = getattr(jsonpath, "_Union", None) or jsonpath.Union
    if isinstance(node, union):
        return "a union (`|`), which finds a value once for each side: name fields `['a','b']`"
    if isinstance(node, Parent):
        return "`parent`, which finds a value once for each of its children"
    named = getattr(node, "fields", ()) if isinstance(node, Fields) else ()
    indices = getattr(node, "indices", ()) if isinstance(node, Index) else ()
    for names in (named, indices):
        if len(set(names)) < len(names):
            return "a field or index named twice in one step (`['a','a']`)"
    return None


def _validate_predicate(predicate: Any, compile_expressions: bool = True) -> None:
    if not isinstance(predicate, dict) or not predicate:
        raise ValueError(f"a predicate is a non-empty map, not {predicate!r}")
    if "all" in predicate or "any" in predicate:
        key = "all" if "all" in predicate else "any"
        if len(predicate) != 1 or not isinstance(predicate[key], list) or not predicate[key]:
            raise ValueError(f"`{key}` takes a non-empty list of predicates and nothing else")
        for item in predicate[key]:
            _validate_predicate(item, compile_expressions)
        return
    if "not" in predicate:
        if len(predicate) != 1:
            raise ValueError("`not` takes one predicate and nothing else")
        _validate_predicate(predicate["not"], compile_expressions)
        return
    operators = [key for key in predicate if key != "path"]
    if len(operators) != 1 or operators[0] not in LEAF_OPERATORS:
        raise ValueError(
            f"a leaf has an optional `path` and exactly one of {', '.join(LEAF_OPERATORS)}; "
            f"got {sorted(predicate)}"
        )
    if "path" in predicate:
        _validate_path(predicate["path"], compile_expressions)
    operator, operand = operators[0], predicate[operators[0]]
    if operator in ("in", "not_in") and not isinstance(operand, list):
        raise ValueError(f"`{operator}` takes a list")
    if operator == "flag" and not isinstance(operand, bool):
        raise ValueError(f"`flag` takes true or false, not {operand!r}")
    if operator in ("matches", "not_matches") and compile_expressions:
        try:
            compile_linear(str(operand))
        except ValueError as exc:
            raise ValueError(
                f"invalid regular expression {operand!r}: {exc} (RE2 syntax: no lookaround "
                "or backreferences)"
            ) from None


def _find(
    expression: str | None, subject: Datum, descendants: Descendants | None = None
) -> list[Datum]:
    if not expression:
        return [subject]
    shortcut = shortcut_find(expression, subject.value, descendants)
    if shortcut is not None:
        return shortcut
    found = []
    for datum in _values(compile_path(expression), subject.value, _Tally(expression)):
        parent = datum.context.value if datum.context is not None else None
        path = datum.path
        key = getattr(path, "fields", None) or getattr(path, "indices", None)
        key = key[0] if key else None
        if parent is None:
            found.append(Datum(datum.value, subject.parent, subject.key))
        else:
            found.append(Datum(datum.value, parent, key))
    return found


class _Tally:
    """The values one JSONPath found so far in one document."""

    def __init__(self, expression: str) -> None:
        self.expression, self.count = expression, 0

    def add(self) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise TooManyValues(
                f"JSONPath {shown(self.expression, 80)} found over {MAX_VALUES:,} values"
            )


def _values(tree: Any, datum: Any, tally: _Tally) -> Iterator[Any]:
    """What jsonpath-ng's `tree.find(datum)` gives, in its order, one value at a time through
    a chain (`a.b.c`, where jsonpath-ng builds every step's whole list); every value found on
    the way, intermediate ones too, is tallied."""
    from jsonpath_ng import Child  # see _shape
    from jsonpath_ng.jsonpath import AutoIdForDatum

    if isinstance(tree, Child):
        for value in _values(tree.left, datum, tally):
            if not isinstance(value, AutoIdForDatum):  # as Child.find: an id has no children
                yield from _values(tree.right, value, tally)
        return
    for value in tree.find(datum):
        tally.add()
        yield value


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right or str(left).lower() == str(right).lower()
    return left == right or str(left) == str(right)


def _leaf(
    predicate: dict[str, Any],
    subject: Datum,
    descendants: Descendants | None,
    read_flag: FlagReading,
) -> tuple[bool, list[Datum]]:
    values = _find(predicate.get("path"), subject, descendants)
    operator = next(key for key in predicate if key != "path")
    operand = predicate[operator]
    if operator == "exists":
        return (bool(values) == bool(operand)), values
    if operator == "flag":
        hits = [v for v in values if read_flag(v.value) is operand]
    elif operator == "equals":
        hits = [v for v in values if _equal(v.value, operand)]
    elif operator == "in":
        hits = [v for v in values if any(_equal(v.value, o) for o in operand)]
    elif operator == "matches":
        hits = [v for v in values if compile_linear(str(operand)).search(str(v.value))]
    elif operator == "not_equals":
        return all(not _equal(v.value, operand) for v in values), values
    elif operator == "not_in":
        return all(not any(_equal(v.value, o) for o in operand) for v in values), values
    else:  # not_matches
        return all(not compile_linear(str(operand)).search(str(v.value)) for v in values), values
    return bool(hits), hits


def evaluate(
    predicate: dict[str, Any],
    subject: Datum,
    descendants: Descendants | None = None,
    read_flag: FlagReading = read_as_written,
) -> tuple[bool, list[Datum]]:
    """Whether the predicate holds for the subject, and the values that made it hold;
    `descendants`: the maps of the subject's document, for `$..field` on its data;
    `read_flag`: how its document's consumer reads a boolean field, for `flag`."""
    if "all" in predicate:
        evidence: list[Datum] = []
        for item in predicate["all"]:
            holds, found = evaluate(item, subject, descendants, read_flag)
            if not holds:
                return False, []
            evidence.extend(found)
        return True, evidence
    if "any" in predicate:
        for item in predicate["any"]:
            holds, found = evaluate(item, subject, descendants, read_flag)
            if holds:
                return True, found
        return False, []
    if "not" in predicate:
        holds, _ = evaluate(predicate["not"], subject, descendants, read_flag)
        return not holds, []
    return _leaf(predicate, subject, descendants, read_flag)


def run_match(document: Document, rule: Rule) -> Iterator[Hit]:
    """Hits of a declarative rule on one document; called like a Python check."""
    match = rule.match or {}
    root = Datum(document.data, None, None)
    shared: SharedUses = {}
    descendants = Descendants(document)
    read_flag = flag_reading(document.kind)
    for subject in _find(match.get("select"), root, descendants):
        holds, evidence = evaluate(match["where"], subject, descendants, read_flag)
        if not holds:
            continue
        located = _find(match["locate"], subject, descendants) if match.get("locate") else []
        target = (located or evidence or [subject])[0]
        region = target.region or subject.region or Region(1)
        if subject.parent is not None:  # a part a YAML alias brings: where the subject uses it
            region = UseSites(document, subject.parent, subject.key, shared).locate(region)
        name = subject.key if subject.key is not None else document.meta.get("name", "")
        fields = {
            "name": name,
            "value": target.value,
            "key": target.key if target.key is not None else "",
            "kind": document.meta.get("kind", document.kind),
            "path": document.rel_path,
            "resource": document.meta.get("resource", document.rel_path),
        }
        # `{subject[KEY]}`: a field of the selected object.
        fields_of_subject = subject.value if isinstance(subject.value, dict) else {}
        if "resource" in match:
            resource = render(match["resource"], fields, fields_of_subject)
        else:  # the document's resource string holds data (a name with braces): no template
            resource = str(document.meta.get("resource") or name)
        if "message" in match:
            message = render(match["message"], fields, fields_of_subject)
        else:  # the title is documentation, not a template
            message = rule.title
        yield Hit(message=message, region=region, resource=resource or document.rel_path)
