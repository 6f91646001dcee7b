"""Credentials a command is given, or writes into a config file, beyond the password options of
secret_patterns.COMMAND_CREDENTIALS: an HTTP Authorization header (`curl -H "Authorization:
Bearer ..."`, nginx's `proxy_set_header Authorization "Basic ..."`) or a header named for a key
or token (`-H "X-API-Key: ..."`), htpasswd's password in batch mode (`-b`), a literal echoed
into chpasswd, `passwd --stdin` or a `--password-stdin` login (stdin_passwords), an npm registry's
`_authToken`, `_auth` or `_password` (`npm config set`, a line written to .npmrc), a
setting a configuration command stores (`aws configure set aws_secret_access_key ...`), and
a repository's credentials a package manager stores (`composer config http-basic.REPO USER
PASS`). Each is found in time linear in the text; a value with a shell expansion is left to
secrets.py to drop."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import NamedTuple

from guardlint.knowledge.placeholders import is_placeholder
from guardlint.knowledge.secret_names import is_secret_name, may_name_a_secret, names_the_secret
from guardlint.knowledge.stdin_passwords import stdin_passwords
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear

# Where a word of a command ends: a space, a quote, a shell operator.
_WORD_END = r"(?![^\s'\"`;|&)\\])"
# RFC 7235's token68, the credentials of an Authorization header's scheme.
_TOKEN68 = r"[A-Za-z0-9._~+/-]+=*"
_AUTHORIZATION = LazyPattern(
    r"\bauthorization(?:[\"']?\s*[:=]\s*|\s+)[\"']?(?P<scheme>basic|bearer|token)\s+"
    rf"(?P<value>{_TOKEN68}){_WORD_END}",
    re.IGNORECASE,
)
# curl's and wget's header options with a header named for what it holds (X-API-Key,
# PRIVATE-TOKEN, X-Auth-Token).
# An Authorization header so named holds the credential itself when no scheme comes first
# (`Authorization: 5eb4...`): its value is then the whole header, up to its closing quote.
_NAMED_HEADER = LazyPattern(
    r"(?:\s-H\s*|\s--header[=\s]\s*)(?P<quote>['\"]?)(?P<name>[A-Za-z][\w-]*)\s*:\s*"
    rf"(?P<value>{_TOKEN68}){_WORD_END}"
)
# An API key given as curl's user with no password (`curl -u sk_live_...:`), as many APIs
# take one; only a word of letters and digits is a key (not `-u admin:`). Searched from each
# `-u` or `--user` alone: a search that fails reads the one word after it.
_CURL_KEY_AS_USER = LazyPattern(
    r"\s(?:-u\s*|--user[=\s]\s*)['\"]?(?P<value>[^\s:'\"`$;|&]+):(?=['\"]?(?:\s|$))"
)
_HTPASSWD = LazyPattern(r"(?<![\w.-])htpasswd\b")  # not the file, `.htpasswd`
_COMMAND_END = LazyPattern(r"[|;&\n]")
_WORD = LazyPattern(r"(?:'[^']*'|\"[^\"]*\"|[^\s'\"|;&)])+")
_HTPASSWD_VALUED_OPTIONS = ("C", "r")  # bcrypt's cost, SHA's rounds: the next word
# A variable set for a command or exported (`PGPASSWORD=... psql`, `export API_TOKEN=...`,
# `A=1 B=2 cmd`): a name where a word starts, its value quoted or a word. One that a command
# does not follow is a setting of some file (`Password=...` of an INI or a connection string).
_ASSIGNMENT = LazyPattern(
    r"(?:^|(?<=[\s;&|(`]))(?P<exported>(?:export|env)\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)="
    r"(?:'(?P<single>[^']+)'|\"(?P<double>[^\"$`\\]+)\"|(?P<word>[^\s'\"`;|&()$\\]+))"
    r"(?=$|[\s;&|)])"
)
_COMMAND_FOLLOWS = LazyPattern(r"[ \t]+[^\s;&|#]")
# The same on Windows, in a RUN after `SHELL ["powershell", ...]`, a PowerShell or cmd script:
# PowerShell's `$env:NAME = '...'` (the script's environment, as `export`), setx's and .NET's
# (`setx /M NAME ...`, `[Environment]::SetEnvironmentVariable('NAME', '...', 'Machine')`: the
# machine's or user's environment, kept in the image as ENV is) and cmd's `set NAME=...`. A
# value is quoted (PowerShell runs an unquoted one as a command) or, for setx, a word; one with
# `$`, a backtick or cmd's `%` is the script's to fill in. Each starts at a literal word.
_WINDOWS_VALUE = r"(?:'(?P<single>[^'$`%]+)'|\"(?P<double>[^\"$`%\\]+)\")"
_POWERSHELL_ENV = LazyPattern(
    rf"\$env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*{_WINDOWS_VALUE}", re.IGNORECASE
)
_SETX = LazyPattern(
    r"(?<![\w.-])setx(?:\.exe)?(?:[ \t]+/m)?[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]+"
    rf"(?:{_WINDOWS_VALUE}|(?P<word>[^\s'\"`;|&()$%\\]+)(?=$|[\s;&|)]))",
    re.IGNORECASE,
)
_SET_ENVIRONMENT_VARIABLE = LazyPattern(
    r"\bSetEnvironmentVariable[ \t]*\([ \t]*(?P<quote>['\"])(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    rf"(?P=quote)[ \t]*,[ \t]*{_WINDOWS_VALUE}",
    re.IGNORECASE,
)
_CMD_SET = LazyPattern(
    r"(?<![\w.-])set[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)="
    r"(?P<word>[^\s'\"`;|&()$%\\]+)(?=$|[\s;&|)])",
    re.IGNORECASE,
)
_WINDOWS_SETTINGS = (
    ("$env:", _POWERSHELL_ENV),
    ("setx", _SETX),
    ("setenvironmentvariable", _SET_ENVIRONMENT_VARIABLE),
    ("set", _CMD_SET),
)
# npm's per-registry (`//host/:_authToken`) or default credentials, in an .npmrc line or as
# `npm config set`'s key and value.
_NPM_CREDENTIAL = LazyPattern(
    r"(?:^|[\s'\"/:])_(?:authtoken|auth|password)(?:\s*=\s*|\s+)['\"]?"
    r"(?P<value>[^\s'\"`;|&)]+)",
    re.IGNORECASE,
)
# A long option named for the secret it takes (`--api-key=...`, `--client-secret ...`, a
# Spring Boot property `--spring.datasource.password=...`), a Go program's single-dash one
# joined to its value (`consul ... -token=...`, `nomad ... -token=...`; spaced, as `openssl
# -pass env:VAR`, the next word may be no value), and kubectl's `--from-literal=KEY=VALUE` and
# Helm's `--set KEY=VALUE,...` under a secret KEY.
_QUOTED_OR_WORD = (
    r"(?:'(?P<single>[^']+)'|\"(?P<double>[^\"$`\\]+)\"|(?P<word>[^\s'\"`;|&()$\\]+))"
    r"(?=$|[\s;&|)])"
)
_SECRET_OPTION = LazyPattern(
    r"(?<=\s)-(?P<long>-)?(?P<literal>from-literal=)?"
    rf"(?P<name>[A-Za-z][\w.-]*)(?P<separator>=|(?(long)[ \t]+(?!-)|(?!))){_QUOTED_OR_WORD}"
)
# A setting a configuration command stores (`aws configure set aws_secret_access_key ...`,
# `yarn config set npmAuthToken ...`), its long options before `set` skipped: an option's value
# never starts with `-`, the next option always does, so each word is read one way. A few
# options at most, and not from an option's own name (`--config`): each search that fails
# reads a few words, not all that follow (`config --x config --x ...` was quadratic).
_CONFIG_SET = LazyPattern(
    r"(?<![\w-])config(?:ure)?"
    r"(?:[ \t]+--[\w-]+(?:=[^\s;&|]*|[ \t]+(?!set\b)[^\s;&|-][^\s;&|]*)?){0,3}"
    rf"[ \t]+set[ \t]+(?P<name>[\w.:/@-]+)(?:=|[ \t]+){_QUOTED_OR_WORD}"
)
# A repository's credentials a package manager stores: Composer's and Poetry's `config
# [OPTIONS] http-basic.REPO USER PASSWORD` (auth.json, auth.toml) or a token key's `bearer.`,
# `gitlab-token.`, `github-oauth.`, `pypi-token.REPO TOKEN`, and Bundler's `config [set]
# [OPTIONS] HOST USER:PASSWORD` (a host or URL: `without development:test` is a setting). A few
# options at most, as _CONFIG_SET reads them.
_FEW_OPTIONS = r"(?:[ \t]+-[\w-]+(?:=[^\s;&|]*)?){0,3}"
_REPOSITORY_CREDENTIAL = LazyPattern(
    rf"(?<![\w-])(?:(?:composer|poetry){_FEW_OPTIONS}[ \t]+config{_FEW_OPTIONS}[ \t]+"
    r"(?:(?P<basic>http-basic)\.[^\s;&|'\"]+[ \t]+(?:'[^']*'|\"[^\"]*\"|[^\s;&|'\"]+)"
    r"|(?:bearer|gitlab-token|gitlab-oauth|github-oauth|pypi-token)\.[^\s;&|'\"]+)"
    rf"[ \t]+{_QUOTED_OR_WORD}"
    rf"|bundle[ \t]+config(?:[ \t]+set)?{_FEW_OPTIONS}"
    r"[ \t]+[^\s;&|'\".-][^\s;&|'\".]*\.[^\s;&|'\"]*"
    r"[ \t]+['\"]?[^\s:;&|'\"$`]+:(?P<bundled>[^\s;&|'\"$`\\]+)['\"]?(?=$|[\s;&|)]))"
)
_HELM_SET = LazyPattern(rf"(?<=\s)--set(?:-string)?(?:=|[ \t]+){_QUOTED_OR_WORD}")
_SET_VALUE = LazyPattern(r"(?:^|,)(?P<key>[\w.-]+)=(?P<value>[^,]*)")
# A .netrc entry written by a command (`machine HOST login USER password PASS`, its tokens
# apart by spaces or printf's `\n`).
_NETRC = LazyPattern(
    r"\bmachine(?:\s|\\n)+[^\s'\"\\]+(?:\s|\\n)+login(?:\s|\\n)+[^\s'\"\\]+(?:\s|\\n)+password"
    r"(?:\s|\\n)+(?P<value>[^\s'\"`;|&)\\]+)"
)
# A password an SQL statement sets, as a client runs it (`psql -c "ALTER USER app WITH PASSWORD
# '...'"`, `mysql -e "CREATE USER ... IDENTIFIED BY '...'"`, `sqlcmd -Q "CREATE LOGIN ... WITH
# PASSWORD = N'...'"`, `SET PASSWORD = PASSWORD('...')`): a quoted word after PASSWORD and a
# space or `(` (not `'password' file`, a word quoted; `password = '...'` is code's, which
# secret_lines judges by its name), after WITH PASSWORD =, or after IDENTIFIED [WITH plugin] BY;
# not MySQL's hash (`IDENTIFIED BY PASSWORD '*6BB4...'`). A value with `$` or a backslash is
# the shell's or the client's to fill in (`:'pw'`, psql's variable, has no quote first).
_SQL_PASSWORD = LazyPattern(
    r"(?:(?<!by\s)\bpassword(?:\s*\(\s*|\s+)n?|\bwith\s+password\s*=\s*n?"
    r"|\bidentified(?:\s+with\s+\w+)?\s+by\s+)"
    r"(?P<quote>\\?')(?P<value>[^'\s\\$*][^'\s\\$]*)(?P=quote)",
    re.IGNORECASE,
)
# rclone's remote settings, in pairs `KEY VALUE` or `KEY=VALUE` after `config create NAME TYPE`,
# `config update NAME` or `config password NAME`, each judged under its key (`pass`,
# `secret_access_key`, `client_secret`); its flags anywhere (those that take a value as the next
# word in _RCLONE_VALUED_FLAGS; before `config`, a flag's value is the word that is no flag
# nor `config` itself).
_RCLONE_CONFIG = LazyPattern(
    r"\brclone(?:[ \t]+-[^\s=|;&]+(?:=[^\s|;&]*|[ \t]+[^\s|;&-][^\s|;&]*)?)*"
    r"[ \t]+config[ \t]+(?P<verb>create|update|password)\b"
)
_RCLONE_NAMES = {"create": 2, "update": 1, "password": 1}  # the operands before the pairs
_RCLONE_VALUED_FLAGS = frozenset({"--config", "--state", "--result", "--log-file"})
# A Java system property set on a command line (`java -Dspring.datasource.password=...`, in
# JAVA_OPTS or JAVA_TOOL_OPTIONS), judged under its name (`...keyStorePassword`). Run on RE2:
# in `re`, each `-D` of `-Da-Da-Da...` would read the rest of the text as a name.
_JAVA_PROPERTY = (
    r"(?:^|[\s'\"\[,=])-D([A-Za-z_][\w.-]*)="
    r"(?:'([^'$`]+)'|\"([^\"$`\\]+)\"|([^\s'\"`;|&()$\\,\]]+))"
)
# What may follow a property's value: its end, or the end of its word or quoted word (not `$`,
# which continues it with a variable).
_JAVA_PROPERTY_END = frozenset(" \t\r\n;&|)'\"\\,]")
_HEADER, _ASSIGNED = "HTTP Authorization Credential", "Secret Variable Assignment"
_OPTION = "Command-line Password"


class CommandSecret(NamedTuple):
    kind: str
    start: int
    value: str
    name: str = "password"  # what it is given as: judged as a literal under that name


def command_secrets(text: str, folded: str) -> Iterator[CommandSecret]:
    """Each credential in `text` (`folded`: case-folded)."""
    if "=" in text:
        for match in _ASSIGNMENT.finditer(text):
            group = match.lastgroup or "word"
            exported = match.group("exported") or _COMMAND_FOLLOWS.match(text, match.end())
            if exported and is_secret_name(match.group("name")):
                value = match.group(group)
                yield CommandSecret(_ASSIGNED, match.start(group), value, match.group("name"))
    for word, pattern in _WINDOWS_SETTINGS:
        if word in folded:
            for match in pattern.finditer(text):
                if is_secret_name(match.group("name")):
                    group = match.lastgroup or "word"
                    value = match.group(group)
                    yield CommandSecret(_ASSIGNED, match.start(group), value, match.group("name"))
    if "-" in text and may_name_a_secret(folded):  # each option is judged by its name
        yield from _secret_options(text)
    if "-d" in folded:
        yield from _java_properties(text)
    if "authorization" in folded or "-h" in folded or "--header" in folded:
        yield from _headers(text)
    if "curl" in folded:
        for match in _CURL_KEY_AS_USER.finditer(text):
            if _token(match.group("value")):
                yield CommandSecret(_OPTION, match.start("value"), match.group("value"))
    if "htpasswd" in folded:
        for start, value in _htpasswd_passwords(text):
            yield CommandSecret("Command-line Password", start, value)
    for start, value in stdin_passwords(text, folded):
        yield CommandSecret("Command-line Password", start, value)
    # Its every match quotes the value: a `'` first spares most texts the case-blind search.
    if ("password" in folded or "identified" in folded) and "'" in text:
        for match in _SQL_PASSWORD.finditer(text):
            yield CommandSecret(_OPTION, match.start("value"), match.group("value"))
    if "rclone" in folded:
        yield from _rclone_settings(text)
    if "machine" in folded:
        for match in _NETRC.finditer(text):
            yield CommandSecret(_OPTION, match.start("value"), match.group("value"))
    if "_auth" in folded or "_password" in folded:
        for match in _NPM_CREDENTIAL.finditer(text):
            yield CommandSecret("NPM tokens", match.start("value"), match.group("value"))
    if "config" in folded and ("composer" in folded or "poetry" in folded or "bundle" in folded):
        for match in _REPOSITORY_CREDENTIAL.finditer(text):
            group = match.lastgroup or "word"
            name = "token" if group != "bundled" and not match.group("basic") else "password"
            yield CommandSecret(_OPTION, match.start(group), match.group(group), name)
    # after npm's: `npm config set _auth ...` is an npm credential
    if "config" in folded and "set" in folded:
        for match in _CONFIG_SET.finditer(text):
            group = match.lastgroup or "word"
            name = match.group("name").rsplit(".", 1)[-1]  # `default.aws_session_token`
            yield CommandSecret(_OPTION, match.start(group), match.group(group), name)


def _secret_options(text: str) -> Iterator[CommandSecret]:
    for match in _SECRET_OPTION.finditer(text):
        group = match.lastgroup or "word"
        value, name = match.group(group), match.group("name")
        spaced = match.group("separator") != "=" and not match.group("literal")
        # the next word may be an operand (`--auth basic`): only a token is taken for the value
        if (spaced or name.lower().endswith("auth")) and not (_token(value) and "=" not in value):
            continue
        yield CommandSecret(_OPTION, match.start(group), value, name)
    for match in _HELM_SET.finditer(text):  # `--set a=1,auth.password=...`
        group = match.lastgroup or "word"
        for pair in _SET_VALUE.finditer(match.group(group)):
            key = pair.group("key").rsplit(".", 1)[-1]
            yield CommandSecret(
                _OPTION, match.start(group) + pair.start("value"), pair.group("value"), key
            )


def _rclone_settings(text: str) -> Iterator[CommandSecret]:
    """Each setting of an rclone remote a `config create|update|password` command is given,
    under its key; the command read once, to the end of the simple command, and an `rclone
    config ...` inside it is its operand (so every character is read once)."""
    command_end = 0
    for command in _RCLONE_CONFIG.finditer(text):
        if command.start() < command_end:
            continue
        end = _COMMAND_END.search(text, command.end())
        command_end = end.start() if end else len(text)
        words, skip = [], False
        for word in _WORD.finditer(text, command.end(), command_end):
            flag = word.group(0).startswith("-")
            if not skip and not flag:
                words.append(word)
            skip = flag and word.group(0) in _RCLONE_VALUED_FLAGS
        pairs = words[_RCLONE_NAMES[command.group("verb")] :]
        index = 0
        while index < len(pairs):
            key, separator, value = pairs[index].group(0).partition("=")
            start = pairs[index].start() + len(key) + 1
            if not separator and index + 1 < len(pairs):
                index += 1
                value, start = pairs[index].group(0), pairs[index].start()
            index += 1
            if len(value) > 1 and value[0] in "'\"" and value[-1] == value[0]:
                value, start = value[1:-1], start + 1
            key = key.strip("'\"")
            if value and is_secret_name(key):  # the others' values are settings
                yield CommandSecret(_OPTION, start, value, key)


def _java_properties(text: str) -> Iterator[CommandSecret]:
    for match in compile_linear(_JAVA_PROPERTY).finditer(text):
        # RE2's match takes a group's number, not its name: 2 to 4 are the value's spellings
        group = next(g for g in (2, 3, 4) if match.group(g) is not None)
        end = match.end()
        if end == len(text) or text[end] in _JAVA_PROPERTY_END:
            yield CommandSecret(_OPTION, match.start(group), match.group(group), match.group(1))


def _headers(text: str) -> Iterator[CommandSecret]:
    for match in _AUTHORIZATION.finditer(text):
        value = match.group("value")
        if _basic_password(value) if match.group("scheme").lower() == "basic" else _token(value):
            yield CommandSecret(_HEADER, match.start("value"), value)
    for match in _NAMED_HEADER.finditer(text):
        name, value = match.group("name"), match.group("value")
        if name.lower() == "authorization":
            quote = match.group("quote")
            named = not quote or text.startswith(quote, match.end())  # no `AWS4-HMAC... Cred=`
        else:
            named = is_secret_name(name) and names_the_secret(name)
        if named and _token(value):
            yield CommandSecret(_HEADER, match.start("value"), value)


def _token(value: str) -> bool:
    """A token, not a word (`Bearer token`, `Bearer ACCESS_TOKEN`): eight characters or more,
    letters and digits."""
    return len(value) >= 8 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _basic_password(value: str) -> str | None:
    """The password of Basic credentials, base64 of `user:password`, unless a stand-in."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except ValueError:  # no base64 (binascii.Error, a character outside ASCII), no UTF-8
        return None
    password = decoded.partition(":")[2]
    return password if password and not is_placeholder(password) else None


