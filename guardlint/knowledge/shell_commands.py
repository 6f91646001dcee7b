"""What common commands of build scripts do, read from their words (guardlint.parse.shell):
which words are options and which are operands (package managers' options that take a value
included), and the risky uses: a download piped into an interpreter, TLS certificate checks
turned off, a world-writable chmod (a download run unread is shell_downloads'). Dockerfile RUNs
(DKR016, DKR017) and the commands of CodeBuild buildspecs (CBD005) use the same tests."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Iterable

from guardlint.knowledge.package_options import OPTIONS_WITH_VALUE
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command, run_commands


def short_flags(word: str) -> str:
    """The letters of a combined short option (`-fsSL` -> `fsSL`); '' for anything else."""
    return word[1:] if word.startswith("-") and not word.startswith("--") else ""


def has_option(args: list[str], long_names: Iterable[str], short: str = "") -> bool:
    """Whether the arguments, before any `--`, give one of the options (`--name=value` too)."""
    names = tuple(long_names)
    valued = tuple(name + "=" for name in names if name.startswith("--"))
    for arg in args:
        if arg == "--":
            return False
        if arg in names or (valued and arg.startswith(valued)):
            return True
        if short and short in short_flags(arg):
            return True
    return False


def operands(args: list[str], program: str = "") -> list[str]:
    """Arguments that are not options (nor the values of `program`'s options that take the
    next word: guardlint.knowledge.package_options)."""
    with_value = OPTIONS_WITH_VALUE.get(program, frozenset())
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in with_value
        else:
            found.append(arg)
    return found


def command_operands(command: Command, program: str | None = None) -> list[str]:
    """operands(command.args, program or the command's own), once per command and program
    (several rules read them: an install of 15,000 packages was walked nine times)."""
    program = command.program if program is None else program
    memo = command.__dict__.setdefault("_operands", {})
    if program not in memo:
        memo[program] = operands(command.args, program)
    return memo[program]


def subcommand(command: Command) -> str | None:
    """The first operand (`apt-get -y install x` -> install), or None."""
    words = command_operands(command)
    return words[0] if words else None


@functools.lru_cache(maxsize=256)  # a rule's patterns, read for each RUN: split once
def _wanted(patterns: tuple[str, ...]) -> tuple[list[list[str]], frozenset[str]]:
    wanted = [words for words in map(str.split, patterns) if words]
    return wanted, frozenset(words[0] for words in wanted)


def first_matching(
    commands: list[Command], patterns: Iterable[str], as_wrapper: bool = False, alone: bool = False
) -> tuple[Command, str] | None:
    """The first command that a pattern `PROGRAM [SUBCOMMAND]` describes, with the words it
    matched. `as_wrapper`: a program that wraps another (`sudo apt-get ...`) matches too;
    `alone`: nothing may follow the subcommand (`apt-get upgrade`, not `apt-get upgrade curl`)."""
    wanted, programs = _wanted(tuple(patterns))
    for command in commands:
        # Most commands run none of the programs: passed at once, not tried against each
        # pattern (commands x patterns for each rule on a long script).
        if command.program not in programs and not (
            as_wrapper and not programs.isdisjoint(command.wrapped_in)
        ):
            continue
        for program, *rest in wanted:
            if command.program != program:
                if as_wrapper and program in command.wrapped_in:
                    return command, program
                continue
            words = command_operands(command, program)
            if words[: len(rest)] == rest and (not alone or len(words) == len(rest)):
                return command, " ".join((program, *rest))
    return None


# --- TLS certificate checks turned off ------------------------------------------------------

# curl's short options that take a value (`-o FILE`, `-H HEADER`).
CURL_VALUE_OPTIONS = frozenset("oHduXAeFTbcCDEKmrwxYyzUQtP")
# Maven's system properties that relax its transport's certificate checks (wagon's, Maven 3.9's
# native one's), `-Dname` alone meaning true; on its command line or in MAVEN_OPTS.
_MAVEN_INSECURE = frozenset(
    {"-dmaven.wagon.http.ssl.insecure", "-dmaven.wagon.http.ssl.insecure=true",
     "-daether.connector.https.securitymode=insecure"}
)  # fmt: skip
_MAVENS = frozenset({"mvn", "mvnw", "mvn.cmd", "mvnw.cmd"})


def _maven_insecure(words: Iterable[str]) -> bool:
    """Whether Maven options relax its certificate checks."""
    return any(word.lower() in _MAVEN_INSECURE for word in words)


_TLS_ENV: dict[str, Callable[[str], bool]] = {
    # git (http.c: `if (getenv("GIT_SSL_NO_VERIFY"))`) disables verification when the
    # variable is set at all, whatever its value: "false", "0" and "" too.
    "GIT_SSL_NO_VERIFY": lambda v: True,
    "PIP_TRUSTED_HOST": lambda v: v.strip() != "",
    "UV_INSECURE_HOST": lambda v: v.strip() != "",
    "NPM_CONFIG_STRICT_SSL": lambda v: v.strip().lower() in ("false", "0", "no"),
    "PYTHONHTTPSVERIFY": lambda v: v.strip() == "0",
    "NODE_TLS_REJECT_UNAUTHORIZED": lambda v: v.strip() == "0",
    "MAVEN_OPTS": lambda v: _maven_insecure(v.split()),
    # Go fetches these module paths over HTTP or HTTPS without certificate checks.
    "GOINSECURE": lambda v: v.strip() != "",
}


# Settings that turn certificate checks off, by program: the pattern (over the lower-cased
# arguments joined by spaces) and how a finding names it. Each pattern's spans of spaces are
# possessive: `\s+` before a word cannot be retried from each space of a long run.
_APT_VERIFY = (
    LazyPattern(r"acquire::https?::(?:[^\s:]++::)?verify-(?:peer|host)=(?:false|0|no|off)\b"),
    "apt Acquire::https::Verify-Peer=false",
)
_TLS_SETTINGS = {
    "composer": (LazyPattern(r"\bdisable-tls\s++(?:true|1)\b"), "composer disable-tls true"),
    "conda": (LazyPattern(r"\bssl_verify\s++(?:false|no|0)\b"), "conda ssl_verify false"),
    "apt-get": _APT_VERIFY,
    "apt": _APT_VERIFY,
}
# Options that skip the server's certificate check, by program: the AWS CLI's global
# --no-verify-ssl, kubectl's and helm's --insecure-skip-tls-verify (a flag, or `=true`).
_SKIP_VERIFY_OPTIONS = {
    "aws": "--no-verify-ssl",
    "kubectl": "--insecure-skip-tls-verify",
    "helm": "--insecure-skip-tls-verify",
}
# podman's, buildah's and skopeo's registry certificate checks (`--tls-verify`, skopeo's
# `--src-`/`--dest-tls-verify`), off with `=false` (a Go flag: `=0` and `=f` too).
_REGISTRY_TOOLS = frozenset({"podman", "buildah", "skopeo"})
_TLS_VERIFY_OFF = LazyPattern(r"--(?:src-|dest-)?tls-verify=(?:false|0|f)")
_TRUE_WORDS = frozenset({"true", "1", "t"})
_GIT_FALSE = frozenset({"false", "0", "no", "off"})
# uv's option to skip certificate checks for a host (`--trusted-host` is its alias); its
# UV_INSECURE_HOST variable is read with the other variables.
_UV_INSECURE_HOST = ("--allow-insecure-host", "--trusted-host")
# python3.12 -> python. Tried only where a run of digits starts: `\d+(\.\d+)?$` rescans a long
# run from each of its digits (quadratic).
VERSION_SUFFIX = re.compile(r"(?<!\d)\d++(?:\.\d++)?$")


def tls_variable_disables(name: str, value: str) -> bool:
    """Whether setting the environment variable turns off a tool's TLS certificate checks
    (npm reads its `npm_config_*` variables in any case)."""
    if name.lower() == "npm_config_strict_ssl":
        name = name.upper()
    return name in _TLS_ENV and _TLS_ENV[name](value)


def _curl_insecure(args: list[str]) -> bool:
    for arg in args:
        if arg == "--insecure":
            return True
        for letter in short_flags(arg):
            if letter == "k":
                return True
            if letter in CURL_VALUE_OPTIONS:
                break
    return False


POWERSHELLS = frozenset({"powershell", "pwsh"})
# The options whose words are the script (`-c`, `-co`, ... `-Command`: PowerShell takes any
# prefix), and whose value is the script as base64 of UTF-16LE text (`-e`, `-enc`, `-ec`, ...;
# `-ex` is -ExecutionPolicy), read up to a size.
_POWERSHELL_COMMAND, _POWERSHELL_ENCODED = "command", "encodedcommand"
_ENCODED_SCRIPT_LIMIT = 64 * 1024  # bytes, decoded
_POWERSHELL_NESTING = 4  # `powershell -Command` inside one another, at most
# A ServicePointManager told to accept certificates it would refuse: a validation callback
# (`{$true}`) or a CertificatePolicy (`New-Object TrustAllCertsPolicy`); `$null` restores the
# default. Matched at the start of a statement's words.
_POWERSHELL_TRUST_ALL = LazyPattern(
    r"\[(?:system\.)?net\.servicepointmanager\]::(?:servercertificatevalidationcallback|"
    r"certificatepolicy) ?+\+?=(?!=) ?+(?!\$null\b)",
    re.IGNORECASE,
)
_SKIP_CERTIFICATE_CHECK = "-skipcertificatecheck"


def _powershell_option(word: str) -> str:
    """The PowerShell option a word names (`-c`, `--Com`, `/command` -> command; `-e`, `-ec`
    -> encodedcommand), '' for any other."""
    name = word[2:] if word.startswith("--") else word[1:] if word.startswith(("-", "/")) else ""
    name = name.lower()
    if name and _POWERSHELL_COMMAND.startswith(name):
        return _POWERSHELL_COMMAND
    if name == "ec" or (name and _POWERSHELL_ENCODED.startswith(name)):
        return _POWERSHELL_ENCODED
    return ""


def _decoded_script(value: str) -> str | None:
    """The script an -EncodedCommand value holds; None if it is not base64 of UTF-16LE text
    or decodes to more than the limit."""
    if len(value) > 2 * _ENCODED_SCRIPT_LIMIT:
        return None
    try:
        decoded = base64.b64decode(value, validate=True)
        if len(decoded) > _ENCODED_SCRIPT_LIMIT:
            return None
        return decoded.decode("utf-16-le")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None


def powershell_script(command: Command) -> str | None:
    """The script `powershell -Command ...` (or pwsh) runs: the words after the option, joined
    into one script, or the value of `-EncodedCommand` decoded; None for any other command."""
    if command.program.lower() not in POWERSHELLS:
        return None
    args = command.args
    for index, arg in enumerate(args[:-1]):
        option = _powershell_option(arg)
        if option == _POWERSHELL_COMMAND:
            return " ".join(args[index + 1 :])
        if option == _POWERSHELL_ENCODED:
            return _decoded_script(args[index + 1])
    return None


def _powershell_tls_disabled(script: str, nesting: int) -> str | None:
    """How a PowerShell script turns off certificate checks: its statements read as commands,
    by PowerShell's own settings (powershell_tls_disabled) or a tool it runs (`curl.exe -k`)."""
    for statement in run_commands(script):
        found = powershell_tls_disabled(statement) or tls_disabled(statement, nesting - 1)
        if found:
            return found
    return None


def powershell_tls_disabled(statement: Command) -> str | None:
    """How a PowerShell statement turns off certificate checks of its own (not through a tool
    it runs): a ServicePointManager that trusts every certificate, or `-SkipCertificateCheck`
    given as a word of its own (not inside a quoted string)."""
    if _POWERSHELL_TRUST_ALL.match(" ".join(statement.words)):
        return "a ServicePointManager that trusts every certificate"
    for word in statement.words:
        switch, _, value = word.lower().partition(":")
        if switch == _SKIP_CERTIFICATE_CHECK and value != "$false":
            return "PowerShell -SkipCertificateCheck"
    return None


def tls_disabled(command: Command, nesting: int = _POWERSHELL_NESTING) -> str | None:
    """How the command turns off TLS certificate checks (`curl -k`, ...), if it does; in the
    script `powershell -Command` runs too (`nesting` deep). Patterns only where they may match."""
    program, args = command.program, command.args
    script = powershell_script(command) if nesting > 0 else None
    if script is not None:
        return _powershell_tls_disabled(script, nesting)
    lowered = [a.lower() for a in args]
    if program == "curl" and _curl_insecure(args):
        return "curl -k/--insecure"
    if program == "wget" and "--no-check-certificate" in lowered:
        return "wget --no-check-certificate"
    if program == "git" and _git_ssl_verify_off(lowered):
        return "git http.sslVerify false"
    runs_pip = program[:1] == "p" and (
        re.fullmatch(r"pip\d*(\.\d+)?", program)
        or (re.fullmatch(r"python\d*(\.\d+)?", program) and lowered[:2] == ["-m", "pip"])
    )
    if runs_pip and any("trusted-host" in a for a in lowered):
        return "pip --trusted-host"
    if program in ("uv", "uvx") and any(a.startswith(_UV_INSECURE_HOST) for a in lowered):
        return "uv --allow-insecure-host"
    if program in ("npm", "yarn", "pnpm") and (
        "--no-strict-ssl" in lowered or re.search(r"strict-ssl(=|\s+)false\b", " ".join(lowered))
    ):
        return f"{program} strict-ssl false"
    if program in _MAVENS and _maven_insecure(args):
        return "Maven insecure SSL (maven.wagon.http.ssl.insecure)"
    option = _SKIP_VERIFY_OPTIONS.get(program)
    if option and any(_switched_on(arg, option) for arg in lowered):
        return f"{program} {option}"
    if program in _REGISTRY_TOOLS and any(map(_TLS_VERIFY_OFF.fullmatch, lowered)):
        return f"{program} --tls-verify=false"
    setting = _TLS_SETTINGS.get(program)
    if setting and setting[0].search(" ".join(lowered)):
        return setting[1]
    for name, value in command.assignments:
        if tls_variable_disables(name, value):
            return f"{name}={value}"
    if program == "export" or (program == "go" and lowered[:2] == ["env", "-w"]):
        for arg in args:
            name, assigned, value = arg.partition("=")
            # `export NAME` alone sets nothing: it exports a value only if there is one.
            if assigned and tls_variable_disables(name, value):
                return f"{name}={value}"
    return None


def _git_ssl_verify_off(lowered: list[str]) -> bool:
    """`git config http.sslVerify false`, `git -c http.sslVerify=false`, and the setting for
    one server's URLs: `http.https://git.example.com/.sslVerify false`."""
    for index, arg in enumerate(lowered):
        key, assigned, value = arg.partition("=")
        if key.startswith("http.") and key.endswith(".sslverify"):
            if not assigned:
                value = lowered[index + 1] if index + 1 < len(lowered) else ""
            if value in _GIT_FALSE:
                return True
    return False


def _switched_on(arg: str, option: str) -> bool:
    """`--flag` alone, or `--flag=true`."""
    name, assigned, value = arg.partition("=")
    return name == option and (not assigned or value in _TRUE_WORDS)


def first_tls_disabled(commands: Iterable[Command]) -> str | None:
    """How the first command that turns off TLS certificate checks does it (tls_disabled)."""
    return next(filter(None, map(tls_disabled, commands)), None)


# --- world-writable modes -------------------------------------------------------------------


# chmod's symbolic mode (coreutils, "Symbolic Modes"): comma-separated clauses, each of
# users (`ugoa`) then operations, each an operator and permissions or a class to copy.
_SYMBOLIC_CLAUSE = re.compile(r"[ugoa]*+(?:[-+=](?:[ugo]|[rwxXst]*+))++")
_OPERATION = LazyPattern(r"([-+=])([ugo]|[rwxXst]*+)")


def is_world_writable_mode(mode: str) -> bool:
    """Whether a mode (octal or symbolic) lets every user write; not with the sticky bit (the
    1777 of /tmp). Symbolic clauses apply in order (`a+rw,o-w` leaves others without write);
    with no users named, the umask (022 in a build) keeps others' write bit as it was;
    copying the owner's permissions (`o=u`) copies their write permission."""
    if re.fullmatch(r"[0-7]{1,8}", mode):
        value = int(mode, 8)
        return value <= 0o7777 and value & 0o002 != 0 and value & 0o1000 == 0
    others_write = sticky = False
    for clause in mode.split(","):
        if _SYMBOLIC_CLAUSE.fullmatch(clause) is None:
            return False  # chmod refuses the whole mode
        users = clause[: len(clause) - len(clause.lstrip("ugoa"))]
        others = "o" in users or "a" in users
        for operator, permissions in _OPERATION.findall(clause, len(users)):
            writes = "w" in permissions or permissions == "u"
            if others and (operator == "=" or writes):
                others_write = writes and operator != "-"
            if (others or not users) and (operator == "=" or "t" in permissions):
                sticky = "t" in permissions and operator != "-"
    return others_write and not sticky


def _mode_option(args: list[str]) -> str | None:
    """The value of mkdir's or install's `-m MODE` (`-pm755`, `--mode=MODE` too), whose mode
    is set as given, whatever the umask."""
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if arg.startswith("--mode="):
            return arg.removeprefix("--mode=")
        letters = short_flags(arg)
        if arg == "--mode" or "m" in letters:
            value = letters.partition("m")[2] if arg != "--mode" else ""
            return value or (args[index + 1] if index + 1 < len(args) else None)
    return None


def world_writable_mode(command: Command) -> str | None:
    """How a command gives every user write permission (`chmod 777`, `chmod o+w`,
    `mkdir -m 777`, `install -m 0666`; not the sticky `1777`), or None."""
    if command.program == "chmod":
        modes = [a for a in command.args if not a.startswith("-") or re.fullmatch(r"-[rwx]+", a)]
        mode = modes[0] if modes else None
    elif command.program in ("mkdir", "install"):
        mode = _mode_option(command.args)
    else:
        return None
    if mode is None or not is_world_writable_mode(mode):
        return None
    return f"chmod {mode}" if command.program == "chmod" else f"{command.program} -m {mode}"
