"""Hostile texts for tests/hostile/test_linear_time.py: each a file that makes a naive pattern or
parser take quadratic or exponential time, with the rule that must still report it."""

from __future__ import annotations

import json

from tests.hostile.conftest import CONTROL, SLOWDOWN
from tests.hostile.linear_time_aliases import ALIAS_CASES
from tests.hostile.linear_time_documents import DOCUMENT_CASES
from tests.hostile.linear_time_ecs import ECS_CASES
from tests.hostile.linear_time_loops import LOOP_CASES
from tests.hostile.linear_time_policies import POLICY_CASES
from tests.hostile.linear_time_secrets import SECRET_CASES
from tests.hostile.linear_time_shell import SHELL_CASES
from tests.hostile.linear_time_substitutions import SUBSTITUTION_CASES
from tests.hostile.linear_time_workflows import WORKFLOW_CASES

# Processor seconds for a case's scan: the largest take 3 to 4 on a fast host, whose speed drifts
# after SLOWDOWN is measured (a CI run met one at 1.2 budgets of 5); quadratic ones take minutes.
BUDGET = 10.0 * SLOWDOWN
# The wall time after which a file's scan is stopped (GL001): past any busy host's delays, and
# still minutes before a quadratic case would end.
FILE_TIMEOUT = 4 * BUDGET
LONG = 99_000  # a line may hold 100,000 characters
POD = """apiVersion: v1
kind: Pod
metadata: {{name: api, namespace: shop}}
spec:
  containers:
    - name: app
      image: "{image}"
"""


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


def _lambda(properties: dict) -> dict:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "index.handler", "Role": "r"}
        | properties,
    }


