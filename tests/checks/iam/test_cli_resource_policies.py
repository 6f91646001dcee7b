"""A resource policy saved as its service's AWS CLI prints it: the document as JSON text under
one key (`aws s3api get-bucket-policy`, `kms get-key-policy`, `lambda get-policy`, `ecr
get-repository-policy`, `secretsmanager get-resource-policy`), or among a queue's or topic's
Attributes (`sqs get-queue-attributes`, `sns get-topic-attributes`)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_scan, write_file

_PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": "arn:aws:s3:::reports/*",
        }
    ],
}
_TEXT = json.dumps(_PUBLIC_READ)


def _findings(tmp_path, printed) -> set[tuple[str, int]]:
    write_file(tmp_path, "printed.json", json.dumps(printed, indent=4))
    return {(f.rule_id, f.region.start_line) for f in run_scan(tmp_path).findings}


@pytest.mark.parametrize(
    "printed",
    [
        {"Policy": _TEXT},  # aws s3api get-bucket-policy, aws kms get-key-policy
        {"Policy": _TEXT, "PolicyName": "default"},  # aws kms get-key-policy (CLI v2)
        {"Policy": _TEXT, "RevisionId": "4d3a1c2e-0000-0000-0000-000000000000"},  # lambda
        {"registryId": "123456789012", "repositoryName": "app", "policyText": _TEXT},  # ecr
        {"registryId": "123456789012", "policyText": _TEXT},  # ecr get-registry-policy
        {"ARN": "arn:aws:secretsmanager:x", "Name": "db", "ResourcePolicy": _TEXT},
        {"Attributes": {"Policy": _TEXT, "QueueArn": "arn:aws:sqs:us-east-1:1:q"}},  # sqs, sns
    ],
)
def test_a_printed_resource_policy_is_judged_at_its_text(tmp_path, printed):
    """Its findings point at the line of the text, which the print writes on one line."""
    written = json.dumps(printed, indent=4).splitlines()
    line = next(number for number, text in enumerate(written, 1) if "Statement" in text)
    assert ("IAM005", line) in _findings(tmp_path, printed)


def test_a_printed_bucket_policy_is_a_bucket_policy(tmp_path):
    found = _findings(tmp_path, {"Policy": _TEXT})
    assert ("IAM008", 2) in found  # no Deny of plain HTTP, as a bucket policy


@pytest.mark.parametrize(
    "printed",
    [
        # Text that is no policy, or not JSON (as AWS prints it), or a policy of other keys.
        {"Policy": "allow-all"},
        {"Policy": "{Statement: [{Effect: Allow, Principal: '*', Action: '*'}]}"},
        {"Policy": json.dumps({"Rules": [_PUBLIC_READ]})},
        # Other keys beside it: some other tool's file.
        {"Policy": _TEXT, "Rules": []},
        {"Attributes": {"Policy": _TEXT}, "Other": 1},
        {"Attributes": {"Policy": 3}},
    ],
)
def test_other_shapes_are_not_read(tmp_path, printed):
    assert not {rule for rule, _ in _findings(tmp_path, printed) if rule.startswith("IAM")}


def test_a_print_without_places_is_left_unread():
    """Data with no regions (a plain map, not a scanned file's) gives the text no line to be
    judged at: it is no policy, rather than a failure."""
    from guardlint.documents.iam.printed import printed_policies

    assert list(printed_policies({"Policy": _TEXT})) == []
    assert list(printed_policies({"Attributes": {"Policy": _TEXT}})) == []
