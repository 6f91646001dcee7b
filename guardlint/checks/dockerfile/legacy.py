"""Dockerfile pack: one small check per DKR rule over the model of
guardlint.documents.dockerfile.

Checks read `document.meta["model"]`; RUN scripts are split into commands by
guardlint.parse.shell so that flags, pipelines and wrappers (sudo, env, xargs) are understood.
"""

from __future__ import annotations

import datetime
import fnmatch
import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import Any

from guardlint.checks.dockerfile.layer_files import PathTree, first_removals
from guardlint.checks.registry import check
from guardlint.documents.dockerfile import DockerfileModel, Stage
from guardlint.knowledge.secrets import find_secrets, is_literal_secret
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule, Severity
from guardlint.parse.dockerfile import POSIX_SHELLS, Instruction, arg_assignments, env_assignments
from guardlint.parse.dockerfile_text import InstructionText
from guardlint.parse.image_ref import ImageRef
from guardlint.parse.shell import Command

# --- shared helpers -----------------------------------------------------------------------


def _model(document: Document) -> DockerfileModel:
    return document.meta["model"]


def _hit(instruction: Instruction, stage: Stage | None, message: str, **extra: Any) -> Hit:
    return Hit(
        message=message,
        region=instruction.region,
        resource=stage.resource if stage else "Dockerfile",
        **extra,
    )


def _stage_of(model: DockerfileModel, instruction: Instruction) -> Stage | None:
    index = instruction.stage_index
    return model.stages[index] if index is not None else None


def _runs(model: DockerfileModel) -> Iterator[tuple[Stage, Instruction]]:
    for stage in model.stages:
        for instruction in stage.of("RUN"):
            yield stage, instruction


def _short_flags(word: str) -> str:
    """The letters of a combined short option (`-fsSL` -> `fsSL`); '' for anything else."""
    return word[1:] if word.startswith("-") and not word.startswith("--") else ""


def _has_option(args: list[str], long_names: Iterable[str], short: str = "") -> bool:
    names = tuple(long_names)
    for arg in args:
        if arg == "--":
            return False
        if arg in names or any(
            arg.startswith(name + "=") for name in names if name.startswith("--")
        ):
            return True
        if short and short in _short_flags(arg):
            return True
    return False


_APT_VALUE_OPTIONS = frozenset({"-o", "-c", "-t", "--option", "--config-file", "--target-release"})
_YUM_VALUE_OPTIONS = frozenset(
    {"-c", "--config", "-x", "--exclude", "--installroot", "--releasever", "--setopt",
     "--enablerepo", "--disablerepo", "--repo"}
)  # fmt: skip
# Options of package managers whose value is the next word (`apt-get -o Opt=1 install`).
_OPTIONS_WITH_VALUE = {
    "apt-get": _APT_VALUE_OPTIONS, "apt": _APT_VALUE_OPTIONS,
    "apk": frozenset({"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "-t",
                      "--virtual", "--keys-dir"}),
    "yum": _YUM_VALUE_OPTIONS, "dnf": _YUM_VALUE_OPTIONS, "microdnf": _YUM_VALUE_OPTIONS,
}  # fmt: skip


def _positional(args: list[str], program: str = "") -> list[str]:
    """Arguments that are not options (nor the values of `program`'s options)."""
    with_value = _OPTIONS_WITH_VALUE.get(program, frozenset())
    positional, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in with_value
        else:
            positional.append(arg)
    return positional


def _stage_label(stage: Stage) -> str:
    return f"stage {stage.label}"


# --- DKR001 root-user ---------------------------------------------------------------------


def _is_root_user(value: str) -> bool:
    user = value.strip().split(":", 1)[0].strip().strip("'\"")
    return user.lower() in ("root", "0")


def runs_as_nonroot_by_default(ref: ImageRef | None) -> bool:
    if ref is None:
        return False
    table = load_table("nonroot_images.yaml")
    candidate = f"{ref.name}:{(ref.tag or 'latest').lower()}"
    if any(fnmatch.fnmatchcase(candidate, pattern) for pattern in table.get("except", [])):
        return False
    return any(fnmatch.fnmatchcase(candidate, pattern) for pattern in table.get("images", []))


def _effective_user(model: DockerfileModel, stage: Stage) -> tuple[Instruction | None, bool]:
    """The USER instruction in force for a stage (own or inherited) and whether it is root."""
    for candidate in model.stage_chain(stage):
        users = candidate.of("USER")
        if users:
            last = users[-1]
            # A user from a build argument ($UID) is unknown: assume the author chose non-root.
            return last, _is_root_user(last.value) and "$" not in last.value
        if candidate.base_stage is None:
            return None, not runs_as_nonroot_by_default(candidate.ref)
    return None, True


