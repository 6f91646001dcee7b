"""CFN023 and the image an instance launches: an Amazon Linux 2023 AMI (AWS's public SSM
parameter) sets ImdsSupport v2.0, so HttpTokens left unwritten is required."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import lines_of

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AL2 = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"

TEMPLATE = f"""\
Parameters:
  NewAmi:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: {AL2023}
  OldAmi:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: {AL2}
  PlainAmi:
    Type: String
    Default: {AL2023}
  Strict:
    Type: String
Conditions:
  IsStrict: !Equals [!Ref Strict, 'yes']
Resources:
  Server:
    Type: AWS::EC2::Instance
    Properties:
"""


@pytest.mark.parametrize(
    "properties",
    [
        "ImageId: !Ref NewAmi",
        "ImageId: '{{resolve:ssm:" + AL2023 + "}}'",
        "ImageId: '{{resolve:ssm:" + AL2023 + ":12}}'",
        "ImageId: !If [IsStrict, !Ref NewAmi, '{{resolve:ssm:" + AL2023 + "}}']",
        "{ImageId: !Ref NewAmi, MetadataOptions: {HttpPutResponseHopLimit: 2}}",
    ],
)
def test_an_al2023_image_requires_imdsv2_without_metadata_options(tmp_path, properties):
    text = TEMPLATE + f"      {properties}\n"
    assert lines_of(scan_text(tmp_path, text), "CFN023") == []


@pytest.mark.parametrize(
    "properties",
    [
        "ImageId: !Ref OldAmi",  # Amazon Linux 2 leaves IMDSv1 on
        "ImageId: !Ref PlainAmi",  # a String parameter's value is that text, no AMI
        "ImageId: ami-0123456789abcdef0",
        "ImageId: '{{resolve:ssm:" + AL2 + "}}'",
        "ImageId: '{{resolve:ssm:/team/images/al2023-ami-kernel-default-x86_64}}'",
        "ImageId: !If [IsStrict, !Ref NewAmi, !Ref OldAmi]",  # one branch may launch AL2
        "{ImageId: !Ref NewAmi, MetadataOptions: {HttpTokens: optional}}",
        "{ImageId: !Ref NewAmi, MetadataOptions: {HttpTokens: !If [IsStrict, required, optional]}}",
    ],
)
def test_other_images_and_written_optional_tokens_are_still_reported(tmp_path, properties):
    text = TEMPLATE + f"      {properties}\n"
    assert len(lines_of(scan_text(tmp_path, text), "CFN023")) == 1


@pytest.mark.parametrize(
    ("image", "reported"),
    [("resolve:ssm:" + AL2023, False), ("resolve:ssm:" + AL2, True), ("!Ref NewAmi", False)],
)
def test_a_launch_template_judged_by_its_image(tmp_path, image, reported):
    text = TEMPLATE.replace(
        "Server:\n    Type: AWS::EC2::Instance\n    Properties:\n",
        "Template:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n"
        f"      LaunchTemplateData:\n        ImageId: {image}\n",
    )
    assert bool(lines_of(scan_text(tmp_path, text), "CFN023")) is reported


def test_a_launch_configuration_of_an_al2023_image(tmp_path):
    text = TEMPLATE.replace("AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration")
    assert lines_of(scan_text(tmp_path, text + "      ImageId: !Ref NewAmi\n"), "CFN023") == []
    assert len(lines_of(scan_text(tmp_path, text + "      ImageId: !Ref OldAmi\n"), "CFN023")) == 1
