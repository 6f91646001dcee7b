"""detect-secrets is loaded offline: its plugins get no HTTP client to verify a secret with.

Each case runs in a fresh interpreter, since what a process has imported is the subject.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Finds a GitHub token and a command-line password, then reports what was imported and what
# the plugins' `requests` does when a verifier reaches for it.
_PROBE = """
import sys
from guardlint.knowledge.secrets import find_secrets, high_entropy
kinds = sorted(m.kind for m in find_secrets(
    "GH=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; curl -u admin:Hunter2x http://h"))
print(kinds, high_entropy("q8Zr2LpX0vNw7TkYb3Hc"))
print(sorted(m for m in ("requests", "urllib3", "http.client") if m in sys.modules))
import detect_secrets.plugins.base as base, detect_secrets.plugins.slack as slack
for plugin in (base, slack):
    try:
        plugin.requests.post
        print("online")
    except RuntimeError as refused:
        print(refused)
"""
_FOUND = "['Command-line Password', 'GitHub Token'] True"


def probe(first: str = "") -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", first + _PROBE], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_detectors_load_without_an_http_client_and_cannot_verify():
    found, imported, *plugins = probe()
    assert found == _FOUND
    assert imported == "[]"
    assert plugins == ["guardlint scans offline: detect-secrets may not use requests.post"] * 2


# The helpers that load detect-secrets (high_entropy works its plugins' tests out itself).
@pytest.mark.parametrize(
    "first",
    [
        'secrets.find_secrets("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 curl -u a:b")',
        'list(detector_values.searched_patterns("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"))',
        "detectors.detectors()",
    ],
)
def test_whichever_helper_runs_first_loads_them_offline(first):
    code = f"""
import sys
from guardlint.knowledge import detector_values, detectors, secrets
{first}
import detect_secrets.plugins.base, detect_secrets.plugins.high_entropy_strings
print("requests" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


def test_a_process_that_imported_requests_keeps_it():
    """guardlint used as a library beside code that uses requests: nothing is taken from it."""
    found, imported, *plugins = probe(first="import requests\n")
    assert found == _FOUND
    assert imported == "['http.client', 'requests', 'urllib3']"
    assert plugins == ["online", "online"]


def test_detectors_load_without_the_file_scanner_and_its_package_still_initialises():
    """The packages' initialisers (detect-secrets' file scanner, every filter) are not run to
    load the detectors; the first name asked of a package runs its own."""
    code = """
import sys
from guardlint.knowledge.secrets import find_secrets
print(len(find_secrets("GH=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")))
scanner = ("detect_secrets.core.secrets_collection", "detect_secrets.filters.gibberish")
print(sorted(m for m in scanner if m in sys.modules))
from detect_secrets import SecretsCollection
import detect_secrets.filters
print(SecretsCollection.__name__, detect_secrets.filters.gibberish.__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "1",
        "[]",
        "SecretsCollection detect_secrets.filters.gibberish",
    ]
