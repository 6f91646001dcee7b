"""Network: security group ingress from the world (CFN006-CFN009, the security-group-ingress
template), IMDSv1 (CFN023), listeners and CloudFront viewers without TLS (CFN024)."""

from __future__ import annotations

import pytest

from guardlint.knowledge.tables import load_table
from tests.checks.cloudformation import CFN, scan_text
from tests.conftest import findings_of, lines_of, run_scan


@pytest.mark.parametrize(
    ("rule_id", "case", "line"),
    [("CFN009", "bad", 7), ("CFN023", "bad-optional", 7), ("CFN024", "bad-tls", 8)],
)
def test_catches_at_the_line(rule_id, case, line):
    assert line in lines_of(CFN / rule_id / case, rule_id)


def test_sg_all_ports_range_is_cfn008_only():
    result = run_scan(CFN / "CFN008" / "bad-port-range")
    assert lines_of(result, "CFN008") == [10]
    assert findings_of(result, "CFN008")[0].resource == "AWS::EC2::SecurityGroup OpenGroup"
    # Every port is one critical finding, not also SSH/RDP/database findings.
    assert not findings_of(result, "CFN006") and not findings_of(result, "CFN009")


def test_sg_protocol_minus_one_as_json_int():
    assert lines_of(CFN / "CFN008" / "bad-minus-one-int", "CFN008") == [8]


def test_sg_cidr_parameter_default_decides(tmp_path):
    assert not findings_of(CFN / "CFN006" / "good-param-cidr", "CFN006")
    assert lines_of(CFN / "CFN006" / "bad-default", "CFN006") == [14]
    assert not findings_of(CFN / "CFN006" / "good-unresolved", "CFN006")
    assert lines_of(CFN / "CFN006" / "bad-range", "CFN006") == [9]


def test_sg_ipv6_world_and_standalone_ingress():
    found = findings_of(CFN / "CFN007" / "bad", "CFN007")
    assert [(f.region.start_line, f.properties["cidr"]) for f in found] == [(7, "::/0")]


