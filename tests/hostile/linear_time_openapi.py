"""Linear-time cases of API definitions written in a CloudFormation template
(tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

OPENAPI_CASES = {
    "cloudformation-openapi-operations": (
        "template.json",
        # every operation (and every event) read the body's security schemes and its root
        # security again: operations times schemes
        json.dumps(
            {
                "Transform": "AWS::Serverless-2016-10-31",
                "Resources": {
                    "Api": {
                        "Type": "AWS::Serverless::Api",
                        "Properties": {
                            "StageName": "prod",
                            "DefinitionBody": {
                                "swagger": "2.0",
                                "securityDefinitions": {
                                    f"k{i}": {"type": "apiKey", "name": "x-api-key", "in": "header"}
                                    for i in range(5_000)
                                },
                                "security": [{f"k{i}": []} for i in range(5_000)],
                                "paths": {f"/p{i}": {"get": {}} for i in range(5_000)},
                            },
                        },
                    },
                    "Fn": {
                        "Type": "AWS::Serverless::Function",
                        "Properties": {
                            "Runtime": "python3.12",
                            "Handler": "a.b",
                            "CodeUri": "s3://b/k.zip",
                            "Events": {
                                f"E{i}": {
                                    "Type": "Api",
                                    "Properties": {
                                        "RestApiId": {"Ref": "Api"},
                                        "Path": f"/p{i}",
                                        "Method": "get",
                                    },
                                }
                                for i in range(5_000)
                            },
                        },
                    },
                },
            },
            indent=0,
        ),
        "CFN017",
    ),
}
