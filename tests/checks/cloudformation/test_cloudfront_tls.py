"""CloudFront viewers on a certificate of their own whose security policy
(MinimumProtocolVersion) accepts protocols below TLS 1.2 (CFN024)."""

from __future__ import annotations

import pytest

from guardlint.knowledge.tables import load_table
from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

_DISTRIBUTION = """\
Resources:
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Aliases: [www.example.com]
        Origins: [{Id: web, DomainName: origin.example.com, S3OriginConfig: {}}]
        DefaultCacheBehavior: {TargetOriginId: web, ViewerProtocolPolicy: redirect-to-https}
        ViewerCertificate:
          {certificate}
          SslSupportMethod: sni-only
          MinimumProtocolVersion: {policy}
"""


_ACM = "AcmCertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/abc"
_IAM = "IamCertificateId: ASCACKCEVSQ6C2EXAMPLE"


@pytest.mark.parametrize(
    ("certificate", "policy", "oldest"),
    [
        (_ACM, "TLSv1", "TLS 1.0"),
        (_ACM, "TLSv1_2016", "TLS 1.0"),
        (_IAM, "TLSv1.1_2016", "TLS 1.1"),
        (_IAM, "SSLv3", "SSL 3.0"),
        (_ACM, "TLSv1.2_2021", None),
        (_ACM, "TLSv1.3_2025", None),
        (_ACM, "TLSv9_2099", None),
        # CloudFront's own certificate always gets TLSv1, whatever the template asks for.
        ("CloudFrontDefaultCertificate: true", "TLSv1", None),
    ],
)  # fmt: skip
def test_cloudfront_viewer_security_policy_below_tls_1_2(tmp_path, certificate, policy, oldest):
    text = _DISTRIBUTION.replace("{certificate}", certificate).replace("{policy}", policy)
    found = findings_of(scan_text(tmp_path, text), "CFN024")
    if oldest is None:
        assert not found
    else:
        assert [f.region.start_line for f in found] == [13]
        assert f"accepts {oldest}" in found[0].message and policy in found[0].message


def test_cloudfront_policy_table_names_its_source_and_date():
    table = load_table("cloudfront_security_policies.yaml")
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in table["sources"])
    assert str(table["reviewed"]) == "2026-12-05"
