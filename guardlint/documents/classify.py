"""What a parsed YAML/JSON document is, by its content: a CodeDeploy AppSpec, a CloudFormation
template, Kubernetes objects (the items of Lists too), a Compose file, a CodeBuild buildspec or
project, an ECS task definition, Dockerrun or service (guardlint.documents.ecs.recognize) or an
IAM policy; and which kinds a file may hold before it is parsed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from guardlint.model.documents import Region, SourceFile
from guardlint.parse.helm_charts import HELM_SUPPORT
from guardlint.parse.kubectl_keys import read_keys_as_kubectl
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.located import located_copy, region_of
from guardlint.parse.text import ParseError

# The kinds of document a file may hold, by its kind from discovery (guardlint.discover): YAML
# and JSON are classified by content, embedded policies included.
_STRUCTURED_KINDS = frozenset(
    {"cloudformation", "kubernetes", "compose", "buildspec", "codebuild-project", "iam-policy",
     "appspec", "ecs-task", "ecs-service"}
)  # fmt: skip
_KINDS_BY_SOURCE = {
    "dockerfile": frozenset({"dockerfile"}),
    "appspec": frozenset({"appspec", "ecs-service"}),
    HELM_SUPPORT: frozenset(),  # never parsed as documents
}


def document_kinds(source_kind: str) -> frozenset[str]:
    """The kinds of the documents a file of this discovery kind may hold."""
    return _KINDS_BY_SOURCE.get(source_kind, _STRUCTURED_KINDS)


# A structured file is only worth parsing when one of these appears in its text.
# `s(?<=\bs)ervices` is `\bservices` starting with a literal: when every alternative does, the
# regex engine skips ahead by first character (3x faster through a non-IaC file).
# `phases` is a buildspec's; a CodeBuild project (create-project JSON) has a `computeType`, an
# environment type (`LINUX_CONTAINER`, `ARM_CONTAINER`, ...) or a curated image. A bare list
# of ECS container definitions has no containerDefinitions key, but one of their settings.
_IAC_SNIFF = LazyPattern(
    r"AWSTemplateFormatVersion|AWSEBDockerrunVersion|AWS::|apiVersion|s(?<=\bs)ervices\b|Statement|Resources"
    r"|phases|computeType|ComputeType|_CONTAINER|aws/codebuild/|ontainerDefinitions"
    r"|etworkConfiguration|ortMappings|ogConfiguration|ountPoints|"
    # An EC2/On-Premises CodeDeploy AppSpec (the others name AWS:: types): `version: 0.0`, in
    # two literal alternatives ([vV] would lose the skip: 8x slower through a long text).
    + "|".join(rf"""{v}ersion['"]?[ \t]*:[ \t]*['"]?0\.0(?![\d.])""" for v in "vV"),
    re.ASCII,
)


# A list of ECS container definitions may name none of the words above: the settings only ECS
# containers have (guardlint.documents.ecs.recognize), written as keys. Looked for only in a
# text that is a list: they would slow the search through every other text.
_ECS_CONTAINER_SNIFF = LazyPattern(
    "|".join(
        rf"""{key}['"]?[ \t]*:"""
        for key in (
            "ssential", "emoryReservation", "eadonlyRootFilesystem", "inuxParameters",
            "ependsOn", "nvironmentFiles", "ockerLabels", "irelensConfiguration", "topTimeout",
            "tartTimeout", "ystemControls", "ockerSecurityOptions", "epositoryCredentials",
            "esourceRequirements", "olumesFrom", "seudoTerminal", "isableNetworking",
            "nsServers", "nsSearchDomains", "xtraHosts", "orkingDirectory", "redentialSpecs",
            # ... and those Compose spells the same, which a Kubernetes container never has
            "rivileged", "ser", "nvironment", "ecrets", "pu", "emory", "ntryPoint",
            "ostname", "limits", "inks", "op",  # and RFC 6902's, in kustomize's JSON patches
        )
    ),
    re.ASCII,
)  # fmt: skip


# Nothing in the space between comments starts one: matched without going back.
_BLANK_AND_COMMENT_LINES = LazyPattern(r"[ \t\r\n]*(?:#[^\n]*\n[ \t\r\n]*)*")


def sniff_structured(head: str) -> bool:
    """Whether a YAML or JSON file's text may be one of our kinds, before it is parsed. A text
    with a backslash may be any: an escape spells any word (`"\\u0061piVersion"` in JSON,
    `"\\x61piVersion"` or an escaped line break in YAML), and every consumer decodes it."""
    if "\\" in head or _IAC_SNIFF.search(head):
        return True
    return _starts_a_list(head) and bool(_ECS_CONTAINER_SNIFF.search(head))


def _starts_a_list(text: str) -> bool:
    """Whether a text starts, after blank and comment lines, as a JSON or YAML list does."""
    start = _BLANK_AND_COMMENT_LINES.match(text).end()  # type: ignore[union-attr]
    return text.startswith(("[", "-"), start)


