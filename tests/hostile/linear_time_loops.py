"""Linear-time cases of Fn::ForEach loops (tests/hostile/test_linear_time.py) whose copies
multiply what an expansion does."""

from __future__ import annotations

import json

_PUBLIC_BUCKET = {"AccessControl": "PublicReadWrite", "BucketName": {"Fn::Sub": "${N}"}}

LOOP_CASES = {
    "cloudformation-for-each-identifiers": (
        "template.json",
        # a loop over many identifiers copied all their values into the scope of every copy an
        # inner loop made
        json.dumps(
            {
                "Transform": "AWS::LanguageExtensions",
                "Resources": {
                    "Fn::ForEach::Wide": [
                        [f"W{i}" for i in range(50_000)],
                        [[f"a{i}" for i in range(50_000)], [f"b{i}" for i in range(50_000)]],
                        {
                            "Fn::ForEach::Inner": [
                                "N",
                                [f"n{i}" for i in range(1_000)],
                                {
                                    "${W0}${N}": {
                                        "Type": "AWS::S3::Bucket",
                                        "Properties": _PUBLIC_BUCKET,
                                    }
                                },
                            ]
                        },
                    ],
                },
            },
            indent=0,
        ),
        "CFN002",
    ),
}
