"""CBD002 on a project variable whose Name or Type is on a condition: each deployment is
judged as it writes the variable."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.codebuild.helpers import project_variable, scan_project
from tests.conftest import findings_of

_ON_A_CONDITION = """\
Parameters:
  Store: {Type: String, AllowedValues: ['ssm', 'none']}
Conditions:
  UseSsm: !Equals [!Ref Store, ssm]
"""


@pytest.mark.parametrize(
    ("name", "kind", "value"),
    [
        # The deployment without the parameter store writes the literal in plaintext.
        ("DB_PASSWORD", "!If [UseSsm, PARAMETER_STORE, PLAINTEXT]",
         "!If [UseSsm, /prod/db/password, Wq7-rLp2-vX9e-Tn4k]"),
        ("AWS_SECRET_ACCESS_KEY", "!If [UseSsm, SECRETS_MANAGER, PLAINTEXT]",
         "!If [UseSsm, prod/ci:key, wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vT3pLk2]"),
        ("!If [UseSsm, DB_USER, DB_PASSWORD]", "PLAINTEXT", "Wq7-rLp2-vX9e-Tn4k"),
    ],
)  # fmt: skip
def test_a_variable_plaintext_in_one_deployment(tmp_path, name, kind, value):
    """A Type (or Name) on a condition: the deployment where the variable is PLAINTEXT (and
    secret-named) writes its Value, as that deployment resolves it, in plaintext."""
    properties = project_variable(name, value, kind)
    result = scan_project(tmp_path, properties, "CBD002", _ON_A_CONDITION)
    (finding,) = findings_of(result, "CBD002")
    assert (finding.region.start_line, finding.severity) == (12, Severity.CRITICAL)


@pytest.mark.parametrize(
    ("name", "kind", "value"),
    [
        ("DB_PASSWORD", "!If [UseSsm, PARAMETER_STORE, SECRETS_MANAGER]", "/prod/db/password"),
        ("DB_PASSWORD", "!If [UseSsm, PARAMETER_STORE, PLAINTEXT]",
         "!If [UseSsm, /prod/db/password, '${DB_PASSWORD_FROM_ENV}']"),
        ("!If [UseSsm, DB_PASSWORD, DB_USER]", "!If [UseSsm, PARAMETER_STORE, PLAINTEXT]",
         "!If [UseSsm, /prod/db/password, deploy-user]"),
    ],
)  # fmt: skip
def test_a_variable_stored_wherever_it_is_secret_never_fires(tmp_path, name, kind, value):
    properties = project_variable(name, value, kind)
    result = scan_project(tmp_path, properties, "CBD002", _ON_A_CONDITION)
    assert not findings_of(result, "CBD002")


def test_a_setting_plaintext_in_one_deployment_is_judged_as_written_there(tmp_path):
    """CBD005 reads the same variables: the deployment that writes NODE_TLS_REJECT_UNAUTHORIZED
    in plaintext sets it to 0."""
    properties = project_variable(
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "!If [UseSsm, /ci/node-tls, '0']",
        "!If [UseSsm, PARAMETER_STORE, PLAINTEXT]",
    )
    result = scan_project(tmp_path, properties, "CBD005", _ON_A_CONDITION)
    (finding,) = findings_of(result, "CBD005")
    assert finding.region.start_line == 12