@check("DKR001")
def root_user(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    final = model.final_stage
    if final is None:
        return
    user, is_root = _effective_user(model, final)
    if not is_root:
        return
    if user is None:
        yield _hit(
            final.from_instruction,
            final,
            f"The final stage {final.label} sets no USER, so the container runs as root; a "
            "compromise of the process is a compromise of root in the container.",
        )
    else:
        yield _hit(
            user,
            final,
            f"The final stage {final.label} switches to USER {user.value} (root) and the "
            "container runs as root; a compromise of the process is a compromise of root.",
        )


# --- DKR002 latest-tag, DKR003 unpinned-digest, DKR019 eol-base-image ----------------------


def _external_bases(model: DockerfileModel) -> Iterator[tuple[Stage, ImageRef]]:
    """Stages FROM a registry image (not scratch, not a stage, ARGs resolved)."""
    for stage in model.stages:
        if stage.ref is not None:
            yield stage, stage.ref


@check("DKR002")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, ref in _external_bases(_model(document)):
        if ref.digest or (ref.tag and ref.tag.lower() != "latest"):
            continue
        how = "has no tag" if not ref.tag else "uses the mutable tag latest"
        yield _hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image}, which {how}: every build may "
            "get a different image, so builds are not reproducible or reviewable.",
            properties={"image": stage.image},
        )


@check("DKR003")
def unpinned_digest(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, ref in _external_bases(_model(document)):
        if ref.digest:
            continue
        yield _hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image} without an @sha256 digest: "
            "whoever controls the tag controls what the build runs.",
            properties={"image": stage.image},
        )


def _cycle_of(word: str, parts: int, entry: dict[str, Any]) -> str | None:
    aliases = entry.get("aliases") or {}
    if word in aliases:
        return str(aliases[word])
    match = re.match(r"^v?(\d+(?:\.\d+)*)", word)
    if not match:
        return None
    numbers = match.group(1).split(".")
    cycles = entry.get("cycles") or {}
    for size in range(min(parts, len(numbers)), 0, -1):
        cycle = ".".join(numbers[:size])
        if cycle in cycles:
            return cycle
    return None


def _eol_matches(ref: ImageRef) -> Iterator[tuple[str, str, datetime.date]]:
    """(product, cycle, end-of-life date) for the image and the distribution inside its tag."""
    images = load_table("eol_images.yaml")["images"]
    tag = (ref.tag or "latest").lower()
    words = tag.split("-")
    entry = images.get(ref.name)
    if entry:
        if entry.get("all_tags_eol"):
            yield ref.name, tag, entry["all_tags_eol"]
        cycle = _cycle_of(words[0], entry.get("version_parts", 1), entry) or next(
            (c for w in words[1:] if (c := (entry.get("aliases") or {}).get(w))), None
        )
        if cycle and cycle in (entry.get("cycles") or {}):
            yield ref.name, str(cycle), entry["cycles"][cycle]
    for product, variant in images.items():
        if not variant.get("variant") or product == ref.name:
            continue
        for word in words:
            cycle = (variant.get("aliases") or {}).get(word)
            if cycle:
                yield product, str(cycle), variant["cycles"][cycle]
    for word in words:
        alpine = re.fullmatch(r"alpine(\d+\.\d+)(?:\.\d+)?", word)
        if alpine and ref.name != "alpine" and alpine.group(1) in images["alpine"]["cycles"]:
            yield "alpine", alpine.group(1), images["alpine"]["cycles"][alpine.group(1)]


def _as_of(rule: Rule) -> datetime.date:
    configured = rule.options.get("as_of")
    if isinstance(configured, datetime.date):
        return configured
    if configured:
        return datetime.date.fromisoformat(str(configured))
    return datetime.date.today()


@check("DKR019")
def eol_base_image(document: Document, rule: Rule) -> Iterator[Hit]:
    today = _as_of(rule)
    for stage, ref in _external_bases(_model(document)):
        ended = [(p, c, d) for p, c, d in _eol_matches(ref) if d <= today]
        if not ended:
            continue
        product, cycle, date = ended[0]
        yield _hit(
            stage.from_instruction,
            stage,
            f"Stage {stage.label} is built FROM {stage.image}: {product} {cycle} reached end "
            f"of life on {date.isoformat()} and gets no security fixes any more.",
            properties={"product": product, "cycle": cycle, "eol": date.isoformat()},
        )