K8S_NAMESPACED_EXEMPT = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "StorageClass", "PriorityClass", "PodSecurityPolicy",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
        "IngressClass", "RuntimeClass", "CSIDriver", "VolumeAttachment",
    }
)  # fmt: skip
RESOURCES_SPELLINGS = ("resources", "resource")
# An Fn::ForEach loop's key (guardlint.documents.cloudformation.for_each expands them): here,
# where classifying needs it, without the CloudFormation package a Kubernetes scan never loads.
FOR_EACH_PREFIX = "Fn::ForEach::"


def is_loop(key: Any) -> bool:
    """Whether a map key is an Fn::ForEach loop."""
    return isinstance(key, str) and key.startswith(FOR_EACH_PREFIX)


def _is_cloudformation(data: dict) -> bool:
    if "AWSTemplateFormatVersion" in data:
        return True
    # "Resource:" or "resources:" is a typo the pack should report, not a reason to skip. An
    # Fn::ForEach loop's resources have their types inside it.
    sections = [value for key, value in data.items() if str(key).lower() in RESOURCES_SPELLINGS]
    return any(
        is_loop(key)
        or (
            isinstance(r, dict)
            and str(r.get("Type", "")).startswith(("AWS::", "Custom::", "Alexa::"))
        )
        for resources in sections
        if isinstance(resources, dict)
        for key, r in resources.items()
    )


def is_kubernetes(data: dict) -> bool:
    return isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


_POLICY_KEYS = frozenset({"Version", "Id", "Statement"})


def is_policy(data: dict) -> bool:
    """A policy document: a Statement, and no keys a policy does not have."""
    statement = data.get("Statement")
    return isinstance(statement, (list, dict)) and set(data) <= _POLICY_KEYS


def _is_malformed_policy(data: dict) -> bool:
    """A policy AWS refuses (IAM010 says why), not a file of no kind: a policy language Version
    and a Statement that is no list or map, misspelt (`Statements`), or beside keys a policy
    does not have."""
    return data.get("Version") in ("2012-10-17", "2008-10-17") and any(
        isinstance(key, str) and key.lower().startswith("statement") for key in data
    )


# Document.meta: whether an OpenShift Template's `objects` hold the object (it is made when
# the template is instantiated, in the namespace given then).
TEMPLATE_OBJECT = "template_object"


def kubernetes_meta(data: dict, in_template: bool) -> dict[str, Any]:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = str(metadata.get("name") or metadata.get("generateName") or "(unnamed)")
    kind = str(data.get("kind"))
    namespace = metadata.get("namespace")
    namespaced = kind not in K8S_NAMESPACED_EXEMPT
    qualified = f"{namespace or 'default'}/{name}" if namespaced else name
    return {
        "kind": kind,
        "name": name,
        "namespace": namespace,
        "resource": f"{kind} {qualified}",
        TEMPLATE_OBJECT: in_template,
    }


_TEMPLATE_API_VERSIONS = ("template.openshift.io/v1", "v1")


def _is_list(data: dict) -> bool:
    """A `List`, or a typed list as the API server returns one (a `PodList` without a name of
    its own): kubectl applies the objects in its `items`."""
    kind = data["kind"]
    if kind == "List":
        return True
    metadata = data.get("metadata")
    named = isinstance(metadata, dict) and (metadata.get("name") or metadata.get("generateName"))
    return kind.endswith("List") and isinstance(data.get("items"), list) and not named


def _typed_item(item: dict, listing: dict) -> dict:
    """An item of a typed list with neither apiVersion nor kind gets them from the list, as
    kubectl gives them (a `PodList`'s items are `Pod`s); their regions are the list's."""
    typed = located_copy(item)
    typed["apiVersion"], typed["kind"] = listing["apiVersion"], listing["kind"][: -len("List")]
    for key in ("apiVersion", "kind"):
        typed.key_regions[key] = typed.value_regions[key] = region_of(listing, key) or typed.region
    return typed


def is_openshift_template(data: dict) -> bool:
    """An OpenShift Template: `oc process` makes the objects of its `objects` (a Template
    in another API group is some custom resource)."""
    return data.get("kind") == "Template" and data.get("apiVersion") in _TEMPLATE_API_VERSIONS


