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


# For each pattern of _option_after, the rest of it: the next `option` of the same command,
# matched where the last value ends (`keytool ... -storepass A -keypass B`, `openssl pkcs12
# -passin pass:A -passout pass:B`). Each continues from the last, never past the command's end.
_FURTHER: dict[str, str] = {}
# Where a program's name ends: it is a word of its own (`/usr/bin/mysql`, `curl.exe`), not a
# path's directory, a user or a package named after it (`/etc/mysql/`, `mysql:mysql`,
# `mysql-server`).
_PROGRAM_END = r"(?:\.exe)?(?=[\s'\"\\]|$)"


def _option_after(command: str, option: str) -> str:
    """`command`, then `option` later in the same simple command, then the value. The words
    between never start `command` again: `re` tries every occurrence of the command, and each
    would scan to the end of the command (quadratic in `curl curl curl ...`); the value found
    is the same, from the last occurrence before the option."""
    further = rf"(?:(?!{command})[^|;&\n])*?{option}(?P<value>{ARG_END})"
    _FURTHER[rf"{command}{further}"] = further
    return rf"{command}{further}"


def _option_value(options: str) -> str:
    """One of `options`, then its value after `=` or spaces, a word that is no other option."""
    return rf"\s(?:{options})(?:=|\s+){_QUOTE}(?=[^\s'\"\\-])"


