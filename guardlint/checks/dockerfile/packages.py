"""Package installation in RUN: apt-get and apk hygiene (DKR012), `update` without an install
in the same RUN (DKR023). Upgrades and apt (DKR013, DKR022) are the `run-command` template's."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of
from guardlint.checks.dockerfile.layer_files import PathTree, covers, removed_targets
from guardlint.checks.registry import check
from guardlint.documents.dockerfile_model import DockerfileModel, Stage
from guardlint.knowledge.shell_commands import has_option, short_flags, subcommand
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.digits import digits_number
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command

_APT_PROGRAMS = frozenset({"apt-get", "apt", "aptitude"})
_YES_OPTIONS = ("-y", "--yes", "--assume-yes")
# Short options of apt-get whose value is the rest of the word (`-oQuiet=1`) or the next one.
_APT_SHORT_WITH_VALUE = "oct"
_APT_LISTS, _APK_CACHE = "/var/lib/apt/lists", "/var/cache/apk"
# apt reads `-q=N` with strtol, any number of ASCII digits: a larger level is as quiet.
_QUIET_LEVELS = 1000
# Mount types whose writes stay out of the layer (a bind mount's too, even with `rw`).
_DISCARDING_MOUNTS = frozenset({"cache", "tmpfs", "bind"})
_MOUNT_TARGETS = frozenset({"target", "dst", "destination"})


def _below(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or inside it (`directory` not the root)."""
    return bool(directory) and (path == directory or path.startswith(directory + "/"))


def _mounted_over(instruction: Instruction, path: str) -> bool:
    """Whether a RUN --mount puts a cache, tmpfs or bind mount over `path` (or a directory
    above it): what the RUN writes there is not kept in the layer. The type is bind unless
    given; the target is `target`, `dst` or `destination`."""
    for mount in instruction.flags.get("mount", []):
        options = dict(option.partition("=")[::2] for option in mount.split(","))
        targets = [value for key, value in options.items() if key.lower() in _MOUNT_TARGETS]
        kind = options.get("type", "bind").lower()
        if kind in _DISCARDING_MOUNTS and any(
            _below(path, target.rstrip("/")) for target in targets
        ):
            return True
    return False


def _emptied_directory(path: str) -> str:
    """The directory an rm operand empties or removes: `/var/lib/apt/*` and `/var/lib/apt/`
    -> `/var/lib/apt`."""
    path = path.rstrip("/")
    head, _, last = path.rpartition("/")
    return head if last and set(last) <= set("*.") and "*" in last else path


def _find_start_point(arg: str) -> bool:
    return not arg.startswith(("-", "(", "!"))


def _removes(commands: list[Command], directory: str) -> bool:
    """Whether a command deletes the files of `directory`: rm of it, of what is inside it or
    of a directory above it (`rm -rf /var/lib/apt/*`, `cd /var/lib && rm -rf apt`), or
    `find DIR ... -delete`."""
    tree = PathTree()
    paths = [tree.text(node) for node in removed_targets(tree, commands, None)]
    for command in commands:
        if command.program == "find" and "-delete" in command.args:
            # The starting points: the words before the first test or action.
            paths += itertools.takewhile(_find_start_point, command.args)
    return any(_deletes(path, directory) for path in paths)


def _deletes(path: str, directory: str) -> bool:
    """Whether removing `path` (maybe a glob, as the shell expands it: `/var/lib/apt/lists*`)
    deletes what `directory` holds; the root does not count (`find / -name x -delete`)."""
    emptied = _emptied_directory(path)
    # A glob is compiled to be matched: one over twice the directory's length is no cleanup
    # of it that anyone writes, and compiling thousands of long ones costs seconds.
    matchable = 0 < len(emptied) <= 2 * len(directory)
    return (
        _below(path, directory)
        or _below(directory, emptied)
        or (matchable and covers(emptied, directory))
    )


def _cleans_apt_lists(command: Command) -> bool:
    """`apt-get distclean` (apt 2.7.8 and later): the package lists go, the release files
    stay."""
    return command.program in _APT_PROGRAMS and subcommand(command) in ("distclean", "dist-clean")


# The apt options that stand for -y and --no-install-recommends, as apt.conf writes them
# (`APT::Install-Recommends "false";` in /etc/apt/apt.conf.d/, by echo, printf or a COPY
# heredoc: it holds for every later apt-get of the stage and of stages built FROM it) and as
# `-o Name=value` gives them for one command (which wins). Names are case-insensitive to apt.
_RECOMMENDS, _ASSUME_YES = "install-recommends", "get::assume-yes"
_APT_CONF_SETTING = LazyPattern(
    r"APT::(Install-Recommends|Get::Assume-Yes)[ \t]+\\?[\"']?([A-Za-z0-9]+)", re.I
)
_APT_OPTION_SETTING = LazyPattern(
    r"APT::(Install-Recommends|Get::Assume-Yes)=([A-Za-z0-9]+)$", re.I
)
_APT_TRUE = frozenset({"1", "true", "yes", "on", "with", "enable"})
AptSettings = dict[str, bool]


def _settings_in(matches: Iterator[re.Match[str]], settings: AptSettings) -> AptSettings:
    for match in matches:
        settings[match.group(1).lower()] = match.group(2).lower() in _APT_TRUE
    return settings


