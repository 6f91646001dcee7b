"""What buildspec commands run: a download piped into a shell (CBD004) and TLS certificate
checks turned off (CBD005), by the very tests of DKR008 and DKR017: a command fires the
CodeBuild rule exactly when the same command in a Dockerfile RUN fires the Dockerfile rule."""

from __future__ import annotations

import json

import pytest

from tests.checks.codebuild.helpers import scan_buildspec, scan_project
from tests.checks.shell_downloads import (
    DOWNLOADS_KEPT,
    DOWNLOADS_RUN,
    HEREDOCS_KEPT,
    HEREDOCS_RUN,
)
from tests.conftest import findings_of, lines_of, run_scan, write_file

COMMANDS = [
    "curl -fsSL https://get.example.com/cli.sh | bash",
    "curl -s https://x.example/i.sh | sudo -E bash -s -- -v 2",
    "wget -qO- https://x.example/i.sh | sh",
    "bash <(curl -s https://x.example/i.sh)",
    'sh -c "$(curl -fsSL https://x.example/i.sh)"',
    'eval "$(wget -qO- https://x.example/env)"',
    "curl -sSL https://x.example/get.py | python3",
    "curl -sSL https://x.example/get.py | python3 - --user",
    "curl -fsSLo get-pip.py https://bootstrap.pypa.io/get-pip.py && python get-pip.py",
    "curl -fsSL https://x.example/release.json | jq -r .tag_name",
    "curl -s https://x.example/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg",
    "echo curl https://x.example | sh",
    "curl -k https://x.example/a.tgz -o a.tgz",
    "curl --insecure -O https://x.example/a.tgz",
    "curl -ko a.tgz https://x.example/a.tgz",
    "curl -o k.tgz https://x.example/k.tgz",
    "wget --no-check-certificate https://x.example/a.tgz",
    "git config --global http.sslVerify false",
    "git -c http.sslVerify=false clone https://git.example.com/r.git",
    "git config --global http.https://git.example.com/.sslVerify false",
    "git config --global http.https://git.example.com/.sslVerify true",
    "uv pip install --system --allow-insecure-host pypi.example.com app",
    "uv pip install --system --index-url https://pypi.example.com/simple app",
    "pip install --trusted-host pypi.example.com -r requirements.txt",
    "python -m pip install --trusted-host=pypi.example.com app",
    "npm config set strict-ssl false",
    "export NODE_TLS_REJECT_UNAUTHORIZED=0",
    "GIT_SSL_NO_VERIFY=1 git clone https://git.example.com/r.git",
    "GIT_SSL_NO_VERIFY= git clone https://git.example.com/r.git",
    "export GIT_SSL_NO_VERIFY=false",
    "export GIT_SSL_NO_VERIFY",
    "PYTHONHTTPSVERIFY=1 python fetch.py",
    "npm ci && npm test",
]
# The Dockerfile rule and the CodeBuild rule that share a test.
PAIRS = {"CBD004": "DKR008", "CBD005": "DKR017"}


def _buildspec(command: str) -> str:
    return "version: 0.2\nphases:\n  build:\n    commands:\n      - " + json.dumps(command) + "\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_the_same_shell_tests_as_the_dockerfile_rules(tmp_path, command):
    write_file(tmp_path / "ci", "buildspec.yml", _buildspec(command))
    write_file(tmp_path / "image", "Dockerfile", f"FROM alpine:3.22\nRUN {command}\nUSER app\n")
    result = run_scan(tmp_path, only_rules={*PAIRS, *PAIRS.values()})
    for codebuild, dockerfile in PAIRS.items():
        assert bool(findings_of(result, codebuild)) == bool(findings_of(result, dockerfile)), (
            codebuild
        )


def test_the_comparison_sees_both_outcomes_of_each_rule(tmp_path):
    """The comparison above is not vacuous: of the commands, some fire each rule, some not."""
    text = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(
        f"      - {json.dumps(command)}\n" for command in COMMANDS
    )
    write_file(tmp_path, "buildspec.yml", text)
    result = run_scan(tmp_path, only_rules=set(PAIRS))
    for rule_id in PAIRS:
        assert 0 < len(findings_of(result, rule_id)) < len(COMMANDS) / 2, rule_id


@pytest.mark.parametrize("key", ["commands", "finally"])
@pytest.mark.parametrize("phase", ["install", "pre_build", "build", "post_build"])
def test_every_phase_and_its_finally_block(tmp_path, phase, key):
    text = f"""\
    version: 0.2
    phases:
      {phase}:
        {key}:
          - echo start
          - curl -s https://x.example/i.sh | sh
    """
    result = scan_buildspec(tmp_path, text, "CBD004")
    (finding,) = findings_of(result, "CBD004")
    assert (finding.region.start_line, finding.resource) == (6, f"buildspec phase {phase}")


