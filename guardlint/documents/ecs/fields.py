"""The maps of a task definition or service with their keys in any case (`readonlyRootFilesystem`
in the API's JSON is `ReadonlyRootFilesystem` in CloudFormation), and their values as the input
has them: as written, or through a CloudFormation template's evaluator (`TemplateResolver` in
guardlint.documents.ecs.cloudformation). A value that cannot be resolved is no string, no
boolean, no map and no list: it never yields a finding."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq
from guardlint.parse.scalars import truth

_SCALARS = (str, int, float)


class Resolver:
    """An input's values as written (a standalone task definition, a Dockerrun file)."""

    def possible(self, value: Any) -> list[Any]:
        """Every value `value` may take."""
        return [value]

    def is_literal_map(self, value: Any) -> bool:
        return isinstance(value, dict)

    def known(self, value: Any) -> bool:
        """Whether a possible value is known (in a template: not UNRESOLVED)."""
        return True

    def spelling(self, name: str) -> str:
        """How the input spells a key it does not write (the API's camelCase)."""
        return name

    def partial_texts(self, value: Any) -> list[str]:
        """A value's possible texts; a part that cannot be resolved becomes `UNKNOWN_PART`,
        so that a known tag after an unknown registry, or a role name after an unknown
        account, is still judged."""
        return self.strings(value)

    def same_target(self, first: Any, second: Any) -> bool:
        """Whether two values that are not literal strings name the same thing (in a
        template: a Ref and a GetAtt of the same resource)."""
        return False

    def stored_secret(self, value: Any) -> str | None:
        """What makes `value` a secret resolved into the definition (in a template: a dynamic
        reference to Secrets Manager or SSM SecureString, a NoEcho parameter); None if not."""
        return None

    def deployments(self, values: list[Any]) -> list[Resolver]:
        """This resolver once per way the conditions `values` branch on may go (in a template:
        each a resolver whose Fn::If take one branch of those conditions); as written, one."""
        return [self]

    def strings(self, value: Any) -> list[str]:
        """The possible values that are scalars, as text (booleans in lower case)."""
        texts = []
        for item in self.possible(value):
            if isinstance(item, bool):
                texts.append(str(item).lower())
            elif isinstance(item, _SCALARS):
                texts.append(str(item))
        return texts

    def truths(self, value: Any) -> list[bool | None]:
        return [truth(item) for item in self.possible(value)]

    def maps(self, value: Any) -> list[Any]:
        """The literal maps `value` may be."""
        return [item for item in self.possible(value) if self.is_literal_map(item)]

    def lists(self, value: Any) -> list[list]:
        return [item for item in self.possible(value) if isinstance(item, list)]


UNKNOWN_PART = "\x00"  # in partial_texts: a part of the reference that is not known
# An ECR repository's name that is not known but is a whole name, no tag in it (beside
# UNKNOWN_PART, which may be anything): guardlint.documents.ecs.resource_texts writes it.
UNKNOWN_NAME = "\x01"


class Fields:
    """One map (a task, a container, a volume, an options map): keys in any case, each with
    where it is written."""

    __slots__ = ("_keys", "data", "region", "resolver")

    def __init__(self, data: Mapping, resolver: Resolver, region: Region) -> None:
        self.data = data
        self.resolver = resolver
        self.region = getattr(data, "region", None) or region
        self._keys: dict[str, Any] = {}
        for key in data:
            self._keys.setdefault(str(key).lower(), key)

    def key(self, name: str) -> Any:
        """The key as written for `name` (any case); None when absent."""
        return self._keys.get(name.lower())

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._keys

    def spelled(self, name: str) -> str:
        """The key as written, or as the input would spell it: for messages."""
        key = self.key(name)
        return str(key) if key is not None else self.resolver.spelling(name)

    def raw(self, name: str) -> Any:
        key = self.key(name)
        return None if key is None else self.data[key]

    def key_region(self, name: str) -> Region:
        """Where the key is written (the map itself when it is not)."""
        key = self.key(name)
        if key is not None and isinstance(self.data, YamlMap):
            return self.data.key_region(key)
        return self.region

    def value_region(self, name: str) -> Region:
        key = self.key(name)
        if key is not None and isinstance(self.data, YamlMap):
            return self.data.value_region(key)
        return self.region

    def strings(self, name: str) -> list[str]:
        return self.resolver.strings(self.raw(name))

    def known_values(self, name: str) -> list[Any]:
        """The possible values of `name` that are known."""
        return [v for v in self.resolver.possible(self.raw(name)) if self.resolver.known(v)]

    def text(self, name: str) -> str | None:
        """The single resolved text of `name`, when it has exactly one."""
        texts = self.strings(name)
        return (
            texts[0]
            if len(texts) == 1 and len(self.resolver.possible(self.raw(name))) == 1
            else None
        )

    def may_be_true(self, name: str) -> bool:
        return name in self and True in self.resolver.truths(self.raw(name))

    def may_be_absent(self, name: str) -> bool:
        """Not written, or may be null (JSON) or AWS::NoValue (a template): ECS's default."""
        return name not in self or any(v is None for v in self.resolver.possible(self.raw(name)))

    def false_or_missing(self, name: str) -> bool:
        """Absent, or may be false; a value that cannot be resolved is neither."""
        return self.may_be_absent(name) or False in self.resolver.truths(self.raw(name))

    def may_equal(self, name: str, *choices: str) -> str | None:
        """The first possible value of `name` among `choices` (any case), as written."""
        wanted = {choice.lower() for choice in choices}
        return next((t for t in self.strings(name) if t.strip().lower() in wanted), None)

    def maps(self, name: str) -> list[Fields]:
        """The maps `name` may be (both branches of a template's Fn::If)."""
        region = self.key_region(name)
        return [Fields(item, self.resolver, region) for item in self.resolver.maps(self.raw(name))]

    def items(self, name: str) -> Iterator[tuple[int, Fields, Region]]:
        """(index, map, where the item is written) for each item of the list `name` that is a
        map (both branches of a template's Fn::If for a list or an item)."""
        for _, index, item, where in self.listed(name):
            yield index, item, where

    def listed(self, name: str) -> Iterator[tuple[int, int, Fields, Region]]:
        """As `items`, with first the number of the list the item is in: the lists `name` may
        be (the branches of a template's Fn::If around the whole list) are never deployed
        together, the items of one list are (but for the branches of a Fn::If around one
        item: those have the same index)."""
        for number, candidate in enumerate(self.resolver.lists(self.raw(name))):
            for index, item in enumerate(candidate):
                where = candidate.item_region(index) if isinstance(candidate, YamlSeq) else None
                where = where or self.key_region(name)
                for option in self.resolver.maps(item):
                    yield number, index, Fields(option, self.resolver, where), where

    def scalars(self, name: str) -> Iterator[tuple[int, str, Region]]:
        """(index, text, where) for each item of the list `name` that resolves to a scalar."""
        for candidate in self.resolver.lists(self.raw(name)):
            for index, item in enumerate(candidate):
                where = candidate.item_region(index) if isinstance(candidate, YamlSeq) else None
                for text in self.resolver.strings(item):
                    yield index, text, where or self.key_region(name)
