"""detect-secrets' detectors and filters, imported without the HTTP client they would verify
a secret with.

detect-secrets imports `requests` in its plugins only to check a found secret against its
service online. A scan never does that, and must not: it would send a stranger's secret, or
a token from the CI's environment, over the network. While detect-secrets loads, `requests`
is a module that refuses every use, so its plugins cannot verify even when asked, and each
worker no longer imports urllib3, http.client and ssl (75% of detect-secrets' import time,
about 90 ms, a third of a Kubernetes scan's work).

Nor are the initialisers of the packages `detect_secrets` and `detect_secrets.filters` run
while it loads: they import its file scanner (SecretsCollection, every filter, transformer and
plugin, logging, its settings), which guardlint never uses, about 15 ms of each process that
loads the detectors. Each runs the first time its package is asked for a name of its own
(`from detect_secrets import SecretsCollection`), so code beside guardlint still finds them.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
import sys
from types import ModuleType

# Every detect-secrets module guardlint uses: all are imported while `requests` is stood in
# for, since each `import requests` of theirs binds whatever is there at that moment.
_MODULES = (
    "detect_secrets.filters.heuristic",
    "detect_secrets.plugins.high_entropy_strings",
    *(
        f"detect_secrets.plugins.{plugin}"
        for plugin in (
            "aws", "github_token", "gitlab_token", "jwt", "npm", "openai",
            "private_key", "pypi_token", "sendgrid", "slack", "stripe",
        )
    ),
)  # fmt: skip


class _OfflineRequests(ModuleType):
    """Stands in for `requests` while detect-secrets imports it."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"guardlint scans offline: detect-secrets may not use requests.{name}")


# The packages imported without running their initialisers (module docstring).
_UNINITIALISED_PACKAGES = ("detect_secrets", "detect_secrets.filters")


def _import_uninitialised(name: str) -> None:
    """The package `name` in sys.modules, its submodules importable, its `__init__` not run
    until a name of its own is asked for; nothing when it is imported already."""
    spec = None if name in sys.modules else importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def initialised(attribute: str) -> object:
        del package.__getattr__  # the module's own from now on, as if imported as usual
        loader.exec_module(package)
        return getattr(package, attribute)

    package.__getattr__ = initialised  # type: ignore[method-assign]
    sys.modules[name] = package
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, package)  # as the import system binds a submodule


@functools.cache
def load() -> None:
    """Imports the detect-secrets modules guardlint uses, offline (see above), unless the
    process has already imported `requests` for some other reason."""
    sys.modules.setdefault("requests", _OfflineRequests("requests"))
    try:
        for package in _UNINITIALISED_PACKAGES:
            _import_uninitialised(package)
        for module in _MODULES:
            importlib.import_module(module)
    finally:
        if isinstance(sys.modules.get("requests"), _OfflineRequests):
            del sys.modules["requests"]


@functools.lru_cache(maxsize=1)
def detectors() -> tuple:
    """One instance of each detect-secrets plugin that fits IaC text."""
    # detect-secrets is loaded only once a line passes the prefilter (most scans of one file
    # never do)
    load()
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
    from detect_secrets.plugins.jwt import JwtTokenDetector
    from detect_secrets.plugins.npm import NpmDetector
    from detect_secrets.plugins.openai import OpenAIDetector
    from detect_secrets.plugins.private_key import PrivateKeyDetector
    from detect_secrets.plugins.pypi_token import PypiTokenDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.stripe import StripeDetector

    class PrivateKeyHeaders(PrivateKeyDetector):
        """The detector's headers and those it lacks: an encrypted PKCS #8 key's, which is still
        the key to whoever guesses or cracks its passphrase, and PuTTY's third file format (the
        default since PuTTY 0.75)."""

        denylist = [
            *PrivateKeyDetector.denylist,
            re.compile("BEGIN ENCRYPTED PRIVATE KEY"),
            re.compile("PuTTY-User-Key-File-3"),
        ]

    classes = (
        AWSKeyDetector, GitHubTokenDetector, GitLabTokenDetector,
        JwtTokenDetector, NpmDetector, OpenAIDetector, PrivateKeyHeaders, PypiTokenDetector,
        SendGridDetector, SlackDetector, StripeDetector,
    )  # fmt: skip
    return tuple(cls() for cls in classes)