def test_udp_port_22_is_not_ssh_but_port_ranges_are(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: mixed
      SecurityGroupIngress:
        - {IpProtocol: udp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 1000, ToPort: 7000, CidrIp: 0.0.0.0/0}
        - !If
          - Open
          - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
          - !Ref AWS::NoValue
        - !If
          - Never
          - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
          - !Ref AWS::NoValue
Parameters:
  Mode: {Type: String, Default: closed}
Conditions:
  Open: !Equals [!Ref Mode, open]
  Never: !Equals [a, b]
""",
    )
    # The branch of a condition a parameter decides may deploy; Never's true branch cannot.
    assert not findings_of(result, "CFN006")
    assert lines_of(result, "CFN009") == [8]  # 3306, 5432, 6379 in 1000-7000
    assert lines_of(result, "CFN007") == [8, 11]  # the range, and the Fn::If branch


def test_http_listener_is_plaintext_on_443_with_certificates_and_without_actions():
    assert lines_of(CFN / "CFN024" / "bad-http-443", "CFN024") == [12]
    # No default actions redirect nowhere: still plain HTTP.
    assert lines_of(CFN / "CFN024" / "bad-http-no-actions", "CFN024") == [7]


_LISTENER_WITH_POLICY = """\
Resources:
  Secure:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/9
      Port: 443
      Protocol: HTTPS
      SslPolicy: {policy}
      DefaultActions:
        - Type: forward
          TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/9
"""


@pytest.mark.parametrize(
    ("policy", "oldest"),
    [
        ("ELBSecurityPolicy-2016-08", "1.0"),
        ("ELBSecurityPolicy-TLS13-1-0-2021-06", "1.0"),
        ("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", "1.1"),
        ("ELBSecurityPolicy-FS-1-1-2019-08", "1.1"),
        ("ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", "1.0"),
        ("ELBSecurityPolicy-TLS13-1-2-2021-06", None),
        ("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", None),
        ("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", None),
        ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", None),
        ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", None),
        ("ELBSecurityPolicy-TLS13-1-3-2021-06", None),
        ("ELBSecurityPolicy-Unknown-2099-01", None),  # not in AWS's list: not known to be weak
    ],
)
def test_ssl_policy_oldest_tls_comes_from_aws_list(tmp_path, policy, oldest):
    found = findings_of(scan_text(tmp_path, _LISTENER_WITH_POLICY.format(policy=policy)), "CFN024")
    if oldest is None:
        assert not found
    else:
        assert [f.region.start_line for f in found] == [8]
        assert f"accepts TLS {oldest}" in found[0].message


def test_elb_policy_table_names_its_source_and_date():
    table = load_table("elb_security_policies.yaml")
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in table["sources"])
    assert str(table["reviewed"]) == "2026-12-04"


INSTANCE = """\
Parameters:
  Tokens: {Type: String, Default: required}
Conditions:
  Strict: !Equals [!Ref Tokens, required]
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {MetadataOptions: {HttpTokens: required}}
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
"""


@pytest.mark.parametrize(
    "options",
    [
        "MetadataOptions: {HttpTokens: required}",
        "MetadataOptions: {HttpTokens: required, HttpPutResponseHopLimit: 2}",
        "MetadataOptions: {HttpTokens: !Ref Tokens}",
        "MetadataOptions: {HttpEndpoint: disabled}",
        "LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}",
    ],
)
def test_instance_requiring_imdsv2_itself_is_not_reported(tmp_path, options):
    # AWS::EC2::Instance has MetadataOptions of its own, like a launch template's.
    result = scan_text(tmp_path, INSTANCE + f"      {options}\n")
    assert not findings_of(result, "CFN023")


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ("MetadataOptions: {HttpTokens: optional}", 14),
        ("MetadataOptions: {HttpPutResponseHopLimit: 1}", 14),
        ("MetadataOptions: {HttpTokens: !If [Strict, required, optional]}", 14),
        ("MetadataOptions: !If [Strict, {HttpTokens: required}, !Ref AWS::NoValue]", 14),
        ("InstanceType: t3.micro", 10),
    ],
)
def test_instance_accepting_imdsv1_is_reported(tmp_path, options, line):
    result = scan_text(tmp_path, INSTANCE + f"      {options}\n")
    assert lines_of(result, "CFN023") == [line]


def test_instance_own_options_override_its_launch_template(tmp_path):
    text = INSTANCE + (
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
        "      MetadataOptions: {HttpTokens: optional}\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN023") == [15]


def test_instance_options_removed_by_no_value_leave_its_launch_template_to_decide(tmp_path):
    text = INSTANCE + (
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
        "      MetadataOptions: !If [Strict, {HttpTokens: optional}, !Ref AWS::NoValue]\n"
    )
    assert lines_of(scan_text(tmp_path, text), "CFN023") == [15]


_LISTENER = """\
Parameters:
  Policy: {{Type: String}}
  Env: {{Type: String, Default: dev}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Secure:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/9
      Port: 443
      Protocol: {protocol}
      {policy}
      Certificates: [{{CertificateArn: arn:aws:acm:eu-west-1:1:certificate/0f0e}}]
      DefaultActions:
        - Type: forward
          TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/9
"""


@pytest.mark.parametrize(
    ("protocol", "policy", "line"),
    [
        # Without SslPolicy, CloudFormation gives ELBSecurityPolicy-2016-08 (TLS 1.0 and up).
        ("HTTPS", "", 12),
        ("TLS", "", 12),
        (
            "HTTPS",
            "SslPolicy: !If [IsProd, ELBSecurityPolicy-TLS13-1-2-2021-06, !Ref AWS::NoValue]",
            13,
        ),
        ("HTTPS", "SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06", None),
        ("HTTPS", "SslPolicy: !Ref Policy", None),  # unknown: not reported
        ("HTTPS", "SslPolicy: ''", 13),  # an empty policy is none
        ("TCP", "", None),  # no TLS at the load balancer
        ("!If [IsProd, TLS, TCP]", "", 12),
    ],
)
def test_listener_without_ssl_policy_gets_the_2016_08_default(tmp_path, protocol, policy, line):
    text = _LISTENER.format(protocol=protocol, policy=policy)
    found = findings_of(scan_text(tmp_path, text), "CFN024")
    assert [f.region.start_line for f in found] == ([line] if line else [])
    if found:
        assert "ELBSecurityPolicy-2016-08" in found[0].message
        assert "TLS 1.0" in found[0].message


_CLASSIC = """\
Resources:
  Balancer:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Scheme: {scheme}
      Subnets: [subnet-1, subnet-2]
      Listeners:
        - LoadBalancerPort: "443"
          InstancePort: "80"
          Protocol: {protocol}
          SSLCertificateId: arn:aws:acm:eu-west-1:1:certificate/0f0e
          {names}
      {policies}
"""
_REFERENCE = (
    "Policies:\n        - PolicyName: Tls\n          PolicyType: SSLNegotiationPolicyType\n"
    "          Attributes: [{{Name: Reference-Security-Policy, Value: {0}}}]{1}"
)
_CUSTOM = (
    "Policies:\n        - PolicyName: Tls\n          PolicyType: SSLNegotiationPolicyType\n"
    "          Attributes:\n            - {{Name: Protocol-TLSv1.2, Value: 'true'}}\n"
    "            - {{Name: {0}, Value: '{1}'}}\n"
    "            - {{Name: ECDHE-RSA-AES128-GCM-SHA256, Value: 'true'}}"
)


@pytest.mark.parametrize(
    ("scheme", "protocol", "names", "policies", "line"),
    [
        ("internet-facing", "HTTPS", "", "", 10),  # the default policy: 2016-08
        ("internet-facing", "SSL", "", "", 10),
        (
            "internet-facing",
            "HTTPS",
            "PolicyNames: [Tls]",
            _REFERENCE.format("ELBSecurityPolicy-TLS-1-2-2017-01", ""),
            None,
        ),
        (
            "internet-facing",
            "HTTPS",
            "PolicyNames: [Tls]",
            _REFERENCE.format("ELBSecurityPolicy-2016-08", ""),
            16,
        ),
        (
            "internet-facing",
            "HTTPS",
            "PolicyNames: [Tls]",
            _REFERENCE.format("ELBSecurityPolicy-TLS-1-1-2017-01", ""),
            16,
        ),
        # A policy applied by its LoadBalancerPorts rather than by the listener's names.
        (
            "internet-facing",
            "HTTPS",
            "",
            _REFERENCE.format(
                "ELBSecurityPolicy-TLS-1-2-2017-01", "\n          LoadBalancerPorts: ['443']"
            ),
            None,
        ),
        (
            "internet-facing",
            "HTTPS",
            "PolicyNames: [Tls]",
            _CUSTOM.format("Protocol-TLSv1", "true"),
            18,
        ),
        (
            "internet-facing",
            "HTTPS",
            "PolicyNames: [Tls]",
            _CUSTOM.format("Protocol-TLSv1", "false"),
            None,
        ),
        ("internal", "HTTPS", "", "", None),  # not reachable from the internet
        ("internet-facing", "HTTP", "", "", None),  # plaintext classic listeners: not this rule
        ("internet-facing", "TCP", "", "", None),
    ],
)
def test_classic_load_balancer_listener_tls_policy(
    tmp_path, scheme, protocol, names, policies, line
):
    text = _CLASSIC.format(scheme=scheme, protocol=protocol, names=names, policies=policies)
    found = findings_of(scan_text(tmp_path, text), "CFN024")
    assert [f.region.start_line for f in found] == ([line] if line else [])


_LAUNCH_DATA = """\
Parameters:
  Env: {{Type: String, AllowedValues: [dev, prod]}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Never: !Equals [a, b]
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: !If
        - {condition}
        - {{ImageId: ami-1, MetadataOptions: {{HttpTokens: required}}}}
        - {{ImageId: ami-2, {other}}}
"""


@pytest.mark.parametrize(
    ("condition", "other", "line"),
    [
        ("IsProd", "MetadataOptions: {HttpTokens: optional}", 13),
        ("IsProd", "InstanceType: t3.micro", 7),  # no MetadataOptions: on the template
        ("IsProd", "MetadataOptions: {HttpTokens: required}", None),
        ("Never", "MetadataOptions: {HttpTokens: required}", None),
    ],
)
def test_launch_template_data_behind_fn_if(tmp_path, condition, other, line):
    result = scan_text(tmp_path, _LAUNCH_DATA.format(condition=condition, other=other))
    assert lines_of(result, "CFN023") == ([line] if line else [])


@pytest.mark.parametrize(
    ("behavior", "lines"),
    [
        ("!If [Cdn, {ViewerProtocolPolicy: allow-all}, !Ref AWS::NoValue]", [10]),
        ("!If [Never, {ViewerProtocolPolicy: allow-all}, {ViewerProtocolPolicy: https-only}]", []),
    ],
)
def test_cloudfront_behavior_behind_fn_if(tmp_path, behavior, lines):
    text = f"""\
Parameters:
  UseCdn: {{Type: String}}
Conditions:
  Cdn: !Equals [!Ref UseCdn, "yes"]
  Never: !Equals [a, b]
Resources:
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig: {{Enabled: true, DefaultCacheBehavior: {behavior}}}
"""
    assert lines_of(scan_text(tmp_path, text), "CFN024") == lines
