"""Everything besides a file and what it depends on that decides its findings, as one digest:
a cached result is reused only under the same one (guardlint.engine.cached_scan).

That is guardlint itself (its version, and the bytes of its code, data and built-in packs, so
that a development checkout edited without a new version is another guardlint; an installed
wheel's by the hashes of its RECORD), the Python and the installed distributions it runs with
(bandit, detect-secrets and the SAM translator decide findings too), the enabled rules as the
scan runs them (built-in and custom packs' contents, severity overrides, rule options), the rule
selection and severity overrides as given (one naming a superseded rule changes its successors'
findings; one equal to a rule's own severity still grades all its findings alike), and the
per-file limits. The scan root is part of each file's key; the day is a dependency of the files
whose findings depend on it (guardlint.parse.lookups.today).
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

import orjson

import guardlint
from guardlint.engine.options import ScanOptions
from guardlint.model.rules import Rule
from guardlint.parse.digests import blake2b
from guardlint.parse.inputs import lies_inside
from guardlint.rulebook import builtin_rules_dir

_DISTRIBUTION_SUFFIXES = (".dist-info", ".egg-info")


def _tree_digest(directory: str, into: Any) -> None:
    """Every file below `directory` (compiled bytecode aside), by relative path and content."""
    import hashlib  # here: OpenSSL's, only with a result cache (guardlint.parse.digests)

    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(current, name)
            into.update(os.path.relpath(path, directory).encode("utf-8", "surrogateescape"))
            with open(path, "rb") as handle:
                into.update(hashlib.sha256(handle.read()).digest())


def _installed_record(package: str, version: str) -> bytes | None:
    """The RECORD of the wheel that installed the package at `package`, when it lists the
    package's own files: the installer wrote each file's hash into it, so its bytes stand for
    the files' and a scan need not hash them again. None for a source checkout or an editable
    install, whose files no RECORD lists."""
    site = os.path.dirname(package)
    name = os.path.basename(package)
    record = os.path.join(site, f"{name}-{version}.dist-info", "RECORD")
    try:
        with open(record, "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    own = f"{name}/__init__.py,sha256=".encode()
    return text if any(line.startswith(own) for line in text.splitlines()) else None


@functools.cache
def _guardlint_digest() -> str:
    # CPython's own blake2b (guardlint.parse.digests): a warm scan whose files the pack knows
    # by their statuses then never loads OpenSSL (hashlib, 3 to 4 ms).
    digest = blake2b(guardlint.__version__.encode(), digest_size=32)
    package = os.path.dirname(os.path.abspath(guardlint.__file__))
    rules = os.path.abspath(builtin_rules_dir())
    record = _installed_record(package, guardlint.__version__)
    if record is not None and lies_inside(rules, package):
        digest.update(record)  # an installed wheel, rules and all
        return digest.hexdigest()
    # An installed wheel holds the rules inside the package: walked once, with it.
    for directory in [package] if lies_inside(rules, package) else sorted({package, rules}):
        _tree_digest(directory, digest)
    return digest.hexdigest()


@functools.cache
def _distributions() -> list[str]:
    """The installed distributions and their versions, as the names of their metadata
    directories on sys.path (`bandit-1.9.4.dist-info`); importlib.metadata costs a scan
    more than a tenth of a second to import."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(name for name in names if name.endswith(_DISTRIBUTION_SUFFIXES))
    return sorted(found)


def _rule_text(value: Any) -> Any:
    """A value orjson has no spelling for: sets in order, anything else as its repr."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    return repr(value)


def context_digest(rules: list[Rule], options: ScanOptions) -> str:
    """The digest of a scan's context (see the module's docstring): `rules` are the enabled
    ones with the scan's severities and options applied (guardlint.engine.runner)."""
    context = {
        "guardlint": _guardlint_digest(),
        "python": sys.version,
        "distributions": _distributions(),
        "rules": rules,
        "selection": [
            sorted(options.only_rules),
            sorted(options.skip_rules),
            sorted(
                (rule_id, int(severity)) for rule_id, severity in options.severity_overrides.items()
            ),
        ],
        "limits": [options.max_bytes, options.file_timeout],
    }
    text = orjson.dumps(context, default=_rule_text, option=orjson.OPT_NON_STR_KEYS)
    # 360 KB (the rules): CPython's blake2b, three times its sha256 (guardlint.parse.digests).
    return blake2b(text, digest_size=32).hexdigest()