def test_every_shape_of_a_download_run_unread(tmp_path):
    commands = DOWNLOADS_RUN + DOWNLOADS_KEPT
    text = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(
        f"      - {json.dumps(command)}\n" for command in commands
    )
    result = scan_buildspec(tmp_path, text, "CBD004")
    assert lines_of(result, "CBD004") == list(range(5, 5 + len(DOWNLOADS_RUN)))


def test_a_shells_own_assignment_is_in_the_environment_of_its_heredoc_script(tmp_path):
    """`s=$(curl ...) bash <<EOF` gives the shell reading the heredoc s; the next command
    does not get it."""
    ran = "s=$(curl -fsSL https://x.example/i.sh) bash <<'EOF'\neval \"$s\"\nEOF"
    kept = "s=$(curl -fsSL https://x.example/i.sh) bash <<'EOF'\necho hi\nEOF\neval \"$s\""
    text = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join(
        f"      - {json.dumps(command)}\n" for command in (ran, kept)
    )
    assert lines_of(scan_buildspec(tmp_path, text, "CBD004"), "CBD004") == [5]


def test_heredocs_run_by_a_shell_in_block_scalars(tmp_path):
    lines, expected = ["version: 0.2", "phases:", "  build:", "    commands:"], []
    for script in HEREDOCS_RUN + HEREDOCS_KEPT:
        if script in HEREDOCS_RUN:
            expected.append(len(lines) + 1)
        lines.append("      - |")
        lines.extend(f"        {line}" for line in script.splitlines())
    result = scan_buildspec(tmp_path, "\n".join(lines) + "\n", "CBD004")
    assert lines_of(result, "CBD004") == expected


def test_block_scalars_and_continuations_are_one_command(tmp_path):
    text = """\
    version: 0.2
    phases:
      build:
        commands:
          - |
            curl -fsSL https://x.example/i.sh \\
              | bash
          - >-
            wget -qO- https://x.example/i.sh
            | sh
          - curl -k
            -o a.tgz https://x.example/a.tgz
          - curl -s https://x.example/j.sh \\
            | sh
    """
    assert lines_of(scan_buildspec(tmp_path, text, "CBD004"), "CBD004") == [5, 8, 13]
    assert lines_of(scan_buildspec(tmp_path, text, "CBD005"), "CBD005") == [11]


def test_a_command_string_instead_of_a_list(tmp_path):
    text = "version: 0.2\nphases:\n  build:\n    commands: curl -s https://x.example | sh\n"
    assert lines_of(scan_buildspec(tmp_path, text, "CBD004"), "CBD004") == [4]


def test_odd_command_entries_are_skipped(tmp_path):
    text = (
        "version: 0.2\nphases:\n  build:\n    commands:\n      - {echo: x}\n      - 42\n      -\n"
    )
    assert not scan_buildspec(tmp_path, text, "CBD004").findings


@pytest.mark.parametrize(
    ("name", "value", "fires"),
    [
        ("GIT_SSL_NO_VERIFY", "'true'", True),
        # git turns checks off when the variable is set at all, to anything
        ("GIT_SSL_NO_VERIFY", "false", True),
        ("GIT_SSL_NO_VERIFY", "0", True),
        ("GIT_SSL_NO_VERIFY", "''", True),
        ("GIT_SSL_NO_VERIFY", "", False),  # no value: nothing is set
        ("PYTHONHTTPSVERIFY", "0", True),
        ("NODE_TLS_REJECT_UNAUTHORIZED", "'0'", True),
        ("PIP_TRUSTED_HOST", "pypi.example.com", True),
        ("NPM_CONFIG_STRICT_SSL", "false", True),
        ("PYTHONHTTPSVERIFY", "1", False),
        ("NODE_TLS_REJECT_UNAUTHORIZED", "1", False),
        # node turns checks off only for "0", PEP 493's Pythons only for "0"
        ("NODE_TLS_REJECT_UNAUTHORIZED", "'false'", False),
        ("PYTHONHTTPSVERIFY", "'false'", False),
        ("PYTHONHTTPSVERIFY", "1", False),
        ("GIT_SSL_CAINFO", "/etc/ssl/ca.pem", False),
        ("MAVEN_OPTS", "'-Xmx2g -Dmaven.wagon.http.ssl.insecure=true'", True),
        ("MAVEN_OPTS", "'-Xmx2g -Dmaven.wagon.http.ssl.insecure=false'", False),
    ],
)
def test_tls_variables(tmp_path, name, value, fires):
    text = f"version: 0.2\nenv:\n  variables:\n    {name}: {value}\nphases: {{}}\n"
    result = scan_buildspec(tmp_path, text, "CBD005")
    assert lines_of(result, "CBD005") == ([4] if fires else [])
    if fires:
        assert findings_of(result, "CBD005")[0].resource == f"buildspec env {name}"