def _operands_after(command: str, before: int, shape: str = "") -> str:
    """`command`, then `before` operands (words that are no option nor redirection), then the
    credential, a word of `shape` (a lookahead) that is neither."""
    operand = r"[ \t]+(?:'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"|;&<>-][^\s'\"|;&<>]*)"
    return rf"{command}(?:{operand}){{{before}}}[ \t]+(?![-<>]){shape}{_QUOTE}(?P<value>{ARG_END})"


# Case matters: mysql -P is the port.
_COMMAND_CREDENTIAL_SOURCES = (
    # curl -u user:pass, --user user:pass, -uuser:pass; the user may be empty (`-u :pass`),
    # or quoted apart from the password (`kevin:'pass'`); its proxy's, -U, --proxy-user
    _option_after(
        rf"\bcurl{_PROGRAM_END}",
        rf"\s(?:-[uU]\s*|--(?:proxy-)?user[=\s]+){_QUOTE}(?P<user>[^\s:'\"]*){_QUOTE}:{_QUOTE}",
    ),
    _option_after(rf"\bcurl{_PROGRAM_END}", _option_value("--oauth2-bearer")),
    # wget --password=pass, --http-password, --ftp-password
    _option_after(rf"\bwget{_PROGRAM_END}", rf"\s--(?:http-|ftp-)?password[=\s]+{_QUOTE}"),
    rf"\bsshpass{_PROGRAM_END}\s+-p\s*{_QUOTE}(?P<value>{ARG_END})",
    # a registry's or platform's login: docker, podman, buildah, nerdctl, skopeo, oc, cf,
    # az (and az acr), helm registry, oras, crane auth, regctl registry, ibmcloud
    _option_after(
        r"\b(?:docker|podman|buildah|nerdctl|skopeo|oc|cf|az(?:\s+acr)?|helm\s+registry|oras"
        r"|crane\s+auth|regctl\s+registry|ibmcloud)"
        rf"\s+login{_PROGRAM_END}",
        rf"\s(?:-p|--password)[=\s]+{_QUOTE}",
    ),
    # SQL Server's sqlcmd -P PASS (its -p prints statistics)
    _option_after(rf"\bsqlcmd{_PROGRAM_END}", rf"\s-P\s*{_QUOTE}"),
    # mysql -pPASS (attached: a lone -p prompts), --password=PASS; mysqldump, mysqladmin
    # and the other clients, MariaDB's too (`mariadb`, `mariadb-admin`, `mariadb-dump`)
    _option_after(
        rf"\b(?:mysql|mariadb)(?:-?(?:dump|admin|import|check|show|slap|pump|binlog))?{_PROGRAM_END}",
        rf"\s(?:-p|--password=){_QUOTE}",
    ),
    # redis-server --requirepass PASS (or --masterauth); redis-cli -a PASS, --pass PASS
    _option_after(rf"\bredis-server{_PROGRAM_END}", rf"\s--(?:requirepass|masterauth)\s+{_QUOTE}"),
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
    # OpenLDAP's clients: -w PASS (-W prompts, -y reads a file); ldappasswd's -a old, -s new
    _option_after(
        rf"\bldap(?:search|add|modify|delete|whoami|compare|modrdn|exop){_PROGRAM_END}",
        rf"\s-w\s*{_QUOTE}",
    ),
    _option_after(rf"\bldappasswd{_PROGRAM_END}", rf"\s-[wsa]\s*{_QUOTE}"),
    # Samba's clients: -U USER%PASS, --user=USER%PASS (smbclient, rpcclient, net, ...)
    _option_after(
        rf"\b(?:smbclient|rpcclient|smbcacls|smbget|smbtree|net|samba-tool){_PROGRAM_END}",
        rf"\s(?:-U\s*|--user(?:=|\s+)){_QUOTE}[^\s%'\"]*%{_QUOTE}",
    ),
    _option_after(rf"\bsamba-tool{_PROGRAM_END}", _option_value("--adminpass")),
    # lftp -u USER,PASS (its `open` command's too)
    _option_after(rf"\blftp{_PROGRAM_END}", rf"\s(?:-u|--user)\s+{_QUOTE}[^\s,'\"]*,{_QUOTE}"),
    # an archive's password: zip -P PASS, unzip -P PASS; 7-Zip's -pPASS (a lone -p prompts)
    _option_after(rf"\b(?:un)?zip{_PROGRAM_END}", rf"\s-P\s*{_QUOTE}"),
    _option_after(rf"\b7z[az]?{_PROGRAM_END}", rf"\s-p{_QUOTE}"),
    # InfluxDB 2's setup and connection configs: -p PASS (elsewhere -p is a precision);
    # InfluxDB 1's shell: -password PASS
    _option_after(
        rf"\binflux\s+(?:setup|config\s+(?:create|set)){_PROGRAM_END}",
        _option_value("-p|--password|--username-password"),
    ),
    _option_after(rf"\binflux{_PROGRAM_END}", _option_value("-password")),
    # -p PASS of Cassandra's cqlsh, Neo4j's cypher-shell, couchbase-cli, elasticsearch-users,
    # twine; Mosquitto's clients' -P PASS (their -p is the port), --pw PASS
    _option_after(
        rf"\b(?:cqlsh|cypher-shell|couchbase-cli|elasticsearch-users|twine){_PROGRAM_END}",
        _option_value("-p"),
    ),
    _option_after(rf"\bmosquitto_(?:pub|sub|rr){_PROGRAM_END}", _option_value("-P|--pw")),
    # etcdctl --user USER:PASS; the Jenkins CLI's -auth USER:TOKEN (`-auth @file` reads one)
    _option_after(rf"\betcdctl{_PROGRAM_END}", rf"\s--user(?:=|\s+){_QUOTE}[^\s:'\"]*:{_QUOTE}"),
    _option_after(
        rf"\bjenkins-cli(?:\.jar)?{_PROGRAM_END}", rf"\s-auth\s+{_QUOTE}[^\s:'\"@]*:{_QUOTE}"
    ),
    # the cookie Erlang nodes authenticate one another with (`erl -setcookie C`, in
    # RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS too); Consul's gossip key (`-encrypt=KEY`)
    rf"(?:^|(?<=[\s'\"]))-setcookie\s+{_QUOTE}(?P<value>{ARG_END})",
    _option_after(rf"\bconsul{_PROGRAM_END}", rf"\s-encrypt[=\s]+{_QUOTE}"),
    # rabbitmqadmin -p PASS (its -P is the port); DigitalOcean's doctl -t TOKEN
    _option_after(rf"\brabbitmqadmin{_PROGRAM_END}", _option_value("-p|--password")),
    _option_after(rf"\bdoctl{_PROGRAM_END}", _option_value("-t|--access-token")),
    # Vault's key=value operands that are a credential: a login's or a user's password, an
    # AppRole's secret_id (`@file` reads a file, `-` standard input)
    _option_after(
        rf"\bvault{_PROGRAM_END}", rf"\s(?:password|token|secret_id)={_QUOTE}(?=[^@\s'\"\\-])"
    ),
    # Credentials given as operands, after a fixed number of others: MinIO's client
    # (`mc alias set NAME URL ACCESS_KEY SECRET_KEY`, its older `mc config host add`),
    # RabbitMQ's `add_user USER PASS` and `change_password USER PASS`, samba-tool's
    # `user create USER PASS`, and Vault's `login TOKEN` (a word with a digit: `-method
    # userpass`'s value is none).
    _operands_after(r"\bmc\s+(?:alias\s+set|config\s+host\s+add)", 3),
    _operands_after(r"\brabbitmqctl\b(?:[ \t]+-[^\s|;&]+)*[ \t]+(?:add_user|change_password)", 1),
    _operands_after(r"\bsamba-tool\s+user\s+(?:create|add)", 1),
    # `mc admin user add ALIAS USER PASS`, `neo4j-admin [dbms] set-initial-password PASS`,
    # `mosquitto_passwd -b FILE USER PASS`, Windows' `net user NAME PASS` (not `/add`) and
    # Samba's `net [rpc|ads] user add NAME PASS`
    _operands_after(r"\bmc\s+admin\s+user\s+add", 2),
    _operands_after(r"\bneo4j-admin(?:\s+dbms)?\s+set-initial-password", 0),
    _operands_after(r"\brclone\s+obscure", 0),  # `-` reads standard input
    _operands_after(r"\bmosquitto_passwd(?:[ \t]+-[cD])?[ \t]+-b(?:[ \t]+-[cD])?", 2),
    _operands_after(r"\bnet\s+user(?!\s+(?:add|delete|del|info|rename|list)\b)", 1, "(?!/)"),
    _operands_after(r"\bnet(?:\s+(?:rpc|ads|sam))?\s+user\s+add", 1),
    _operands_after(r"\bvault\s+login(?:[ \t]+-[^\s|;&]+)*", 0, r"(?=[^\s'\"=]*[0-9])"),
    # `openssl passwd [-1|-6|-salt SALT ...] PASS`, the hash `useradd -p` takes; possessive:
    # `-salt`'s value is never the password
    _operands_after(r"\bopenssl\s+passwd(?:[ \t]+(?:-salt[ \t]+[^\s|;&)]+|-[^\s|;&)]+))*+", 0),
    # a CIFS share's password among mount's options (`-o username=u,password=p`)
    rf"\bmount(?:\.cifs)?\b(?:(?!\bmount\b)[^|;&\n])*?\s-o\s*{_QUOTE}(?:[^\s,'\"]*,)*?"
    r"pass(?:word)?=(?P<value>[^\s,'\"`;|&)\\]+)",
)
# Compiled when first searched: a scan compiles only the patterns of the commands its texts name
# (forty-odd patterns, and their continuations, took 18 ms to compile in every process).
_PATTERNS = {source: LazyPattern(source) for source in _COMMAND_CREDENTIAL_SOURCES}
COMMAND_CREDENTIALS = tuple(_PATTERNS.values())
FURTHER_COMMAND_CREDENTIALS = {
    _PATTERNS[source]: LazyPattern(_FURTHER[source])
    for source in _COMMAND_CREDENTIAL_SOURCES
    if source in _FURTHER
}
COMMAND_WORDS = (
    "curl", "wget", "sshpass", "login", "mysql", "redis", "mongo", "helm", "openssl", "keytool",
    "sqlcmd", "ldap", "smb", "rpcclient", "net ", "samba", "lftp", "zip ", "7z",
    "influx ", "rabbitmqctl", "rabbitmqadmin", "doctl", "vault ", "mc ", "mount ", "mount.",
    "mariadb", "cqlsh", "cypher-shell", "couchbase-cli", "elasticsearch-users", "twine",
    "mosquitto_", "etcdctl", "jenkins-cli", "neo4j-admin", "rclone", "setcookie", "consul ",
)  # fmt: skip
# Each pattern is searched only in a text that holds one of the words of its commands (its
# source holds the word, but for the blank or separator after it), so a line naming one command
# is not searched, nor are its patterns compiled, for the forty others'.
COMMAND_NAMES = {
    _PATTERNS[source]: tuple(word for word in COMMAND_WORDS if word.rstrip(" ._") in source)
    for source in _COMMAND_CREDENTIAL_SOURCES
}

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
    LazyPattern(
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
URL_CREDENTIALS = LazyPattern(
    r"(?<=[A-Za-z])://[^\s:/@'\"`]*:(?:[^\s/?'\"`$]|\$(?![{(A-Za-z_]))*@"
    r"(?=[\w\[]|\$\{?[A-Za-z_]|\{\{)"
)


# A GitHub fine-grained personal access token, which detect-secrets' GitHub pattern predates.
GITHUB_FINE_GRAINED_TOKEN = LazyPattern(r"github_pat_[A-Za-z0-9_]{82}")
# A private key in base64 of its PEM file (a Kubernetes Secret's or a variable's way of holding
# one on a line): `-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----` encoded.
BASE64_PRIVATE_KEY = LazyPattern(
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
BASE64_EMBEDDED_PRIVATE_KEY = LazyPattern(
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
    "JSON Web Token": LazyPattern(r"[A-Za-z0-9_.+/=-]*"),
    "Stripe Access Key": LazyPattern(r"[A-Za-z0-9]*"),
    "GitHub Token": LazyPattern(r"[A-Za-z0-9_.-]*"),
}
TAILED = (*_RUN_TAILS, "Private Key")
_KEY_RUN = LazyPattern(r"[A-Za-z0-9+/= \t\r\n\\:,.-]*")
# A line of a key's text (base64, 64 to a line in PEM): a header with none after it only names
# the format (a script that looks for a key, an example whose key is `...`).
_KEY_LINE_SOURCE = r"[A-Za-z0-9+/=]{40,}"
KEY_LINE = LazyPattern(_KEY_LINE_SOURCE)
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
            pattern = compile_linear(_KEY_LINE_SOURCE)
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