def _htpasswd_passwords(text: str) -> Iterator[tuple[int, str]]:
    """htpasswd's password given in batch mode (`-b`): after the file and user, or the user
    alone with `-n`. A command is read to the end of the simple command, and an `htpasswd`
    inside it is its operand (`/auth/htpasswd`), so every character is read once."""
    command_end = 0
    for command in _HTPASSWD.finditer(text):
        if command.start() < command_end:
            continue
        end = _COMMAND_END.search(text, command.end())
        command_end = end.start() if end else len(text)
        found = _batch_password(list(_WORD.finditer(text, command.end(), command_end)))
        if found is not None:
            word = found.group(0)
            if len(word) > 1 and word[0] in "'\"" and word[-1] == word[0]:
                yield found.start() + 1, word[1:-1]
            else:
                yield found.start(), word


def _batch_password(words: list[re.Match[str]]) -> re.Match[str] | None:
    batch, with_file, operands = False, True, []
    index = 0
    while index < len(words):
        word = words[index].group(0)
        if not operands and word.startswith("-") and len(word) > 1:
            batch |= "b" in word[1:]
            with_file &= "n" not in word[1:]
            index += 1 + (word[-1] in _HTPASSWD_VALUED_OPTIONS)
            continue
        operands.append(words[index])
        index += 1
    position = 2 if with_file else 1
    return operands[position] if batch and len(operands) > position else None
