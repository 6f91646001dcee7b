"""What a document yields beyond itself, by its kind: documents derived from it (every IAM
policy embedded in a CloudFormation template is also an `iam-policy` document, which the IAM
rules inspect like a policy file; an ECS AppSpec's TargetService is an `ecs-service` document,
which the ECS pack inspects like a service), and the names the generator of a file gave its
resources (a CDK app's construct paths, guardlint.model.ResourceName).

Each is a function of the documents layer, by the kind it applies to; its module is imported
when a document of that kind first turns up, so that a Dockerfile scan loads no CloudFormation
or IAM module (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from guardlint.model import Document

# kind -> (module, function) of the documents it derives.
DERIVED_DOCUMENTS: dict[str, tuple[str, str]] = {
    "cloudformation": ("guardlint.documents.iam.embedded", "embedded_policies"),
    "appspec": ("guardlint.documents.appspec", "target_services"),
}
# kind -> (module, function) of the names its generator gave its resources.
RESOURCE_NAMES: dict[str, tuple[str, str]] = {
    "cloudformation": ("guardlint.documents.cloudformation.cdk", "cdk_resource_names"),
}


def _function(table: dict[str, tuple[str, str]], kind: str) -> Callable[[Document], Any] | None:
    target = table.get(kind)
    if target is None:
        return None
    module, function = target
    # On first use: see the module docstring.
    return getattr(importlib.import_module(module), function)


def name_resources(document: Document) -> None:
    """Fill in `document.resource_names` (nothing for most kinds)."""
    names = _function(RESOURCE_NAMES, document.kind)
    if names is not None:
        document.resource_names = names(document)


def derived_documents(document: Document) -> list[Document]:
    """The documents derived from `document` (none for most kinds); they share its resource
    names."""
    derive = _function(DERIVED_DOCUMENTS, document.kind)
    derived = [] if derive is None else list(derive(document))
    for item in derived:
        item.resource_names = item.resource_names or document.resource_names
    return derived
