"""Commands that turn TLS certificate checks off (DKR017, CBD005; settings written into a
configuration file are tls_config_files'): `curl -k`, `wget --no-check-certificate`, git's
`http.sslVerify false`, pip's and uv's trusted hosts, npm's `strict-ssl false`, Maven's insecure
properties, `--insecure-skip-tls-verify` and the like, the environment variables that do it
(`GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, ...), and PowerShell's own ways, in the
script `powershell -Command` runs too."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from guardlint.knowledge.shell_commands import (
    CURL_VALUE_OPTIONS,
    powershell_script,
    short_flags,
)
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.shell import Command, run_commands

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
