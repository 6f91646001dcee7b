"""A file's many different secrets are each judged once, whichever rules read them: a
Dockerfile's ENV line is searched by DKR004 as its instruction and by SEC001 as its line, a
ConfigMap's key judged by K8S014 and by SEC001 as the line's setting. A file of 100,000
different secrets is more texts than a bounded cache holds, so each was judged twice (4 MB:
past the 30 s a file may take)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import pytest

import guardlint.knowledge.secrets as secrets
from guardlint.engine.scan import ScanResult
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.linear_time_secret_files import config_map, dockerfile


class Judged(NamedTuple):
    """What a scan judged: the texts searched for secrets, the names judged for a literal
    secret (the first step of each verdict on a name and value, which the file's values all
    tell apart), and the values judged for a stand-in."""

    searched: list[str]
    names: list[str]
    stand_ins: list[str]


def _spy_on_verdicts(monkeypatch: pytest.MonkeyPatch) -> Judged:
    """Record each verdict the scans of the rest of `monkeypatch`'s time work out."""
    judged = Judged([], [], [])
    real_search, real_name = secrets._secrets_in, secrets.is_secret_name
    real_stand_in = secrets._is_false_positive

    def search(text):
        judged.searched.append(text)
        return real_search(text)

    def secret_name(name):
        judged.names.append(name)
        return real_name(name)

    def false_positive(value, holds_uuids=False):
        judged.stand_ins.append(value)
        return real_stand_in(value, holds_uuids)

    monkeypatch.setattr(secrets, "_secrets_in", search)
    monkeypatch.setattr(secrets, "is_secret_name", secret_name)
    monkeypatch.setattr(secrets, "_is_false_positive", false_positive)
    return judged


def _forget_verdicts() -> None:
    secrets._remembered_secrets.cache_clear()
    secrets._remembered_stand_in.cache_clear()


@pytest.fixture
def judged(monkeypatch):
    judged = _spy_on_verdicts(monkeypatch)
    _forget_verdicts()
    yield judged
    _forget_verdicts()


@pytest.fixture(scope="module")
def judged_file(tmp_path_factory) -> Callable[[str, Callable[[], str]], tuple[ScanResult, Judged]]:
    """A file of 100,000 secrets scanned once (a few seconds each) for every test that looks
    at its verdicts: the scan's result and what it judged."""

    @functools.cache
    def scan_once(name: str, make: Callable[[], str]) -> tuple[ScanResult, Judged]:
        directory = tmp_path_factory.mktemp("judged")
        write_file(directory, name, make())
        with pytest.MonkeyPatch.context() as monkeypatch:
            judged = _spy_on_verdicts(monkeypatch)
            _forget_verdicts()
            try:
                return run_scan(directory, jobs=1, file_timeout=0), judged
            finally:
                _forget_verdicts()

    return scan_once


@pytest.mark.parametrize(
    ("name", "make", "rule_id"),
    [("Dockerfile", dockerfile, "DKR004"), ("configmap.yaml", config_map, "K8S014")],
)
def test_each_text_and_setting_of_a_file_is_judged_once(judged_file, name, make, rule_id):
    result, judged = judged_file(name, make)
    assert len(findings_of(result, rule_id)) > 20_000
    assert len(judged.searched) == len(set(judged.searched))
    assert len(judged.names) == len(set(judged.names))


def test_verdicts_are_forgotten_with_their_file(tmp_path, judged):
    """Held for their file alone: a scan of many files holds no more than one file's."""
    for number in range(3):
        write_file(
            tmp_path, f"d{number}/Dockerfile", "FROM alpine:3.22\nENV TOKEN=Zq81kLm0PaX7vW3e\n"
        )
    run_scan(tmp_path, jobs=1)
    assert not secrets._remembered_secrets.held_for_file() and not secrets._literal_verdicts
    assert judged.searched


def test_each_token_of_a_file_is_judged_a_stand_in_once(judged_file):
    """A ConfigMap's token is found by K8S014 in its value and by SEC001 in its line: whether
    it is a stand-in (filler, a placeholder) is worked out once for both."""
    result, judged = judged_file("configmap.yaml", config_map)
    assert len(findings_of(result, "K8S014")) > 20_000
    assert len(judged.stand_ins) > 10_000
    assert len(judged.stand_ins) == len(set(judged.stand_ins))
