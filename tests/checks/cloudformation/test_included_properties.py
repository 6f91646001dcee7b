"""Properties an `Fn::Transform` writes (AWS::Include, or a macro called in the map): the keys
it inserts are unknown, so a setting the template does not write may still be set, and no
rule reports it missing; what the template does write is still judged."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of, lines_of

INCLUDE = """\
      Fn::Transform:
        Name: AWS::Include
        Parameters: {Location: 's3://amzn-s3-demo-bucket/hardening.yaml'}
"""
# (rules reported when the include is left out, resource written from line 2 on)
CASES = [
    (
        ["CFN001", "CFN003", "CFN004", "CFN005"],
        "  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: logs\n",
    ),
    (
        ["CFN011", "CFN012"],
        "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n",
    ),
    (["CFN013"], "  Disk:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 10\n"),
    (
        ["CFN020"],
        "  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n",
    ),
    (["CFN021"], "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: k\n"),
    (["CFN022"], "  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1\n"),
    (
        ["CFN023"],
        "  Vm:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n",
    ),
    (
        ["CFN017"],
        "  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n",
    ),
    (
        ["CFN017"],
        "  Route:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n"
        "      RouteKey: GET /items\n",
    ),
    (
        ["CFN024"],
        "  Plain:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n"
        "      Protocol: HTTP\n",
    ),
    (
        ["CFN024"],
        "  Tls:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n"
        "      Protocol: HTTPS\n",
    ),
    (
        ["CFN029"],
        "  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: app\n",
    ),
]


@pytest.mark.parametrize(("rules", "resource"), CASES)
def test_a_setting_an_include_may_write_is_not_reported_missing(tmp_path, rules, resource):
    plain = "Resources:\n" + resource
    reported = scan_text(tmp_path / "plain", plain)
    assert all(lines_of(reported, rule) for rule in rules)
    included = scan_text(tmp_path / "included", plain + INCLUDE)
    assert not findings_of(included, "GL002")
    assert not any(lines_of(included, rule) for rule in rules)


def test_an_include_in_a_property_map_leaves_that_map_unknown(tmp_path):
    text = (
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      PublicAccessBlockConfiguration:\n"
        "        Fn::Transform: {Name: AWS::Include, Parameters: {Location: 's3://b/pab.yaml'}}\n"
    )
    result = scan_text(tmp_path, text)
    assert not lines_of(result, "CFN001") and not findings_of(result, "GL002")


def test_what_the_template_writes_beside_an_include_is_still_judged(tmp_path):
    text = (
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      AccessControl: PublicRead\n"
        "      VersioningConfiguration: {Status: Suspended}\n" + INCLUDE
    )
    result = scan_text(tmp_path, text)
    assert not findings_of(result, "GL002")
    assert lines_of(result, "CFN002") == [5]
    assert lines_of(result, "CFN004") == [6]


def test_a_log_destination_an_include_may_write_is_not_read_as_missing(tmp_path):
    text = (
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      LoggingConfiguration:\n        LogFilePrefix: access/\n"
        "        Fn::Transform: {Name: AWS::Include, Parameters: {Location: 's3://b/l.yaml'}}\n"
    )
    result = scan_text(tmp_path, text)
    assert not findings_of(result, "GL002")
    assert not lines_of(result, "CFN005")
