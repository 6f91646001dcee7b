"""SEC001 (checks/secrets/file_text.py): a credential written in the text of any scanned file."""

from __future__ import annotations

import pytest

from guardlint.report import REPORTERS
from tests.conftest import findings_of, lines_of, report_text, run_scan, write_file

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
    # secrets on a line with no secret's name, token prefix or the commands' words: a password
    # fed to sudo, an SQL password, a repository's that Composer stores, a SAS signature
    ["run echo Xk8s9dLq2Pz | sudo -S apt-get update",
     "sql CREATE USER app IDENTIFIED BY 'Wq7RtYb3nM4v'",
     "run composer config http-basic.repo.example.com alice Xk8s9dLq2Pz",
     "blob https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sig=Xk8s9dLq2PzWq7RtYb3nM4v"],
)  # fmt: skip
def test_catches_what_the_detectors_find_without_a_secret_word(tmp_path, comment):
    write_file(tmp_path, "cm.yaml", _configmap(comment))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == [6]


@pytest.mark.parametrize(
    "comment",
    ["key AKIAIOSFODNN7EXAMPLE", "password changeme", "token ${GITHUB_TOKEN}", "nothing here",
     # stand-ins in a URL's or a token's shape
     "db postgres://app:<password>@db/app", "db mongodb://root:changeme@mongo/",
     "db https://deploy:YOUR_PASSWORD@nexus.example.com", "key AKIAXXXXXXXXXXXXXXXX",
     "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
     "hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
     # the secret's name where the reader puts the secret
     "db postgres://app:yourpassword@db/app", "db mysql://root:password_here@db/",
     "db https://ci:change_this@nexus.example.com", "db redis://:YourRedisPassword@cache:6379",
     "db postgres://app:%s@db/app"],
)  # fmt: skip
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
_ASSIGNED = "Secret Variable Assignment"


@pytest.mark.parametrize(
    "line,kind",
    [
        # a variable exported, or set for the command that follows, is any literal
        (f"export T={TOKEN}; export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", _ASSIGNED),
        (f"AWS_SECRET_ACCESS_KEY={AWS_SECRET} T={TOKEN}", _ASSIGNED),
        (f"token={TOKEN} db_password={AWS_SECRET}", "High Entropy String"),
    ],
)  # fmt: skip
def test_every_secret_of_a_line_whatever_else_it_holds(tmp_path, line, kind):
    write_file(tmp_path, "cm.yaml", _configmap(line))
    found = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert sorted(f.properties["secretType"] for f in found) == ["GitHub Token", kind]


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


JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
    "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF4QT4fwpMeJf36POk6yJV_adQssw5c"
)


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_part_of_a_json_web_token_shows_in_any_report(tmp_path, output_format):
    """The token's signature too: detect-secrets' own match stops before it."""
    # SEC001 on the comment, K8S014 on the value: both redact the whole token.
    write_file(tmp_path, "cm.yaml", _configmap(f"Bearer {JWT}. rotate") + f"  jwt: {JWT}\n")
    result = run_scan(tmp_path, only_rules={"SEC001", "K8S014"})
    assert lines_of(result, "SEC001") == [6] and lines_of(result, "K8S014") == [7]
    rendered = report_text(output_format, result, all_rules=True)
    runs = {JWT[start : start + 6] for start in range(len(JWT) - 5)}
    assert [run for run in runs if run in rendered] == []


@pytest.mark.parametrize(
    "line",
    [
        "uri: arn:aws:secretsmanager:us-west-2:123456789012:secret:my-path/my-second-secret-1a2b3c",
        "arn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/Xk8s9dLq2PzWq7Rt-AbC1dE",
        "password: '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:"
        "secret:MyRDSSecret-a1b2c3Xk:SecretString:password}}'",
        '{"valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:Wk9Xr2PqL7vN3mT8sY1u-Qw3RtY"}',
    ],
)
def test_the_name_of_a_secret_in_an_arn_is_no_secret(tmp_path, line):
    """`...:secret:NAME` names where the secret is kept: `secret` there is a resource type."""
    write_file(tmp_path, "cm.yaml", _configmap("note") + f"  {line}\n")
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


KEY_BODY = (
    "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB",
    "aFDrBz9vFqU4yB7nHE7ZC5mFKxZWkxJMQm5xkYH8ZCzGvPzMJMuaQ0cC5fCDuGeV",
)
PEM = "\\n".join(["-----BEGIN RSA PRIVATE KEY-----", *KEY_BODY, "-----END RSA PRIVATE KEY-----"])


