"""The templates a template names by a local path for `aws cloudformation package` (and `sam
package`/`sam deploy`) to upload as nested stacks: an AWS::CloudFormation::Stack's
`TemplateURL: nested.tmpl` and an AWS::Serverless::Application's `Location: ./app.txt`, which
the CLI packages as templates in turn: judged as templates whatever their names
(guardlint.engine.named_files).

A path is resolved from the template's directory, as the CLI resolves it; a URL (`s3://`,
`https://`), an application of the Serverless Application Repository (a map), a value left to
an intrinsic or a variable, or an absolute path names no file here."""

from __future__ import annotations

import os
from collections.abc import Iterator

from guardlint.documents.build_contexts import written_path
from guardlint.documents.cloudformation.resources import resources_of
from guardlint.model.documents import Document

# The resource types whose property names a template the CLI packages, by type.
NESTED_TEMPLATE_PROPERTIES = {
    "AWS::CloudFormation::Stack": "TemplateURL",
    "AWS::Serverless::Application": "Location",
}


def nested_templates(document: Document) -> Iterator[tuple[str, str]]:
    """(absolute path, "structured") of each template the template names (see the module):
    its kind is then told by its content, as a YAML or JSON file's is."""
    source = document.source
    if source is None or source.root is None or source.path == "-":
        return
    directory = os.path.dirname(os.path.abspath(source.path))
    for resource in resources_of(document, *NESTED_TEMPLATE_PROPERTIES):
        value = resource.props.get(NESTED_TEMPLATE_PROPERTIES[resource.type])
        if isinstance(value, str) and (path := written_path(directory, value)) is not None:
            yield path, "structured"