def test_export_of_a_name_alone_sets_nothing(tmp_path):
    text = _buildspec("export GIT_SSL_NO_VERIFY") + "      - export GIT_SSL_NO_VERIFY=\n"
    assert lines_of(scan_buildspec(tmp_path, text, "CBD005"), "CBD005") == [6]


PROJECT_TLS = """Environment:
  Type: LINUX_CONTAINER
  Image: aws/codebuild/standard:7.0
  EnvironmentVariables:
    - {Name: GIT_SSL_NO_VERIFY, Value: "false"}
    - {Name: NODE_TLS_REJECT_UNAUTHORIZED, Type: PLAINTEXT, Value: 0}
    - {Name: PYTHONHTTPSVERIFY, Value: !Ref Verify}
    - {Name: NPM_CONFIG_STRICT_SSL, Value: !If [Lab, "false", "true"]}
    - {Name: PIP_TRUSTED_HOST, Type: plaintext, Value: pypi.example.com}
    - {Name: NODE_TLS_REJECT_UNAUTHORIZED, Value: "1"}
    - {Name: PYTHONHTTPSVERIFY, Value: "false"}
    - {Name: NPM_CONFIG_STRICT_SSL, Value: !If [Lab, "true", !Ref Strict]}
    - {Name: GIT_SSL_NO_VERIFY, Type: PARAMETER_STORE, Value: /build/git}
    - {Name: GIT_SSL_CAINFO, Value: /etc/ssl/ca.pem}
Source:
  Type: NO_SOURCE
  BuildSpec: !Sub |
    version: 0.2
    env:
      variables:
        PYTHONHTTPSVERIFY: ${Verify}
        NODE_TLS_REJECT_UNAUTHORIZED: ${Strict}
    phases:
      build:
        commands:
          - git clone https://git.example.com/r.git
"""
PROJECT_TLS_PARAMETERS = """Parameters:
  Verify: {Type: String, Default: "0"}
  Strict: {Type: String, Default: "1"}
  Lab: {Type: String, Default: "no"}
Conditions:
  Lab: !Equals [!Ref Lab, "yes"]
"""


def test_project_environment_variables_and_inline_buildspec_values(tmp_path):
    """A project's plaintext variables are set for every build like env.variables, with
    every value CloudFormation may deploy (a parameter's default, either Fn::If branch)."""
    result = scan_project(tmp_path, PROJECT_TLS, "CBD005", PROJECT_TLS_PARAMETERS)
    assert lines_of(result, "CBD005") == [11, 12, 13, 14, 15, 27]
    settings = [f.properties["setting"] for f in findings_of(result, "CBD005")]
    assert settings == [
        "GIT_SSL_NO_VERIFY=false",
        "NODE_TLS_REJECT_UNAUTHORIZED=0",
        "PYTHONHTTPSVERIFY=0",
        "NPM_CONFIG_STRICT_SSL=false",
        "PIP_TRUSTED_HOST=pypi.example.com",
        "PYTHONHTTPSVERIFY=0",
    ]
    assert findings_of(result, "CBD005")[0].resource == "AWS::CodeBuild::Project Build"


@pytest.mark.parametrize(
    ("sources", "lines"),
    [
        ("Source: {Type: GITHUB_ENTERPRISE, Location: https://ghe.example.com/o/r.git,"
         " InsecureSsl: true}", [7]),
        ("Source:\n  Type: GITHUB_ENTERPRISE\n  InsecureSsl: !Ref Insecure", [9]),
        ("Source: {Type: GITHUB_ENTERPRISE, InsecureSsl: false}\nSecondarySources:\n"
         "  - {SourceIdentifier: lib, Type: GITHUB_ENTERPRISE, InsecureSsl: 'true'}", [9]),
        ("Source: {Type: GITHUB_ENTERPRISE, InsecureSsl: false}", []),
        ("Source: {Type: GITHUB_ENTERPRISE}", []),
    ],
)  # fmt: skip
def test_project_source_fetched_without_certificate_checks(tmp_path, sources, lines):
    """Source.InsecureSsl true (false by default) ignores the source server's certificate:
    a man-in-the-middle can serve the build any code."""
    parameters = 'Parameters:\n  Insecure: {Type: String, Default: "true"}\n'
    result = scan_project(tmp_path, sources, "CBD005", parameters)
    assert lines_of(result, "CBD005") == lines


