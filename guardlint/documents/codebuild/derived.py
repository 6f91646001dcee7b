"""CodeBuild documents derived from others (guardlint.documents.registry): each
AWS::CodeBuild::Project and ::SourceCredential of a template is a `codebuild-project`
document, and each inline BuildSpec of a project (`Source.BuildSpec`,
`SecondarySources[].BuildSpec`) that parses as a buildspec is a `buildspec` document, placed on
the template's own lines (guardlint.documents.cloudformation.embedded_text). The CDK's Fn::Join
is read as the Fn::Sub it equals, as a `!Sub` buildspec is: its values CloudFormation
substitutes; a text that parses only once joined, around values the template cannot resolve,
is read with those parts unknown. A BuildSpec
that names a file in the source is judged as that file (named_buildspecs.py); an S3 object is
not followed."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.documents.cloudformation.embedded_text import (
    Place,
    load_mapping,
    parsed_texts,
    partially_resolved_texts,
)
from guardlint.documents.cloudformation.resources import resources_of, template_of
from guardlint.documents.codebuild.project import (
    CODEBUILD_TYPES,
    PROJECT,
    SUB_VARIABLES,
    Project,
    project_of,
    with_project,
)
from guardlint.model.documents import NEVER_CREATED, ONE_PLACE, Document, Region
from guardlint.parse.located import YamlMap
from guardlint.parse.scalars import key_of

# Far above any real buildspec; bounds the parse of a text an intrinsic makes.
MAX_BUILDSPEC_TEXT = 256 * 1024


def template_projects(template: Document) -> Iterator[Document]:
    """The template's CodeBuild projects and source credentials, and their inline buildspecs.
    One whose Condition is always false is never deployed: it is kept, with its buildspecs, for
    the secrets written in it (meta NEVER_CREATED)."""
    evaluator = template_of(template)
    created = {resource.logical_id for resource in resources_of(template, *CODEBUILD_TYPES)}
    for resource in resources_of(template, *CODEBUILD_TYPES, created_only=False):
        project = Project(resource.props, resource.label, resource.region, evaluator, resource.type)
        meta = {NEVER_CREATED: resource.logical_id not in created}
        document = _derived(template, "codebuild-project", resource.props, meta, project)
        yield document
        yield from inline_buildspecs(document)


def inline_buildspecs(document: Document) -> Iterator[Document]:
    """The buildspecs a project writes inline in its sources."""
    project = project_of(document)
    if project.type != PROJECT:
        return
    for _, source in project.sources():
        key = key_of(source, "BuildSpec")
        if key is None:
            continue
        written = project.value_at(source, key)
        anchor = source.key_region(key) if isinstance(source, YamlMap) else project.region
        found = False
        for parsed in parsed_texts(
            source[key],
            written,
            document.lines,
            project.template,
            _buildspec,
            anchor,
            joins_as_sub=True,
        ):
            found = True
            yield _inline(document, project, *parsed)
        if not found:  # each unknown part is a `${...}` no template defines: an unknown value
            for buildspec in partially_resolved_texts(
                source[key], project.template, _buildspec, anchor
            ):
                yield _inline(document, project, buildspec, {}, anchor)


def _inline(
    document: Document,
    project: Project,
    buildspec: YamlMap,
    variables: dict | None,
    one_place: Region | None,
) -> Document:
    meta = {
        "resource_prefix": f"{project.label} ",
        NEVER_CREATED: document.meta.get(NEVER_CREATED, False),
        ONE_PLACE: one_place,
    }
    if variables is not None:  # a Fn::Sub text as written: its `${...}` are substituted
        meta[SUB_VARIABLES] = variables
    return _derived(document, "buildspec", buildspec, meta, project)


def _buildspec(text: str, place: Place) -> YamlMap | None:
    """A text that parses as a buildspec (a map with version and phases); a path or an S3
    ARN parses as a plain string and is not one."""
    parsed = load_mapping(text, place, MAX_BUILDSPEC_TEXT)
    return parsed if parsed is not None and "version" in parsed and "phases" in parsed else None


def _derived(origin: Document, kind: str, data: object, meta: dict, project: Project) -> Document:
    return origin.derived(kind, data, with_project({"resource": project.label, **meta}, project))
