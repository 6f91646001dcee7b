"""Linear-time cases of searches that read the text around a value (tests/hostile/
test_linear_time.py): a placeholder looked for in a long policy value, the anchor written
before a YAML value, and the alias of each item of a long list; and of Dockerfile values
built a character at a time, or substituted into each other until they fill the memory."""

from __future__ import annotations

import json

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)
_SERVICE = "services:\n  web:\n    image: nginx:1.25\n    cap_add:\n"

SEARCH_CASES = {
    # `{{x}}` searched from every `{{` of a value that holds no `}`: each read the rest.
    "iam-resource-braces-without-an-end": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": ["*", "{{" * (_LONG // 2)]}
                ],
            },
            indent=0,
        ),
        "IAM001",
    ),
    # The anchor before a tagged value (`!!str &a X`) searched from every `&` of the line,
    # each read to the `,` that ends its word.
    "yaml-anchor-before-a-tagged-value": (
        "compose.yaml",
        f'x-caps: ["{"&x" * (_LONG // 2)},", !!str &a SYS_ADMIN]\n{_SERVICE}      - *a\n',
        "CMP002",
    ),
    # An item's alias looked for from the item before to the end of the text, for each item
    # of a list of aliases whose anchor's name is not the one read (`"&q": !!str &a X`).
    "yaml-aliases-of-an-anchor-read-wrong": (
        "compose.yaml",
        'x-caps: {"&q": !!str &a SYS_ADMIN}\n' + _SERVICE + "      - *a\n" * 20_000,
        "CMP002",
    ),
    # dockerfile-parse's word splitter added each character to a word kept in an attribute,
    # copying the word each time: an ARG value over continued lines (450,000 characters).
    "dockerfile-arg-value-over-continued-lines": (
        "Dockerfile",
        "FROM ubuntu:latest\nARG A=" + "\\\n".join(["x" * 90_000] * 5) + "\n",
        "DKR002",
    ),
    # Each ARG twice the one before: 2 ** 40 times 64 characters (a MemoryError at best).
    "dockerfile-arg-doubled-on-every-line": (
        "Dockerfile",
        "FROM ubuntu:latest\nARG A0="
        + "x" * 64
        + "\n"
        + "".join(f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 41))
        + "ENV E=$A40\n",
        "DKR002",
    ),
    # A resource quantity read as zero or not (K8S011): a run of zeros (or of exponent digits)
    # that only its last character spoils, which a pattern splitting the run two ways
    # backtracks over.
    "kubernetes-quantities-of-zeros-spoiled-at-the-end": (
        "pod.json",
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p", "namespace": "shop"},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.27",
                            "resources": {
                                "limits": {
                                    "memory": "0" * (_LONG // 2) + "x",
                                    "cpu": "0e" + "0" * (_LONG // 2) + "x",
                                },
                                "requests": {"memory": "." + "0" * (_LONG // 2) + "."},
                            },
                        },
                        {"name": "sidecar", "image": "nginx:1.27"},
                    ]
                },
            },
            indent=0,
        ),
        "K8S011",
    ),
}
