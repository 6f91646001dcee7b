"""CFN017 judges an API Gateway method or route in each deployment of the template: what
exempts it (an OPTIONS method or route key, a private API, a WebSocket route other than
$connect) exempts only the deployment that writes it, paired with the authorization the same
deployment writes."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

_TEMPLATE = """\
Parameters:
  Env: {{Type: String, Default: dev}}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: a
      EndpointConfiguration: {{Types: [{endpoint}]}}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: r
      HttpMethod: {method}
      AuthorizationType: {auth}
  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: h
      ProtocolType: HTTP
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref HttpApi
      RouteKey: {route_key}
      AuthorizationType: {auth}
"""


def _open(
    tmp_path, method: str, auth: str, endpoint: str = "REGIONAL", route_key: str = ""
) -> list[str]:
    text = _TEMPLATE.format(
        method=method, auth=auth, endpoint=endpoint, route_key=route_key or '"GET /x"'
    )
    return [finding.resource for finding in findings_of(scan_text(tmp_path, text), "CFN017")]


@pytest.mark.parametrize(
    ("method", "auth", "endpoint", "route_key", "open_ones"),
    [
        # OPTIONS (and OPTIONS /x) only where Prod is true, which authorizes; GET elsewhere,
        # which does not.
        (
            "!If [Prod, OPTIONS, GET]",
            "!If [Prod, AWS_IAM, NONE]",
            "REGIONAL",
            '!If [Prod, "OPTIONS /x", "GET /x"]',
            ["Method", "Route"],
        ),
        # OPTIONS where Prod is false, which is the one deployment without authorization.
        (
            "!If [Prod, GET, OPTIONS]",
            "!If [Prod, AWS_IAM, NONE]",
            "REGIONAL",
            '!If [Prod, "GET /x", "OPTIONS /x"]',
            [],
        ),
        # A private API only where Prod is true; open where it is false.
        ("GET", "!If [Prod, AWS_IAM, NONE]", "!If [Prod, REGIONAL, PRIVATE]", "", ["Route"]),
        (
            "GET",
            "!If [Prod, NONE, AWS_IAM]",
            "!If [Prod, REGIONAL, PRIVATE]",
            "",
            ["Method", "Route"],
        ),
    ],
)
def test_an_exemption_holds_in_its_own_deployment(
    tmp_path, method, auth, endpoint, route_key, open_ones
):
    found = _open(tmp_path, method, auth, endpoint, route_key)
    assert sorted(resource.split()[-1] for resource in found) == open_ones
