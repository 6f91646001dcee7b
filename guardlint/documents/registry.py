"""Documents derived from others: every IAM policy embedded in a CloudFormation template is also
an `iam-policy` document, which the IAM rules inspect like a policy file; an ECS AppSpec's
TargetService is an `ecs-service` document, which the ECS pack inspects like a service.

A derivation is a function of the documents layer, by the kind it derives from; its module is
imported when a document of that kind first turns up, so that a Dockerfile scan loads no
CloudFormation or IAM module (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from guardlint.model import Document

# kind -> (module, function) of the documents it derives.
DERIVED_DOCUMENTS: dict[str, tuple[str, str]] = {
    "cloudformation": ("guardlint.documents.iam.embedded", "embedded_policies"),
    "appspec": ("guardlint.documents.appspec", "target_services"),
}


def _derivation(kind: str) -> Callable[[Document], Iterable[Document]] | None:
    target = DERIVED_DOCUMENTS.get(kind)
    if target is None:
        return None
    module, function = target
    # On first use: see the module docstring.
    return getattr(importlib.import_module(module), function)


def derived_documents(document: Document) -> list[Document]:
    """The documents derived from `document` (none for most kinds)."""
    derive = _derivation(document.kind)
    return [] if derive is None else list(derive(document))
