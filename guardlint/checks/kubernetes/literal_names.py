"""The name a literal of a Kubernetes manifest is given where a name means something (K8S014):
an env var, a ConfigMap key, a kustomization generator's literal, a `--flag=value` or `--flag
value` argument, a Spark or Flink configuration property."""

from __future__ import annotations

import re
from typing import Any

from guardlint.checks.kubernetes.values import meta
from guardlint.documents import flink, spark
from guardlint.documents.kubernetes import mapping
from guardlint.model.documents import Document

FLAG_ASSIGNMENT = re.compile(r"^-{1,2}(?P<name>[A-Za-z][\w.-]*)=(?P<value>.+)$", re.S)
_BARE_FLAG = re.compile(r"^-{1,2}(?P<name>[A-Za-z][\w.-]*)$")
# A kustomization's (or a Component's) generators, whose `literals` are `KEY=value` entries of
# the Secret or ConfigMap they generate.
_KUSTOMIZE_KINDS = ("Kustomization", "Component")
_GENERATORS = ("secretGenerator", "configMapGenerator")


class LiteralNames:
    """Where a document names its literals: its generators' `literals` lists, a ConfigMap's
    `data`, an application's configuration maps. Found once for the document, not for each of
    its strings (a kind looked up, a Spark and a Flink spec probed for every one)."""

    def __init__(self, document: Document) -> None:
        data = mapping(document.data)
        kind = meta(document, "kind")
        self._generator_lists = (
            tuple(
                mapping(generator).get("literals")
                for field in _GENERATORS
                if isinstance(data.get(field), list)
                for generator in data[field]
            )
            if kind in _KUSTOMIZE_KINDS
            else ()
        )
        self._config_data = data.get("data") if kind == "ConfigMap" else None
        self._spark_maps = spark.configuration_maps(data)
        self._flink_configuration = flink.configuration(data)

    def generator_literals(self, holder: Any) -> bool:
        """Whether `holder` is the `literals` list of one of a kustomization's generators."""
        return isinstance(holder, list) and any(holder is kept for kept in self._generator_lists)

    def named(self, holder: Any, key: Any, value: str) -> str | None:
        """The name `holder[key]`, whose text is `value`, is given, if any."""
        if isinstance(holder, dict) and key == "value" and "name" in holder:
            return str(holder["name"])  # an env var (or any name/value pair)
        if self.generator_literals(holder):
            literal = generator_literal(value)
            return literal[0] if literal else None
        if isinstance(holder, list):
            flag = FLAG_ASSIGNMENT.match(value)
            if flag:
                return flag.group("name")  # ["--password=x"]
            previous = str(holder[key - 1]) if isinstance(key, int) and key > 0 else ""
            bare = _BARE_FLAG.match(previous)
            # ["--password", "x"]; in ["-pS3cret", "-e"], `-e` is a flag of its own
            return bare.group("name") if bare and not value.startswith("-") else None
        if not isinstance(key, str):
            return None
        if holder is self._config_data:
            return key
        # A Spark application's or a Flink deployment's configuration property (most documents
        # are neither: no probe for each of their strings).
        flink_property = key if holder is self._flink_configuration else None
        if not self._spark_maps:
            return flink_property
        return spark.configuration_property(self._spark_maps, holder, key) or flink_property


def generator_literal(text: str) -> tuple[str, str] | None:
    """A generator literal's key and value as kustomize reads them: split at the first `=`,
    one pair of matching quotes around the value dropped (`'token="a=b"'` is `a=b`)."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        return None
    if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return name.strip(), value
