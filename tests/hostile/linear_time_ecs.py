"""Linear-time cases of bare lists of ECS container definitions, recognised by their settings
(tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

from tests.hostile.linear_time_codebuild import (
    CONDITIONAL_NAMES,
    CONDITIONAL_VALUES,
    CONDITIONS,
    LAST_CONDITIONAL_VARIABLE,
    on_conditions,
)

ECS_CASES = {
    # Environment entries whose Name and Value branch on four conditions: each is judged once
    # per deployment of its own conditions (at most 16).
    "task-conditional-environment-names": (
        "template.json",
        json.dumps(
            {
                **CONDITIONS,
                "Resources": {
                    "Task": {
                        "Type": "AWS::ECS::TaskDefinition",
                        "Properties": {
                            "ContainerDefinitions": [
                                {
                                    "Name": "web",
                                    "Image": "nginx:1.27",
                                    "Environment": [
                                        {
                                            "Name": on_conditions(CONDITIONAL_NAMES),
                                            "Value": on_conditions(CONDITIONAL_VALUES),
                                        }
                                        for _ in range(2_000)
                                    ]
                                    + [LAST_CONDITIONAL_VARIABLE],
                                }
                            ]
                        },
                    }
                },
            },
            indent=0,
        ),
        "ECS007",
    ),
    # A list of ECS containers may name no word the text sniff knows: it is looked for in a text
    # that starts as a list, after any blank and comment lines (read once, not from each).
    "container-list-after-comments": (
        "containers.yaml",
        "#\n \n# a\n" * 30_000 + "- image: nginx\n  essential: true\n",
        "ECS009",
    ),
    # Named containers but the last, an ECS-only setting its own: whether every item is named
    # is asked once, not again for each item with a setting Compose shares (`user`).
    "container-list-unnamed-last": (
        "containers.json",
        json.dumps(
            [{"name": f"c{i}", "image": "x", "user": "0"} for i in range(20_000)]
            + [{"image": "x", "essential": True}],
            indent=0,
        ),
        "ECS002",
    ),
    # An image of many references to an ECR repository of the template: each is rewritten as
    # its URI once, and a Fn::Sub's variables are looked up once each.
    "repository-uris-in-an-image": (
        "template.yaml",
        "Resources:\n  Repo: {Type: AWS::ECR::Repository}\n  Task:\n"
        "    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n"
        '        - Name: a\n          Image: !Join\n            - ""\n            -\n'
        + "              - !GetAtt Repo.RepositoryUri\n" * 20_000
        + '        - Name: b\n          Image: !Sub "'
        + "${Repo.RepositoryUri}${Repo}" * 3_000  # a line stays under 100,000 characters
        + '"\n',
        "ECS009",
    ),
    # Two lists of containers a Fn::If chooses between: names are looked up in a table per
    # list, not compared with every container of the other list.
    "container-lists-of-both-branches": (
        "template.yaml",
        "Conditions:\n  C: !Equals [!Ref AWS::Region, us-east-1]\nResources:\n  Task:\n"
        "    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions: !If\n"
        "        - C\n"
        + "".join(
            "        -\n"
            + "".join(
                f"          - {{Name: c{i}, Image: x, DependsOn: [{{ContainerName: c{i + 1}}}]}}\n"
                for i in range(2_000)
            )
            for _ in range(2)
        ),
        "ECS015",
    ),
    # A role's ARN of many path segments: its name is the last one, found in one pass.
    "role-arn-of-many-path-segments": (
        "taskdef.json",
        json.dumps(
            {
                "taskRoleArn": "arn:aws:iam::1:role/" + "p/" * 40_000 + "app",
                "executionRoleArn": "arn:aws:iam::1:role/" + "p/" * 40_000 + "!/app",
                "containerDefinitions": [{"name": "a", "image": "x:1"}],
            },
            indent=0,
        ),
        "ECS011",
    ),
    # describe-services output of many services: each is recognised once, on its own keys.
    "printed-services": (
        "services.json",
        json.dumps(
            {
                "services": [
                    {
                        "serviceName": f"s{i}",
                        "launchType": "FARGATE",
                        "networkConfiguration": {
                            "awsvpcConfiguration": {"assignPublicIp": "ENABLED"}
                        },
                    }
                    for i in range(20_000)
                ]
            },
            indent=0,
        ),
        "ECS014",
    ),
    # Whether a task runs on Windows: a placement expression of many OS attributes, each
    # followed by an operator (a folded scalar, read as one line), and many mounts, are read
    # in one pass each (ECS008 asks).
    "windows-placement-expression-and-mounts": (
        "taskdef.yaml",
        "placementConstraints:\n  - expression: >\n"
        + "      attribute:ecs.os-type == attribute:ecs.os-family in\n" * 20_000
        + "containerDefinitions:\n  - name: a\n    image: x:1\n    mountPoints:\n"
        + "      - containerPath: /c:/c:/c:/x\n" * 20_000,
        "ECS008",
    ),  # Host paths of many components, each above none of the sensitive paths but for the last:
    # whether a path is above a sensitive one is one comparison with each listed path, not a
    # walk up each path's directories.
    "host-paths-of-many-components": (
        "taskdef.json",
        json.dumps(
            {
                "family": "f",
                "containerDefinitions": [
                    {
                        "name": "c",
                        "image": "x:1",
                        "mountPoints": [
                            {"sourceVolume": f"v{i}", "containerPath": f"/m{i}"}
                            for i in range(1_000)
                        ],
                    }
                ],
                "volumes": [
                    {"name": f"v{i}", "host": {"sourcePath": "/var" + "/lib" * 1_000 + f"{i}"}}
                    for i in range(999)
                ]
                + [{"name": "v999", "host": {"sourcePath": "/var/lib"}}],
            },
            indent=0,
        ),
        "ECS006",
    ),
}
