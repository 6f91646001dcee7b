"""API definitions written in a template (CFN017): SAM events on an API with an OpenAPI
DefinitionBody, judged as SAM builds them, and the body operations that require no security."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

_DEFINED_APIS = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Open:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /items:
            get: {x-amazon-apigateway-integration: {type: aws_proxy}}
            post:
              security: [{Cognito: []}]
              x-amazon-apigateway-integration: {type: aws_proxy}
            put:
              security: []
              x-amazon-apigateway-integration: {type: aws_proxy}
            x-amazon-apigateway-any-method: {x-amazon-apigateway-integration: {type: aws_proxy}}
  Guarded:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: AWS_IAM
      DefinitionBody:
        swagger: "2.0"
        paths:
          /items:
            get: {x-amazon-apigateway-integration: {type: aws_proxy}}
  RootSecured:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        security: [{Cognito: []}]
        paths:
          /items:
            get: {x-amazon-apigateway-integration: {type: aws_proxy}}
  Keyed:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      MergeDefinitions: true
      DefinitionBody:
        swagger: "2.0"
        securityDefinitions:
          api_key: {type: apiKey, name: x-api-key, in: header}
          Custom:
            type: apiKey
            name: Authorization
            in: header
            x-amazon-apigateway-authtype: custom
        paths:
          /keyed:
            get:
              security: [{api_key: []}]
              x-amazon-apigateway-integration: {type: aws_proxy}
          /custom:
            get:
              security: [{api_key: [], Custom: []}]
              x-amazon-apigateway-integration: {type: aws_proxy}
  Included:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: s3://bucket/openapi.yaml}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k.zip
      Events:
"""


@pytest.mark.parametrize(
    ("event", "reported"),
    [
        # The operation of the body the event names, without security: anyone may call it.
        ("{RestApiId: !Ref Open, Path: /items, Method: get}", True),
        ("{RestApiId: !Ref Open, Path: /items, Method: put}", True),  # security: [] is none
        ("{RestApiId: !Ref Open, Path: /items, Method: ANY}", True),
        ("{RestApiId: !Ref Open, Path: /items, Method: post}", False),  # its own security
        # SAM adds no method to a REST body for a path it does not declare.
        ("{RestApiId: !Ref Open, Path: /other, Method: get}", False),
        # SAM applies the DefaultAuthorizer to every operation of the body ...
        ("{RestApiId: !Ref Guarded, Path: /items, Method: get}", False),
        # ... and an event's Authorizer NONE replaces it only with OverrideApiAuth.
        ("{RestApiId: !Ref Guarded, Path: /items, Method: get, Auth: {Authorizer: NONE}}", False),
        (
            "{RestApiId: !Ref Guarded, Path: /items, Method: get,"
            " Auth: {Authorizer: NONE, OverrideApiAuth: true}}",
            True,
        ),
        ("{RestApiId: !Ref RootSecured, Path: /items, Method: get}", False),
        # An API key identifies the caller; it authorizes nothing (a Lambda authorizer does).
        ("{RestApiId: !Ref Keyed, Path: /keyed, Method: get}", True),
        ("{RestApiId: !Ref Keyed, Path: /custom, Method: get}", False),
        # With MergeDefinitions, SAM adds the event's route to the REST body, with no security.
        ("{RestApiId: !Ref Keyed, Path: /added, Method: get}", True),
        ("{RestApiId: !Ref Included, Path: /items, Method: get}", False),  # not known here
    ],
)
def test_sam_event_on_an_api_with_an_openapi_body(tmp_path, event, reported):
    text = _DEFINED_APIS + f"        Call:\n          Type: Api\n          Properties: {event}\n"
    found = findings_of(scan_text(tmp_path, text), "CFN017")
    assert any(f.properties.get("event") == "Call" for f in found) is reported


@pytest.mark.parametrize(
    ("path", "auth", "reported"),
    [
        ("/items", "", True),
        ("/added", "", True),  # SAM adds the route to an HTTP API's body, with no security
        ("/items", "Auth: {DefaultAuthorizer: Jwt, Authorizers: {Jwt: {}}}", False),
    ],
)
def test_sam_http_api_event_on_an_openapi_body(tmp_path, path, auth, reported):
    text = f"""\
Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      {auth}
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /items:
            get: {{x-amazon-apigateway-integration: {{type: aws_proxy}}}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k.zip
      Events:
        Call:
          Type: HttpApi
          Properties: {{ApiId: !Ref Http, Path: {path}, Method: get}}
"""
    assert bool(findings_of(scan_text(tmp_path, text), "CFN017")) is reported


_REST_BODY = """\
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: items
      {extra}
      Body:
        openapi: 3.0.1
        {root}
        paths:
          /items:
            get: {{x-amazon-apigateway-integration: {{type: http_proxy}}}}
            post:
              security: [{{Cognito: []}}]
              x-amazon-apigateway-integration: {{type: http_proxy}}
            options: {{x-amazon-apigateway-integration: {{type: mock}}}}
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-auth: {{type: AWS_IAM}}
              x-amazon-apigateway-integration: {{type: http_proxy}}
          /open:
            x-amazon-apigateway-any-method: {{x-amazon-apigateway-integration: {{type: mock}}}}
"""


@pytest.mark.parametrize(
    ("extra", "root", "found"),
    [
        ("", "", [(12, "GET /items"), (21, "ANY /open")]),
        ("", "security: [{Cognito: []}]", []),  # every operation without its own
        ("", "security: [{}]", [(12, "GET /items"), (21, "ANY /open")]),  # anonymous allowed
        ("EndpointConfiguration: {Types: [PRIVATE]}", "", []),
        ("", "x-amazon-apigateway-policy: {Version: '2012-10-17', Statement: []}", []),
    ],
)
def test_rest_api_body_operations_without_security(tmp_path, extra, root, found):
    result = scan_text(tmp_path, _REST_BODY.format(extra=extra, root=root))
    shown = [
        (f.region.start_line, f.properties["operation"]) for f in findings_of(result, "CFN017")
    ]
    assert shown == found


def test_sam_api_body_operations_no_event_names(tmp_path):
    text = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /items:
            get: {x-amazon-apigateway-integration: {type: aws_proxy}}
            delete: {x-amazon-apigateway-integration: {type: aws_proxy}}
  Guarded:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth: {DefaultAuthorizer: AWS_IAM}
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /items:
            get: {x-amazon-apigateway-integration: {type: aws_proxy}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k.zip
      Events:
        List:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /items, Method: GET}
"""
    found = findings_of(scan_text(tmp_path, text), "CFN017")
    # The event's finding says GET /items; DELETE /items is the body's.
    assert sorted((f.region.start_line, f.resource) for f in found) == [
        (12, "AWS::Serverless::Api Api"),
        (31, "AWS::Serverless::Function Fn"),
    ]
