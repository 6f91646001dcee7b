"""Which files are keys or credentials, by the path a COPY or ADD names (DKR015) or the
paths of the files it put into a stage (DKR018): SSH and TLS keys, env files, the files and
directories in which tools keep passwords and tokens, also as a wildcard pattern that can
match one; and the files a credential variable of a stage names (DKR015)."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from typing import NamedTuple

from guardlint.checks.dockerfile.layer_files import PathTree
from guardlint.documents.dockerfile_model import DockerfileModel, Stage
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.path_glob import ANY, STAR, WILDCARDS, Token, matches, overlap, tokens

# SSH keys (`_sk`: on a FIDO token, its handle file still a private key), env files (`.env`,
# `.env.prod`, `prod.env`: Compose's env_file spelling), and the files in which tools keep
# passwords and tokens: PostgreSQL's .pgpass, s3cmd's .s3cfg, Docker's legacy .dockercfg,
# Vault's .vault-token, cargo's credentials.toml, gcloud's application default credentials
# and any other `*credentials.json`, Google's OAuth client_secret.json; PuTTY (.ppk) and
# Kerberos (.keytab) keys. Letters in either case: a name in ASCII is matched lower-cased
# (the pattern spells small letters; 0.3 ms to compile, against 0.8 with IGNORECASE, on every
# Dockerfile scan), any other by the case-folding pattern, compiled when first needed.
_SENSITIVE_NAMES = (
    r"^(id_(rsa|dsa|ecdsa|ed25519)(_sk)?|\.env(\.(?!example|sample|template|dist|defaults?)[\w.-]+)?|"
    r"\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.pgpass|\.s3cfg|\.dockercfg|\.vault-token|"
    r"kubeconfig|[\w.-]*credentials(\.json|\.toml|\.ya?ml)?|client_secrets?([\w.-]*)\.json|"
    r".*\.(key|p12|pfx|jks|keystore|ppk|keytab|env)|.*\.pem)$"
)
_SENSITIVE_NAME = LazyPattern(_SENSITIVE_NAMES, re.I)
_SENSITIVE_ASCII_NAME = re.compile(_SENSITIVE_NAMES)


def _is_sensitive_name(name: str) -> bool:
    if name.isascii():
        return _SENSITIVE_ASCII_NAME.match(name.lower()) is not None
    return _SENSITIVE_NAME.match(name) is not None


_SENSITIVE_DIR = re.compile(r"(^|/)(\.aws|\.ssh|\.git|\.kube|\.gnupg|\.azure)/")
_DOCKER_CONFIG = re.compile(r"(^|/)\.docker/config\.json$")  # registry credentials
_GCLOUD_STORE = re.compile(r"(^|/)\.config/gcloud(/|$)")  # gcloud's credentials and tokens
# A .pem holding a certificate (public) is not a secret.
_PUBLIC_PEM = LazyPattern(r"(cert|crt|chain|\bca\b|^ca[-_.]|bundle|pub|public|root)", re.I)
# A source that is a template of an env file (`env.example`, `sample.env`), not its secrets.
_TEMPLATE = LazyPattern(r"example|sample|template|dist|default", re.I)


# The names above as the patterns a COPY source is compared with, letters in either case:
# made when a source with a wildcard is first met (0.9 ms; most Dockerfiles have none).
@functools.cache
def _sensitive_name_patterns() -> list[list[Token]]:
    return [
        pattern
        for name in (
            # `.env.*` as its usual names: as a pattern it would take in `x.whl` (`.env.x.whl`).
            *(".env", ".env.local", ".env.prod", ".env.production", ".env.staging", ".env.dev"),
            *("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".npmrc"),
            *(".pypirc", ".netrc", ".git-credentials", "kubeconfig", "credentials"),
            *(".pgpass", ".s3cfg", ".dockercfg", ".vault-token", "id_ecdsa_sk", "id_ed25519_sk"),
            *("credentials.json", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.pem"),
            *("*.ppk", "*.keytab", "application_default_credentials.json"),
            *(".aws", ".ssh", ".git", ".kube", ".gnupg", ".azure"),
        )
        if (pattern := tokens(name, fold_case=True)) is not None
    ]


# A pattern that also takes in such names copies files wholesale (DKR026's concern), not a
# key it spells in wildcards: `*`, `*.json`, `[a-z]*`.
_ORDINARY_NAMES = ("app.py", "package.json", "README.md", "src")


_ENV_TEMPLATE = LazyPattern(r"^\.env\.(example|sample|template|dist|defaults?)", re.I)


def _pattern_is_sensitive(pattern: str) -> bool:
    """Whether a source with wildcards can match a key or credential name in one of its
    components (Docker matches each like Go's filepath.Match)."""
    for component in filter(None, pattern.split("/")):
        if not WILDCARDS.search(component) or _ENV_TEMPLATE.match(component):
            continue
        source = tokens(component)
        if source is None or any(matches(component, name) for name in _ORDINARY_NAMES):
            continue
        if _spells_sensitive_name(source):
            return not _PUBLIC_PEM.search(component) and not component.endswith(".pub")
    return False


def _spells_sensitive_name(source: list[Token]) -> bool:
    """Whether a source can match a key's name (`id_*` and `id_rsa`), or writes the extension
    of a kind of key (`*.pe?`, `srv*.key`): with its each `*` matching nothing or one
    character, it still meets `*.pem`. A `*` that would supply the extension (`Gemfile*`,
    `go.*`) copies whatever the context holds under that stem, not a key."""
    written = [token for token in source if token is not STAR]
    one_each = [ANY if token is STAR else token for token in source]
    for name in _sensitive_name_patterns():
        if STAR not in name:
            if overlap(source, name):
                return True
        elif overlap(written, name) or overlap(one_each, name):
            return True
    return False


def is_sensitive_path(path: str) -> bool:
    """Whether a path names keys or credentials (id_rsa, .env, *.key, .aws/, ...), also as a
    pattern that can match one (`id_rs?`, `.en[v]`)."""
    if _pattern_is_sensitive(path.strip()):
        return True
    cleaned = path.strip().rstrip("/")
    sensitive_place = _DOCKER_CONFIG.search(cleaned) or _GCLOUD_STORE.search(cleaned)
    if _SENSITIVE_DIR.search(cleaned + "/") or sensitive_place:
        return True
    name = posixpath.basename(cleaned)
    if not _is_sensitive_name(name):
        return False
    if name.lower().endswith(".pem") and _PUBLIC_PEM.search(name):
        return False
    if name.lower().endswith(".env") and _TEMPLATE.search(name):
        return False
    return not name.endswith(".pub")


# Directories whose every file is a key or a credential: one copied to be such a directory.
_CREDENTIAL_DIRECTORIES = frozenset({".ssh", ".aws", ".kube", ".gnupg", ".azure"})
# (directory, name) of credential files known by both: kubectl's and Docker's configuration.
_CREDENTIAL_PLACES = frozenset({(".kube", "config"), (".docker", "config.json")})


class Destination(NamedTuple):
    """A COPY's or ADD's destination, read once for all its sources (a long destination is not
    read again for each of many sources)."""

    path: str  # without a trailing slash
    directory: str  # the name of the directory it is in
    name: str
    into_directory: bool  # each source lands inside it, under its own name
    in_gcloud_store: bool

    @classmethod
    def of(cls, instruction: Instruction, windows: bool = False) -> Destination | None:
        """The destination; in a Windows stage, with `\\` read as the separator it is there,
        and its names compared in lower case: Windows finds `.KUBE\\CONFIG` as `.kube\\config`
        (the path keeps its case, as a credential variable names it)."""
        destination = instruction.destination
        if windows:
            destination = destination.replace("\\", "/")
        if "$" in destination:
            return None
        path = destination.rstrip("/") or destination
        folded = path.lower() if windows else path
        parent, name = posixpath.split(folded)
        into_directory = destination.endswith("/") or len(instruction.sources) > 1
        in_store = _GCLOUD_STORE.search(folded) is not None
        return cls(path, posixpath.basename(parent), name, into_directory, in_store)

    def landing(self, source: str) -> str:
        """Where the source lands in the image."""
        name = posixpath.basename(source.rstrip("/"))
        if not self.into_directory or source.endswith("/") or name in ("", "."):
            return self.path
        return f"{self.path}/{name}"

    def takes_credential(self, source: str) -> bool:
        """Whether the source lands where a key or credential file belongs, whatever it is
        called (`COPY deploy_key /root/.ssh/id_rsa`, `COPY npmrc ~/.npmrc`, `COPY config
        /root/.kube/`, a directory copied to be ~/.ssh)."""
        name = posixpath.basename(source.rstrip("/"))
        is_directory = source.endswith("/") or name in ("", ".")
        inside = self.into_directory and not is_directory
        directory, landed = (self.name, name) if inside else (self.directory, self.name)
        # `COPY ssh /root/.ssh`: a file would be named .ssh, so the source is a directory.
        if is_directory or (not inside and landed in _CREDENTIAL_DIRECTORIES):
            return landed in _CREDENTIAL_DIRECTORIES
        if self.in_gcloud_store or (directory, landed) in _CREDENTIAL_PLACES:
            return True
        if not _is_sensitive_name(landed) or landed.endswith(".pub"):
            return False
        if ".env" in landed.lower():  # `.env`, `.env.prod`, `prod.env`
            return not _TEMPLATE.search(name)
        certificate = _PUBLIC_PEM.search(landed) or _PUBLIC_PEM.search(name)
        return not (landed.lower().endswith(".pem") and certificate)


class SensitiveNodes:
    """is_sensitive_path for the paths of a PathTree, each told by its own name and what its
    parent's path says (a key or credential directory above it), not by its whole text: a
    deep directory's paths would each be read again (linear, not quadratic)."""

    def __init__(self, tree: PathTree) -> None:
        self.tree = tree
        self.below_sensitive: dict[int, bool] = {tree.ROOT: False, tree.DOUBLE_ROOT: False}

    def holds(self, node: int) -> bool:
        tree = self.tree
        name, parent = tree.name[node], tree.parent[node]
        if node in (tree.ROOT, tree.DOUBLE_ROOT):
            return False
        docker_config = name == "config.json" and tree.name[parent] == ".docker"
        return self._below(parent) or is_sensitive_path(name) or docker_config

    def _below(self, node: int) -> bool:
        """Whether the path or a directory above it is a key or credential directory."""
        path = []
        while node not in self.below_sensitive:
            path.append(node)
            node = self.tree.parent[node]
        known = self.below_sensitive[node]
        for step in reversed(path):
            name = self.tree.name[step]
            known = known or bool(_SENSITIVE_DIR.search(name + "/")) or _pattern_is_sensitive(name)
            self.below_sensitive[step] = known
        return known


# Variables naming the credential file a tool reads: Google's service account key, AWS's shared
# credentials, kubectl's configuration, Hugging Face's token, libpq's password file, gcloud's
# credential override. A file copied to the path one of them names is that credential.
_CREDENTIAL_FILE_VARIABLES = frozenset(
    {
        "GOOGLE_APPLICATION_CREDENTIALS",
        "AWS_SHARED_CREDENTIALS_FILE",
        "KUBECONFIG",
        "HF_TOKEN_PATH",
        "PGPASSFILE",
        "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
    }
)

# Options naming the credential file a command reads, as the variables above do: gcloud's service
# account key (`gcloud auth activate-service-account --key-file=...`, `gcloud auth login
# --cred-file=...`), kubectl's and Helm's configuration, ssh's identity. A file copied to the path
# a RUN gives one is that credential (one mounted for the RUN alone is not copied). Each command
# is searched from where it starts, its name never again before the option.
_CREDENTIAL_FILE_OPTIONS = tuple(
    LazyPattern(
        rf"(?:^|(?<=[\s;&|(]))(?P<tool>{tool})(?:(?!{tool})[^|;&\n])*?"
        rf"\s(?P<option>{options})['\"]?(?P<path>[^\s'\"$;|&)-][^\s'\"$;|&)]*)"
    )
    for tool, options in (
        (r"gcloud\s+auth\s+(?:activate-service-account|login)\b", r"--(?:key|cred)-file(?:=|\s+)"),
        (r"(?:kubectl|helm)\b", r"--kubeconfig(?:=|\s+)"),
        (r"(?:ssh|scp|sftp)(?=\s)", r"-i\s*"),
    )
)
_OPTION_COMMANDS = ("gcloud", "kubectl", "helm", "ssh", "scp", "sftp")


def _credential_file_options(text: str) -> Iterator[tuple[str, str]]:
    """(path, what names it: `gcloud's --key-file`) for each credential file a RUN's command,
    or a command a variable holds (`GIT_SSH_COMMAND="ssh -i /root/deploy"`), names."""
    if not any(command in text for command in _OPTION_COMMANDS):
        return
    for pattern in _CREDENTIAL_FILE_OPTIONS:
        for match in pattern.finditer(text):
            tool = match.group("tool").split()[0]
            option = match.group("option").rstrip("= \t")
            yield match.group("path"), f"{tool}'s {option}"


# Working directories deeper than this are not followed: no real path is, and each COPY would
# read the whole path again.
_MAX_DEPTH = 64


def _walked(start: list[str] | None, path: str) -> list[str] | None:
    """The components of `path` taken from `start` (from `/` when it is absolute), `.` and `..`
    folded; None when `start` is not known or the path goes deeper than _MAX_DEPTH."""
    parts = [] if path.startswith("/") else None if start is None else list(start)
    for part in path.split("/") if parts is not None else ():
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
            if len(parts) > _MAX_DEPTH:
                return None
    return parts


def _absolute(start: list[str] | None, path: str) -> str | None:
    parts = _walked(start, path)
    return None if parts is None else "/" + "/".join(parts)


def _add_path(paths: dict[str, str], workdir: list[str] | None, path: str, option: str) -> None:
    absolute = _absolute(workdir, path)
    if absolute:
        paths.setdefault(absolute, option)


class CredentialTargets:
    """The files credential variables name in each stage (set by its ENV or ARG, or by those
    of the stage it builds FROM, before or after a COPY; a relative path from the stage's last
    WORKDIR, where its process starts) or its RUNs' credential file options (a relative path
    from the RUN's WORKDIR), and the WORKDIR each COPY or ADD writes from. One pass over the
    instructions; a stage takes its base's few variables by name."""

    def __init__(self, model: DockerfileModel) -> None:
        self.workdir_at: dict[int, list[str] | None] = {}  # by id() of each COPY or ADD
        self.paths: dict[int, dict[str, str]] = {}  # stage index: absolute path to variable
        named_in: dict[int, dict[str, str]] = {}
        for stage in model.stages:
            inherited = named_in.get(stage.base_stage) if stage.base_stage is not None else None
            named = dict(inherited or {})
            workdir: list[str] | None = []
            optioned: dict[str, str] = {}  # absolute path to the option naming it
            for instruction in stage.instructions:
                if instruction.keyword == "WORKDIR":
                    written = (instruction.expanded_value or "$").strip().strip("\"'")
                    workdir = None if "$" in written else _walked(workdir, written)
                elif instruction.keyword in ("COPY", "ADD"):
                    self.workdir_at[id(instruction)] = workdir
                elif instruction.keyword in ("ENV", "ARG"):
                    for name, value in instruction.assignments:
                        if name in _CREDENTIAL_FILE_VARIABLES and value and "$" not in value:
                            named[name] = value
                        for path, option in _credential_file_options(value or ""):
                            _add_path(optioned, workdir, path, option)
                elif instruction.keyword == "RUN":
                    for path, option in _credential_file_options(instruction.expanded):
                        _add_path(optioned, workdir, path, option)  # from where the RUN runs
            named_in[stage.index] = named
            resolved = ((_absolute(workdir, value), name) for name, value in named.items())
            self.paths[stage.index] = {
                **optioned,
                **{path: name for path, name in resolved if path},
            }

    def names_files(self, stage: Stage) -> bool:
        """Whether a credential variable or a RUN's option of the stage names a file."""
        return bool(self.paths.get(stage.index))

    def variable_naming(self, stage: Stage, instruction: Instruction, landing: str) -> str | None:
        """The credential variable (or the command's option: `gcloud's --key-file`) that names
        the file a COPY or ADD writes at `landing`."""
        path = _absolute(self.workdir_at.get(id(instruction)), landing)
        return self.paths.get(stage.index, {}).get(path) if path else None
