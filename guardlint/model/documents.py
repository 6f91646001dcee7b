"""Where and what the scan reads: a file selected for scanning, the documents parsed from it, and
the regions of their text that findings point at."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Region(namedtuple("Region", ("start_line", "start_column", "end_line", "end_column"))):
    """1-based start and end positions of the smallest node that shows a problem. A named tuple
    (compared and ordered field by field): parsing makes one for every key, value and item of
    a document (guardlint.parse.located.new_region, which skips these checks)."""

    __slots__ = ()

    def __new__(
        cls,
        start_line: int,
        start_column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Region:
        # SARIF (and GitHub) reject a startLine below 1.
        start_line, start_column = max(1, int(start_line)), max(1, int(start_column))
        if end_line is None or end_line < start_line:
            end_line = start_line
        if end_column is not None and end_line == start_line and end_column <= start_column:
            end_column = None
        return super().__new__(cls, start_line, start_column, end_line, end_column)


# What became of a file: its documents scanned, skipped (not IaC), or not parsed (GL001).
SCANNED, SKIPPED, UNPARSABLE = "scanned", "skipped", "unparsable"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class SourceFile:
    """A file selected for scanning: where it is and what kind discovery thinks it is."""

    path: str  # absolute or as given, for reading
    rel_path: str  # relative to the scan root, forward slashes
    kind: str
    # The scan root, which the file must not lead out of (guardlint.parse.inputs); None: not
    # confined.
    root: str | None = None
    # Named as a template for substitution (`compose.yml.tmpl`, guardlint.parse.substitution).
    template: bool = False
    # Under a Helm chart's templates/: judged as Helm renders it whatever the values, or skipped
    # (guardlint.parse.helm_templates).
    chart_template: bool = False
    # Bytes read already (standard input, at most the size limit + 1): `path` is never opened.
    content: bytes | None = None
    # Its status as discovery's listing gave it, reached through no link (parse.inputs
    # status_signature; the result cache's pack knows the file by it); None: not looked at.
    status: list[int] | None = None
    # The scan's file-size limit it is read within, set where it is parsed: the files it
    # depends on are read within it too (guardlint.documents.dependencies). None: the default.
    max_bytes: int | None = None


class RelatedLocation(NamedTuple):
    """Another place a finding concerns: where the program that generated the scanned file
    defines its resource (a CDK app's source line)."""

    path: str  # relative to the scan root, like a finding's
    region: Region
    message: str


class ResourceName(NamedTuple):
    """What the generator of a file (the CDK) tells about one resource it named: the stable
    name that findings on it are fingerprinted by in place of the generated ID (a construct
    path for a hashed logical ID), what every finding on it adds to its message, and where the
    generating program defines it."""

    stable: str
    note: str = ""
    defined_at: RelatedLocation | None = None


# Document.meta key: the document is a template resource whose Condition is always false
# (guardlint.documents.cloudformation.conditions); only rules with judges_never_created run on it.
NEVER_CREATED = "never_created"
# Document.meta key: what a view of the document could not read while rules asked (a limit
# reached), as ParseErrors; each becomes a GL001 note once the document's rules have run.
DOCUMENT_NOTES = "document_notes"
# Document.meta key: the one Region every part of a derived document sits at, when the text it
# was read from keeps no lines of its own (JSON text on one line of a template). A hit there is
# fingerprinted by what it says: that line holds every other part of the text too, so its text
# would change the hit's fingerprint whenever any of them were edited.
ONE_PLACE = "one_place"
# Document.meta key of a document parsed from the renderings of a chart's template: the indices
# of the renderings it is written alike in (guardlint.documents), in which alone the
# suppressions a rendering holds cover its findings (guardlint.suppress.inline).
RENDERED_IN = "rendered_in"
# Document.meta key of a file's text document: the documents parsed from that file, so that a
# rule reading the text asks what a parser already found rather than parsing the text again.
PARSED_FROM_FILE = "parsed_from_file"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Document:
    """One parsed unit that rules inspect: a Dockerfile, one YAML document, one policy."""

    kind: str
    rel_path: str
    data: Any
    lines: list[str]
    index: int = 0
    source: SourceFile | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Generated ID (a CDK logical ID) -> what its generator tells about it; derived documents
    # share their parent's.
    resource_names: dict[str, ResourceName] = field(default_factory=dict)
    # Whether the file's text may hold a YAML anchor (`&`), found once per file by the loader:
    # without one nothing is an alias, and an inline merge (`<<: {...}`) is written where it is
    # used (guardlint.parse.use_sites). True where nobody looked.
    may_alias: bool = True

    def derived(self, kind: str, data: Any, meta: dict[str, Any]) -> Document:
        """A document found inside this one (a template's policy or task definition): same
        file, lines and position."""
        return Document(
            kind, self.rel_path, data, self.lines, self.index, self.source, meta,
            may_alias=self.may_alias,
        )  # fmt: skip

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """meta[key], computed the first time it is asked: a view of the document that
        several rules read (its pods, its policy, what the policy denies)."""
        if key not in self.meta:
            self.meta[key] = compute()
        return self.meta[key]

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""
