"""Linear-time cases of amplification (tests/hostile/test_linear_time.py): a long value read
again wherever a YAML alias repeats it, or a secret-like assignment repeated along long lines,
each read with Python work per match. Each step is linear; the product took minutes."""

from __future__ import annotations

import json

_LONG = 98_000  # a line may hold 100,000 characters (linear_time_cases.LONG)
_PIECE = "AKIAABCDEFGHIJKLMNOP password=hunter2 "  # two stand-ins a secret search judges
_LINE = _PIECE * (_LONG // len(_PIECE))
_VALUE = json.dumps(_LINE)
_COPIES = 40  # aliases of the value, a few per resource

_SERVICES, _LISTS, _ENTRIES = 500, 300, 150  # services merging one block; its lists, entries


def _merged_by_many_services() -> str:
    """A `x-` block of many lists and an environment, merged (`<<: *base`) into each service,
    and a long list of its own that keeps the aliases under ten times the file's nodes."""
    lists = "".join(f"    x-setting-{i}: [v{i}]\n" for i in range(_LISTS))
    environment = "".join(f"      SETTING_{i}: value-{i}\n" for i in range(_ENTRIES))
    filler = ("  - [" + "0, " * 3_000 + "0]\n") * (
        _SERVICES * (3 * _LISTS + 2 * _ENTRIES) // 27_000
    )
    return (
        f"x-base: &base\n    image: nginx:1.27\n{lists}    environment:\n{environment}"
        f"      DB_PASSWORD: Zq8vN3xk2Lp9\nx-filler:\n{filler}services:\n"
        + "".join(f"  s{i}:\n    <<: *base\n" for i in range(_SERVICES))
    )


def _aliases_of_parts_of_an_alias() -> str:
    """A service using many parts of an anchored map (`x-k0: *a0`), then the whole map."""
    parts = "".join(f"  k{i}: &a{i} [v{i}]\n  j{i}: w{i}\n" for i in range(6_000))
    uses = "".join(f"    x-k{i}: *a{i}\n" for i in range(6_000))
    return (
        f"x-all: &all\n{parts}services:\n  web:\n    image: nginx:1.27\n{uses}"
        "    x-all: *all\n    environment: {DB_PASSWORD: Zq8vN3xk2Lp9}\n"
    )


ALIAS_CASES = {
    # Each string of each service was looked up among the parts the merge key brings, one by
    # one (services x strings x lists: 30 s); the parts are indexed once per service.
    "compose-block-of-many-lists-merged-into-many-services": (
        "compose.yaml",
        _merged_by_many_services(),
        "CMP007",
    ),
    # Each string of the whole map was looked up past the thousands of its parts used before
    # it (strings x parts: 12 s): the pieces of the text each part covers are indexed once.
    "compose-aliases-of-parts-of-an-aliased-map": (
        "compose.yaml",
        _aliases_of_parts_of_an_alias(),
        "CMP007",
    ),
    # Each service's command, entrypoint and healthcheck are the anchored value: its 5,000
    # candidates were judged again for each (120 services: minutes).
    "compose-long-value-aliased-by-many-services": (
        "compose.yaml",
        f"x-long: &a {_VALUE}\nservices:\n  web:\n    image: nginx\n"
        "    environment: {DB_PASSWORD: Zq8vN3xk2Lp9}\n"
        + "".join(
            f"  s{i}:\n    image: nginx\n    command: *a\n    entrypoint: *a\n"
            f"    healthcheck: {{test: *a}}\n"
            for i in range(_COPIES)
        ),
        "CMP007",
    ),
    "kubernetes-long-value-aliased-by-many-containers": (
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\n"
        f"metadata: {{name: p, namespace: shop, annotations: {{x: &a {_VALUE}}}}}\n"
        "spec:\n  containers:\n"
        "    - {name: app, image: nginx, env: [{name: DB_PASSWORD, value: Zq8vN3xk2Lp9}]}\n"
        + "".join(
            f"    - name: c{i}\n      image: nginx\n      command: [sh, -c, *a]\n"
            "      env: [{name: PASSWORD, value: *a}]\n"
            for i in range(_COPIES)
        ),
        "K8S014",
    ),
    "cloudformation-long-value-aliased-by-many-functions": (
        "template.yaml",
        f"AWSTemplateFormatVersion: '2010-09-09'\nMetadata: {{x: &a {_VALUE}}}\nResources:\n"
        + "".join(
            f"  F{i}:\n    Type: AWS::Lambda::Function\n"
            "    Properties: {Runtime: python3.12, Handler: i.h, Role: r, "
            "Environment: {Variables: {PASSWORD: *a, KEY: *a}}, Code: {ZipFile: *a}}\n"
            for i in range(_COPIES)
        )
        + "  G:\n    Type: AWS::Lambda::Function\n"
        "    Properties: {Runtime: python3.12, Handler: i.h, Role: r, "
        "Environment: {Variables: {DB_PASSWORD: Zq8vN3xk2Lp9}}}\n",
        "CFN015",
    ),
    # No alias: the same stand-ins along eight long lines, 2,500 judged again on each.
    "compose-secret-candidates-repeated-along-long-lines": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n    environment: {DB_PASSWORD: Zq8vN3xk2Lp9}\n"
        + "".join(
            f"  s{i}:\n    image: nginx\n    command: 'echo {i} {_LINE}'\n" for i in range(8)
        ),
        "CMP007",
    ),
    # One service's wildcard in every statement: its 700 actions were tested against each
    # rule's patterns again for each statement (20,000 statements of `ec2:*`: 30 s).
    "iam-one-wildcard-in-many-statements": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}] * 8_000,
            },
            indent=1,
        ),
        "IAM002",
    ),
}
