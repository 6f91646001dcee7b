"""A buildspec as rules see it: the commands of its phases, its `env` sections and the
runtime versions it installs, each with where it is written and the resource a finding names
(`buildspec phase build`, `buildspec env DB_PASSWORD`; an inline BuildSpec's are prefixed with
its project, `AWS::CodeBuild::Project Build buildspec phase build`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.intrinsics import deployed_string
from guardlint.documents.cloudformation.secret_sources import resolved_secret_source
from guardlint.documents.codebuild.project import SUB_VARIABLES, owning_project
from guardlint.documents.codebuild.recognition import PHASES
from guardlint.knowledge.shell_commands import POWERSHELLS
from guardlint.model.documents import DOCUMENT_NOTES, Document, Region
from guardlint.parse.located import YamlMap, YamlSeq
from guardlint.parse.shell import Command as ShellCommand
from guardlint.parse.shell import run_commands
from guardlint.parse.shell_limits import commands_within_limit
from guardlint.parse.shell_words import program_name
from guardlint.parse.text import ParseError

# The env sections whose entries name a variable and say where its value comes from.
VARIABLES, PARAMETER_STORE, SECRETS_MANAGER = "variables", "parameter-store", "secrets-manager"
EXPORTED_VARIABLES = "exported-variables"
# The batch builds that each run with an `env` of their own (batch build buildspec reference).
BATCH_LISTS = ("build-list", "build-graph")
BUILD_MATRIX, MATRIX_PARTS = "build-matrix", ("static", "dynamic")
BATCH_IMAGE = "image"
# Elastic Beanstalk's extension of the buildspec: the settings the EB CLI creates the project
# with, its image among them (`eb_codebuild_settings.Image`).
EB_SETTINGS, EB_IMAGE = "eb_codebuild_settings", "Image"
# What CodeBuild runs of a phase: its commands, then its `finally` block.
COMMAND_LISTS = ("commands", "finally")


@dataclass(frozen=True)
class Command:
    """One command of a phase, as the shell gets it (a block scalar's lines and `\\`
    continuations together), and where it is written."""

    phase: str
    text: str
    region: Region

    @functools.cached_property
    def shell(self) -> list[ShellCommand]:
        """The commands the shell runs, those of substitutions too (for every rule that asks,
        once)."""
        return run_commands(self.text)


@dataclass(frozen=True)
class Entry:
    """An entry of an env section (`name: value`) or of a runtime-versions map."""

    name: str
    value: Any
    written: str  # the value as a string, a number as written (`3.10`, not YAML's 3.1)
    region: Region  # of the entry's key (of the value, for an item of a matrix's list)
    value_region: Region
    section: str = f"env.{VARIABLES}"  # where it is set, for messages


class Buildspec:
    """The view of one `buildspec` document."""

    def __init__(self, document: Document) -> None:
        self.data = document.data if isinstance(document.data, dict) else {}
        self.lines = document.lines
        self.prefix = str(document.meta.get("resource_prefix", ""))
        self.region = getattr(document.data, "region", None) or Region(1)
        self.project = owning_project(document)
        self.sub_variables = document.meta.get(SUB_VARIABLES)
        self.notes: list[ParseError] = document.meta.setdefault(DOCUMENT_NOTES, [])

    def resource(self, what: str) -> str:
        return f"{self.prefix}buildspec {what}"

    def phases(self) -> Iterator[tuple[str, YamlMap]]:
        phases = self.data.get("phases")
        if not isinstance(phases, YamlMap):
            return
        for name in PHASES:
            body = phases.get(name)
            if isinstance(body, YamlMap):
                yield name, body

    @functools.cached_property
    def commands(self) -> tuple[Command, ...]:
        """Every command of every phase, `finally` blocks included, in file order; what the
        shell runs of them read up to the file's limit (guardlint.parse.shell_limits), and a
        note where the reading stopped."""
        found = tuple(self._commands())
        scripts = [(command.text, command.region.start_line) for command in found]
        read, problems = commands_within_limit(scripts, "the buildspec's phases")
        for command, shell in zip(found, read, strict=True):
            command.__dict__["shell"] = shell  # Command.shell, read once
        self.notes += problems
        return found

    def _commands(self) -> Iterator[Command]:
        for phase, body in self.phases():
            for key in COMMAND_LISTS:
                items = body.get(key)
                if isinstance(items, str):
                    yield Command(phase, items, body.value_region(key))
                elif isinstance(items, YamlSeq):
                    for index, item in enumerate(items):
                        if isinstance(item, str):
                            yield Command(phase, item, items.item_region(index))

    @functools.cached_property
    def may_run_powershell(self) -> bool:
        """Whether the commands may run in PowerShell: `env.shell` names it (powershell.exe,
        pwsh), or no shell is named (PowerShell is the default on Windows images)."""
        env = self.env()
        shell = env.get("shell") if env is not None else None
        if not isinstance(shell, str) or not shell.strip():
            return True
        return program_name(shell.strip()).lower() in POWERSHELLS

    def env(self) -> YamlMap | None:
        env = self.data.get("env")
        return env if isinstance(env, YamlMap) else None

    def entries(self, section: str) -> Iterator[Entry]:
        """The `name: value` entries of an env section (variables, parameter-store,
        secrets-manager)."""
        yield from self._entries(self.env(), section)

    def variables(self) -> Iterator[Entry]:
        """The plaintext variables of every build: `env.variables`, and each batch build's
        (`batch.build-list[]`, `batch.build-graph[]`, `batch.build-matrix.static`, and each
        value a `batch.build-matrix.dynamic` variable lists: one build per value)."""
        yield from self.entries(VARIABLES)
        for env, build in self.batch_envs():
            section = f"{build} env.{VARIABLES}"
            for entry in self._entries(env, VARIABLES):
                if isinstance(entry.value, YamlSeq):
                    yield from self._matrix_values(entry, section)
                else:
                    yield dataclasses.replace(entry, section=section)

    def batch_envs(self) -> Iterator[tuple[YamlMap, str]]:
        """The `env` of each batch build, which overrides the project's environment for it, and
        the build it is (`batch.build-list build linux`, `batch.build-matrix.static`)."""
        batch = self.data.get("batch")
        if not isinstance(batch, YamlMap):
            return
        for kind in BATCH_LISTS:
            builds = batch.get(kind)
            for index, build in enumerate(builds if isinstance(builds, YamlSeq) else ()):
                env = build.get("env") if isinstance(build, YamlMap) else None
                if isinstance(env, YamlMap):
                    name = build.get("identifier")
                    name = name if isinstance(name, str) and name.strip() else f"#{index + 1}"
                    yield env, f"batch.{kind} build {name}"
        matrix = batch.get(BUILD_MATRIX)
        for part in MATRIX_PARTS if isinstance(matrix, YamlMap) else ():
            body = matrix.get(part)
            env = body.get("env") if isinstance(body, YamlMap) else None
            if isinstance(env, YamlMap):
                yield env, f"batch.{BUILD_MATRIX}.{part}"

    def eb_images(self) -> Iterator[tuple[str, Region]]:
        """(image, where) of `eb_codebuild_settings.Image`: the project's image when the EB CLI
        builds the application with CodeBuild."""
        settings = self.data.get(EB_SETTINGS)
        if isinstance(settings, YamlMap) and isinstance(settings.get(EB_IMAGE), str):
            yield settings[EB_IMAGE], settings.key_region(EB_IMAGE)

    def batch_images(self) -> Iterator[tuple[str, Region, str]]:
        """(image, where, build) for each batch build's `env.image`, which overrides the
        project's image for it (a dynamic matrix lists one image per build)."""
        for env, build in self.batch_envs():
            images = env.get(BATCH_IMAGE)
            if isinstance(images, YamlSeq):
                written = [(image, images.item_region(i)) for i, image in enumerate(images)]
            elif BATCH_IMAGE in env:
                written = [(images, env.key_region(BATCH_IMAGE))]
            else:
                continue
            for image, region in written:
                for value in self.deployed_values(image):
                    if isinstance(value, str):
                        yield value, region, build

    def _matrix_values(self, entry: Entry, section: str) -> Iterator[Entry]:
        """A dynamic matrix variable's values, each an entry at its own item."""
        for index, value in enumerate(entry.value):
            if value is None or isinstance(value, (dict, list)):
                continue
            where = entry.value.item_region(index)
            written = self._written(where, value)
            yield Entry(entry.name, value, written, where, where, section)

    def as_deployed(self, value: Any) -> Any:
        """A value of an inline buildspec as CloudFormation deploys it: in a Fn::Sub text, a
        string with `${...}` is a Fn::Sub of its own (with the text's variable map)."""
        if self.sub_variables is None or not isinstance(value, str) or "${" not in value:
            return value
        return deployed_string(value, self.sub_variables)

    def deployed_values(self, value: Any) -> list[Any]:
        """The value as written, and what CloudFormation may deploy for it in an inline
        buildspec (a parameter's Default substituted, both branches of a Fn::If)."""
        if self.project is None:
            return [value]
        return [value, *self.project.template.possible_values(self.as_deployed(value))]

    def secret_source(self, value: Any) -> str | None:
        """What an inline buildspec's value takes a secret from that CloudFormation resolves
        into the project (a secret dynamic reference, a NoEcho parameter); None if nothing."""
        if self.project is None:
            return None
        return resolved_secret_source(self.project.template, self.as_deployed(value))

    def exported(self) -> Iterator[tuple[str, Region]]:
        """The names `env.exported-variables` lists, with where each is written."""
        env = self.env()
        names = env.get(EXPORTED_VARIABLES) if env is not None else None
        if isinstance(names, YamlSeq):
            for index, name in enumerate(names):
                if isinstance(name, str) and name.strip():
                    yield name.strip(), names.item_region(index)

    def runtime_versions(self) -> Iterator[Entry]:
        """The `runtime: version` entries of `phases.install.runtime-versions`."""
        install = dict(self.phases()).get("install")
        yield from self._entries(install, "runtime-versions")

    def _entries(self, container: YamlMap | None, section: str) -> Iterator[Entry]:
        entries = container.get(section) if container is not None else None
        if not isinstance(entries, YamlMap):
            return
        for name, value in entries.items():
            if isinstance(name, str):
                where = entries.value_region(name)
                written = self._written(where, value)
                yield Entry(name, value, written, entries.key_region(name), where)

    def _written(self, region: Region, value: Any) -> str:
        """A number's text as written in the file, when the file has it there (not for an
        inline BuildSpec placed at its key); any other value as a string."""
        text = "" if value is None else str(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return text
        if not 0 < region.start_line <= len(self.lines) or region.end_line not in (
            None,
            region.start_line,
        ):
            return text
        line = self.lines[region.start_line - 1]
        end = region.end_column - 1 if region.end_column else len(line)
        written = line[region.start_column - 1 : end].strip().strip("'\"")
        try:
            return written if float(written) == value else text
        except ValueError:
            return text
