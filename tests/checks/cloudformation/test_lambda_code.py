"""CloudFormation lambda_code family: CFN030 (bandit on a function's Python code, inline or
in its local CodeUri). Catches / doesn't catch, through the engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, run_scan, write_file


def test_inline_python_shell_true_is_b602_at_template_line():
    found = findings_of(CFN / "CFN030" / "bad-inline", "CFN030")
    by_test = {f.properties["banditTestId"]: f for f in found}
    assert by_test["B602"].region.start_line == 15
    assert by_test["B602"].severity.label == "high"
    assert "B602" in by_test["B602"].message and "Runner" in by_test["B602"].message
    assert by_test["B404"].region.start_line == 10
    assert by_test["B404"].severity.label == "low"


def test_inline_python_in_json_join_maps_each_line(tmp_path):
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::1:role/r",
                    "Code": {
                        "ZipFile": {
                            "Fn::Join": [
                                "\n",
                                [
                                    "import os",
                                    "def handler(event, context):",
                                    "    os.system(event['cmd'])",
                                ],
                            ]
                        }
                    },
                },
            }
        }
    }
    result = scan_text(tmp_path, json.dumps(template, indent=2), "template.json")
    found = {f.properties["banditTestId"]: f for f in findings_of(result, "CFN030")}
    text = (tmp_path / "template.json").read_text().splitlines()
    assert "os.system" in text[found["B605"].region.start_line - 1]


def test_inline_python_with_sub_tag(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::1:role/r
      Code:
        ZipFile: !Sub |
          import pickle
          REGION = "${AWS::Region}"
          def handler(event, context):
              return pickle.loads(event["body"])
""",
    )
    found = {
        f.properties["banditTestId"]: f.region.start_line for f in findings_of(result, "CFN030")
    }
    assert found["B301"] == 13


def test_codeuri_python_files_located_in_the_code(tmp_path):
    found = findings_of(CFN / "CFN030" / "bad-codeuri", "CFN030")
    assert [(f.path.rsplit("/", 2)[-2:], f.region.start_line) for f in found] == [
        (["src", "app.py"], 5)
    ]
    assert found[0].properties["banditTestId"] == "B506"
    assert found[0].resource == "AWS::Serverless::Function Worker"


def test_codeuri_outside_the_scan_root_is_not_read(tmp_path):
    outside = tmp_path / "code"
    write_file(outside, "app.py", "import os\nos.system('x')\n")
    project = tmp_path / "project"
    write_file(
        project,
        "template.yaml",
        """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: ../code}
""",
    )
    assert not findings_of(run_scan(project, root=str(project)), "CFN030")


def test_codeuri_snippet_is_the_python_line():
    found = findings_of(CFN / "CFN030" / "bad-codeuri", "CFN030")
    assert found[0].snippet == 'return yaml.load(event["body"])'


def test_node_and_plain_python_functions_are_not_reported():
    assert not findings_of(CFN / "CFN030" / "good", "CFN030")
    assert not findings_of(CFN / "CFN030" / "good-node", "CFN030")


def test_tmp_directory_is_not_reported_in_lambda_code():
    # /tmp is a Lambda function's only writable directory: bandit's B108 does not apply, inline
    # or in the CodeUri directory; other tests still run on the same code.
    result = run_scan(CFN / "CFN030" / "good-tmp-dir")
    assert not [f for f in findings_of(result, "CFN030") if f.properties["banditTestId"] == "B108"]
    assert not findings_of(result, "CFN030")


def test_code_bandit_gives_up_on_is_a_missing_result_not_silence(tmp_path, capfd):
    """bandit's visitor recurses: code nested deeper than it can go (it parses) was dropped,
    its issues with it, and bandit wrote its failure to stderr."""
    nested = "x = " + "lambda: " * 1_500 + "0"
    text = (
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: index.handler\n      Code:\n"
        f'        ZipFile: "import os\\nos.system(\\"ls\\")\\n{nested}\\n"\n'
    )
    result = scan_text(tmp_path, text, only_rules={"CFN030"})
    (failure,) = findings_of(result, "GL002")
    assert failure.message.startswith(
        "Rule CFN030 crashed on this file (BanditFailed: bandit could not analyze F.py"
    )
    assert "its results for this file are missing" in failure.message
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("properties", "reported"),
    [
        ("{Runtime: python3.12, Handler: app.handler}", True),  # sam builds the template's dir
        ("{Runtime: python3.12, Handler: app.handler, CodeUri: s3://bucket/code.zip}", False),
        ("{PackageType: Image, ImageUri: repo:1, ImageConfig: {Command: [app.handler]}}", False),
        ("{Runtime: nodejs20.x, Handler: app.handler}", False),
    ],
)
def test_sam_function_without_codeuri_has_the_templates_directory(tmp_path, properties, reported):
    write_file(
        tmp_path, "app.py", "import os\n\ndef handler(event, context):\n    os.system(event['x'])\n"
    )
    text = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        f"  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {properties}\n"
    )
    write_file(tmp_path, "template.yaml", text)
    found = findings_of(run_scan(tmp_path), "CFN030")
    assert [f.path.rsplit("/", 1)[-1] for f in found] == (["app.py"] if reported else [])


def test_sam_function_takes_its_codeuri_from_globals(tmp_path):
    write_file(tmp_path / "src", "app.py", "import os\nos.system('x')\n")
    write_file(tmp_path, "app.py", "import pickle\n")
    text = (
        "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function: {CodeUri: src/}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: app.handler}\n"
    )
    write_file(tmp_path, "template.yaml", text)
    found = findings_of(run_scan(tmp_path), "CFN030")
    assert {f.path for f in found} == {"src/app.py"}


def test_bandit_runs_without_loading_its_report_formatters():
    """bandit's formatters (its SARIF one imports sarif_om) only write bandit's own reports:
    the issues are bandit's all the same, and none of them is imported."""
    program = (
        "import sys\n"
        "from guardlint.knowledge.bandit_analysis import bandit_issues\n"
        "code = b'import subprocess\\nsubprocess.call(\"ls\", shell=True)\\n'\n"
        "issues = bandit_issues(code, 'lambda.py')\n"
        "print(sorted(i.test_id for i in issues))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('bandit.formatters', 'sarif_om'))))\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                               timeout=120, check=True)  # fmt: skip
    assert completed.stdout.splitlines() == ["['B404', 'B602', 'B607']", "[]"]
