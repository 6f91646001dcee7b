"""Linear-time cases of what the SAM transform makes from a template's SAM resources
(tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

SAM_CASES = {
    "cloudformation-sam-made-queues": (
        "template.json",
        # every event of a SAM function may make a queue: one per event, each judged once
        json.dumps(
            {
                "Resources": {
                    "Fn": {
                        "Type": "AWS::Serverless::Function",
                        "Properties": {
                            "Events": {
                                f"E{i}": (
                                    {
                                        "Type": "SNS",
                                        "Properties": {"Topic": "t", "SqsSubscription": True},
                                    }
                                    if i % 2
                                    else {
                                        "Type": "Schedule",
                                        "Properties": {"DeadLetterConfig": {"Type": "SQS"}},
                                    }
                                )
                                for i in range(4_000)
                            }
                        },
                    }
                }
            },
            indent=0,
        ),
        "CFN022",
    ),
    "cloudformation-sam-policy-templates": (
        "template.json",
        # thousands of policy templates in one function's Policies: each made and judged once
        json.dumps(
            {
                "Resources": {
                    "Fn": {
                        "Type": "AWS::Serverless::Function",
                        "Properties": {
                            "Policies": [
                                {"S3ReadPolicy": {"BucketName": "*"}}
                                if i % 2
                                else {"SSMParameterReadPolicy": {"ParameterName": f"p{i}"}}
                                for i in range(4_000)
                            ]
                        },
                    }
                }
            },
            indent=0,
        ),
        "IAM012",
    ),
    "cloudformation-references-to-names-sam-might-make": (
        "template.json",
        # a reference to an undefined name is checked against the names SAM and modules make
        # from their logical IDs (<id><suffix>) once per length of those IDs, not per resource
        json.dumps(
            {
                "Resources": {
                    **{f"F{i}": {"Type": "AWS::Serverless::Function"} for i in range(12_000)},
                    "Queue": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {
                            "Tags": [{"Key": "k", "Value": {"Ref": f"X{i}"}} for i in range(12_000)]
                        },
                    },
                }
            },
            indent=0,
        ),
        "CFN028",
    ),
    # SAM's message names the resource; a logical id can repeat the text that is searched for.
    "sam-error-resource-id": (
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        f"  ? '{'Resource with id [' * (_LONG // 18)}]'\n"
        "  : Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      InlineCode: 'def handler(e, c): pass'\n"
        "      Events: {Bad: {Type: Api, Properties: {Path: 5, Method: [get]}}}\n",
        "CFN028",
    ),
}
