"""Linear-time cases of files of as many different secrets as 1 MB holds, in places
tests/hostile/linear_time_secret_files.py does not write them: a CodeBuild buildspec's
`env.variables`, and a Compose service's environment written as a list of `NAME=value`
(tests/hostile/test_linear_time.py). Each secret is a finding; SEC001 reads each line too."""

from __future__ import annotations

from tests.hostile.linear_time_secret_files import SIZE, secret_entries


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


def gitlab_prefixes() -> str:
    """A ConfigMap whose values are GitLab prefixes over and over (`glpat-glrt-gldt-...`):
    every line holds the literals GitLab's patterns need, so each is searched in it
    (guardlint.knowledge.detector_values.required_literal), from every prefix on. What
    follows `GR1348941` spells a runner token: each line is a finding, and so is `t`."""
    line = "glpat-glrt-gldt-glft-glsoat-glcbt-glimt-glptt-glagent-gloas-GR1348941" * 3
    count = SIZE // (len(line) + 12)
    data = "".join(f"  k{n}: {line}\n" for n in range(count))
    token = "glpat-" + "Zx7Kq2Lm9Np4Rs8Tv3Wb"
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: s}}\ndata:\n{data}  t: {token}\n"


SECRET_PLACE_CASES = {
    "configmap-many-gitlab-prefixes": ("configmap.yaml", gitlab_prefixes(), "K8S014"),
    "buildspec-env-many-distinct-secrets": ("buildspec.yml", buildspec(), "CBD002"),
    "compose-environment-list-many-distinct-secrets": ("compose.yaml", compose_list(), "CMP007"),
}
