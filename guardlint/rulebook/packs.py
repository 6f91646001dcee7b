"""A rule pack as loaded (`Pack`) and the error of one that is not (`RuleError`): all that
loading a wheel's compiled packs needs, without validation.py, which only a pack that must be
validated (a source checkout's, a user's) imports."""

from __future__ import annotations

from dataclasses import dataclass, field

from guardlint.model.rules import Rule

# Rules of this kind are emitted by the engine itself (parse errors, crashed rules).
ENGINE_KIND = "scan"


class RuleError(Exception):
    """A rule pack that is not valid; the message names the file and the rule."""


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Pack:
    """One rule pack: the rules of a family and the kinds of document they inspect."""

    name: str
    title: str
    kinds: tuple[str, ...]
    source: str
    rules: list[Rule] = field(default_factory=list)
