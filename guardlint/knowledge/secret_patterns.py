"""Secrets guardlint finds with patterns of its own, beside detect-secrets' detectors: a
password given on a command line, and one in a URL without a user; and where the secrets end
that a detector's match only starts (SecretTails)."""

from __future__ import annotations

import bisect
import math
import re

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear

# Passwords given on a command line (a Dockerfile RUN, a container's command, a script):
# what follows the option is the credential. Values with a shell expansion ($VAR, $(cmd))
# come from elsewhere and are left out. A command line written in a JSON string or a
# double-quoted YAML scalar escapes its quotes (`-p\"$PASS\"`): an escaped quote opens or
# closes the value as a quote does, and no value starts with one. The two alternatives start
# with different characters: linear.
ARG_END = r"(?:[^\s'\"`;|&)\\]|\\[^\s'\"])+"
_QUOTE = r"(?:\\?['\"])?"


# Where a program's name ends: it is a word of its own (`/usr/bin/mysql`, `curl.exe`), not a
# path's directory, a user or a package named after it (`/etc/mysql/`, `mysql:mysql`,
# `mysql-server`).
_PROGRAM_END = r"(?:\.exe)?(?=[\s'\"\\]|$)"


def _option_after(command: str, option: str) -> str:
    """`command`, then `option` later in the same simple command, then the value. The words
    between never start `command` again: `re` tries every occurrence of the command, and each
    would scan to the end of the command (quadratic in `curl curl curl ...`); the value found
    is the same, from the last occurrence before the option."""
    return rf"{command}(?:(?!{command})[^|;&\n])*?{option}(?P<value>{ARG_END})"


def _option_value(options: str) -> str:
    """One of `options`, then its value after `=` or spaces, a word that is no other option."""
    return rf"\s(?:{options})(?:=|\s+){_QUOTE}(?=[^\s'\"\\-])"


COMMAND_CREDENTIALS = tuple(
    re.compile(pattern)  # case matters: mysql -P is the port
    for pattern in (
        # curl -u user:pass, --user user:pass, -uuser:pass; the user may be empty (`-u :pass`),
        # or quoted apart from the password (`kevin:'pass'`)
        _option_after(
            rf"\bcurl{_PROGRAM_END}",
            rf"\s(?:-u\s*|--user[=\s]+){_QUOTE}(?P<user>[^\s:'\"]*){_QUOTE}:{_QUOTE}",
        ),
        # wget --password=pass, --http-password, --ftp-password
        _option_after(rf"\bwget{_PROGRAM_END}", rf"\s--(?:http-|ftp-)?password[=\s]+{_QUOTE}"),
        rf"\bsshpass{_PROGRAM_END}\s+-p\s*{_QUOTE}(?P<value>{ARG_END})",
        # a registry's or platform's login: docker, podman, buildah, nerdctl, skopeo, oc, cf,
        # az (and az acr), helm registry
        _option_after(
            r"\b(?:docker|podman|buildah|nerdctl|skopeo|oc|cf|az(?:\s+acr)?|helm\s+registry)"
            rf"\s+login{_PROGRAM_END}",
            rf"\s(?:-p|--password)[=\s]+{_QUOTE}",
        ),
        # SQL Server's sqlcmd -P PASS (its -p prints statistics)
        _option_after(rf"\bsqlcmd{_PROGRAM_END}", rf"\s-P\s*{_QUOTE}"),
        # mysql -pPASS (attached: a lone -p prompts), --password=PASS; mysqldump, mysqladmin
        _option_after(rf"\bmysql(?:dump|admin)?{_PROGRAM_END}", rf"\s(?:-p|--password=){_QUOTE}"),
        # redis-server --requirepass PASS (or --masterauth); redis-cli -a PASS, --pass PASS
        _option_after(
            rf"\bredis-server{_PROGRAM_END}", rf"\s--(?:requirepass|masterauth)\s+{_QUOTE}"
        ),
        _option_after(rf"\bredis-cli{_PROGRAM_END}", rf"\s(?:-a|--pass)\s+{_QUOTE}"),
        # mongosh -p PASS, --password PASS (a lone -p prompts); mongodump --password=PASS, ...
        _option_after(
            rf"\bmongo(?:sh|dump|restore|import|export)?{_PROGRAM_END}",
            _option_value("-p|--password"),
        ),
        # helm repo add, helm registry login, helm pull: --password PASS
        _option_after(rf"\bhelm{_PROGRAM_END}", _option_value("--password")),
        # openssl -passin pass:PASS, -passout pass:PASS (env:VAR and file:PATH are elsewhere)
        _option_after(rf"\bopenssl{_PROGRAM_END}", rf"\s-pass(?:in|out)?\s+{_QUOTE}pass:"),
        # keytool -storepass PASS, -keypass, -srcstorepass, -deststorepass, -new
        _option_after(
            rf"\bkeytool{_PROGRAM_END}", _option_value("-(?:src|dest)?(?:storepass|keypass)|-new")
        ),
    )
)
COMMAND_WORDS = (
    "curl", "wget", "sshpass", "login", "mysql", "redis", "mongo", "helm", "openssl", "keytool",
    "sqlcmd",
)  # fmt: skip