def kubernetes_objects(data: dict, notes: list[ParseError]) -> Iterator[tuple[dict, bool]]:
    """(object, whether an OpenShift Template makes it) for the object, or the objects of a
    List and of the Lists in it to any depth (the YAML nesting limit bounds it), in file
    order; an OpenShift Template and then its objects. An item kubectl would reject is
    noted."""
    pending = [(data, False)]
    while pending:
        current, in_template = pending.pop()
        if is_openshift_template(current):
            yield current, in_template  # an object itself, which the cluster keeps
            field, in_template = "objects", True
        elif _is_list(current):
            field = "items"
        else:
            yield current, in_template
            continue
        items, where = current.get(field), region_of(current) or Region(1)
        described = f"the {current['kind']} on line {where.start_line}"
        if items is None:
            continue
        if not isinstance(items, list):
            place = region_of(current, field) or where
            notes.append(ParseError(f"the {field} of {described} are not a list; not scanned",
                                    place.start_line, place.start_column))  # fmt: skip
            continue
        objects = []
        for index, item in enumerate(items):
            if isinstance(item, dict) and "apiVersion" not in item and "kind" not in item:
                item = (
                    _typed_item(item, current)
                    if field == "items" and current["kind"] != "List"
                    else item
                )
            if isinstance(item, dict) and is_kubernetes(item):
                objects.append((item, in_template))
                continue
            place = region_of(items, index) or where
            notes.append(ParseError(
                f"item {index + 1} of {described} is not a Kubernetes object (a mapping with "
                "apiVersion and kind); kubectl rejects it, and it was not scanned",
                place.start_line, place.start_column))  # fmt: skip
        pending.extend(reversed(objects))


def _compose_document(data: dict, source: SourceFile) -> tuple[str, Any, dict] | None:
    """The Compose document of a Compose file; None for any other."""
    if not data.get("services"):  # no Compose file: its recognition is not even loaded
        return None
    # On first use: a Dockerfile scan never gets here, a Kubernetes scan stops before.
    from guardlint.documents.compose_recognition import (
        compose_document,
        is_compose,
        is_include_fragment,
    )

    if is_compose(data, by_name=source.kind == "compose") or is_include_fragment(data, source):
        return compose_document(data, source)
    return None


def _ecs_documents(data: dict, source: SourceFile) -> list[tuple[str, Any, dict[str, Any]]]:
    # On first use: a Dockerfile scan never gets here (tests/test_startup.py).
    from guardlint.documents.ecs.recognize import ecs_document, printed_services

    found = ecs_document(data, source.kind, source.rel_path)
    return [found] if found is not None else printed_services(data, source.rel_path)


def _ecs_container_list(data: list, source: SourceFile) -> tuple[str, Any, dict] | None:
    from guardlint.documents.ecs.recognize import container_list_document

    return container_list_document(data, source.kind, source.rel_path)


def classify(
    data: Any, source: SourceFile, notes: list[ParseError] | None = None
) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(kind, data, meta) for each IaC object in one parsed YAML/JSON document. `notes`, when
    given, receives what was not scanned and why (an item of a List that is no object)."""
    if isinstance(data, list):
        if ecs := _ecs_container_list(data, source):
            yield ecs
        elif data and isinstance(data[0], dict) and "op" in data[0]:
            from guardlint.documents.kustomize.json_patches import json_patch_objects

            yield from json_patch_objects(data, source)
        else:
            yield from _printed_policies(data)
        return
    if not isinstance(data, dict):
        return
    # Imported here, not above: a Dockerfile scan classifies nothing (tests/test_startup.py).
    from guardlint.documents.appspec import is_appspec
    from guardlint.documents.codebuild.recognition import (
        is_buildspec,
        is_project,
        listed_projects,
        project_name,
    )
    from guardlint.documents.kustomization_files import kindless_kustomization

    if is_appspec(data, by_name=source.kind == "appspec"):
        yield "appspec", data, {"resource": "appspec"}
    elif _is_cloudformation(data):
        yield "cloudformation", data, {}
    elif is_kubernetes(data):
        refusals = read_keys_as_kubectl(data)
        if notes is not None:
            notes.extend(refusals)
        for item, in_template in kubernetes_objects(data, [] if notes is None else notes):
            yield "kubernetes", item, kubernetes_meta(item, in_template)
    elif (kustomization := kindless_kustomization(data, source)) is not None:
        yield "kubernetes", kustomization, kubernetes_meta(kustomization, False)
    elif compose := _compose_document(data, source):
        yield compose
    elif is_buildspec(data, by_name=source.kind == "buildspec"):
        yield "buildspec", data, {}
    elif is_project(data):
        yield "codebuild-project", data, {"resource": f"codebuild project {project_name(data)}"}
    elif projects := listed_projects(data):
        for project in projects:
            resource = f"codebuild project {project_name(project)}"
            yield "codebuild-project", project, {"resource": resource}
    elif ecs := _ecs_documents(data, source):
        yield from ecs
    elif is_policy(data) or _is_malformed_policy(data):
        yield "iam-policy", data, {"resource": "policy", "policy_kind": "standalone"}
    else:
        yield from _printed_policies(data)


def _printed_policies(data: Any) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Policies as the AWS CLI prints them (guardlint.documents.iam.printed): read on first use,
    as a Dockerfile scan classifies nothing."""
    from guardlint.documents.iam.printed import printed_policies

    return printed_policies(data)
