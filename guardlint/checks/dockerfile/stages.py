"""How the build is split into stages: build tools in a single-stage image (DKR005), two
stages with one name (DKR024)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, model_of
from guardlint.checks.registry import check
from guardlint.documents.dockerfile import Stage
from guardlint.knowledge.shell_commands import operands, subcommand
from guardlint.model import Document, Hit, Rule
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command
from guardlint.parse.shell_words import program_name

# Compilers (versioned too: gcc-12, clang-16), build tools and SDKs as distributions name
# them (Debian, Alpine, Fedora/RHEL with its groups: "Development Tools", @c-development).
_TOOLCHAIN_PACKAGES = LazyPattern(
    r"^@?(?:(?:gcc|g\+\+|gcc-c\+\+|clang|llvm)(?:-\d[\d.]*)?|make|cmake|ninja-build|"
    r"build-essential|build-base|alpine-sdk|go|golang(?:-go|-\d[\d.]*(?:-go)?)?|"
    r"maven|gradle|rustc|cargo|rust|openjdk-?\d+-jdk|java-\d+-openjdk-devel|default-jdk|"
    r"dotnet-sdk[\w.-]*|development[ -]tools|c-development)$"
)
_INSTALL_VERBS = {
    "apt-get": ("install",), "apt": ("install",), "apk": ("add",),
    "yum": ("install", "groupinstall"), "dnf": ("install", "groupinstall"),
    "microdnf": ("install",), "zypper": ("install", "in"),
}  # fmt: skip
_MAVEN_GOALS = ("package", "install", "verify")
# Gradle tasks that compile and package (a project's own too: `:app:bootJar`).
_GRADLE_TASKS = ("build", "assemble", "jar", "bootJar", "shadowJar", "war", "bootWar",
                 "installDist", "buildFatJar")  # fmt: skip
_BUILD_COMMANDS = {
    "go": ("build", "install"), "mvn": _MAVEN_GOALS, "mvnw": _MAVEN_GOALS,
    "cargo": ("build", "install"), "gradle": _GRADLE_TASKS, "gradlew": _GRADLE_TASKS,
    "dotnet": ("publish", "build"), "cmake": ("--build",), "make": (), "ninja": (),
}  # fmt: skip
_REMOVE_VERBS = {
    "apt-get": ("purge", "remove", "autoremove"), "apt": ("purge", "remove", "autoremove"),
    "apk": ("del",), "yum": ("remove", "erase"), "dnf": ("remove",), "microdnf": ("remove",),
}  # fmt: skip


def _installed_packages(command: Command) -> list[str]:
    """The packages an install names, in lower case (`dnf group install "Development
    Tools"` names the group)."""
    verbs = _INSTALL_VERBS.get(command.program)
    if not verbs:
        return []
    words = operands(command.args, command.program)
    if words[:2] == ["group", "install"] and "groupinstall" in verbs:
        words = words[1:]
    if not words or words[0] not in verbs:
        return []
    return [re.split(r"[=<>~]", package, maxsplit=1)[0].lower() for package in words[1:]]


def _build_step(command: Command) -> str | None:
    program = command.program
    words = operands(command.args)
    if program in ("npm", "yarn", "pnpm") and any(w.startswith("build") for w in words[:2]):
        return f"{program} {' '.join(words[:2])}"
    verbs = _BUILD_COMMANDS.get(program)
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


def _removes_packages(commands: list[Command]) -> bool:
    """`apk add --virtual .deps gcc ... && apk del .deps`: the toolchain leaves with its RUN."""
    return any(subcommand(c) in _REMOVE_VERBS.get(c.program, ()) for c in commands)


@check("DKR005")
def single_stage_build(document: Document, rule: Rule) -> Iterator[Hit]:
    """A Dockerfile of one stage installs a compiler or toolchain, or runs a build, and does
    not remove the packages in the same RUN; or starts the application by compiling it
    (`CMD ["go", "run", "."]`)."""
    model = model_of(document)
    if len(model.stages) != 1:
        return
    stage = model.stages[0]
    for instruction in stage.of("RUN"):
        removed = _removes_packages(instruction.commands)
        for command in instruction.commands:
            toolchain = [p for p in _installed_packages(command) if _TOOLCHAIN_PACKAGES.match(p)]
            what = f"installs {', '.join(toolchain)}" if toolchain else None
            step = _build_step(command)
            if step:
                what = f"runs {step}"
            if what and not removed:
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
