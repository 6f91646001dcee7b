"""Linear-time cases of CodeBuild projects (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

_PULL_REQUESTS = {"Type": "EVENT", "Pattern": "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED"}


def _actor(pattern: str) -> dict:
    return {"Type": "ACTOR_ACCOUNT_ID", "Pattern": pattern}


CODEBUILD_CASES = {
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
}
