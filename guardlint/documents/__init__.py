"""From a discovered file to the Documents rules inspect: read, parse, classify by content."""

from __future__ import annotations

from dataclasses import dataclass, field

from guardlint.documents.classify import classify, sniff_structured
from guardlint.documents.kustomization_files import is_kustomization_file
from guardlint.documents.registry import derived_documents, name_resources
from guardlint.model.documents import (
    RENDERED_IN,
    SCANNED,
    SKIPPED,
    UNPARSABLE,
    Document,
    SourceFile,
)
from guardlint.parse.helm_charts import HELM_IGNORED, HELM_REFUSED, HELM_SUPPORT, HELM_TEMPLATE
from guardlint.parse.located import YamlError
from guardlint.parse.substitution import TEMPLATE, fails_at_placeholder
from guardlint.parse.text import DEFAULT_MAX_BYTES, ParseError, decode, read_text


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class ParsedFile:
    """One file read and parsed: its status and the documents rules inspect."""

    source: SourceFile
    status: str
    text: str = ""
    lines: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    error: ParseError | None = None
    notes: list[ParseError] = field(default_factory=list)  # parsed anyway (duplicate keys)
    # The text has escapes, continuations or doubled quotes: a value read from it may differ
    # from how it is written, so a secret in it may be one the generic secret detector cannot
    # see in the text.
    escaped: bool = False
    skip_reason: str | None = None  # a SKIPPED file's, when not "not IaC content"
    # A chart's template judged as Helm renders it: each rendering's text (its documents hold
    # the renderings they are written in: meta RENDERED_IN); empty for every other file.
    renderings: list[str] = field(default_factory=list)

    @property
    def text_scanned(self) -> bool:
        """Rules on the file's text (SEC001) run on it: it was read and is IaC, parsed or not.
        A template that does not parse yet can hold a real secret as well."""
        return bool(self.lines) and (self.status != SKIPPED or self.skip_reason == TEMPLATE)


def _structured_documents(
    text: str,
    lines: list[str],
    source: SourceFile,
    notes: list[ParseError] | None = None,
    seen: dict[tuple, set[int]] | None = None,
    rendering: int = 0,
) -> list[Document]:
    """The documents of a YAML or JSON text; with `seen`, those of a text that is rendering
    `rendering` of a chart's template, but for the YAML documents written alike in one judged
    before (at the same place, after the end of the same place of the one before, and the same
    lines from there to their end), which are written in this one too (meta RENDERED_IN)."""
    from guardlint.documents.outside_root import note_references_outside_root
    from guardlint.parse.yaml_nodes import load_documents  # PyYAML only where there is YAML

    yaml_notes: list[YamlError] = []
    try:
        raw_documents = load_documents(text, notes=yaml_notes)
    except YamlError as exc:
        raise ParseError(str(exc), exc.line, exc.column) from None
    first_note = len(notes) if notes is not None else 0
    documents: list[Document] = []
    # Once for the file: its documents share its lines. A Compose service can also bring the
    # settings of another through `extends` (guardlint.parse.compose_extends).
    may_alias = "&" in text or "extends" in text
    before: tuple = (1, 1)  # where the YAML document before ends
    for index, raw in enumerate(raw_documents):
        region = getattr(raw, "region", None) if seen is not None else None
        rendered_in = {rendering}
        if region is not None:
            written = (before, region, *lines[before[0] - 1 : region.end_line])
            before = (region.end_line, region.end_column)
            if written in seen:
                seen[written].add(rendering)
                continue
            seen[written] = rendered_in
        first = len(documents)
        for kind, data, meta in classify(raw, source, notes):
            document = Document(
                kind=kind,
                rel_path=source.rel_path,
                data=data,
                lines=lines,
                index=index,
                source=source,
                meta=meta,
                may_alias=may_alias,
            )
            name_resources(document)
            note_references_outside_root(document)
            documents.append(document)
            documents.extend(derived_documents(document))
        for document in documents[first:] if seen is not None else ():
            document.meta[RENDERED_IN] = rendered_in
    if notes is not None and documents:  # a file that holds no IaC is not scanned at all
        notes[first_note:first_note] = (ParseError(str(n), n.line, n.column) for n in yaml_notes)
    return documents


def _rendered_documents(
    texts: list[str], source: SourceFile, notes: list[ParseError]
) -> list[Document]:
    """The documents of every rendering of a chart's template, each written alike once. A
    rendering that is no YAML is a note (Helm fails on it where it is rendered); the others
    are still judged, unless none is YAML."""
    seen: dict[tuple, set[int]] = {}
    documents: list[Document] = []
    errors: list[ParseError] = []
    for rendering, text in enumerate(texts):
        try:
            lines = text.splitlines()
            documents += _structured_documents(text, lines, source, notes, seen, rendering)
        except ParseError as exc:
            errors.append(exc)
    if len(errors) == len(texts):
        raise errors[0]
    notes.extend(errors)
    return documents


def _read(source: SourceFile, max_bytes: int) -> str:
    if source.content is None:
        return read_text(source.path, max_bytes, source.root)
    if len(source.content) > max_bytes:
        raise ParseError(f"file too large (over {max_bytes:,} bytes)")
    return decode(source.content)


