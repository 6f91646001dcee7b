"""Dockerfile templates (rules/dockerfile.yaml):

- `image-reference`: a stage built FROM a registry image that is not pinned: without a digest
  (`require_digest: true`), or also without a tag other than `mutable_tags`. The message has
  the fields {stage}, {image} and {reason} (the `untagged` or the `mutable` text).
- `run-command`: a RUN that runs a command described by one of `commands`, each
  `PROGRAM [SUBCOMMAND]` (guardlint.knowledge.shell_commands.first_matching: `as_wrapper`,
  `alone`), reported once per RUN. The message has the fields {stage} and {command} (the words
  that matched).
- `copy-source`: a COPY or ADD (`instructions`) with a source that `source_matches` and not
  `source_not_matches` (Python regular expressions, searched), reported once per instruction.
  `context_only`: only copies from the build context (no `--from`); `unless_flag`: not when
  that flag has a value (`checksum`); `unless_dockerignore`: not when an ignore file filters
  the build context; `property`: the name of a finding property holding the source. The
  message has the fields {keyword}, {stage} and {source}.
- `exposed-port`: an EXPOSE (variables substituted) whose ports or port ranges take in one of
  `ports`, reported once per instruction. The message has the fields {value} (as written),
  {stage} and {port}.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, model_of, stage_label
from guardlint.checks.registry import template
from guardlint.knowledge.images import is_digest, tag_and_digest_known
from guardlint.knowledge.shell_commands import first_matching
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.dockerfile import exposed_port_ranges
from guardlint.parse.image_ref import split_reference


@template("image-reference")
def image_reference(document: Document, rule: Rule) -> Iterator[Hit]:
    """Base images not pinned by digest (or by a tag other than the mutable ones)."""
    params = rule.params
    # Tags are case-sensitive: `:LATEST` is another tag than latest, as every pack reads it.
    mutable = set(params["mutable_tags"])
    for stage in model_of(document).stages:
        ref = stage.ref
        if ref is None or is_digest(ref.digest):
            continue
        # As written where a variable has no known value (`${REGISTRY}/app`); a placeholder a
        # pipeline or template fills in (`{{ base_image }}`, `IMAGE_NAME`) is not judged.
        image = stage.image or stage.image_raw
        if not tag_and_digest_known(*split_reference(image)):
            continue
        if not params["require_digest"] and ref.tag and ref.tag not in mutable:
            continue
        reason = params["mutable"] if ref.tag else params["untagged"]
        yield hit(
            stage.from_instruction,
            stage,
            params["message"].format(stage=stage.label, image=image, reason=reason),
            properties={"image": image},
        )


@template("run-command")
def run_command(document: Document, rule: Rule) -> Iterator[Hit]:
    """RUN instructions that run one of the commands the rule names."""
    params = rule.params
    for stage, instruction in model_of(document).runs():
        found = first_matching(
            instruction.commands, params["commands"], params["as_wrapper"], params["alone"]
        )
        if found is not None:
            _, words = found
            message = params["message"].format(stage=stage_label(stage, instruction), command=words)
            yield hit(instruction, stage, message)


@functools.cache
def _pattern(expression: str) -> re.Pattern[str] | None:
    return re.compile(expression) if expression else None


@template("copy-source")
def copy_source(document: Document, rule: Rule) -> Iterator[Hit]:
    """COPY or ADD instructions with a source the rule describes."""
    params = rule.params
    if params["unless_dockerignore"] and document.meta.get("dockerignore"):
        return
    for stage, instruction in model_of(document).each(*params["instructions"]):
        if stage is None or (params["context_only"] and instruction.flag("from") is not None):
            continue
        if params["unless_flag"] and instruction.flag(params["unless_flag"]):
            continue
        # What ONBUILD copies comes from the context of the build FROM this image, whose
        # ignore file cannot be seen from here.
        if params["unless_dockerignore"] and instruction.onbuild:
            continue
        # Compiled for the first instruction that gets here (cached): a file without the
        # instructions (most have no ADD) costs no compile (1.2 ms of each start for two rules).
        matches = _pattern(params["source_matches"])
        excluded = _pattern(params["source_not_matches"])
        source = next(
            (
                s
                for s in instruction.sources
                if (matches is None or matches.search(s))
                and (excluded is None or not excluded.search(s))
            ),
            None,
        )
        if source is None:
            continue
        message = params["message"].format(
            keyword=instruction.keyword, stage=stage_label(stage, instruction), source=source
        )
        name = params["property"]
        yield hit(instruction, stage, message, properties={name: source} if name else {})


@template("exposed-port")
def exposed_port(document: Document, rule: Rule) -> Iterator[Hit]:
    """EXPOSE instructions whose ports take in one the rule names."""
    params = rule.params
    for stage, instruction in model_of(document).each("EXPOSE"):
        ranges = exposed_port_ranges(instruction.expanded)
        port = next((p for p in params["ports"] for low, high in ranges if low <= p <= high), None)
        if stage is None or port is None:
            continue
        message = params["message"].format(
            value=instruction.value, stage=stage_label(stage, instruction), port=port
        )
        yield hit(instruction, stage, message, properties={"port": port})