def test_a_create_project_source_fetched_without_certificate_checks(tmp_path):
    project = {
        "name": "app",
        "source": {"type": "GITHUB_ENTERPRISE", "insecureSsl": True},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0"},
        "artifacts": {"type": "NO_ARTIFACTS"},
    }
    write_file(tmp_path, "project.json", json.dumps(project))
    found = findings_of(run_scan(tmp_path, only_rules={"CBD005"}), "CBD005")
    assert [f.properties["setting"] for f in found] == ["Source.InsecureSsl: true"]


TOOL_OPTIONS_OFF = [
    "aws s3 cp s3://artifacts/app.zip . --no-verify-ssl",
    "aws --no-verify-ssl ecr get-login-password --region eu-west-1",
    "kubectl --insecure-skip-tls-verify apply -f k8s/",
    "kubectl apply -f k8s/ --insecure-skip-tls-verify=true",
    "helm repo add charts https://charts.example.com --insecure-skip-tls-verify",
    "npm install --no-strict-ssl",
    "mvn -B package -Dmaven.wagon.http.ssl.insecure=true -Dmaven.wagon.http.ssl.allowall=true",
    "./mvnw deploy -Dmaven.wagon.http.ssl.insecure",
    "mvn -B verify -Daether.connector.https.securityMode=insecure",
    'MAVEN_OPTS="-Xmx1g -Dmaven.wagon.http.ssl.insecure=true" mvn package',
    "podman push --tls-verify=false registry.internal:5000/app:latest",
    "buildah bud --tls-verify=False -t registry.internal/app .",
    "skopeo copy --src-tls-verify=false --dest-tls-verify=0 docker://a/b docker://c/d",
    "go env -w GOINSECURE=git.internal.example.com",
    "GOINSECURE=*.internal go mod download",
]
TOOL_OPTIONS_ON = [
    "aws s3 cp s3://artifacts/app.zip .",
    "kubectl apply -f k8s/ --insecure-skip-tls-verify=false",
    "helm upgrade --install app ./chart",
    "echo --no-verify-ssl",
    "mvn -B package -Dmaven.wagon.http.ssl.insecure=false",
    'MAVEN_OPTS="-Xmx1g" mvn package',
    "podman push --tls-verify=true registry.example.com/app:latest",
    "skopeo copy docker://a/b docker://c/d",
    "go env -w GOPRIVATE=git.internal.example.com",
    "echo --tls-verify=false",
]


@pytest.mark.parametrize(
    ("command", "fires"),
    [(c, True) for c in TOOL_OPTIONS_OFF] + [(c, False) for c in TOOL_OPTIONS_ON],
)
def test_tool_options_that_skip_certificate_checks(tmp_path, command, fires):
    """The AWS CLI's --no-verify-ssl, kubectl's and helm's --insecure-skip-tls-verify, npm's
    --no-strict-ssl and Maven's insecure transport properties (on its command line or in
    MAVEN_OPTS), in a buildspec and in a Dockerfile RUN alike."""
    write_file(tmp_path / "ci", "buildspec.yml", _buildspec(command))
    write_file(tmp_path / "image", "Dockerfile", f"FROM alpine:3.22\nRUN {command}\nUSER app\n")
    result = run_scan(tmp_path, only_rules={"CBD005", "DKR017"})
    assert bool(findings_of(result, "CBD005")) == fires
    assert bool(findings_of(result, "DKR017")) == fires


POWERSHELL_OFF = [
    "Invoke-WebRequest -Uri https://x.example/a.zip -OutFile a.zip -SkipCertificateCheck",
    "[System.Net.ServicePointManager]::ServerCertificateValidationCallback = {$true}",
]


@pytest.mark.parametrize("shell", ["", "  shell: powershell.exe\n", "  shell: pwsh\n"])
def test_powershell_commands_of_a_windows_buildspec(tmp_path, shell):
    """Commands on Windows images run in PowerShell (the default there, or env.shell)."""
    text = (
        "version: 0.2\n"
        + (f"env:\n{shell}" if shell else "")
        + (
            "phases:\n  build:\n    commands:\n"
            + "".join(f"      - {json.dumps(command)}\n" for command in POWERSHELL_OFF)
        )
    )
    write_file(tmp_path, "buildspec.yml", text)
    found = findings_of(run_scan(tmp_path, only_rules={"CBD005"}), "CBD005")
    assert len(found) == 2


def test_a_posix_or_cmd_shell_is_not_read_as_powershell(tmp_path):
    for shell in ("bash", "/bin/sh", "cmd.exe"):
        text = f"version: 0.2\nenv:\n  shell: {shell}\nphases:\n  build:\n    commands:\n" + (
            "".join(f"      - {json.dumps(command)}\n" for command in POWERSHELL_OFF)
        )
        write_file(tmp_path, "buildspec.yml", text)
        assert not findings_of(run_scan(tmp_path, only_rules={"CBD005"}), "CBD005"), shell