def _unfilled_template(source: SourceFile, lines: list[str], error: ParseError) -> bool:
    """A template whose placeholders are not filled in yet, not broken IaC: its parse error is at
    a placeholder. Tools fill in files under their final names too (an Ansible role's
    templates/, gomplate, ERB): under such a name only a template language's tag counts, at
    the error's line (a file of any name must not hide an alias bomb behind a `{{ x }}`)."""
    if source.template:
        return fails_at_placeholder(lines, error.line)
    return bool(error.line) and fails_at_placeholder(lines, error.line, tags_only=True)


# The GL001 of the chart's file whose parse error Helm reports.
_REFUSED = (
    "text/template cannot parse this template ({}), so Helm renders none of this chart's templates"
)


def _unrendered(source: SourceFile) -> str | None:
    """Why Helm may not render a chart's template as it is written (the skip reason): Helm
    leaves it out of its chart, refuses to render the chart, or another file of its template
    set may define its name, so that Helm renders that definition for it; None where none."""
    if source.root is None:
        return HELM_TEMPLATE
    from guardlint.parse.helm_template_set import (
        LEFT_OUT,
        REFUSED,
        REPORTED,
        UNDEFINED,
        template_state,
    )

    state = template_state(source.path, source.root)
    unrendered = {LEFT_OUT: HELM_IGNORED, REFUSED: HELM_REFUSED, REPORTED: HELM_REFUSED}
    return unrendered.get(state, HELM_TEMPLATE) if state != UNDEFINED else None


def _chart_readings(source: SourceFile, text: str) -> tuple[list[str] | None, str | None]:
    """A chart template's texts as Helm renders it (None where values choose), and why Helm
    may not render it (_unrendered). The Helm modules load only for a chart's files: a tree
    without charts (a Dockerfile scan) never imports them."""
    from guardlint.parse.helm_templates import static_texts

    return static_texts(text), _unrendered(source)


def _refused_here(source: SourceFile) -> ParsedFile | None:
    """The GL001 of a chart's file whose parse error Helm reports, rendering none of the
    chart's templates; None for any other file."""
    from guardlint.parse.helm_template_set import reported_refusal

    found = None if source.root is None else reported_refusal(source.path, source.root)
    if found is None:
        return None
    return ParsedFile(
        source, UNPARSABLE, error=ParseError(_REFUSED.format(found.reason), found.line)
    )


def _chart_support_file(source: SourceFile) -> ParsedFile:
    """A file of a chart's templates/ Helm renders as no manifest (`_helpers.tpl`, NOTES.txt,
    a partial), never read as one: a GL001 where it is the file whose parse error Helm
    reports, else skipped as a Helm template."""
    from guardlint.parse.helm_template_set import REPORTED, template_state

    state = None if source.root is None else template_state(source.path, source.root)
    refused = _refused_here(source) if state == REPORTED else None
    return refused or ParsedFile(source, SKIPPED, skip_reason=HELM_TEMPLATE)


def parse_file(source: SourceFile, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Read and parse one file. Never raises: failures come back as an UNPARSABLE status."""
    source.max_bytes = max_bytes  # the files it depends on are read within it too
    if source.kind == HELM_SUPPORT:
        return _chart_support_file(source)
    try:
        text = _read(source, max_bytes)
    except ParseError as exc:
        return ParsedFile(source, UNPARSABLE, error=exc)
    # A chart's template is judged as Helm renders it, where no value changes that: each
    # rendering its control actions can choose, unless another file may define its name, or
    # Helm leaves it out or refuses its chart.
    judged, unrendered = _chart_readings(source, text) if source.chart_template else ([text], None)
    if unrendered == HELM_REFUSED and (refused := _refused_here(source)) is not None:
        return refused
    if judged is None or unrendered:
        return ParsedFile(source, SKIPPED, skip_reason=unrendered or HELM_TEMPLATE)
    if source.kind == "structured" and not (
        any(sniff_structured(each) for each in judged) or is_kustomization_file(source)
    ):
        return ParsedFile(source, SKIPPED)
    if source.kind == "dockerfile":
        from guardlint.parse.dockerfile_split import dockerfile_lines

        lines = dockerfile_lines(text)  # as BuildKit splits them: splitlines breaks at more
    else:
        lines = text.splitlines()
    escaped = "\\" in text or "`" in text or "''" in text
    notes: list[ParseError] = []
    try:
        if source.kind == "dockerfile":
            from guardlint.documents.dockerfile import parse_dockerfile  # a warm scan parses none

            documents = parse_dockerfile(text, lines, source)
            notes.extend(documents[0].meta["model"].problems)  # scanned, but not buildable
        elif judged == [text]:
            documents = _structured_documents(text, lines, source, notes)
        else:
            documents = _rendered_documents(judged, source, notes)
    except ParseError as exc:
        if _unfilled_template(source, lines, exc):
            return ParsedFile(source, SKIPPED, text, lines, escaped=escaped, skip_reason=TEMPLATE)
        return ParsedFile(source, UNPARSABLE, text, lines, error=exc, escaped=escaped)
    status = SCANNED if documents else SKIPPED
    parsed = ParsedFile(
        source, status, text, lines, documents=documents, notes=notes, escaped=escaped
    )
    if judged != [text]:
        parsed.renderings = judged
    return parsed
