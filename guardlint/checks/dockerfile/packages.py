"""Package installation in RUN: apt-get and apk hygiene (DKR012), `update` without an install
in the same RUN (DKR023). Upgrades and apt (DKR013, DKR022) are the `run-command` template's."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of
from guardlint.checks.registry import check
from guardlint.knowledge.shell_commands import has_option, subcommand
from guardlint.model import Document, Hit, Rule
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.shell import Command

_APT_PROGRAMS = frozenset({"apt-get", "apt", "aptitude"})
_YES_OPTIONS = ("-y", "--yes", "--assume-yes", "-qq", "-q=2", "--quiet=2")


def _has_cache_mount(instruction: Instruction, path: str) -> bool:
    return any(
        "type=cache" in mount and path in mount for mount in instruction.flags.get("mount", [])
    )


def _removes(commands: list[Command], prefix: str) -> bool:
    return any(
        c.program == "rm" and any(arg.startswith(prefix) for arg in c.args) for c in commands
    )


def _apt_problems(command: Command, commands: list[Command], instruction: Instruction) -> list[str]:
    problems = []
    args = command.args
    if not has_option(args, _YES_OPTIONS, short="y"):
        problems.append("-y")
    if not has_option(args, ("--no-install-recommends",)) and not any(
        "Install-Recommends=false" in arg or "Install-Recommends=0" in arg for arg in args
    ):
        problems.append("--no-install-recommends")
    if not _removes(commands, "/var/lib/apt/lists") and not _has_cache_mount(
        instruction, "/var/lib/apt"
    ):
        problems.append("rm -rf /var/lib/apt/lists/* in the same RUN")
    return problems


def _apk_problems(command: Command, commands: list[Command], instruction: Instruction) -> list[str]:
    cache_left = not (
        has_option(command.args, ("--no-cache",))
        or _removes(commands, "/var/cache/apk")
        or _has_cache_mount(instruction, "/var/cache/apk")
    )
    return ["apk add --no-cache"] if cache_left else []


@check("DKR012")
def apt_hygiene(document: Document, rule: Rule) -> Iterator[Hit]:
    """apt-get install without -y, --no-install-recommends or removing the package lists in
    the same RUN; apk add keeping its cache. In every stage: rules.md limits it to none."""
    for stage, instruction in model_of(document).runs():
        commands = instruction.commands
        problems: list[str] = []
        for command in commands:
            if command.program in _APT_PROGRAMS and subcommand(command) == "install":
                problems += _apt_problems(command, commands, instruction)
            elif command.program == "apk" and subcommand(command) == "add":
                problems += _apk_problems(command, commands, instruction)
        if problems:
            missing = list(dict.fromkeys(problems))
            effects = []
            if "-y" in missing:
                effects.append("the build can stall on a prompt")
            if missing != ["-y"]:
                effects.append("the layer keeps package lists, caches or recommended packages")
            yield hit(
                instruction,
                stage,
                f"Package installation in {in_stage(stage, instruction)} lacks "
                f"{', '.join(missing)}: " + " and ".join(effects) + ".",
                properties={"missing": missing},
            )


# A package manager, then an install in the same command. The text between never holds the
# manager's name again: `re` tries every occurrence, and each would scan to the end of the
# command (quadratic in `apt apt apt ...`); whether one matches is unchanged.
_APT, _APK = r"\b(?:apt-get|apt|aptitude)\b", r"\bapk\b"
INSTALLS_TEXT = re.compile(
    rf"{_APT}(?:(?!{_APT})[^;&|\n])*\b(?:install|upgrade|dist-upgrade|build-dep)\b|"
    rf"{_APK}(?:(?!{_APK})[^;&|\n])*\b(?:add|upgrade)\b"
)


@check("DKR023")
def update_alone(document: Document, rule: Rule) -> Iterator[Hit]:
    """apt-get, apt or apk `update` with no install in the same RUN."""
    for stage, instruction in model_of(document).runs():
        updates = [
            c.program
            for c in instruction.commands
            if c.program in ("apt-get", "apt", "apk") and subcommand(c) == "update"
        ]
        if updates and not INSTALLS_TEXT.search(instruction.script or ""):
            yield hit(
                instruction,
                stage,
                f"{updates[0]} update runs in {in_stage(stage, instruction)} without an install "
                "in the same RUN: the cached layer keeps stale package lists for later installs.",
            )