@pytest.mark.parametrize(
    "name,text,rule",
    [
        (
            "template.json",
            f'{{"Resources": {{"Q": {{"Type": "AWS::SQS::Queue"}}}},\n'
            f' "Metadata": {{"k": "{PEM}\\n"}}}}\n',
            "SEC001",
        ),
        ("cm.yaml", _configmap("note") + f'  key.pem: "{PEM}"\n', "K8S014"),
        ("cm.yaml", _configmap(f"key: {PEM.replace(chr(92) + 'n', ' ')}"), "SEC001"),
    ],
)
@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "html", "markdown"])
def test_no_part_of_a_private_key_on_its_header_line_shows(
    tmp_path, name, text, rule, output_format
):
    """A key written on one line (JSON, a double-quoted scalar): its body is the secret too."""
    write_file(tmp_path, name, text)
    result = run_scan(tmp_path, only_rules={"SEC001", "K8S014"})
    assert [f.rule_id for f in result.findings] == [rule]
    rendered = report_text(output_format, result, all_rules=True)
    runs = {line[start : start + 6] for line in KEY_BODY for start in range(len(line) - 5)}
    assert [run for run in runs if run in rendered] == []


def _lines(*lines: str) -> str:
    return _configmap("note") + "".join(f"  {line}\n" for line in lines)


@pytest.mark.parametrize(
    "text,line",
    [
        (_lines("key.pem: |", "  -----BEGIN RSA PRIVATE KEY-----", *(f"  {b}" for b in KEY_BODY),
                "  -----END RSA PRIVATE KEY-----"), 8),
        # an encrypted key: its headers come before the key
        (_lines("key.pem: |", "  -----BEGIN RSA PRIVATE KEY-----", "  Proc-Type: 4,ENCRYPTED",
                "  DEK-Info: AES-128-CBC,5E22A2BD85A653FB7A3ED20DE84F54CD", "",
                *(f"  {b}" for b in KEY_BODY), "  -----END RSA PRIVATE KEY-----"), 8),
        (_lines(f"key: {PEM}"), 7),
    ],
)  # fmt: skip
def test_a_private_key_is_reported_on_its_header_line(tmp_path, text, line):
    write_file(tmp_path, "cm.yaml", text)
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == [line]


@pytest.mark.parametrize(
    "lines",
    [
        ("key.pem: |", "  -----BEGIN RSA PRIVATE KEY-----", "  ...",
         "  -----END RSA PRIVATE KEY-----"),
        ("key.pem: |", "  -----BEGIN PRIVATE KEY-----", "  <your private key here>",
         "  -----END PRIVATE KEY-----"),
        ("check.sh: |", '  grep -q "BEGIN OPENSSH PRIVATE KEY" ~/.ssh/id_ed25519 || exit 1',
         "  echo ok"),
        ("handler.py: |", '  if pem.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
         "      key = load_pem_private_key(pem.encode(), password=None)"),
        # the lines after its END line are another key's (a public one here)
        ("key.pem: |", "  -----BEGIN RSA PRIVATE KEY-----", "  ...",
         "  -----END RSA PRIVATE KEY-----", "pub.pem: |", "  -----BEGIN PUBLIC KEY-----",
         "  MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo",
         "  -----END PUBLIC KEY-----"),
    ],
)  # fmt: skip
def test_a_private_key_header_without_a_key_is_no_secret(tmp_path, lines):
    """The header only names the format: a key's text follows it within a few lines."""
    write_file(tmp_path, "cm.yaml", _lines(*lines))
    assert lines_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


@pytest.mark.parametrize(
    "line",
    [
        # a Maven settings.xml's server password, a Logstash output's, a Kafka JAAS login's
        "<password>Kx7pQ2mZ9vLwR4tY8uB3</password>",
        'password => "Kx7pQ2mZ9vLwR4tY8uB3"',
        'sasl: PlainLoginModule required username="admin" password="Kx7pQ2mZ9vLwR4tY8uB3";',
        'jaas: "PlainLoginModule required user=\\"admin\\" password=\\"Kx7pQ2mZ9vLwR4tY8uB3\\";"',
    ],
)
def test_a_secret_named_in_an_embedded_config_file(tmp_path, line):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  f: |\n    {line}\n"
    write_file(tmp_path, "cm.yaml", text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001")
    assert found.region.start_line == 7
    assert text.splitlines()[6][found.region.start_column - 1 :].startswith("Kx7p")


@pytest.mark.parametrize(
    "line",
    ["<passwordPolicy>RequireUppercaseLetters</passwordPolicy>", "<password>${env.PASS}</password>",
     "if count > 1234567890123 then", 'password => "%{[@metadata][secret]}"'],
)  # fmt: skip
def test_no_secret_named_in_an_embedded_config_file(tmp_path, line):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  f: |\n    {line}\n"
    write_file(tmp_path, "cm.yaml", text)
    assert findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []
