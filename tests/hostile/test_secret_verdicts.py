"""A file's many different secrets are each judged once, whichever rules read them: a
Dockerfile's ENV line is searched by DKR004 as its instruction and by SEC001 as its line, a
ConfigMap's key judged by K8S014 and by SEC001 as the line's setting. A file of 100,000
different secrets is more texts than a bounded cache holds, so each was judged twice (4 MB:
past the 30 s a file may take)."""

from __future__ import annotations

import pytest

import guardlint.knowledge.secrets as secrets
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.linear_time_secret_files import config_map, dockerfile


@pytest.fixture
def judged(monkeypatch):
    """The texts searched for secrets, and the names judged for a literal secret (the first
    step of each verdict on a name and value, which the file's values all tell apart)."""
    searched: list[str] = []
    names: list[str] = []
    real_search, real_name = secrets._secrets_in, secrets.is_secret_name

    def search(text):
        searched.append(text)
        return real_search(text)

    def secret_name(name):
        names.append(name)
        return real_name(name)

    monkeypatch.setattr(secrets, "_secrets_in", search)
    monkeypatch.setattr(secrets, "is_secret_name", secret_name)
    secrets._remembered_secrets.cache_clear()
    yield searched, names
    secrets._remembered_secrets.cache_clear()


@pytest.mark.parametrize(
    ("name", "make", "rule_id"),
    [("Dockerfile", dockerfile, "DKR004"), ("configmap.yaml", config_map, "K8S014")],
)
def test_each_text_and_setting_of_a_file_is_judged_once(tmp_path, judged, name, make, rule_id):
    searched, names = judged
    write_file(tmp_path, name, make())
    result = run_scan(tmp_path, jobs=1, file_timeout=0)
    assert len(findings_of(result, rule_id)) > 20_000
    assert len(searched) == len(set(searched))
    assert len(names) == len(set(names))


def test_verdicts_are_forgotten_with_their_file(tmp_path, judged):
    """Held for their file alone: a scan of many files holds no more than one file's."""
    searched, _ = judged
    for number in range(3):
        write_file(
            tmp_path, f"d{number}/Dockerfile", "FROM alpine:3.22\nENV TOKEN=Zq81kLm0PaX7vW3e\n"
        )
    run_scan(tmp_path, jobs=1)
    assert not secrets._remembered_secrets.held_for_file() and not secrets._literal_verdicts
    assert searched


def test_each_token_of_a_file_is_judged_a_stand_in_once(tmp_path, monkeypatch):
    """A ConfigMap's token is found by K8S014 in its value and by SEC001 in its line: whether
    it is a stand-in (filler, a placeholder) is worked out once for both."""
    judged: list[str] = []
    real = secrets._is_false_positive

    def false_positive(value, holds_uuids=False):
        judged.append(value)
        return real(value, holds_uuids)

    monkeypatch.setattr(secrets, "_is_false_positive", false_positive)
    secrets._remembered_stand_in.cache_clear()
    write_file(tmp_path, "configmap.yaml", config_map())
    result = run_scan(tmp_path, jobs=1, file_timeout=0)
    secrets._remembered_stand_in.cache_clear()
    assert len(findings_of(result, "K8S014")) > 20_000
    assert len(judged) > 10_000
    assert len(judged) == len(set(judged))
