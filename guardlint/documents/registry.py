"""What a document yields beyond itself, by its kind: documents derived from it (every IAM
policy embedded in a CloudFormation template is also an `iam-policy` document, which the IAM
rules inspect like a policy file; every CodeBuild project in a template is a `codebuild-project`
document, and so are the variables a CodePipeline CodeBuild action gives its builds, and a
project's inline BuildSpec a `buildspec` document; every ECS task definition
and service an `ecs-task` or `ecs-service` document, every Kubernetes object a template
applies to an EKS cluster a `kubernetes` document (and each object a KubernetesPatch patches,
a partial one, and so is each patch a kustomization writes inline and what each of its
replacements writes), and an ECS AppSpec's
TargetService is an
`ecs-service` document, which the ECS pack inspects like a service, and a Dockerfile a Compose
service writes inline a `dockerfile` one), and the names the
generator of a file gave its resources (a CDK app's construct paths,
guardlint.model.documents.ResourceName), and the types of the resources it holds (a
template's, for the rules that declare theirs, guardlint.model.rules.Rule.resource_types), and
what each deployment makes of it where that is not the document as written (the object each
kustomize build of a base emits once the build's patches change it: a finding on the base
stands only where one of them still has it).

Each is a function of the documents layer, by the kind it applies to; its module is imported
when a document of that kind first turns up, so that a Dockerfile scan loads no CloudFormation
or IAM module (tests/test_startup.py).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from guardlint.model.documents import Document

# kind -> the (module, function) of each derivation, in order.
DERIVED_DOCUMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "cloudformation": (
        ("guardlint.documents.iam.embedded", "embedded_policies"),
        ("guardlint.documents.codebuild.derived", "template_projects"),
        ("guardlint.documents.codebuild.pipeline_actions", "pipeline_actions"),
        ("guardlint.documents.ecs.cloudformation", "ecs_documents"),
        ("guardlint.documents.eks_manifests", "template_manifests"),
        ("guardlint.documents.eks_manifests", "template_patches"),
    ),
    "codebuild-project": (("guardlint.documents.codebuild.derived", "inline_buildspecs"),),
    "kubernetes": (
        ("guardlint.documents.kustomize.inline_patches", "inline_patches"),
        ("guardlint.documents.kustomize.replaced_values", "replaced_values"),
    ),
    "appspec": (("guardlint.documents.appspec", "target_services"),),
    "compose": (("guardlint.documents.compose_dockerfiles", "inline_dockerfiles"),),
}
# kind -> (module, function) of the files a document of the kind names that its tool reads as
# IaC of a kind guardlint judges, whatever their names: (absolute path, kind) of each
# (guardlint.engine.named_files judges them).
NAMED_FILES: dict[str, tuple[str, str]] = {
    "compose": ("guardlint.documents.compose_named", "named_files"),
    "codebuild-project": ("guardlint.documents.codebuild.named_buildspecs", "named_buildspecs"),
    "buildspec": ("guardlint.documents.codebuild.named_buildspecs", "batch_buildspecs"),
    "cloudformation": ("guardlint.documents.cloudformation.nested_templates", "nested_templates"),
}
# kind -> (module, function) of the names its generator gave its resources.
RESOURCE_NAMES: dict[str, tuple[str, str]] = {
    "cloudformation": ("guardlint.documents.cloudformation.cdk", "cdk_resource_names"),
}
# kind -> (module, function) of what each deployment of a document makes of it, where that
# differs from it as written (the object each kustomize build emits, patched).
DEPLOYED_DOCUMENTS: dict[str, tuple[str, str]] = {
    "kubernetes": ("guardlint.documents.kustomize.deployed", "deployed_objects"),
}
FlagReading = Callable[[Any], "bool | None"]
# kind -> (module, function) of how the tool that reads a document of the kind reads a value
# of a boolean field (a rule's `flag` predicate): True, False, or None for text it refuses.
FLAG_READINGS: dict[str, tuple[str, str]] = {
    "kubernetes": ("guardlint.documents.kubernetes", "flag"),
}
# kind -> (module, function) of the types of the resources a document of the kind holds (a
# Kubernetes document's: the kind of its object).
RESOURCE_TYPES: dict[str, tuple[str, str]] = {
    "cloudformation": ("guardlint.documents.cloudformation.resources", "resource_types"),
    "kubernetes": ("guardlint.documents.kubernetes", "object_kind"),
}


@functools.cache  # import_module's own look-up costs microseconds, for each document
def _load(module: str, function: str) -> Callable[[Document], Any]:
    # On first use: see the module docstring.
    return getattr(importlib.import_module(module), function)


def _derivations(kind: str) -> list[Callable[[Document], Iterable[Document]]]:
    return [_load(module, function) for module, function in DERIVED_DOCUMENTS.get(kind, ())]


def name_resources(document: Document) -> None:
    """Fill in `document.resource_names` (nothing for most kinds)."""
    target = RESOURCE_NAMES.get(document.kind)
    if target is not None:
        document.resource_names = _load(*target)(document)


def derived_documents(document: Document) -> list[Document]:
    """The documents derived from `document` (none for most kinds); they share its resource
    names."""
    derived = [item for derive in _derivations(document.kind) for item in derive(document)]
    for item in derived:
        item.resource_names = item.resource_names or document.resource_names
    return derived


def named_files(document: Document) -> list[tuple[str, str]]:
    """(absolute path, kind) of each file `document` names to be judged as IaC (see
    NAMED_FILES); none for most kinds."""
    target = NAMED_FILES.get(document.kind)
    return [] if target is None else list(_load(*target)(document))


def resource_types(document: Document) -> frozenset[str] | None:
    """The types of the resources `document` holds; None for a kind whose documents are not
    made of typed resources."""
    target = RESOURCE_TYPES.get(document.kind)
    return None if target is None else _load(*target)(document)


def deployed_documents(document: Document) -> list[Document] | None:
    """What each deployment of `document` makes of it (documents of its file, each distinct
    one once); None where each deploys it as written, or where that is not known: a rule's
    finding on the document then stands as found."""
    target = DEPLOYED_DOCUMENTS.get(document.kind)
    return None if target is None else _load(*target)(document)


def read_as_written(value: Any) -> bool | None:
    """A boolean field's value where no kind reads it otherwise: a YAML or JSON boolean, or
    the text `true` or `false` in any case (as `equals: true` compares); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def flag_reading(kind: str) -> FlagReading:
    """How a document of `kind`'s consumer reads a boolean field (see FLAG_READINGS)."""
    target = FLAG_READINGS.get(kind)
    return read_as_written if target is None else _load(*target)