# The password or key of a connection string: a database's, ADO.NET's and ODBC's
# (`Server=db;User Id=sa;Password=...;`) or JDBC's (`jdbc:sqlserver://db;user=sa;password=...`,
# `jdbc:postgresql://db/app?user=app&password=...`), Azure Storage's (`AccountKey=...`) and
# Service Bus's or Event Hubs' (`SharedAccessKey=...`), under whatever name it is kept
# (`ConnectionStrings__Default`, `SPRING_DATASOURCE_URL`, `AzureWebJobsStorage`).
# An Azure shared access signature's `sig=` (in a SAS URL, or a connection string's
# `SharedAccessSignature=sv=...&sig=...`) signs for the account: only beside its `sv=` version.
# A value may be quoted, with quotes escaped in a JSON string (`Password=\"...\"`): the quote
# is none of it.
CONNECTION_STRING_SECRETS = (
    re.compile(
        r"(?:^|[;?&\"'\s])(?:password|pwd|accountkey|sharedaccesskey)=(?:\\?[\"'])?"
        r"(?P<value>(?:[^;&#'\"\s\\]|\\(?![\"']))+)",
        re.IGNORECASE,
    ),
)
_SAS_SIGNATURE = LazyPattern(r"[?&;=]sig=(?P<value>[^;&#'\"\s]+)", re.IGNORECASE)
_SECRET_KEYS = ("password=", "pwd=", "accountkey=", "sharedaccesskey=", "sig=")
_CONNECTION_STRING_KEYS = (
    "server=", "data source=", "host=", "user id=", "userid=", "uid=", "user=", "username=",
    "database=", "initial catalog=", "accountname=", "endpoint=",
)  # fmt: skip


def may_hold_connection_string(text: str, folded: str) -> bool:
    """Whether a text (`folded`: case-folded) may hold a connection string's secret: a URL, or
    `;`-separated keys, with a `password=` or another of _SECRET_KEYS; not code
    (`password=getpass();`)."""
    if not any(key in folded for key in _SECRET_KEYS):
        return False
    return "://" in text or (";" in text and any(k in folded for k in _CONNECTION_STRING_KEYS))


def connection_string_secrets(folded: str) -> tuple[re.Pattern[str], ...]:
    """The patterns of CONNECTION_STRING_SECRETS for a text (`folded`: case-folded), with a
    SAS's signature where the text has the `sv=` of one."""
    has_sas = "sv=" in folded and "sig=" in folded
    return (*CONNECTION_STRING_SECRETS, _SAS_SIGNATURE) if has_sas else CONNECTION_STRING_SECRETS


# A URL's user and password, `://user:password@` (the user may be empty: Redis before 6 has only
# a password). detect-secrets' basic-auth pattern stops at the first special character, so it
# left out `P@ssw0rd!` or `S3cr3t#Pass` written unencoded, and a report showed what followed.
# Here the password runs to the last `@` before the host, never past a `/` or `?` (a path's or a
# query's `@`), nor over a `$` that expands a variable (`$PASS`, `${A}${B}`, `$(cat f)`). The
# host may be one a template or the shell fills in (`@${DbHost}`, `@$HOST`, `@{{ .Values.host }}`).
URL_CREDENTIALS_KIND = "Basic Auth Credentials"  # detect-secrets' name for what it found
URL_CREDENTIALS = re.compile(
    r"(?<=[A-Za-z])://[^\s:/@'\"`]*:(?:[^\s/?'\"`$]|\$(?![{(A-Za-z_]))*@"
    r"(?=[\w\[]|\$\{?[A-Za-z_]|\{\{)"
)