class _AptConfiguration:
    """The apt settings each stage's image holds after each of its instructions."""

    def __init__(self, model: DockerfileModel) -> None:
        self.by_stage: dict[int, tuple[list[int], list[AptSettings]]] = {}
        # In file order, so a stage's base (always an earlier stage) is known before it.
        for stage in model.stages + ([model.headless] if model.headless else []):
            base = stage.base_stage
            settings = self.by_stage[base][1][-1] if base is not None else {}
            lines, snapshots = [0], [settings]
            for instruction in stage.instructions:
                if instruction.keyword != "ONBUILD" and "::" in instruction.original:
                    found = _APT_CONF_SETTING.finditer(instruction.original)
                    settings = _settings_in(found, dict(settings))
                    lines.append(instruction.start_line)
                    snapshots.append(settings)
            self.by_stage[stage.index] = (lines, snapshots)

    def at(self, stage: Stage, instruction: Instruction) -> AptSettings:
        """The settings a RUN's apt-get reads (those its own script writes included)."""
        lines, snapshots = self.by_stage[stage.index]
        return snapshots[bisect.bisect_right(lines, instruction.start_line) - 1]


def _quiet_level(args: list[str]) -> int:
    """apt-get's quiet level: each `q` of a short option (`-qq`, `-q -q`, `-qy`) or `--quiet`
    adds one, `-q=N` or `--quiet=N` sets it. apt-get(8): quiet level 2 implies -y."""
    level = 0
    for arg in args:
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if equals and name in ("-q", "--quiet"):
            number = digits_number(value, _QUIET_LEVELS)
            level = level if number is None else number
        elif arg == "--quiet":
            level += 1
        else:
            letters = short_flags(arg)
            end = next((i for i, c in enumerate(letters) if c in _APT_SHORT_WITH_VALUE), None)
            level += letters[:end].count("q")
    return level


def _apt_lists_kept(commands: list[Command], instruction: Instruction) -> bool:
    """Whether the RUN leaves apt's package lists in its layer: asked once per RUN (asked for
    each apt-get install, it read the whole script again for each: quadratic in a long one)."""
    return not (
        _removes(commands, _APT_LISTS)
        or any(map(_cleans_apt_lists, commands))
        or _mounted_over(instruction, _APT_LISTS)
    )


def _apt_problems(
    command: Command, image: AptSettings, lists_kept: Callable[[], bool]
) -> list[str]:
    problems = []
    args = command.args
    options = (m for m in map(_APT_OPTION_SETTING.search, args) if m is not None)
    settings = _settings_in(options, dict(image))
    assumes_yes = has_option(args, _YES_OPTIONS, short="y") or _quiet_level(args) >= 2
    if not assumes_yes and not settings.get(_ASSUME_YES):
        problems.append("-y")
    if not has_option(args, ("--no-install-recommends",)) and settings.get(_RECOMMENDS, True):
        problems.append("--no-install-recommends")
    if lists_kept():
        problems.append("rm -rf /var/lib/apt/lists/* in the same RUN")
    return problems


def _apk_problems(command: Command, instruction: Instruction) -> list[str]:
    """rules.md asks for --no-cache itself: an `rm -rf /var/cache/apk/*` after the install
    does not stand in for it (as for hadolint's DL3019); a mount over the cache does, and so
    does --no-network, with which apk fetches no index nor package to cache."""
    cache_left = not (
        has_option(command.args, ("--no-cache", "--no-network"))
        or _mounted_over(instruction, _APK_CACHE)
    )
    return ["apk add --no-cache"] if cache_left else []


@check("DKR012")
def apt_hygiene(document: Document, rule: Rule) -> Iterator[Hit]:
    """apt-get install without -y, --no-install-recommends or removing the package lists in
    the same RUN; apk add keeping its cache. In every stage: rules.md limits it to none. apt's
    configuration in the image (apt.conf.d) counts as its options do."""
    model = model_of(document)
    configuration = _AptConfiguration(model)
    for stage, instruction in model.runs():
        commands = instruction.commands
        problems: list[str] = []
        lists_kept = None  # looked for once per RUN, in one that installs with apt
        for command in commands:
            if command.program in _APT_PROGRAMS and subcommand(command) == "install":
                if lists_kept is None:
                    lists_kept = functools.cache(
                        functools.partial(_apt_lists_kept, commands, instruction)
                    )
                image = configuration.at(stage, instruction)
                problems += _apt_problems(command, image, lists_kept)
            elif command.program == "apk" and subcommand(command) == "add":
                problems += _apk_problems(command, instruction)
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


# A package manager, then an install in the same command, or another command that reads the
# fresh lists (a download, a reinstall, apt's satisfy, apk's fix). The text between never
# holds the manager's name again: `re` tries every occurrence, and each would scan to the end
# of the command (quadratic in `apt apt apt ...`); whether one matches is unchanged.
_APT, _APK = r"\b(?:apt-get|apt|aptitude)\b", r"\bapk\b"
INSTALLS_TEXT = re.compile(
    rf"{_APT}(?:(?!{_APT})[^;&|\n])*"
    r"\b(?:install|reinstall|upgrade|dist-upgrade|build-dep|satisfy|source|download)\b|"
    rf"{_APK}(?:(?!{_APK})[^;&|\n])*\b(?:add|upgrade|fix|fetch)\b"
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
