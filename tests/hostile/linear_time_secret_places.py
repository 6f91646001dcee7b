"""Linear-time cases of files of as many different secrets as 1 MB holds, in places
tests/hostile/linear_time_secret_files.py does not write them: a CodeBuild buildspec's
`env.variables`, and a Compose service's environment written as a list of `NAME=value`
(tests/hostile/test_linear_time.py). Each secret is a finding; SEC001 reads each line too."""

from __future__ import annotations

from tests.hostile.linear_time_secret_files import secret_entries


def buildspec() -> str:
    variables = "".join(f"    {name.upper()}: {value}\n" for name, value in secret_entries(7))
    return (
        f"version: 0.2\nenv:\n  variables:\n{variables}"
        "phases:\n  build:\n    commands:\n      - make\n"
    )


def compose_list() -> str:
    return "services:\n  web:\n    image: nginx:1.27\n    environment:\n" + "".join(
        f"      - {name.upper()}={value}\n" for name, value in secret_entries(9)
    )


SECRET_PLACE_CASES = {
    "buildspec-env-many-distinct-secrets": ("buildspec.yml", buildspec(), "CBD002"),
    "compose-environment-list-many-distinct-secrets": ("compose.yaml", compose_list(), "CMP007"),
}
