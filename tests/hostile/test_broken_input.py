"""Broken input: encodings, binary files, empty files, YAML and JSON oddities, type-confused
documents. Each case ends as a normal scan or one exact GL001, never a crash (GL002)."""

from __future__ import annotations

import gzip

import pytest

from guardlint.documents import SCANNED, parse_file
from guardlint.model.documents import SourceFile
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import (
    CONTROL,
    CONTROL_NAME,
    add_control,
    assert_control_scanned,
    parse_error,
    run_cli,
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_text_with_a_byte_order_mark_is_decoded_and_scanned_normally(tmp_path, encoding):
    data = CONTROL.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no BOM for an explicit byte order
    (tmp_path / CONTROL_NAME).write_bytes(data)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert_control_scanned(result)


GZIP = gzip.compress(b"services: {}\n", mtime=0)
LATIN1 = CONTROL.replace("tools", "caf\xe9").encode("latin-1")


@pytest.mark.parametrize(
    ("name", "data", "reason", "line"),
    [
        ("latin1.yaml", LATIN1, "invalid UTF-8 at byte 52", 4),
        ("nobom.yaml", CONTROL.encode("utf-16-le"), "binary file (contains NUL bytes)", 1),
        ("nul.yaml", CONTROL.encode() + b"\0", "binary file (contains NUL bytes)", 1),
        ("Dockerfile", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary file (contains NUL bytes)", 1),
        ("template.json", bytes(range(128, 256)), "invalid UTF-8 at byte 0", 1),
        ("compose.yml", GZIP, "binary file (contains NUL bytes)", 1),
        ("bad16.yaml", b"\xff\xfe" + b"\x00\xd8", "invalid utf-16-le text at byte 0", 1),
    ],
)  # fmt: skip
def test_undecodable_files_are_one_parse_error(tmp_path, name, data, reason, line):
    (tmp_path / name).write_bytes(data)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    error = parse_error(result, name)
    assert (error.properties["reason"], error.region.start_line) == (reason, line)
    assert error.message == f"Could not parse {name}: {reason}; it was not scanned."
    assert result.files["unparsable"] == 1
    assert_control_scanned(result)


def test_empty_files_are_not_parse_errors(tmp_path):
    write_file(tmp_path, "Dockerfile", "")
    write_file(tmp_path, "compose.yaml", "")
    write_file(tmp_path, "empty.yaml", "")
    write_file(tmp_path, "comments.yaml", "\n   \n# apiVersion: v1\n---\n...\n")
    result = run_scan(tmp_path)
    assert result.findings == []
    # An empty Dockerfile is a Dockerfile with nothing in it; empty YAML holds no IaC.
    assert dict(result.files) == {"scanned": 1, "skipped": 3}


def test_duplicate_key_is_noted_and_the_last_value_is_checked(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: last\n"
    path = write_file(tmp_path, "dup.yaml", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    note = parse_error(result, "dup.yaml")
    reason = (
        "duplicate key 'name' (first on line 4): the last value was checked, as PyYAML and "
        "JSON parsers keep it, but Docker Compose, CloudFormation and kubectl "
        "--validate=strict reject duplicate keys"
    )
    assert note.properties["reason"] == reason
    assert note.message == f"dup.yaml: {reason}."
    assert (note.region.start_line, note.region.start_column) == (5, 3)
    assert result.files["scanned"] == 2 and result.files["unparsable"] == 0
    parsed = parse_file(SourceFile(str(path), "dup.yaml", "structured"))
    assert parsed.status == SCANNED and parsed.documents[0].meta["name"] == "last"
    assert_control_scanned(result)


def test_duplicate_keys_in_json_too(tmp_path):
    write_file(
        tmp_path, "policy.json", '{"Version": "2012-10-17", "Statement": [],\n "Version": "x"}'
    )
    note = parse_error(run_scan(tmp_path), "policy.json")
    assert note.properties["reason"].startswith("duplicate key 'Version' (first on line 1)")
    assert note.region.start_line == 2


def test_a_duplicate_key_in_a_file_that_is_not_iac_is_not_reported(tmp_path):
    """A GitHub workflow (`services:` passes the sniff) or any other YAML that holds no IaC is
    not scanned: nothing was checked, and its consumer's view of duplicates is its own."""
    workflow = (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    services:\n      db: {image: postgres}\n    env:\n      A: 1\n      A: 2\n"
    )
    write_file(tmp_path, ".github/workflows/ci.yml", workflow)
    write_file(tmp_path, "notes.yaml", "Statement: draft\nowner: a\nowner: b\n")
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert result.skipped_files == {"not-iac-content": 2}


def test_tab_indentation_is_a_parse_error_at_the_tab(tmp_path):
    write_file(tmp_path, "pod.yaml", "apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n")
    add_control(tmp_path)
    result = run_scan(tmp_path)
    error = parse_error(result, "pod.yaml")
    assert error.properties["reason"] == (
        "YAML syntax error: a tab character where YAML allows only spaces"
    )
    assert (error.region.start_line, error.region.start_column) == (4, 1)
    assert_control_scanned(result)


def test_unknown_and_python_tags_are_plain_data_never_constructed(tmp_path):
    marker = tmp_path / "PWNED"
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tags\ndata:\n"
        "  custom: !Custom value\n"
        f"  run: !!python/object/apply:os.system ['touch {marker}']\n"
        "  obj: !!python/object:builtins.dict {a: 1}\n"
        "  blob: !!binary aGVsbG8=\n"
    )
    path = write_file(tmp_path, "tags.yaml", text)
    result = run_scan(tmp_path)
    assert not marker.exists()
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    (document,) = parse_file(SourceFile(str(path), "tags.yaml", "structured")).documents
    assert document.data["data"] == {
        "custom": "value",
        "run": [f"touch {marker}"],
        "obj": {"a": 1},
        "blob": "aGVsbG8=",
    }


def test_json_with_trailing_commas_is_read_leniently(tmp_path):
    text = '{\n  "Resources": {\n    "Logs": {"Type": "AWS::S3::Bucket",},\n  },\n}\n'
    write_file(tmp_path, "template.json", text)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    assert result.kinds["cloudformation"] == 1


@pytest.mark.parametrize("comment", ["// why", "/* why */"])
def test_json_with_comments_is_a_parse_error_naming_the_comment(tmp_path, comment):
    text = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  ' + comment + "\n"
    text += '  "Resources": {}\n}\n'
    write_file(tmp_path, "template.json", text)
    error = parse_error(run_scan(tmp_path), "template.json")
    assert error.properties["reason"] == f"JSON does not allow {comment[:2]} comments"
    assert error.region.start_line == 3


CFN_HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\n'


@pytest.mark.parametrize(
    "body",
    [
        "Resources:\n  Bad: [1, 2]\n  Worse: just a string\n  Null:\n",
        "Resources: [a, b]\n",
        "Resources: text\n",
        "Resources:\n  B:\n    Type: [AWS::S3::Bucket]\n    Properties: [x]\n",
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: text\n",
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies: text\n"
        "      AssumeRolePolicyDocument: [1]\n",
        "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n"
        "      PolicyDocument: {Statement: text}\n",
        "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      SecurityGroupIngress: {CidrIp: 0.0.0.0/0}\n",
        "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Environment: [1]\n      Policies: 5\n      Events: text\n",
        "Parameters: [x]\nConditions: text\nOutputs: 5\nResources:\n  B:\n"
        "    Type: AWS::S3::Bucket\n    Condition: [x]\n",
        # Numbers YAML reads as infinities or NaN where a whole number belongs.
        *(
            "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
            "      SecurityGroupIngress:\n        - {IpProtocol: tcp, "
            f"FromPort: {number}, ToPort: 22, CidrIp: !Select [{number}, [0.0.0.0/0]]}}\n"
            for number in (".inf", "-.inf", ".nan", "1.0e+400", "22.5", "9" * 5_000)
        ),
        # A list where a set is looked up by the value (unhashable).
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "  L:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
        "    Properties:\n      LoadBalancerAttributes:\n"
        "        - {Key: [access_logs.s3.bucket], Value: !Ref B}\n"
        "        - {Key: {a: b}, Value: !Ref B}\n",
        # A local path with a NUL byte, which names no file (os calls raise ValueError on it).
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
        '      Handler: app.h\n      CodeUri: "src/\\0app"\n  Api:\n'
        "    Type: AWS::Serverless::Api\n    Properties:\n      StageName: p\n"
        '      DefinitionUri: "api\\0.yaml"\n',
    ],
)
def test_cloudformation_of_the_wrong_shape_never_crashes_a_rule(tmp_path, body):
    write_file(tmp_path, "template.yaml", CFN_HEADER + body)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert result.kinds["cloudformation"] == 1
    assert not findings_of(result, "GL001")
    assert_control_scanned(result)
    assert_control_scanned(result)  # includes: no GL002 anywhere


KUBERNETES_OF_THE_WRONG_SHAPE = [
    "--- just a scalar mentioning apiVersion\n",
    "- apiVersion: v1\n  kind: Pod\n",
    "apiVersion: v1\nkind: Pod\nspec: text\n",
    "apiVersion: v1\nkind: Pod\nmetadata: [x]\nspec:\n  containers: {name: c}\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers: [text, 5, null]\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    securityContext: text\n"
    "    ports: text\n    env: {a: b}\n    resources: [1]\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: text\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec: [1]\n",
    "apiVersion: v1\nkind: Service\nspec: {type: [LoadBalancer], ports: text}\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: text\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules: [{verbs: '*', resources: 5}]\n",
]


COMPOSE_OF_THE_WRONG_SHAPE = [
    "services: text\n",
    "services:\n  web: text\n",
    "services:\n  web:\n    image: [x]\n    ports: text\n    environment: 5\n",
    "services:\n  web:\n    image: nginx\n    volumes: {a: b}\n    cap_add: text\n"
    "    security_opt: [5]\n    privileged: [true]\n",
    "services:\n  web:\n    build: [.]\n    secrets: text\n    networks: 5\n",
]


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nFROBNICATE the build\nUSER app\n",  # unknown instruction
        "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",  # unterminated heredoc
        "FROM alpine:3.20\nCOPY <<EOT /etc/x\n",
        "FROM alpine:3.20 AS\nRUN\nUSER\nENV A\nARG\nEXPOSE abc 99999999999\nHEALTHCHECK\n",
        'FROM alpine:3.20\nONBUILD ONBUILD RUN x\nCMD ["unterminated\nSHELL not-json\n',
        "FROM alpine:3.20\nRUN echo \\\n",  # continuation at end of file
        "\\\n\\\n",
        "ARG\nFROM ${X:-}\nUSER app\n",
    ],
)
def test_odd_dockerfiles_are_scanned_without_crashing(tmp_path, text):
    write_file(tmp_path, "Dockerfile", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert result.files["scanned"] == 2
    assert_control_scanned(result)


def test_dockerfile_without_an_image_is_a_parse_error(tmp_path):
    write_file(tmp_path, "Dockerfile", "FROM alpine:3.20\nFROM --platform=$BUILDPLATFORM\n")
    add_control(tmp_path)
    result = run_scan(tmp_path)
    error = parse_error(result, "Dockerfile")
    assert (error.properties["reason"], error.region.start_line) == ("FROM without an image", 2)
    assert_control_scanned(result)


def test_names_with_braces_are_data_not_format_templates(tmp_path):
    # Unrendered Helm values, or any name with braces: the resource string is shown as is.
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: '{{ .Release.Name }}-{0}-{x:>9}'\n"
        "  namespace: ops\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: x}]\n"
    )
    write_file(tmp_path, "pod.yaml", text)
    result = run_scan(tmp_path, only_rules={"K8S004"})
    (finding,) = findings_of(result, "K8S004")
    assert finding.resource == "Pod ops/{{ .Release.Name }}-{0}-{x:>9}"
    assert not findings_of(result, "GL002")


# Recognized by content (version 0.0 and a resource's type), which is where these went wrong.
APPSPECS_OF_THE_WRONG_SHAPE = [
    "version: 0.0\nResources:\n- svc:\n    Type: {a: 1}\n",
    "version: 0.0\nResources:\n- svc:\n    Type: [AWS::ECS::Service]\n- fn: {Type: 5}\n",
    "version: 0.0\nResources:\n- {a: 1, b: 2}\n- text\n- svc: [1]\n",
    # Hook timeouts int() refuses: a superscript digit, and more digits than it converts.
    *(
        f"version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n  - location: a.sh\n"
        f"    timeout: {timeout}\n"
        for timeout in ('"²"', "9" * 5_000)
    ),
]
# Numbers with more digits than int() converts (YAML keeps them as their text).
HUGE_NUMBERS = [
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
    f"  securityContext: {{runAsUser: {'9' * 5_000}}}\n  containers:\n  - name: a\n"
    f"    image: nginx:1.27\n    ports: [{{containerPort: 80, hostPort: {'9' * 5_000}}}]\n",
]
BUILDSPECS_OF_THE_WRONG_SHAPE = [
    f"version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: {'9' * 5_000}\n"
    "    commands: [npm ci]\n",
]
IAM_POLICIES_OF_THE_WRONG_SHAPE = [
    '{"Version": "2012-10-17", "Statement": "text"}',
    '{"Version": "2012-10-17", "Statement": [5, null, "x", []]}',
    '{"Version": "2012-10-17", "Statement": {"Effect": ["Allow"], "Action": {"a": 1}}}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [5, null],'
    ' "Resource": {"x": 1}, "Principal": ["*"], "Condition": ["x"]}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "*",'
    ' "NotResource": 5, "NotPrincipal": {"AWS": {"x": 1}}, "Condition": {"Bool": 5}}]}',
    '{"Version": ["2012-10-17"], "Statement": [{"Sid": [1], "Effect": "Deny",'
    ' "Action": "s3:*", "Resource": "*", "Principal": {"AWS": [null]}}]}',
]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        *(("manifest.yaml", text) for text in KUBERNETES_OF_THE_WRONG_SHAPE),
        *(("compose.yaml", text) for text in COMPOSE_OF_THE_WRONG_SHAPE),
        *(("policy.json", text) for text in IAM_POLICIES_OF_THE_WRONG_SHAPE),
        *(("deploy/spec.yml", text) for text in APPSPECS_OF_THE_WRONG_SHAPE),
        *(("pod.yaml", text) for text in HUGE_NUMBERS),
        *(("buildspec.yml", text) for text in BUILDSPECS_OF_THE_WRONG_SHAPE),
        # A patch target's kind looked up in a table must be a string first (unhashable).
        *(
            (
                "kustomization.yaml",
                f"resources: [pod.yaml]\npatches:\n  - path: p.yaml\n"
                f"    target: {{kind: {kind}}}\n",
            )
            for kind in ("[]", "{a: b}", "[Deployment]")
        ),
    ],
)
def test_documents_of_the_wrong_shape_never_crash_a_rule(tmp_path, name, text):
    """Kubernetes, Compose, IAM and AppSpec documents whose fields have the wrong types."""
    write_file(tmp_path, name, text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert_control_scanned(result)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("apiVersion: v1\nkind: List\nitems: text\n",
         "the items of the List on line 1 are not a list; not scanned"),
        ("apiVersion: v1\nkind: List\nitems: [text, {apiVersion: v1, kind: Pod, spec: 5}]\n",
         "item 1 of the List on line 1 is not a Kubernetes object (a mapping with apiVersion "
         "and kind); kubectl rejects it, and it was not scanned"),
    ],
)  # fmt: skip
def test_lists_of_the_wrong_shape_say_what_was_not_scanned(tmp_path, text, reason):
    write_file(tmp_path, "manifest.yaml", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert parse_error(result, "manifest.yaml").properties["reason"] == reason
    assert_control_scanned(result)


def test_a_control_character_yaml_refuses_is_one_line_at_its_place(tmp_path):
    """PyYAML's message for it has a second line (`in "<unicode string>", position 13`)."""
    write_file(tmp_path, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: \x01p}\n")
    add_control(tmp_path)
    error = parse_error(run_scan(tmp_path), "pod.yaml")
    reason = "YAML error: unacceptable character #x0001: control characters are not allowed"
    assert error.properties["reason"] == reason
    assert (error.region.start_line, error.region.start_column) == (3, 18)
    write_file(tmp_path, ".guardlint.yaml", "fail_on: \x01high\n")
    completed = run_cli("scan", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        f"guardlint: {tmp_path / '.guardlint.yaml'}:1: {reason}"
    ]
