"""How the build is split into stages: build tools in a single-stage image (DKR005), two
stages with one name (DKR024)."""

from __future__ import annotations

import itertools
import re
from collections import ChainMap
from collections.abc import Iterator, Mapping

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.documents.dockerfile_model import Stage
from guardlint.knowledge.shell_commands import (
    command_operands,
    has_option,
    operands,
    subcommand,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command
from guardlint.parse.shell_words import program_name

# Compilers (versioned too: gcc-12, clang-16), build tools and SDKs as distributions name
# them (Debian, Alpine, Fedora/RHEL with its groups: "Development Tools", @c-development).
_TOOLCHAIN_PACKAGES = LazyPattern(
    r"^@?(?:(?:gcc|g\+\+|gcc-c\+\+|clang|llvm)(?:-\d[\d.]*)?|make|cmake|ninja-build|"
    r"build-essential|build-base|alpine-sdk|go|golang(?:-go|-\d[\d.]*(?:-go)?)?|"
    r"maven|gradle|rustc|cargo|rust|(?:openjdk-?|temurin-)\d+-jdk(?:-headless)?|"
    r"java-\d+-openjdk-devel|default-jdk(?:-headless)?|"
    r"dotnet-sdk[\w.-]*|development[ -]tools|c-development)$"
)
# dnf's own aliases of install (`in`, `localinstall`) are yum's too: yum is dnf on RHEL 8+.
_DNF_INSTALLS = ("install", "groupinstall", "localinstall", "in")
_INSTALL_VERBS = {
    "apt-get": ("install",), "apt": ("install",), "aptitude": ("install",), "apk": ("add",),
    "yum": _DNF_INSTALLS, "dnf": _DNF_INSTALLS, "dnf5": ("install", "in"),
    "microdnf": ("install",), "tdnf": ("install",), "zypper": ("install", "in"),
}  # fmt: skip
# The lifecycle phases that compile the sources (`mvn compile` and every phase after it).
_MAVEN_GOALS = ("compile", "package", "install", "verify", "deploy")
# Gradle tasks that compile and package (a project's own too: `:app:bootJar`).
_GRADLE_TASKS = ("build", "assemble", "jar", "bootJar", "shadowJar", "war", "bootWar",
                 "installDist", "buildFatJar")  # fmt: skip
_BUILD_COMMANDS = {
    "go": ("build", "install"), "mvn": _MAVEN_GOALS, "mvnw": _MAVEN_GOALS,
    "cargo": ("build", "install"), "gradle": _GRADLE_TASKS, "gradlew": _GRADLE_TASKS,
    "dotnet": ("publish", "build"), "cmake": ("--build",), "make": (), "ninja": (),
    "msbuild": (),
}  # fmt: skip
# Compilers run on the sources (`gcc -o app main.c`, `javac Main.java`, versioned too).
_COMPILERS = LazyPattern(r"^(?:(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d[\d.]*)?|javac|rustc)$")
_RUN_SCRIPT = ("run", "run-script")  # npm's, yarn's, pnpm's and bun's way to run a script
_REMOVE_VERBS = {
    "apt-get": ("purge", "remove", "autoremove"), "apt": ("purge", "remove", "autoremove"),
    "aptitude": ("purge", "remove"), "apk": ("del",), "yum": ("remove", "erase", "groupremove"),
    "dnf": ("remove", "erase", "groupremove"), "dnf5": ("remove",), "microdnf": ("remove",),
    "tdnf": ("remove", "erase"), "zypper": ("remove", "rm"),
}  # fmt: skip


_VERSION_START = re.compile(r"[=<>~]")


def _package_name(word: str) -> str:
    """A package as named to install or remove it, in lower case, without its version."""
    return _VERSION_START.split(word, maxsplit=1)[0].lower()


# A word that is a variable (`$deps`, `${deps}`); of its value, the toolchain packages.
_VARIABLE = LazyPattern(r"\$\{?([A-Za-z_]\w*)\}?")
_MOST_TOOLCHAIN_PACKAGES = 8


class _Variables:
    """The variables a RUN sees: the stage's ENV and ARG values so far (`stage`) and its
    script's own assignments (`buildDeps='gcc make'; apt-get install -y $buildDeps`). Each
    value is searched for toolchain packages once per Dockerfile."""

    def __init__(self) -> None:
        self.stage: dict[str, str | None] = {}
        self.run: Mapping[str, str | None] = self.stage
        self._toolchains: dict[str, tuple[str, ...]] = {}

    def enter(self, commands: list[Command]) -> None:
        own = {name: value for c in commands if not c.words for name, value in c.assignments}
        self.run = ChainMap(own, self.stage)

    def packages(self, word: str) -> list[str]:
        """The packages a word names: itself; a variable as `$name` (however written, to
        find it in the removal again) and the toolchain packages of its value."""
        variable = _VARIABLE.fullmatch(word)
        if variable is None:
            return [word]
        value = self.run.get(variable.group(1)) or ""
        found = self._toolchains.get(value)
        if found is None:
            names = dict.fromkeys(map(_package_name, value.split()))
            toolchain = (name for name in names if _TOOLCHAIN_PACKAGES.match(name))
            found = tuple(itertools.islice(toolchain, _MOST_TOOLCHAIN_PACKAGES))
            self._toolchains[value] = found
        return [f"${variable.group(1)}", *found]


def _package_operands(
    command: Command, verbs: dict[str, tuple[str, ...]], variables: _Variables
) -> list[str]:
    """The packages a command of `verbs` (installs or removals) names (`dnf group install
    "Development Tools"` names the group), as _package_name and _Variables.packages read
    them."""
    allowed = verbs.get(command.program)
    if not allowed:
        return []
    words = command_operands(command)
    if words[:1] == ["group"] and len(words) > 1 and "group" + words[1] in allowed:
        words = words[1:]
    if not words or words[0] not in allowed:
        return []
    return [_package_name(name) for word in words[1:] for name in variables.packages(word)]


def _virtual_package(command: Command) -> str | None:
    """The name apk installs the packages under (`apk add --virtual .build-deps gcc`), which
    `apk del .build-deps` removes them by."""
    args = command.args
    for index, arg in enumerate(args):
        if arg in ("-t", "--virtual") and index + 1 < len(args):
            return args[index + 1].lower()
        if arg.startswith("--virtual="):
            return arg.partition("=")[2].lower()
    return None


def _autoremoves(command: Command) -> bool:
    verb = subcommand(command) if command.program in ("apt-get", "apt") else None
    return verb == "autoremove" or (
        verb in ("purge", "remove") and has_option(command.args, ("--auto-remove", "--autoremove"))
    )


# dnf's (and yum's, which is dnf on RHEL 8 and later) way to make installed packages
# dependencies that `autoremove` then takes: `dnf mark remove gcc` (dnf 4), `dnf mark
# dependency gcc` (dnf 5).
_RPM_MANAGERS = ("dnf", "yum")
_MARK_AS_DEPENDENCY = ("remove", "dependency")


def _marked_as_dependencies(command: Command, variables: _Variables) -> list[str]:
    """The packages `dnf mark remove` (or `mark dependency`) names."""
    if command.program not in _RPM_MANAGERS:
        return []
    words = command_operands(command)
    if words[:1] != ["mark"] or len(words) < 2 or words[1] not in _MARK_AS_DEPENDENCY:
        return []
    return [_package_name(name) for word in words[2:] for name in variables.packages(word)]


class _Removals:
    """What a RUN's commands remove: the packages they name, and whether every package
    installed by name is made a dependency first (`apt-mark auto '.*'`, as the official images
    do) for an autoremove to take; with dnf, the packages `dnf mark remove` made dependencies
    before a `dnf autoremove`. Autoremove alone keeps what was installed by name."""

    def __init__(self, commands: list[Command], variables: _Variables) -> None:
        self.named = {p for c in commands for p in _package_operands(c, _REMOVE_VERBS, variables)}
        marked = any(c.program == "apt-mark" and subcommand(c) == "auto" for c in commands)
        self.everything = marked and any(map(_autoremoves, commands))
        # dnf's: the packages marked dependencies, when a dnf autoremove follows.
        if any(c.program in _RPM_MANAGERS and subcommand(c) == "autoremove" for c in commands):
            self.named.update(p for c in commands for p in _marked_as_dependencies(c, variables))

    def keeps(self, package: str, virtual: str | None) -> bool:
        return not self.everything and package not in self.named and virtual not in self.named


def _build_step(command: Command) -> str | None:
    program = command.program
    verbs = _BUILD_COMMANDS.get(program)
    node = program in ("npm", "yarn", "pnpm", "bun")
    if verbs is None and not node and not _COMPILERS.match(program):
        return None  # most commands: their operands are not read
    words = command_operands(command, "")
    if node:
        # `yarn build`, `npm run build:prod`, also after an option's value (`npm --prefix web
        # run build`): a build script run.
        if words and words[0].startswith("build"):
            return f"{program} {words[0]}"
        pairs = itertools.pairwise(words)
        script = next((b for a, b in pairs if a in _RUN_SCRIPT and b.startswith("build")), None)
        return f"{program} run {script}" if script else None
    if _COMPILERS.match(program):
        return program if words else None  # `gcc -o app main.c`; not `gcc --version`
    if verbs is None:
        return None
    if not verbs:
        return program
    if program == "cmake":
        return "cmake --build" if "--build" in command.args else None
    # A task's last part names it: `:app:build` is the build task of project app.
    found = next((word for word in words if word.rpartition(":")[2] in verbs), None)
    return f"{program} {found}" if found else None


# Commands that compile the application from its source and run it, when a container starts
# (`CMD ["go", "run", "."]`): the toolchain and the source ship in the image.
_RUN_FROM_SOURCE = {
    "go": ("run",), "cargo": ("run",), "dotnet": ("run", "watch"),
    "mvn": ("spring-boot:run", "quarkus:dev"), "mvnw": ("spring-boot:run", "quarkus:dev"),
    "gradle": ("bootRun", "run"), "gradlew": ("bootRun", "run"),
}  # fmt: skip


def _start_from_source(instruction: Instruction) -> str | None:
    """`go run .` (or `cargo run`, `dotnet run`, `mvn spring-boot:run`, `gradle bootRun`) as
    what a CMD or ENTRYPOINT starts."""
    words = instruction.words
    program = program_name(words[0]) if words else ""
    verbs = _RUN_FROM_SOURCE.get(program, ())
    found = next((word for word in operands(words[1:]) if word in verbs), None)
    return f"{program} {found}" if found else None


# Microsoft's dev container images (the Dev Containers specification's own, and their older
# name): an image built on one is a developer's workspace.
_DEV_CONTAINER_IMAGES = (
    "mcr.microsoft.com/devcontainers/",
    "mcr.microsoft.com/vscode/devcontainers/",
)


# A Dockerfile named for development (`Dockerfile.dev`, `dev.Dockerfile`).
_DEVELOPMENT_NAMES = frozenset({"dev", "develop", "development", "devcontainer"})


def _dev_container(document: Document, stage: Stage) -> bool:
    """Whether the Dockerfile builds a dev container: it sits in a `.devcontainer` folder (where
    the specification looks for it), is named for development, or builds on a dev container
    image."""
    paths = [document.rel_path, document.source.path if document.source else ""]
    parts = [path.replace("\\", "/").split("/") for path in paths]
    if any(".devcontainer" in folders[:-1] for folders in parts):
        return True
    if not _DEVELOPMENT_NAMES.isdisjoint(parts[0][-1].lower().split(".")):
        return True
    return (stage.image or stage.image_raw).lower().startswith(_DEV_CONTAINER_IMAGES)


@check("DKR005")
def single_stage_build(document: Document, rule: Rule) -> Iterator[Hit]:
    """A Dockerfile of one stage (not a dev container) installs a compiler or toolchain that
    its RUN does not remove, or runs a build other than with a toolchain its RUN installs and
    removes; or starts the application by compiling it (`CMD ["go", "run", "."]`)."""
    model = model_of(document)
    # A dev container is where developers build: no runtime image is made of it.
    if len(model.stages) != 1 or _dev_container(document, model.stages[0]):
        return
    stage = model.stages[0]
    variables = _Variables()
    for instruction in stage.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            variables.stage.update(instruction.assignments)
        if instruction.keyword != "RUN":
            continue
        commands = instruction.commands
        variables.enter(commands)
        removals = _Removals(commands, variables)
        installed = [
            (package, _virtual_package(command))
            for command in commands
            for package in _package_operands(command, _INSTALL_VERBS, variables)
            if _TOOLCHAIN_PACKAGES.match(package) or "$" in package
        ]
        # The toolchain; else the packages a variable names (`apt-get install -y $buildDeps`).
        toolchain = [p for p in installed if "$" not in p[0]] or installed
        kept = [package for package, virtual in toolchain if removals.keeps(package, virtual)]
        # A build by what its RUN installs and removes again leaves no toolchain behind; one
        # by the base image's toolchain (FROM golang) does, whatever else the RUN removes.
        step = None
        if kept or not toolchain:
            step = next(filter(None, map(_build_step, commands)), None)
        kept = [package for package in kept if "$" not in package]
        if kept or step:
            what = f"installs {', '.join(kept)}" if kept else f"runs {step}"
            yield hit(
                instruction,
                stage,
                f"This single-stage Dockerfile {what}, so the compilers and build tools "
                "ship in the runtime image; build in a separate stage and copy the result.",
            )
            return
    for instruction in stage.of("CMD", "ENTRYPOINT"):
        step = _start_from_source(instruction)
        if step:
            yield hit(
                instruction,
                stage,
                f"This single-stage Dockerfile starts the application with {step}, which "
                "compiles it when the container starts: the compilers, build tools and source "
                "ship in the runtime image; build in a separate stage and copy the result.",
            )
            return


@check("DKR024")
def duplicate_stage_alias(document: Document, rule: Rule) -> Iterator[Hit]:
    """Two stages share a name (`AS`), compared case-insensitively as Docker does."""
    seen: dict[str, Stage] = {}
    for stage in model_of(document).stages:
        if not stage.name:
            continue
        first = seen.setdefault(stage.name.lower(), stage)
        if first is not stage:
            yield hit(
                stage.from_instruction,
                stage,
                f"Stage name {stage.name} is already used by the stage at line "
                f"{first.from_instruction.start_line}; FROM and COPY --from={stage.name} "
                "become ambiguous.",
            )
