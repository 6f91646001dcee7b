"""Documents derived from others: every IAM policy embedded in a CloudFormation template is also
an `iam-policy` document, which the IAM rules inspect like a policy file, and every ECS task
definition and service an `ecs-task` or `ecs-service` document.

A derivation is a function of the documents layer, by the kind it derives from; its module is
imported when a document of that kind first turns up, so that a Dockerfile scan loads no
CloudFormation or IAM module (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from guardlint.model import Document

# kind -> the (module, function) of each derivation of the documents it derives.
DERIVED_DOCUMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "cloudformation": (
        ("guardlint.documents.iam.embedded", "embedded_policies"),
        ("guardlint.documents.ecs.cloudformation", "ecs_documents"),
    ),
}


def _derivations(kind: str) -> list[Callable[[Document], Iterable[Document]]]:
    # On first use: see the module docstring.
    return [
        getattr(importlib.import_module(module), function)
        for module, function in DERIVED_DOCUMENTS.get(kind, ())
    ]


def derived_documents(document: Document) -> list[Document]:
    """The documents derived from `document` (none for most kinds)."""
    return [derived for derive in _derivations(document.kind) for derived in derive(document)]
