"""Which files are keys or credentials, by the path a COPY or ADD names (DKR015) or the
paths of the files it put into a stage (DKR018): SSH and TLS keys, env files, the files and
directories in which tools keep passwords and tokens, also as a wildcard pattern that can
match one."""

from __future__ import annotations

import posixpath
import re

from guardlint.checks.dockerfile.layer_files import PathTree
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.path_glob import WILDCARDS, overlap, tokens

# SSH keys (`_sk`: on a FIDO token, its handle file still a private key), and the files in
# which tools keep passwords and tokens: PostgreSQL's .pgpass, s3cmd's .s3cfg, Docker's legacy
# .dockercfg, Vault's .vault-token, gcloud's application default credentials; PuTTY (.ppk)
# and Kerberos (.keytab) keys.
_SENSITIVE_NAME = re.compile(
    r"^(id_(rsa|dsa|ecdsa|ed25519)(_sk)?|\.env(\.(?!example|sample|template|dist|defaults?)[\w.-]+)?|"
    r"\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.pgpass|\.s3cfg|\.dockercfg|\.vault-token|"
    r"kubeconfig|credentials(\.json)?|application_default_credentials\.json|"
    r".*\.(key|p12|pfx|jks|keystore|ppk|keytab)|.*\.pem)$",
    re.I,
)
_SENSITIVE_DIR = re.compile(r"(^|/)(\.aws|\.ssh|\.git|\.kube|\.gnupg|\.azure)/")
# Registry credentials; gcloud's credential store.
_SENSITIVE_FILE_PATH = re.compile(r"(^|/)(\.docker/config\.json$|\.config/gcloud(/|$))")
# A .pem holding a certificate (public) is not a secret.
_PUBLIC_PEM = LazyPattern(r"(cert|crt|chain|\bca\b|^ca[-_.]|bundle|pub|public|root)", re.I)


# The names above as the patterns a COPY source is compared with, letters in either case.
_SENSITIVE_NAME_PATTERNS = [
    tokens(name, fold_case=True)
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
]
# A pattern that also takes in such names copies files wholesale (DKR026's concern), not a
# key it spells in wildcards: `*`, `*.json`, `[a-z]*`.
_ORDINARY_NAMES = [tokens(name) for name in ("app.py", "package.json", "README.md", "src")]
_ENV_TEMPLATE = LazyPattern(r"^\.env\.(example|sample|template|dist|defaults?)", re.I)


def _pattern_is_sensitive(pattern: str) -> bool:
    """Whether a source with wildcards can match a key or credential name in one of its
    components (Docker matches each like Go's filepath.Match)."""
    for component in filter(None, pattern.split("/")):
        if not WILDCARDS.search(component) or _ENV_TEMPLATE.match(component):
            continue
        source = tokens(component)
        if source is None or any(overlap(source, name) for name in _ORDINARY_NAMES):
            continue
        if any(overlap(source, name) for name in _SENSITIVE_NAME_PATTERNS if name):
            return not _PUBLIC_PEM.search(component) and not component.endswith(".pub")
    return False


def is_sensitive_path(path: str) -> bool:
    """Whether a path names keys or credentials (id_rsa, .env, *.key, .aws/, ...), also as a
    pattern that can match one (`id_rs?`, `.en[v]`)."""
    if _pattern_is_sensitive(path.strip()):
        return True
    cleaned = path.strip().rstrip("/")
    if _SENSITIVE_DIR.search(cleaned + "/") or _SENSITIVE_FILE_PATH.search(cleaned):
        return True
    name = posixpath.basename(cleaned)
    if not _SENSITIVE_NAME.match(name):
        return False
    if name.lower().endswith(".pem") and _PUBLIC_PEM.search(name):
        return False
    return not name.endswith(".pub")


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