# A GitHub fine-grained personal access token, which detect-secrets' GitHub pattern predates.
GITHUB_FINE_GRAINED_TOKEN = re.compile(r"github_pat_[A-Za-z0-9_]{82}")
# A private key in base64 of its PEM file (a Kubernetes Secret's or a variable's way of holding
# one on a line): `-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----` encoded.
BASE64_PRIVATE_KEY = re.compile(
    r"LS0tLS1CRUdJTiB(?:QUklWQVRFIEtFWS0t|SU0EgUFJJVkFURSBLRVkt|FQyBQUklWQVRFIEtFWS0t"
    r"|EU0EgUFJJVkFURSBLRVkt|PUEVOU1NIIFBSSVZBVEUgS0VZLS0t|FTkNSWVBURUQgUFJJVkFURSBLRVkt)"
    r"[A-Za-z0-9+/=]*"
)
# A private key's header inside a longer text in base64 (a service account's key file whose
# keys are sorted, `"private_key": "-----BEGIN PRIVATE KEY-----\\n..."`, or a PEM file after a
# comment): ` PRIVATE KEY-----` at each of the three places a character can fall in base64's
# groups of three, the whole run of base64 around it the secret (unless a token of a known shape
# is that run: a service account's key file as gcloud writes it). A run is tried only where it
# starts (the lookbehind), so each character is read a bounded number of times.
BASE64_KEY_HEADERS = ("IFBSSVZBVEUgS0VZLS0t", "BQUklWQVRFIEtFWS0t", "UFJJVkFURSBLRVktLS0t")
BASE64_EMBEDDED_PRIVATE_KEY = re.compile(
    rf"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]*(?:{'|'.join(BASE64_KEY_HEADERS)})[A-Za-z0-9+/]*=*"
)
# guardlint's own token patterns, each with the kind of secret it finds.
TOKENS = (
    (URL_CREDENTIALS_KIND, URL_CREDENTIALS),
    ("GitHub Token", GITHUB_FINE_GRAINED_TOKEN),
    ("Private Key", BASE64_PRIVATE_KEY),
)

# What runs on after some detectors' match and is the same secret, which a report would show:
# the JWT pattern ends lazily (`[...]*?`) before the signature; the Stripe one after 24
# characters of a key that may run to a hundred; the GitHub one after 36, and an app's
# installation token now runs to some 500 (`ghs_<app id>_<signed body>`); the private key one
# matches the `BEGIN ... PRIVATE KEY` header alone, and the key runs on to its END line (in the
# same text when a JSON string or a one-line scalar holds it all), or to where key text stops.
_RUN_TAILS = {
    "JSON Web Token": re.compile(r"[A-Za-z0-9_.+/=-]*"),
    "Stripe Access Key": re.compile(r"[A-Za-z0-9]*"),
    "GitHub Token": re.compile(r"[A-Za-z0-9_.-]*"),
}
TAILED = (*_RUN_TAILS, "Private Key")
_KEY_RUN = re.compile(r"[A-Za-z0-9+/= \t\r\n\\:,.-]*")
# A line of a key's text (base64, 64 to a line in PEM): a header with none after it only names
# the format (a script that looks for a key, an example whose key is `...`).
KEY_LINE = re.compile(r"[A-Za-z0-9+/=]{40,}")
_KEY_LINE_LENGTH = 40
_KEY_END = r"END[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-*"


class SecretTails:
    """Where each secret of one text of a TAILED type ends, given where its detector's match
    ends; asked in the text's order, so that each character is looked at once: the END lines
    are found in one RE2 pass (in `re`, a search through `END END END ...` is quadratic), and a
    run of key text is measured once for all the headers inside it."""

    def __init__(self, secret_type: str, text: str) -> None:
        self._run_tail, self._text = _RUN_TAILS.get(secret_type), text
        self._key_ends: list[tuple[int, int]] | None = None
        self._key_runs: list[tuple[int, int]] | None = None
        self._next_end = 0
        self._run = (0, -1)  # the run of key text measured last: (start, end)

    def end(self, start: int) -> int:
        if self._run_tail is not None:
            return self._run_tail.match(self._text, start).end()  # type: ignore[union-attr]
        run_start, run_end = self._run
        if not run_start <= start <= run_end:
            run_end = _KEY_RUN.match(self._text, start).end()  # type: ignore[union-attr]
            self._run = (start, run_end)
        if self._key_ends is None:
            self._key_ends = [m.span() for m in compile_linear(_KEY_END).finditer(self._text)]
        ends = self._key_ends
        while self._next_end < len(ends) and ends[self._next_end][0] < start:
            self._next_end += 1
        if self._next_end < len(ends) and ends[self._next_end][0] < run_end:
            return ends[self._next_end][1]
        return run_end

    def names_no_key(self, start: int) -> bool:
        """Whether the private key whose header ends at `start` comes to its END line with no
        line of key text between (`...`, `<your private key>`): the format named, no key. Each
        look-up is a bisection in the END lines and in the runs of key text, each found once."""
        if self._run_tail is not None:
            return False
        if self._key_ends is None:
            self._key_ends = [m.span() for m in compile_linear(_KEY_END).finditer(self._text)]
        if self._key_runs is None:
            pattern = compile_linear(KEY_LINE.pattern)
            self._key_runs = [m.span() for m in pattern.finditer(self._text)]
        following = bisect.bisect_left(self._key_ends, (start, 0))
        if following == len(self._key_ends):
            return False  # no END line: what follows is judged where the text goes on
        end, runs = self._key_ends[following][0], self._key_runs
        before = bisect.bisect_right(runs, (start, math.inf)) - 1  # the run `start` is in
        if before >= 0 and min(runs[before][1], end) - start >= _KEY_LINE_LENGTH:
            return False
        after = before + 1  # the first run after `start`
        return after == len(runs) or min(runs[after][1], end) - runs[after][0] < _KEY_LINE_LENGTH