def _continued(piece: str, lines: int = 5) -> str:
    """`piece` repeated to fill `lines` Dockerfile lines joined by continuations (100 KB each):
    one instruction longer than any line may be."""
    line = piece * (LONG // len(piece))
    return " \\\n".join([line] * lines)


def _lines(piece: str, prefix: str = "") -> str:
    """Thirty comment lines of `piece` repeated, 10,000 characters each, then one as long as a
    line may be (a minified file's). A prefix that a detector knows (AKIA) makes every detector
    run on the line."""
    return (
        f"# {prefix}{piece * (9_900 // len(piece))}\n" * 30
        + f"# {prefix}{piece * (LONG // len(piece))}\n"
    )


def _many(line: str, count: int) -> str:
    """`line` `count` times, its `{i}` numbered from 0 (and `{j}` from 1)."""
    return "".join(line.format(i=i, j=i + 1) for i in range(count))


NESTED = LONG // len("${A:-}")  # `${A:-` and `}` pairs on one line


# name -> (file name, text, rule whose finding must survive)
CASES = {
    # Exponential: one `.*` per star backtracked through every way to place the stars.
    "iam-action-wildcard": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:*?*?*?*?*?*?*?*?*?*?Q", "*"],
                        "Resource": "*",
                    }
                ],
            }
        ),
        "IAM001",
    ),
    "dockerfile-from-space-run": (
        "Dockerfile",
        "FROM python:3.12-slim" + " " * LONG + "x\n",
        "DKR001",
    ),
    "dockerfile-directive-space-run": (
        "Dockerfile",
        "# syntax=docker/dockerfile:1" + " " * LONG + "x\nFROM python:3.12-slim\n",
        "DKR001",
    ),
    "dockerfile-unclosed-variables": (
        "Dockerfile",
        "FROM " + "${BASE:-" * (LONG // 8) + "\n",
        "DKR001",
    ),
    "dockerfile-quoted-variables": (
        "Dockerfile",
        'FROM python:3.12-slim\nENV P=/a/b\nENV A="' + "${B:-'x'}${P##*/}" * (LONG // 18) + '"\n',
        "DKR001",
    ),
    "dockerfile-escaped-quotes": (
        "Dockerfile",
        'FROM python:3.12-slim\nRUN echo "' + '\\"' * (LONG // 2) + "\n",
        "DKR001",
    ),
    "dockerfile-flags": (
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY " + _continued("--a ", lines=20) + " src /dst\n",
        "DKR001",
    ),
    "dockerfile-wrappers": (
        "Dockerfile",
        "FROM python:3.12-slim\nRUN " + _continued("sudo ") + " id\n",
        "DKR001",
    ),
    "dockerfile-assignments": (
        "Dockerfile",
        "FROM python:3.12-slim\nENV " + _continued("a=b ") + "\n",
        "DKR001",
    ),
    "dockerfile-update-then-managers": (
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update && " + "apt " * (LONG // 4) + "\nUSER app\n",
        "DKR023",
    ),
    # Each group piped on joins the pipelines of all the commands inside it, nested ones again.
    "dockerfile-nested-piped-groups": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "(" * (LONG // 16)
        + "a;" * (LONG // 8)
        + "curl https://x.io/i"
        + ") | cat" * (LONG // 16)
        + " | sh\n",
        "DKR008",
    ),
    # Each substitution is a script read again: nested ones only so deep, and where a command
    # runs their output is found once for all of them.
    "dockerfile-nested-substitutions": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + 'eval "$(echo ' * (LONG // 24)
        + "curl https://x.io/i"
        + ')"' * (LONG // 24)
        + " && $(curl https://x.io/i)\n",
        "DKR008",
    ),
    "dockerfile-many-process-substitutions": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN bash -s "
        + "<(echo $(echo a)) " * (LONG // 36)
        + "< <(curl https://x.io/i) " * (LONG // 50)
        + "\n",
        "DKR008",
    ),
    # Every heredoc of a line feeds the command that ends after it: each command takes its
    # own, not all those still pending.
    "dockerfile-heredocs-on-one-line": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "cat <<A;" * (LONG // 8)
        + " bash <<B\n"
        + "x\nA\n" * (LONG // 8)
        + "curl https://x.io/i | sh\nB\n",
        "DKR008",
    ),
    # Variables holding a download, followed through scripts run inside one another.
    "dockerfile-download-variables": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + _many("v{i}=$(curl https://x.io/i); ", 1_500)
        + _many("sh -c 'echo {i}'; ", 2_500)
        + 'eval "$v0"\n',
        "DKR008",
    ),
    "dockerfile-output-process-substitutions": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN curl https://x.io/i | tee "
        + ">(cat) " * (LONG // 8)
        + "> >(sh)\n",
        "DKR008",
    ),
    "dockerfile-interpreter-digits": (
        "Dockerfile",
        "FROM python:3.12-slim\nRUN curl -fsSL https://x.io/i | python" + "3" * LONG + "x\n",
        "DKR001",
    ),
    # Every removal is globbed against every secret file copied before it.
    "dockerfile-removed-glob": (
        "Dockerfile",
        f"FROM python:3.12-slim\nUSER app\nCOPY id_rsa /{'a' * LONG}/id_rsa\n"
        + f"RUN rm -rf /*{'a' * (LONG // 2)}b\n" * 5,
        "DKR015",
    ),
    # Each stage built FROM the one before reads its ancestors' layers for DKR018.
    "dockerfile-stage-chain-layers": (
        "Dockerfile",
        "FROM alpine:3.22 AS s0\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nCOPY f /f{i}\nRUN rm /g\n" for i in range(1, 8000))
        + "COPY id_rsa /k\nRUN rm /k\n",
        "DKR018",
    ),
    "command-line-password": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "curl " * (LONG // 5)
        + "\nRUN curl -u admin:Vq8rT2mK9wLx https://x.io\n",
        "DKR004",
    ),
    # The secret scan reads every line of every file; CONTROL is a ConfigMap holding a token.
    "secret-assignment-lines": ("configmap.yaml", _lines("password") + CONTROL, "K8S014"),
    "jwt-detector-lines": ("configmap.yaml", _lines("eyJ") + CONTROL, "K8S014"),
    # `a=a=a=...` holds an assignment written as another's value at every `=`.
    "nested-assignment-lines": (
        "configmap.yaml",
        _lines("a=", prefix="token ") + CONTROL,
        "K8S014",
    ),
    # A line's strings are read as their escapes spell them: an unclosed string of escaped
    # quotes is read once, not again from each quote; what they spell is searched like a line.
    "escaped-quote-lines": ("configmap.yaml", _lines('"\\"\\/') + CONTROL, "K8S014"),
    "escaped-token-lines": (
        "configmap.yaml",
        _lines("\\u0067hp_\\/a=", prefix='token "') + CONTROL,
        "K8S014",
    ),
    # A private key runs on to its END line: searched by `re`, `END END END ...` after a header
    # was quadratic; so would a run of key text be, measured again for each header inside it.
    "private-key-end-words": (
        "configmap.yaml",
        f"# -----BEGIN RSA PRIVATE KEY----- {'END ' * (LONG // 4 - 10)}\n" * 5 + CONTROL,
        "K8S014",
    ),
    "private-key-headers-and-ends": (
        "configmap.yaml",
        _lines("-----BEGIN RSA PRIVATE KEY----- END RSA PRIVATE KEY ") + CONTROL,
        "K8S014",
    ),
    "npm-detector-lines": ("configmap.yaml", _lines("/", prefix="AKIA ") + CONTROL, "K8S014"),
    "openai-detector-lines": ("configmap.yaml", _lines("sk-", prefix="AKIA ") + CONTROL, "K8S014"),
    "interpolation-braces": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        + "".join(f"      API_TOKEN_{n}: '{'{{' * (LONG // 2)}}}x'\n" for n in range(5)),
        "CMP007",
    ),
    "name-capital-run": (
        "Dockerfile",
        f"FROM python:3.12-slim\nUSER app\nENV {'A' * LONG}=x DB_PASSWORD=Vq8rT2mK9wLxZ\n",
        "DKR004",
    ),
    # A YAML explicit key (`? key`) may be as long as a line: a simple key stops at 1,024.
    "name-digit-run": (
        "template.yaml",
        f"Parameters:\n  ? Secret{'1' * LONG}x\n  : Type: String\n"
        "  DbPassword:\n    Type: String\n    Default: Vq8rT2mK9wLxZ\n"
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
        "CFN018",
    ),
    "managed-policy-name": (
        "template.yaml",
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      ManagedPolicyArns:\n"
        + f"        - arn:aws:iam::aws:policy/{'FullAccess' * (LONG // 10)}.\n" * 5
        + "        - arn:aws:iam::aws:policy/AdministratorAccess\n",
        "CFN026",
    ),
    "sub-unclosed-references": (
        "template.json",
        _template(
            {
                "Bucket": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"BucketName": {"Fn::Sub": "${" * (LONG // 2)}},
                }
            }
        ),
        "CFN003",
    ),
    "lambda-sub-unclosed-escapes": (
        "template.json",
        _template(
            {
                "Fn": _lambda(
                    {
                        "Code": {"ZipFile": {"Fn::Sub": "${!" * (LONG // 3)}},
                        "Environment": {"Variables": {"DB_PASSWORD": "Vq8rT2mK9wLxZ"}},
                    }
                )
            }
        ),
        "CFN015",
    ),
    "bandit-quoted-password": (
        "template.json",
        # bandit quotes the password; one ending in a newline leaves no closing quote on its line
        _template({"Fn": _lambda({"Code": {"ZipFile": 'password = "' + "'" * LONG + '\\n"\n'}})}),
        "CFN030",
    ),
    "kubernetes-image-angle-run": ("pod.yaml", POD.format(image="<" * LONG), "K8S009"),
    # Many parts, each once compared with (or copied for) every other.
    "dockerfile-continued-lines": (
        "Dockerfile",
        # dockerfile-parse grew the joined value by copying it for each line
        "FROM python:3.12-slim\nLABEL a=b" + " \\\nc" * 300_000 + "\n",
        "DKR001",
    ),
    "dockerfile-heredocs": (
        "Dockerfile",
        # the lines were copied, and the later instructions filtered, for each heredoc
        "FROM python:3.12-slim\n" + _many("RUN <<EOF\necho {i}\nEOF\n", 10_000),
        "DKR001",
    ),
    "dockerfile-continued-heredocs": (
        "Dockerfile",
        # a body line ending in `\` had the whole file parsed again (up to 100 times)
        "FROM python:3.12-slim\n" + _many("RUN <<EOF\necho {i} \\\nEOF\n", 10_000),
        "DKR001",
    ),
    "dockerfile-shell-lookups": (
        "Dockerfile",
        # the stage was searched for its last SHELL at each instruction
        'FROM python:3.12-slim\nSHELL ["/bin/bash", "-c"]\n' + "LABEL a=b\n" * 40_000,
        "DKR001",
    ),
    "dockerfile-stage-chain": (
        "Dockerfile",
        # ... and then each stage it is built FROM
        "FROM python:3.12-slim AS s0\n" + _many("FROM s{i} AS s{j}\nLABEL a=b\n", 15_000),
        "DKR001",
    ),
    "dockerfile-copies-and-removals": (
        "Dockerfile",
        # every copied file was compared with every later `rm` target
        "FROM python:3.12-slim\nUSER app\n"
        + _many("COPY id_rsa /keys/{i}/id_rsa\n", 5_000)
        + _many("RUN rm -f /tmp/{i}\n", 5_000)
        + "RUN rm -rf /keys/0\n",
        "DKR018",
    ),
    "dockerfile-removals-below-copied-directories": (
        "Dockerfile",
        # each `rm` target below a copied directory looks for the copy above it: its
        # ancestors are not walked once per target
        "FROM python:3.12-slim\nUSER app\nWORKDIR /"
        + "a/" * 2_000
        + "\nCOPY . .\nRUN rm -f "
        + _many("{i}/x ", 10_000)
        + ".env\n",
        "DKR018",
    ),
    "dockerfile-nested-subshells-cd": (
        "Dockerfile",
        # each command finds its working directory through the environments it is nested in:
        # each environment is walked once, not once per command inside it
        "FROM python:3.12-slim\nUSER app\nCOPY id_rsa /k/id_rsa\nRUN "
        + "(" * 30_000
        + "cd /k; rm id_rsa; " * 2_000
        + ")" * 30_000
        + "\n",
        "DKR018",
    ),
    "dockerfile-suppression-comments": (
        "Dockerfile",
        # every finding was compared with every suppression of the file
        "FROM python:3.12-slim\nUSER app\n"
        + _many("# guardlint:ignore DKR009 -- x\n" * 6 + "ADD f{i}.txt /f{i}\n", 6_000),
        "DKR006",
    ),
    "compose-nested-defaults": (
        "compose.yaml",
        # each default was interpolated by a recursive call (RecursionError: GL002)
        "services:\n"
        + "".join(
            f'  {name}:\n    image: "{"${A:-" * NESTED}{image}{"}" * NESTED}"\n'
            for name, image in (("web", "nginx"), ("worker", "redis:7.4"))
        ),
        "CMP008",
    ),
    **DOCUMENT_CASES,
    **ECS_CASES,
    **LOOP_CASES,
    **ALIAS_CASES,
    **POLICY_CASES,
    **SHELL_CASES,
    **SUBSTITUTION_CASES,
    **SECRET_CASES,
    **WORKFLOW_CASES,
}
