"""SEC001 (checks/secrets/file_text.py): a credential written in the text of any scanned file."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, lines_of, run_scan, write_file

TOKEN = "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"
OTHER_TOKEN = "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"


def _configmap(comment: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  # {comment}\n"


@pytest.mark.parametrize(
    "comment",
    [f"token {TOKEN}", "key AKIAZ7VRSQ3LKQ2X5EPN", "db postgres://app:S3cr3tPw0rd@db/app"],
)
def test_catches(tmp_path, comment):
    write_file(tmp_path, "cm.yaml", _configmap(comment))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == [6]


@pytest.mark.parametrize(
    "comment",
    ["key AKIAIOSFODNN7EXAMPLE", "password changeme", "token ${GITHUB_TOKEN}", "nothing here"],
)
def test_doesnt_catch(tmp_path, comment):
    write_file(tmp_path, "cm.yaml", _configmap(comment))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


def test_the_finding_points_at_the_value_and_names_its_kind(tmp_path):
    write_file(tmp_path, "cm.yaml", _configmap(f"token {TOKEN}"))
    (finding,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    start = _configmap(f"token {TOKEN}").splitlines()[5].index(TOKEN) + 1
    assert (finding.region.start_column, finding.region.end_column) == (start, start + len(TOKEN))
    assert finding.message == (
        "GitHub Token hard-coded in cm.yaml; anyone who can read the repository can use it."
    )
    assert finding.properties == {"secretType": "GitHub Token"}


def test_the_fingerprint_follows_the_value_without_holding_it(tmp_path):
    def fingerprint_of(token: str) -> str:
        write_file(tmp_path, "cm.yaml", _configmap(f"token {token}"))
        (finding,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
        assert token not in finding.fingerprint
        return finding.fingerprint

    assert fingerprint_of(TOKEN) != fingerprint_of(OTHER_TOKEN)


# A high-entropy value under a secret-looking name, which no detector knows by its shape.
AWS_SECRET = "Wk9Xr2PqL7vN3mT8sY1uZ5bC4dF6gH0jK2lM9nQa"


@pytest.mark.parametrize(
    "line",
    [
        f"export T={TOKEN}; export AWS_SECRET_ACCESS_KEY={AWS_SECRET}",
        f"AWS_SECRET_ACCESS_KEY={AWS_SECRET} T={TOKEN}",
        f"token={TOKEN} db_password={AWS_SECRET}",
    ],
)
def test_every_secret_of_a_line_whatever_else_it_holds(tmp_path, line):
    write_file(tmp_path, "cm.yaml", _configmap(line))
    found = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert sorted(f.properties["secretType"] for f in found) == [
        "GitHub Token",
        "High Entropy String",
    ]


def test_a_value_both_a_detector_and_its_name_find_is_one_finding(tmp_path):
    write_file(tmp_path, "cm.yaml", _configmap(f"github_token={TOKEN}"))
    found = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert [f.properties["secretType"] for f in found] == ["GitHub Token"]


def test_every_secret_of_a_minified_file_on_its_one_long_line(tmp_path):
    filler = ", ".join(f'"Key{i}": "value {i}"' for i in range(1_000))
    metadata = f'"Token": "{TOKEN}", {filler}, "db_password": "{AWS_SECRET}"'
    text = f'{{"Resources": {{"Q": {{"Type": "AWS::SQS::Queue"}}}}, "Metadata": {{{metadata}}}}}'
    assert len(text) > 20_000 and "\n" not in text
    write_file(tmp_path, "template.json", text)
    found = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert sorted(f.properties["secretType"] for f in found) == [
        "GitHub Token",
        "High Entropy String",
    ]


def test_an_assignment_written_as_the_value_of_another(tmp_path):
    text = _configmap(f"k: aws_secret_access_key={AWS_SECRET}")
    write_file(tmp_path, "cm.yaml", text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert found.properties["secretType"] == "High Entropy String"
    assert found.region.start_column == text.splitlines()[5].index(AWS_SECRET) + 1
