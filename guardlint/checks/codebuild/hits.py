"""What the CodeBuild checks share: the views of a buildspec or project document, and the Hit
each makes."""

from __future__ import annotations

from typing import Any

from guardlint.documents.codebuild.buildspec import Buildspec
from guardlint.documents.codebuild.project import Project, project_of
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Severity

__all__ = ["buildspec_of", "project_hit", "project_of"]

_BUILDSPEC = "codebuild_buildspec"


def buildspec_of(document: Document) -> Buildspec:
    """The buildspec view of the document, made once for every check."""
    view = document.meta.get(_BUILDSPEC)
    if view is None:
        view = document.meta[_BUILDSPEC] = Buildspec(document)
    return view


def project_hit(
    project: Project,
    message: str,
    region: Region,
    severity: Severity | None = None,
    secret: str | None = None,
    secret_region: Region | None = None,
    **properties: Any,
) -> Hit:
    """A hit on the project (its resource text), at `region`; a secret it found written at
    `secret_region` (the region when not given)."""
    return Hit(
        message=message,
        region=region,
        resource=project.label,
        severity=severity,
        properties=properties,
        secret_values=(secret,) if secret else (),
        secret_regions=(secret_region or region,) if secret else (),
    )
