"""A kustomization that does not say what it is: `apiVersion` and `kind` are optional in a
kustomization file (kustomize takes `kustomize.config.k8s.io/v1beta1` and `Kustomization`), so
a file of its name (kustomization.yaml, kustomization.yml, Kustomization) with one of its fields
is one, and is read as one that says so (its literals and settings are what the Kubernetes
pack's secret rules read), as kubectl's `kustomize` reads it. Nothing here reads YAML: a
Dockerfile scan imports it."""

from __future__ import annotations

import os
from typing import Any

from guardlint.model.documents import SourceFile
from guardlint.parse.located import located_copy

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_API_VERSION, _KIND = "kustomize.config.k8s.io/v1beta1", "Kustomization"
# The fields of a kustomization (kustomize's types.Kustomization): one of them is there.
_FIELDS = frozenset(
    {"resources", "bases", "components", "patches", "patchesStrategicMerge",
     "patchesJson6902", "secretGenerator", "configMapGenerator", "generatorOptions",
     "generators", "transformers", "validators", "images", "replicas", "namespace",
     "namePrefix", "nameSuffix", "commonLabels", "commonAnnotations", "labels", "helmCharts",
     "helmGlobals", "crds", "openapi", "vars", "replacements", "configurations",
     "buildMetadata", "sortOptions"}
)  # fmt: skip


def is_kustomization_file(source: SourceFile) -> bool:
    """Whether a file has a kustomization's name."""
    return os.path.basename(source.path) in KUSTOMIZATION_NAMES


def kindless_kustomization(data: Any, source: SourceFile) -> dict | None:
    """The kustomization a file of that name holds without `apiVersion` or `kind`, given the
    defaults kustomize takes (their regions the document's); None for any other document."""
    if not isinstance(data, dict) or not is_kustomization_file(source):
        return None
    if not _FIELDS.intersection(str(key) for key in data):
        return None
    api_version, kind = data.get("apiVersion", _API_VERSION), data.get("kind", _KIND)
    if (
        ("apiVersion" in data and "kind" in data)
        or kind != _KIND
        or not isinstance(api_version, str)
    ):
        return None
    typed = located_copy(data)
    for key, value in (("apiVersion", api_version), ("kind", kind)):
        if key not in data:
            typed[key] = value
            typed.key_regions[key] = typed.value_regions[key] = typed.region
    return typed
