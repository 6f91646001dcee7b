"""CDP005 (checks/codedeploy/validity.py): values and shapes read as the EC2/On-Premises agent
reads them, which rejects what it cannot walk or count."""

from __future__ import annotations

import pytest

from tests.checks.codedeploy import cdp005_problems, ec2


@pytest.mark.parametrize(
    ("timeout", "fires"),
    [("abc", True), ("'default'", True), ("' '", False), ("4000s", True), ("'  90 sec'", False),
     ("300s", False), ("1e5", False), ("'1_800'", False), ("'-30s'", True),
     ("'${TIMEOUT}'", False)],
)  # fmt: skip
def test_a_timeout_written_as_text_is_read_as_the_agent_reads_it(tmp_path, timeout, fires):
    # Ruby's `to_i`: the whole number the text starts with, 0 when it starts with none.
    text = ec2(f"hooks:\n  AfterInstall:\n    - location: s.sh\n      timeout: {timeout}\n")
    assert [line for line, _ in cdp005_problems(tmp_path, text)] == ([6] if fires else [])


@pytest.mark.parametrize(
    ("permissions", "expected"),
    [
        ("permissions:\n  object: /opt/shop\n  mode: 755\n",
         [(3, "permissions is not a list of entries: the agent rejects the AppSpec.")]),
        ("permissions:\n  - /opt/shop\n",
         [(4, "A permissions entry is not a mapping of object, owner, mode and the like: the "
              "agent rejects the AppSpec.")]),
        ("permissions: <PERMISSIONS>\n", []),
        ("permissions:\n  - ${PERMISSION}\n", []),
        ("permissions:\n", []),
        ("permissions: []\n", []),
    ],
)  # fmt: skip
def test_permissions_that_are_no_list_of_mappings(tmp_path, permissions, expected):
    # The agent walks `permissions` as a list and asks each entry for its keys.
    assert cdp005_problems(tmp_path, ec2(permissions)) == expected