# --- DKR004 secret-in-env-or-arg ----------------------------------------------------------


@check("DKR004")
def secret_in_env_or_arg(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    for instruction in model.instructions:
        stage = _stage_of(model, instruction)
        # As Docker reads it: a secret split over continued lines is found, and located.
        text = InstructionText(
            document.lines, instruction.start_line, instruction.end_line, model.escape
        )
        reported: set[str] = set()
        for name, value in _named_values(instruction):
            if value and is_literal_secret(name, value):
                reported.add(value)
                yield Hit(
                    message=f"{instruction.keyword} {name} in {_where(stage)} holds a literal "
                    "secret: it is stored in the image's layers and history for anyone who "
                    "pulls it.",
                    region=text.region_of(value) or instruction.region,
                    resource=stage.resource if stage else "Dockerfile",
                    properties={"variable": name},
                    secret_values=(value,),
                )
        for match in find_secrets(text.text):
            if match.value in reported:
                continue
            reported.add(match.value)
            yield Hit(
                message=f"{match.kind} hard-coded in a {instruction.keyword} instruction of "
                f"{_where(stage)}: it is stored in the image and the repository.",
                region=text.region_of(match.value) or instruction.region,
                resource=stage.resource if stage else "Dockerfile",
                properties={"secretType": match.kind},
                secret_values=(match.value,),
            )


def _named_values(instruction: Instruction) -> list[tuple[str, str | None]]:
    if instruction.keyword == "ENV":
        return list(env_assignments(instruction.value))
    if instruction.keyword == "ARG":
        return arg_assignments(instruction.value)
    return []


def _where(stage: Stage | None) -> str:
    return _stage_label(stage) if stage else "the global ARGs"


# --- DKR005 single-stage-build ------------------------------------------------------------

_TOOLCHAIN_PACKAGES = re.compile(
    r"^(gcc|g\+\+|gcc-c\+\+|clang|make|cmake|build-essential|build-base|alpine-sdk|go|"
    r"golang(-go|-\d[\d.]*)?|"
    r"maven|gradle|rustc|cargo|rust|openjdk-\d+-jdk|default-jdk|dotnet-sdk[\w.-]*|"
    r"development tools)$"
)
_INSTALL_VERBS = {
    "apt-get": ("install",), "apt": ("install",), "apk": ("add",), "yum": ("install",),
    "dnf": ("install",), "microdnf": ("install",), "zypper": ("install", "in"),
}  # fmt: skip
_BUILD_COMMANDS = {
    "go": ("build",), "mvn": ("package", "install", "verify"), "mvnw": ("package", "install"),
    "cargo": ("build",), "gradle": ("build", "assemble", "bootJar", "jar"),
    "gradlew": ("build", "assemble", "bootJar", "jar"), "dotnet": ("publish", "build"),
    "make": (),
}  # fmt: skip


def _installed_packages(command: Command) -> list[str]:
    verbs = _INSTALL_VERBS.get(command.program)
    args = command.args
    if not verbs:
        return []
    positional = _positional(args, command.program)
    if not positional or positional[0] not in verbs:
        return []
    return [re.split(r"[=<>~]", package, maxsplit=1)[0] for package in positional[1:]]


def _build_step(command: Command) -> str | None:
    program, args = command.program, command.args
    positional = _positional(args)
    if program in ("npm", "yarn", "pnpm") and any(w.startswith("build") for w in positional[:2]):
        return f"{program} {' '.join(positional[:2])}"
    verbs = _BUILD_COMMANDS.get(program)
    if verbs is None:
        return None
    if not verbs:
        return program
    found = next((word for word in positional if word in verbs), None)
    return f"{program} {found}" if found else None


_REMOVE_VERBS = {
    "apt-get": ("purge", "remove", "autoremove"), "apt": ("purge", "remove", "autoremove"),
    "apk": ("del",), "yum": ("remove", "erase"), "dnf": ("remove",), "microdnf": ("remove",),
}  # fmt: skip


def _removes_packages(commands: list[Command]) -> bool:
    """`apk add --virtual .deps gcc ... && apk del .deps`: the toolchain leaves with its RUN."""
    return any(_subcommand(c) in _REMOVE_VERBS.get(c.program, ()) for c in commands)


@check("DKR005")
def single_stage_build(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
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
                yield _hit(
                    instruction,
                    stage,
                    f"This single-stage Dockerfile {what}, so the compilers and build tools "
                    "ship in the runtime image; build in a separate stage and copy the result.",
                )
                return


# --- DKR006 add-instead-of-copy, DKR007 add-remote-url ------------------------------------

_ARCHIVE = re.compile(r"\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst|lz|lzma)|gz|bz2|xz|zst)$", re.I)
_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.I)


def _sources(instruction: Instruction) -> list[str]:
    """COPY/ADD sources (everything but the destination); heredoc sources excluded."""
    words = instruction.words
    return [w for w in words[:-1] if not w.startswith("<<")] if len(words) > 1 else []


def _destination(instruction: Instruction) -> str:
    words = instruction.words
    return words[-1] if words else ""


@check("DKR006")
def add_instead_of_copy(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    for stage in model.stages:
        for instruction in stage.of("ADD"):
            if instruction.flag("from") is not None:
                continue
            local = [s for s in _sources(instruction) if not _REMOTE.match(s) and "$" not in s]
            plain = [s for s in local if not _ARCHIVE.search(s)]
            if plain:
                yield _hit(
                    instruction,
                    stage,
                    f"ADD copies the local path {plain[0]} in {_stage_label(stage)}; ADD also "
                    "fetches URLs and unpacks archives, so COPY states the intent safely.",
                )


@check("DKR007")
def add_remote_url(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    for stage in model.stages:
        for instruction in stage.of("ADD"):
            if instruction.flag("checksum"):
                continue
            urls = [s for s in _sources(instruction) if re.match(r"^https?://", s, re.I)]
            if urls:
                yield _hit(
                    instruction,
                    stage,
                    f"ADD downloads {urls[0]} in {_stage_label(stage)} without --checksum: "
                    "whatever the server returns goes into the image unverified.",
                    properties={"url": urls[0]},
                )


# --- DKR008 curl-pipe-shell, DKR009 sudo --------------------------------------------------

_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
# `bash <(curl ...)`, `sh -c "$(curl ...)"`, `source <(wget ...)`, `eval "$(curl ...)"`.
_PROCESS_SUBSTITUTION = re.compile(
    r"(?:\b(?:sh|bash|zsh|ash|dash|ksh)\s+(?:-\S+\s+)*|\bsource\s+|(?:^|[\s;&|])\.\s+|\beval\s+)"
    r"(?:<\(|-c\s+[\"']?\$\(|[\"']?\$\()\s*(?:\S*/)?(?:curl|wget)\b"
)
_INTERPRETERS = POSIX_SHELLS | {"python", "python3", "perl", "ruby", "node"}
# python3.12 -> python. Tried only where a run of digits starts: `\d+(\.\d+)?$` rescans a long
# run from each of its digits (quadratic).
_VERSION_SUFFIX = re.compile(r"(?<!\d)\d++(?:\.\d++)?$")


def _pipes_download_into_shell(commands: list[Command]) -> bool:
    downloading: set[int] = set()
    for command in commands:
        if command.program in _DOWNLOADERS:
            downloading.add(command.pipeline)
        elif command.pipeline in downloading and command.position > 0:
            program = _VERSION_SUFFIX.sub("", command.program)
            # A shell always runs what it reads; other interpreters only without a script file.
            if program in POSIX_SHELLS or (
                program in _INTERPRETERS and not _positional(command.args)
            ):
                return True
    return False


@check("DKR008")
def curl_pipe_shell(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        script = instruction.script or ""
        if _pipes_download_into_shell(instruction.commands) or _PROCESS_SUBSTITUTION.search(script):
            yield _hit(
                instruction,
                stage,
                f"RUN in {_stage_label(stage)} pipes a downloaded script straight into an "
                "interpreter: whatever the server (or anyone on the path) sends runs in the "
                "build unreviewed.",
            )


@check("DKR009")
def sudo(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        if any("sudo" in c.wrapped_in or c.program == "sudo" for c in instruction.commands):
            yield _hit(
                instruction,
                stage,
                f"RUN in {_stage_label(stage)} uses sudo: builds already run as the current "
                "USER, and sudo in an image invites privilege escalation at run time.",
            )


# --- DKR010 expose-ssh, DKR021, DKR025: declarative (rules/dockerfile.yaml) ----------------
# --- DKR011 missing-healthcheck -----------------------------------------------------------


@check("DKR011")
def missing_healthcheck(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    final = model.final_stage
    if final is None:
        return
    if any(stage.of("HEALTHCHECK") for stage in model.stage_chain(final)):
        return
    yield _hit(
        final.from_instruction,
        final,
        f"The final stage {final.label} has no HEALTHCHECK, so Docker and orchestrators that "
        "read it cannot tell a hung container from a healthy one.",
    )


# --- DKR012 apt-hygiene, DKR013 package-upgrade, DKR022 apt, DKR023 update-alone -----------

_APT = frozenset({"apt-get", "apt"})
_YES_OPTIONS = ("-y", "--yes", "--assume-yes", "-qq", "-q=2", "--quiet=2")


def _subcommand(command: Command) -> str | None:
    positional = _positional(command.args, command.program)
    return positional[0] if positional else None


def _has_cache_mount(instruction: Instruction, path: str) -> bool:
    return any(
        "type=cache" in mount and path in mount for mount in instruction.flags.get("mount", [])
    )


def _removes(commands: list[Command], prefix: str) -> bool:
    return any(
        c.program == "rm" and any(arg.startswith(prefix) for arg in c.args) for c in commands
    )


def _apt_problems(
    command: Command, commands: list[Command], instruction: Instruction, shipped: bool
) -> list[str]:
    problems = []
    args = command.args
    if not _has_option(args, _YES_OPTIONS, short="y"):
        problems.append("-y")
    if shipped:
        if not _has_option(args, ("--no-install-recommends",)) and not any(
            "Install-Recommends=false" in arg or "Install-Recommends=0" in arg for arg in args
        ):
            problems.append("--no-install-recommends")
        if not _removes(commands, "/var/lib/apt/lists") and not _has_cache_mount(
            instruction, "/var/lib/apt"
        ):
            problems.append("rm -rf /var/lib/apt/lists/* in the same RUN")
    return problems


def _apk_problems(
    command: Command, commands: list[Command], instruction: Instruction, shipped: bool
) -> list[str]:
    cache_left = not (
        _has_option(command.args, ("--no-cache",))
        or _removes(commands, "/var/cache/apk")
        or _has_cache_mount(instruction, "/var/cache/apk")
    )
    return ["apk add --no-cache"] if shipped and cache_left else []


@check("DKR012")
def apt_hygiene(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    shipped = {stage.index for stage in model.shipped_stages()}
    for stage, instruction in _runs(model):
        commands = instruction.commands
        problems: list[str] = []
        for command in commands:
            if command.program in _APT and _subcommand(command) == "install":
                problems += _apt_problems(command, commands, instruction, stage.index in shipped)
            elif command.program == "apk" and _subcommand(command) == "add":
                problems += _apk_problems(command, commands, instruction, stage.index in shipped)
        if problems:
            missing = ", ".join(dict.fromkeys(problems))
            yield _hit(
                instruction,
                stage,
                f"Package installation in {_stage_label(stage)} lacks {missing}: builds "
                "can stall on prompts and the image keeps package lists and caches.",
                properties={"missing": list(dict.fromkeys(problems))},
            )


_UPGRADES = {
    "apt-get": ("upgrade", "dist-upgrade", "full-upgrade"),
    "apt": ("upgrade", "dist-upgrade", "full-upgrade"),
    "apk": ("upgrade",),
    "yum": ("update", "upgrade"),
    "dnf": ("update", "upgrade"),
    "microdnf": ("update", "upgrade"),
}


@check("DKR013")
def package_upgrade(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        for command in instruction.commands:
            positional = _positional(command.args, command.program)
            verbs = _UPGRADES.get(command.program, ())
            if positional and positional[0] in verbs and len(positional) == 1:
                yield _hit(
                    instruction,
                    stage,
                    f"{command.program} {positional[0]} in {_stage_label(stage)} upgrades "
                    "every package to whatever is current at build time: builds stop being "
                    "reproducible; use a newer base image instead.",
                )
                break


@check("DKR022")
def apt_not_apt_get(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        if any(command.program == "apt" for command in instruction.commands):
            yield _hit(
                instruction,
                stage,
                f"RUN in {_stage_label(stage)} uses apt, whose command-line interface is not "
                "stable for scripts; use apt-get.",
            )


# A package manager, then an install in the same command. The text between never holds the
# manager's name again: `re` tries every occurrence, and each would scan to the end of the
# command (quadratic in `apt apt apt ...`); whether one matches is unchanged.
_APT, _APK = r"\b(?:apt-get|apt|aptitude)\b", r"\bapk\b"
_INSTALLS_TEXT = re.compile(
    rf"{_APT}(?:(?!{_APT})[^;&|\n])*\b(?:install|upgrade|dist-upgrade|build-dep)\b|"
    rf"{_APK}(?:(?!{_APK})[^;&|\n])*\b(?:add|upgrade)\b"
)


@check("DKR023")
def update_alone(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        updates = [
            c.program
            for c in instruction.commands
            if c.program in ("apt-get", "apt", "apk") and _subcommand(c) == "update"
        ]
        if updates and not _INSTALLS_TEXT.search(instruction.script or ""):
            yield _hit(
                instruction,
                stage,
                f"{updates[0]} update runs in {_stage_label(stage)} without an install in the "
                "same RUN: the cached layer keeps stale package lists for later installs.",
            )


# --- DKR014 shell-form-entrypoint, DKR020 multiple-entrypoints ----------------------------


_SHELL_FORM_EFFECT = {
    "ENTRYPOINT": "/bin/sh becomes PID 1, so the application never receives SIGTERM and stops "
    "are not graceful (and CMD is ignored).",
    "CMD": "/bin/sh becomes PID 1, so the application never receives SIGTERM and stops are "
    "not graceful.",
    "CMD after an exec-form ENTRYPOINT": "the ENTRYPOINT receives `/bin/sh -c <command>` as "
    "its arguments instead of the command's own words.",
}


@check("DKR014")
def shell_form_entrypoint(document: Document, rule: Rule) -> Iterator[Hit]:
    final = _model(document).final_stage
    if final is None:
        return
    entrypoints = final.of("ENTRYPOINT")
    for keyword in ("ENTRYPOINT", "CMD"):
        instructions = final.of(keyword)
        if not instructions or instructions[-1].form != "shell" or not instructions[-1].posix_shell:
            continue
        effect = keyword
        if keyword == "CMD" and entrypoints and entrypoints[-1].form == "exec":
            effect = "CMD after an exec-form ENTRYPOINT"
        yield _hit(
            instructions[-1],
            final,
            f"{keyword} of the final stage {final.label} is in shell form: "
            + _SHELL_FORM_EFFECT[effect],
        )


@check("DKR020")
def multiple_entrypoints(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage in _model(document).stages:
        for keyword in ("CMD", "ENTRYPOINT"):
            instructions = stage.of(keyword)
            for ignored in instructions[:-1]:
                yield _hit(
                    ignored,
                    stage,
                    f"{_stage_label(stage).capitalize()} has {len(instructions)} {keyword} "
                    f"instructions; this one is overridden by line {instructions[-1].start_line}.",
                )


# --- DKR015 sensitive-file-copied, DKR018 secret-removed-in-later-layer -------------------

_SENSITIVE_NAME = re.compile(
    r"^(id_(rsa|dsa|ecdsa|ed25519)|\.env(\.(?!example|sample|template|dist|defaults?)[\w.-]+)?|"
    r"\.npmrc|\.pypirc|\.netrc|\.git-credentials|kubeconfig|credentials(\.json)?|"
    r".*\.(key|p12|pfx|jks|keystore)|.*\.pem)$",
    re.I,
)
_SENSITIVE_DIR = re.compile(r"(^|/)(\.aws|\.ssh|\.git|\.kube|\.gnupg)/")
_SENSITIVE_FILE_PATH = re.compile(r"(^|/)\.docker/config\.json$")  # registry credentials
# A .pem holding a certificate (public) is not a secret.
_PUBLIC_PEM = re.compile(r"(cert|crt|chain|\bca\b|^ca[-_.]|bundle|pub|public|root)", re.I)


def is_sensitive_path(path: str) -> bool:
    cleaned = path.strip().rstrip("/")
    if _SENSITIVE_DIR.search(cleaned + "/") or _SENSITIVE_FILE_PATH.search(cleaned):
        return True
    name = posixpath.basename(cleaned)
    if not _SENSITIVE_NAME.match(name):
        return False
    if name.lower().endswith(".pem") and _PUBLIC_PEM.search(name):
        return False
    return not name.endswith(".pub")


@check("DKR015")
def sensitive_file_copied(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage in _model(document).stages:
        for instruction in stage.of("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue
            sensitive = [s for s in _sources(instruction) if is_sensitive_path(s)]
            if sensitive:
                yield _hit(
                    instruction,
                    stage,
                    f"{instruction.keyword} puts {sensitive[0]} into {_stage_label(stage)}: "
                    "keys and credentials in an image are readable by anyone who pulls it.",
                    properties={"path": sensitive[0]},
                )


def _copied_files(
    tree: PathTree, instruction: Instruction, workdir: int
) -> Iterator[tuple[str, int]]:
    """(source, node of the absolute path) for each file a COPY/ADD writes."""
    sources = _sources(instruction)
    destination = _destination(instruction)
    if not sources or "$" in destination:
        return
    target = tree.join(workdir, destination)
    into_directory = destination.endswith("/") or len(sources) > 1
    for source in sources:
        if _REMOTE.match(source) or "$" in source:
            continue
        name = posixpath.basename(source.rstrip("/"))
        # A directory (`dir/`, `.`) copies its contents: the destination itself is what appears.
        # A glob (`*.whl`) stays a glob, which an identical `rm` glob or a parent matches.
        is_directory = source.endswith("/") or name in ("", ".")
        yield source, tree.join(target, name) if into_directory and not is_directory else target


def _removed_files(tree: PathTree, commands: list[Command], workdir: int) -> Iterator[int]:
    """Nodes of the absolute paths that `rm` deletes, following `cd` inside the script."""
    cwd: int | None = workdir
    for command in commands:
        targets = _positional(command.args)
        if command.program == "cd":
            target = targets[0] if targets else "/root"
            unknown = cwd is None or "$" in target or target == "-"
            cwd = None if unknown else tree.join(cwd, target)
        elif command.program == "rm" and cwd is not None:
            yield from (tree.join(cwd, target) for target in targets if "$" not in target)


@check("DKR018")
def secret_removed_in_later_layer(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage in _model(document).stages:
        yield from _deleted_in_later_layer(stage)


def _deleted_in_later_layer(stage: Stage) -> Iterator[Hit]:
    tree = PathTree()
    workdir = tree.ROOT
    added: list[tuple[int, int]] = []  # (position in the stage, node) of each copied file
    copies: list[tuple[str, Instruction]] = []  # its source and instruction
    removed: list[tuple[int, int]] = []  # (position of the RUN, node) of each `rm` target
    for position, instruction in enumerate(stage.instructions):
        if instruction.keyword == "WORKDIR" and "$" not in instruction.value:
            workdir = tree.join(workdir, instruction.value.strip().strip("\"'"))
        elif instruction.keyword in ("COPY", "ADD"):
            for source, node in _copied_files(tree, instruction, workdir):
                added.append((position, node))
                copies.append((source, instruction))
        elif instruction.keyword == "RUN":
            targets = _removed_files(tree, instruction.commands, workdir)
            removed.extend((position, node) for node in targets)
    deleted_by: dict[int, list[int]] = {}  # a RUN's position -> the files it deletes
    for index, position in enumerate(first_removals(tree, added, removed)):
        if position is not None:
            deleted_by.setdefault(position, []).append(index)
    for position in sorted(deleted_by):
        for index in deleted_by[position]:
            source, origin = copies[index]
            path = tree.text(added[index][1])
            sensitive = is_sensitive_path(source)
            yield _hit(
                stage.instructions[position],
                stage,
                f"{path} is added by {origin.keyword} at line {origin.start_line} and deleted "
                f"by this RUN in {_stage_label(stage)}, but it stays readable in the earlier "
                "layer" + ("; use a RUN --mount=type=secret instead." if sensitive else "."),
                severity=None if sensitive else Severity.LOW,
                properties={"path": path, "added_at": origin.start_line},
            )


# --- DKR016 world-writable ----------------------------------------------------------------


def _world_writable_mode(mode: str) -> bool:
    if re.fullmatch(r"0?[0-7]{3}", mode):
        return int(mode[-1]) & 2 != 0
    if re.fullmatch(r"[0-7]{4}", mode):
        # 1777 (sticky, like /tmp) lets only owners delete their files: the accepted pattern.
        return int(mode[-1]) & 2 != 0 and int(mode[0]) & 1 == 0
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)([+=])([rwxXst]*)", clause)
        if match and "w" in match.group(3) and ("o" in match.group(1) or "a" in match.group(1)):
            return "t" not in match.group(3)
    return False


@check("DKR016")
def world_writable(document: Document, rule: Rule) -> Iterator[Hit]:
    for stage, instruction in _runs(_model(document)):
        for command in instruction.commands:
            if command.program != "chmod":
                continue
            modes = [
                a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwx]+", a)
            ]
            if modes and _world_writable_mode(modes[0]):
                yield _hit(
                    instruction,
                    stage,
                    f"chmod {modes[0]} in {_stage_label(stage)} makes paths writable by every "
                    "user in the container, so any process can replace code or data there.",
                )
                break


# --- DKR017 tls-verification-disabled -----------------------------------------------------

_CURL_VALUE_OPTIONS = set("oHduXAeFTbcCDEKmrwxYyzUQtP")
_TLS_ENV = {
    # git disables verification when the variable is set at all, whatever its value.
    "GIT_SSL_NO_VERIFY": lambda v: v.strip() != "",
    "PIP_TRUSTED_HOST": lambda v: v.strip() != "",
    "NPM_CONFIG_STRICT_SSL": lambda v: v.strip().lower() in ("false", "0", "no"),
    "PYTHONHTTPSVERIFY": lambda v: v.strip() == "0",
    "NODE_TLS_REJECT_UNAUTHORIZED": lambda v: v.strip() == "0",
}


def _curl_insecure(args: list[str]) -> bool:
    for arg in args:
        if arg == "--insecure":
            return True
        for letter in _short_flags(arg):
            if letter == "k":
                return True
            if letter in _CURL_VALUE_OPTIONS:
                break
    return False


def _tls_disabled(command: Command) -> str | None:
    program, args = command.program, command.args
    lowered = [a.lower() for a in args]
    if program == "curl" and _curl_insecure(args):
        return "curl -k/--insecure"
    if program == "wget" and "--no-check-certificate" in lowered:
        return "wget --no-check-certificate"
    if program == "git":
        joined = " ".join(lowered)
        if re.search(r"http\.sslverify(=|\s+)(false|0|no|off)\b", joined):
            return "git http.sslVerify false"
    runs_pip = re.fullmatch(r"pip\d*(\.\d+)?", program) or (
        re.fullmatch(r"python\d*(\.\d+)?", program) and lowered[:2] == ["-m", "pip"]
    )
    if runs_pip and any("trusted-host" in a for a in lowered):
        return "pip --trusted-host"
    if program in ("npm", "yarn", "pnpm") and re.search(
        r"strict-ssl(=|\s+)false\b", " ".join(lowered)
    ):
        return f"{program} strict-ssl false"
    for name, value in command.assignments:
        if name in _TLS_ENV and _TLS_ENV[name](value):
            return f"{name}={value}"
    if program == "export":
        for arg in args:
            name, _, value = arg.partition("=")
            if name in _TLS_ENV and _TLS_ENV[name](value):
                return f"{name}={value}"
    return None


@check("DKR017")
def tls_verification_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    model = _model(document)
    for instruction in model.instructions:
        stage = _stage_of(model, instruction)
        found: str | None = None
        if instruction.keyword == "RUN":
            found = next(filter(None, (_tls_disabled(c) for c in instruction.commands)), None)
        elif instruction.keyword in ("ENV", "ARG"):
            for name, value in _named_values(instruction):
                if name in _TLS_ENV and value is not None and _TLS_ENV[name](value):
                    found = f"{name}={value}"
                    break
        if found:
            yield _hit(
                instruction,
                stage,
                f"{found} in {_where(stage)} turns off TLS certificate checks, so a "
                "man-in-the-middle can feed the build any package or script.",
                properties={"setting": found},
            )


# --- DKR024 duplicate-stage-alias ---------------------------------------------------------


@check("DKR024")
def duplicate_stage_alias(document: Document, rule: Rule) -> Iterator[Hit]:
    seen: dict[str, Stage] = {}
    for stage in _model(document).stages:
        if not stage.name:
            continue
        first = seen.setdefault(stage.name.lower(), stage)
        if first is not stage:
            yield _hit(
                stage.from_instruction,
                stage,
                f"Stage name {stage.name} is already used by the stage at line "
                f"{first.from_instruction.start_line}; FROM and COPY --from={stage.name} "
                "become ambiguous.",
            )


# --- DKR026 copy-whole-context-without-dockerignore ---------------------------------------


@check("DKR026")
def copy_whole_context_without_dockerignore(document: Document, rule: Rule) -> Iterator[Hit]:
    if document.meta.get("dockerignore"):
        return
    for stage in _model(document).stages:
        for instruction in stage.of("COPY", "ADD"):
            if instruction.flag("from") is not None:
                continue
            if any(source.rstrip("/") in (".", "") for source in _sources(instruction)):
                yield _hit(
                    instruction,
                    stage,
                    f"{instruction.keyword} copies the whole build context into "
                    f"{_stage_label(stage)} and no .dockerignore filters it: .git, .env files "
                    "and local credentials end up in the image.",
                )
