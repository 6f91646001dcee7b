"""What common commands of build scripts do, read from their words (guardlint.parse.shell):
which words are options and which are operands (package managers' options that take a value
included), and the risky uses: a download piped into an interpreter, TLS certificate checks
turned off, a world-writable chmod. Dockerfile RUN instructions (DKR008, DKR016, DKR017) and
the commands of CodeBuild buildspecs (CBD004, CBD005) use the same tests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator

from guardlint.parse.shell import POSIX_SHELLS, Command, commands


def short_flags(word: str) -> str:
    """The letters of a combined short option (`-fsSL` -> `fsSL`); '' for anything else."""
    return word[1:] if word.startswith("-") and not word.startswith("--") else ""


def has_option(args: list[str], long_names: Iterable[str], short: str = "") -> bool:
    """Whether the arguments, before any `--`, give one of the options (`--name=value` too)."""
    names = tuple(long_names)
    for arg in args:
        if arg == "--":
            return False
        if arg in names or any(
            arg.startswith(name + "=") for name in names if name.startswith("--")
        ):
            return True
        if short and short in short_flags(arg):
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


def operands(args: list[str], program: str = "") -> list[str]:
    """Arguments that are not options (nor the values of `program`'s options)."""
    with_value = _OPTIONS_WITH_VALUE.get(program, frozenset())
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in with_value
        else:
            found.append(arg)
    return found


def subcommand(command: Command) -> str | None:
    """The first operand (`apt-get -y install x` -> install), or None."""
    words = operands(command.args, command.program)
    return words[0] if words else None


@functools.cache
def _words(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split())


def first_matching(
    commands: list[Command], patterns: Iterable[str], as_wrapper: bool = False, alone: bool = False
) -> tuple[Command, str] | None:
    """The first command that a pattern `PROGRAM [SUBCOMMAND]` describes, with the words it
    matched. `as_wrapper`: a program that wraps another (`sudo apt-get ...`) matches too;
    `alone`: nothing may follow the subcommand (`apt-get upgrade`, not `apt-get upgrade curl`)."""
    wanted = [words for words in map(_words, patterns) if words]
    for command in commands:
        for program, *rest in wanted:
            if command.program != program:
                if as_wrapper and program in command.wrapped_in:
                    return command, program
                continue
            words = operands(command.args, program)
            if words[: len(rest)] == rest and (not alone or len(words) == len(rest)):
                return command, " ".join((program, *rest))
    return None


# --- a download piped into an interpreter --------------------------------------------------

# PowerShell's names (any case) as well: `iwr ... | iex`.
_DOWNLOADERS = frozenset(
    {"curl", "wget", "fetch", "iwr", "irm", "invoke-webrequest", "invoke-restmethod"}
)
# `bash <(curl ...)`, `sh -c "$(curl ...)"`, `source <(wget ...)`, `eval "$(curl ...)"`,
# `` bash -c "`curl ...`" ``, `python3 <(curl ...)`, `perl -e "$(curl ...)"`, `busybox wget` too.
_PROCESS_SUBSTITUTION = re.compile(
    r"(?:\b(?:sh|bash|zsh|ash|dash|ksh|python[\d.]*|perl|ruby|node|php)\s+(?:-\S+\s+)*|\bsource\s+|(?:^|[\s;&|])\.\s+|\beval\s+)"
    r"(?:<\(|-c\s+[\"']?(?:\$\(|`)|[\"']?(?:\$\(|`))\s*(?:\S*/)?(?:busybox\s+)?(?:curl|wget)\b"
)
# PowerShell evaluating a download: `iex (iwr ...)`, `iex ((New-Object Net.WebClient)
# .DownloadString(...))`, `(New-Object Net.WebClient).DownloadString(...) | iex`.
_WEB_CLIENT = r"new-object\s++(?:system\.)?net\.webclient\b"
_POWERSHELL_EVALUATION = re.compile(
    rf"\b(?:iex|invoke-expression)[\s(]*+(?:\$\(\s*+)?(?:(?:iwr|irm|invoke-webrequest|"
    rf"invoke-restmethod|curl|wget)\b|{_WEB_CLIENT})"
    rf"|{_WEB_CLIENT}\)\.download(?:string|data)\([^|\n)]{{0,500}}\)\s*+\|\s*+"
    r"(?:iex|invoke-expression)\b",
    re.IGNORECASE,
)
# Programs that run the code they read from their input (without a script file, for all but
# the shells and PowerShell's Invoke-Expression, which always do).
_EVALUATORS = POSIX_SHELLS | {"iex", "invoke-expression"}
_INTERPRETERS = _EVALUATORS | {"python", "python3", "perl", "ruby", "node", "php", "pwsh",
                               "powershell"}  # fmt: skip
_NESTING = 4  # `sh -c '...'` scripts read inside one another, at most
# Besides the shells' `-c`: the options after which other programs take a script to run.
_POWERSHELL_COMMAND = frozenset({"-c", "-command"})
_SCRIPT_OPTIONS = {"su": frozenset({"-c", "--command"}), "powershell": _POWERSHELL_COMMAND,
                   "pwsh": _POWERSHELL_COMMAND}  # fmt: skip
# python3.12 -> python. Tried only where a run of digits starts: `\d+(\.\d+)?$` rescans a long
# run from each of its digits (quadratic).
VERSION_SUFFIX = re.compile(r"(?<!\d)\d++(?:\.\d++)?$")


def _pipes_download_into_interpreter(parsed: list[Command]) -> bool:
    downloading: set[int] = set()
    for command in parsed:
        program = command.program.lower()
        if program in _DOWNLOADERS:
            downloading.add(command.pipeline)
        elif command.pipeline in downloading and command.position > 0:
            program = VERSION_SUFFIX.sub("", program)
            # A shell always runs what it reads; other interpreters only without a script file.
            if program in _EVALUATORS or (program in _INTERPRETERS and not operands(command.args)):
                return True
    return False


def _script_option(program: str, arg: str) -> bool:
    if program in POSIX_SHELLS:
        return "c" in short_flags(arg)
    return arg.lower() in _SCRIPT_OPTIONS.get(program, ())


def _inline_scripts(parsed: list[Command]) -> Iterator[str]:
    """The scripts that programs run from their arguments: `sh -c 'SCRIPT'`, `bash -lc "SCRIPT"`,
    `su -c 'SCRIPT'`, `powershell -Command "SCRIPT"`."""
    for command in parsed:
        program, args = command.program.lower(), command.args
        if program not in POSIX_SHELLS and program not in _SCRIPT_OPTIONS:
            continue
        flag = next((i for i, arg in enumerate(args) if _script_option(program, arg)), None)
        script = None if flag is None else next(iter(operands(args[flag + 1 :])), None)
        if script is not None:
            yield script


def runs_downloaded_script(script: str, parsed: list[Command], nesting: int = _NESTING) -> bool:
    """Whether the script runs what it downloads unread: `curl ... | sh`, `bash <(curl ...)`,
    `eval "$(wget -qO- ...)"`, `iwr ... | iex`, also inside `sh -c '...'` (`parsed`: the
    script's commands, from guardlint.parse.shell)."""
    if _pipes_download_into_interpreter(parsed) or _PROCESS_SUBSTITUTION.search(script):
        return True
    if _POWERSHELL_EVALUATION.search(script):
        return True
    return nesting > 0 and any(
        runs_downloaded_script(inner, commands(inner), nesting - 1)
        for inner in _inline_scripts(parsed)
    )


# --- TLS certificate checks turned off ------------------------------------------------------

_CURL_VALUE_OPTIONS = set("oHduXAeFTbcCDEKmrwxYyzUQtP")
_TLS_ENV: dict[str, Callable[[str], bool]] = {
    # git (http.c: `if (getenv("GIT_SSL_NO_VERIFY"))`) disables verification when the
    # variable is set at all, whatever its value: "false", "0" and "" too.
    "GIT_SSL_NO_VERIFY": lambda v: True,
    "PIP_TRUSTED_HOST": lambda v: v.strip() != "",
    "NPM_CONFIG_STRICT_SSL": lambda v: v.strip().lower() in ("false", "0", "no"),
    "PYTHONHTTPSVERIFY": lambda v: v.strip() == "0",
    "NODE_TLS_REJECT_UNAUTHORIZED": lambda v: v.strip() == "0",
}


def tls_variable_disables(name: str, value: str) -> bool:
    """Whether setting the environment variable turns off a tool's TLS certificate checks."""
    return name in _TLS_ENV and _TLS_ENV[name](value)


def _curl_insecure(args: list[str]) -> bool:
    for arg in args:
        if arg == "--insecure":
            return True
        for letter in short_flags(arg):
            if letter == "k":
                return True
            if letter in _CURL_VALUE_OPTIONS:
                break
    return False


def tls_disabled(command: Command) -> str | None:
    """How the command turns off TLS certificate checks (`curl -k/--insecure`, ...), if it does."""
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
        if tls_variable_disables(name, value):
            return f"{name}={value}"
    if program == "export":
        for arg in args:
            name, assigned, value = arg.partition("=")
            # `export NAME` alone sets nothing: it exports a value only if there is one.
            if assigned and tls_variable_disables(name, value):
                return f"{name}={value}"
    return None


def first_tls_disabled(commands: Iterable[Command]) -> str | None:
    """How the first command that turns off TLS certificate checks does it (tls_disabled)."""
    return next(filter(None, map(tls_disabled, commands)), None)


# --- world-writable modes -------------------------------------------------------------------


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


def world_writable_chmod(command: Command) -> str | None:
    """The mode of a chmod that lets every user write (`777`, `o+w`; not the sticky `1777`)."""
    if command.program != "chmod":
        return None
    modes = [a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwx]+", a)]
    return modes[0] if modes and _world_writable_mode(modes[0]) else None
