"""Time against input size for each class of hostile text (issue 11, class 4).

Each class is the text that made a backtracking pattern (or a loop copying what was left) take
quadratic or exponential time, fed straight to the code that matches it, at 1 KB, 10 KB,
100 KB and 1 MB. A file of many parts once compared with each other (instructions, stages,
suppressions, copied files and removals) is scanned whole, as a file of that name. Linear
matching shows as about 10x per column; the last column is the 1 MB / 100 KB ratio.
tests/hostile/test_linear_time.py scans the same texts in real files.

    python bench/redos.py                 # every class
    python bench/redos.py docker secret   # classes whose name contains a word
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from guardlint import config
from guardlint.checks.cloudformation import access as cloudformation_access
from guardlint.checks.cloudformation import lambda_code
from guardlint.checks.dockerfile import layer_files
from guardlint.checks.dockerfile.packages import INSTALLS_TEXT
from guardlint.documents import dockerfile as dockerfile_builder
from guardlint.documents.cloudformation.intrinsics import sub_variables
from guardlint.documents.cloudformation.sam import sam_error
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.knowledge import (
    credentials,
    iam_actions,
    images,
    secret_names,
    secrets,
    written_settings,
)
from guardlint.knowledge.shell_commands import VERSION_SUFFIX
from guardlint.knowledge.shell_downloads import runs_downloaded_script
from guardlint.parse import dockerfile as parse_dockerfile
from guardlint.parse import dockerfile_split
from guardlint.parse.compose_interpolation import interpolate as compose_interpolate
from guardlint.parse.dockerfile_lex import process_word
from guardlint.parse.linear_regex import compile_linear
from guardlint.parse.shell import commands

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def repeat(piece: str, size: int, before: str = "", after: str = "") -> str:
    return before + piece * max(1, (size - len(before) - len(after)) // len(piece)) + after


def numbered(line: str, size: int, before: str = "") -> str:
    """`before`, then `line` with `{i}` numbered from 0 (`{j}` from 1) and `{token}` a
    random-looking secret of its own, to about `size`."""
    parts, length = [before], len(before)
    while length < size:
        i = len(parts) - 1
        token = hashlib.sha256(str(i).encode()).hexdigest()[:24]
        parts.append(line.format(i=i, j=i + 1, token=token))
        length += len(parts[-1])
    return "".join(parts)


def scanned_as(name: str) -> Callable[[str], object]:
    """A whole scan of the text as the one file `name` (one process, no time budget)."""

    def run(text: str) -> object:
        with tempfile.TemporaryDirectory() as directory:
            Path(directory, name).write_text(text, encoding="utf-8")
            return scan(ScanOptions(paths=[directory], jobs=1, file_timeout=None))

    return run


DOCKERFILE = "FROM python:3.12-slim\n"


def public_policy(count: int) -> dict:
    """`count` Allows for everyone, then `count` Denies for callers outside a VPC endpoint."""
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    deny = allow | {"Effect": "Deny", "Action": "ec2:*"}
    condition = {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}
    return {
        "Version": "2012-10-17",
        "Statement": [allow] * count + [deny | {"Condition": condition}] * count,
    }


def account_policy(count: int) -> dict:
    """A resource policy of `count` statements for an account."""
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bucket/key",
    }
    return {"Version": "2012-10-17", "Statement": [statement] * count}


def findinmap_template(depth: int) -> dict:
    """A bucket's ACL looked up with three keys of `depth` nested Fn::If each."""

    def branches(level: int, leaf: str) -> object:
        return leaf if level == 0 else {"Fn::If": ["C", *[branches(level - 1, leaf)] * 2]}

    lookup = {"Fn::FindInMap": [branches(depth, leaf) for leaf in "Mkv"]}
    return {
        "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
        "Mappings": {"M": {"k": {"v": "PublicRead"}}},
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": lookup}}
        },
    }


# name -> (what runs on the text, the text of about `size` characters)
CLASSES: dict[str, tuple[Callable[[str], object], Callable[[int], str]]] = {
    "iam action wildcard (*?*?...Q)": (
        iam_actions.expand,
        lambda n: repeat("*?", n, "s3:", "Q"),
    ),
    "dockerfile FROM, space run": (
        dockerfile_builder.STAGE_ALIAS.match,
        lambda n: repeat(" ", n, "python:3.12", "x"),
    ),
    "dockerfile directive, space run": (
        lambda text: dockerfile_split.parser_directives([text]),
        lambda n: repeat(" ", n, "# syntax=docker/dockerfile:1", "x"),
    ),
    "dockerfile unclosed ${A:-": (
        lambda text: process_word(text, {}, True, "\\"),
        lambda n: repeat("${A:-", n),
    ),
    'dockerfile heredoc marker, \\" run': (
        dockerfile_split.heredoc_markers,
        lambda n: repeat('\\"', n, '"'),
    ),
    "dockerfile flags --a --a ...": (parse_dockerfile.split_flags, lambda n: repeat("--a ", n)),
    "dockerfile rm glob vs copied secret": (
        lambda text: layer_files.covers(text, "/" + "a" * len(text) + "/id_rsa"),
        lambda n: repeat("a", n, "/*", "b"),
    ),
    "shell wrappers sudo sudo ...": (
        lambda text: [c.program for c in commands(text)],
        lambda n: repeat("sudo ", n, "", "id"),
    ),
    "shell assignments a=b a=b ...": (commands, lambda n: repeat("a=b ", n)),
    "shell groups ((a; ...) | x) | x": (
        commands,
        lambda n: "(" * (n // 8) + "a;" * (n // 4) + ") | x" * (n // 8),
    ),
    "powershell iex ( ( ( ...": (
        lambda text: runs_downloaded_script(text, commands(text)),
        lambda n: repeat(" (", n, "iex"),
    ),
    "dockerfile apt apt apt ...": (INSTALLS_TEXT.search, lambda n: repeat("apt ", n)),
    "dockerfile interpreter digits": (
        lambda text: VERSION_SUFFIX.sub("", text),
        lambda n: repeat("3", n, "python", "x"),
    ),
    "secret: curl curl curl ...": (secrets.find_secrets, lambda n: repeat("curl ", n)),
    "secret: name=value run": (
        lambda text: list(written_settings.ASSIGNMENT.finditer(text)),
        lambda n: repeat("a", n, "password"),
    ),
    "secret detector: eyJeyJ...": (secrets.find_secrets, lambda n: repeat("eyJ", n)),
    "secret detector: AKIA ////...": (secrets.find_secrets, lambda n: repeat("/", n, "AKIA ")),
    "secret detector: AKIA sk-sk-...": (secrets.find_secrets, lambda n: repeat("sk-", n, "AKIA ")),
    "secret: {{{{...}x interpolation": (
        lambda text: secrets.is_literal_secret("API_TOKEN", text),
        lambda n: repeat("{{", n, "", "}x"),
    ),
    "secret name: capital run": (secret_names.is_secret_name, lambda n: repeat("A", n)),
    "cfn parameter name: digit run": (
        credentials.looks_secret_name,
        lambda n: repeat("1", n, "Secret", "x"),
    ),
    "cfn managed policy FullAccess...": (
        lambda text: cloudformation_access.full_access_name(text, False),
        lambda n: repeat("FullAccess", n, "arn:aws:iam::aws:policy/", "."),
    ),
    "cfn Fn::Sub unclosed ${": (sub_variables, lambda n: repeat("${", n)),
    "lambda Fn::Sub unclosed ${!": (lambda_code.unescape_sub, lambda n: repeat("${!", n)),
    "lambda bandit quoted password": (
        lambda_code.QUOTED_VALUE.search,
        lambda n: repeat("'", n, "Possible hardcoded password: '", "\n'"),
    ),
    "image name a__a__a...!": (
        lambda name: images.tag_and_digest_known(name, None, None),
        lambda n: repeat("a__", n, "", "!"),
    ),
    "sam error id repeated": (
        sam_error,
        lambda n: repeat("Resource with id [", n, "", "]] is invalid. "),
    ),
    "config size, space run": (config.parse_size, lambda n: repeat(" ", n, "1", "x")),
    "policy pattern ^(x+x+)+y$": (
        compile_linear("^(x+x+)+y$").search,
        lambda n: repeat("x", n),
    ),
    "dockerfile continued lines": (
        scanned_as("Dockerfile"),
        lambda n: repeat(" \\\nc", n, DOCKERFILE + "LABEL a=b", "\n"),
    ),
    "dockerfile heredocs": (
        scanned_as("Dockerfile"),
        lambda n: numbered("RUN <<EOF\necho {i}\nEOF\n", n, DOCKERFILE),
    ),
    "dockerfile heredocs ending in \\": (
        scanned_as("Dockerfile"),
        lambda n: numbered("RUN <<EOF\necho {i} \\\nEOF\n", n, DOCKERFILE),
    ),
    "dockerfile SHELL, LABEL LABEL ...": (
        scanned_as("Dockerfile"),
        lambda n: repeat("LABEL a=b\n", n, DOCKERFILE + 'SHELL ["/bin/bash", "-c"]\n'),
    ),
    "dockerfile stage chain": (
        scanned_as("Dockerfile"),
        lambda n: numbered("FROM s{i} AS s{j}\nLABEL a=b\n", n, DOCKERFILE[:-1] + " AS s0\n"),
    ),
    "dockerfile COPY x n, rm x n": (
        scanned_as("Dockerfile"),
        lambda n: (
            numbered("COPY id_rsa /keys/{i}/id_rsa\n", n // 2, DOCKERFILE + "USER app\n")
            + numbered("RUN rm -f /tmp/{i}\n", n // 2, "")
            + "RUN rm -rf /keys/0\n"
        ),
    ),
    "suppressions x findings": (
        scanned_as("Dockerfile"),
        lambda n: numbered(
            "# guardlint:ignore DKR009 -- x\n" * 6 + "ADD f{i}.txt /f{i}\n", n, DOCKERFILE
        ),
    ),
    "redaction: n secrets x n findings": (
        scanned_as("compose.yaml"),
        lambda n: numbered(
            "  s{i}:\n    image: nginx:1.27\n    environment:\n      API_TOKEN: {token}  # "
            + "0123456789abcdef" * 12
            + "\n",
            n,
            "services:\n",
        ),
    ),
    "iam public Allow x n, Deny x n": (
        scanned_as("policy.json"),
        lambda n: json.dumps(public_policy(max(1, n // 230)), indent=0),
    ),
    "iam statements x n": (
        scanned_as("policy.json"),
        lambda n: json.dumps(account_policy(max(1, n // 140)), indent=0),
    ),
    "cfn FindInMap of Fn::If branches": (
        scanned_as("template.json"),
        lambda n: json.dumps(findinmap_template(max(1, (n // 170).bit_length())), indent=0),
    ),
    "compose nested ${A:-${A:-...}}": (
        compose_interpolate,
        lambda n: "${A:-" * (n // 6) + "x" + "}" * (n // 6),
    ),
}


def seconds(run: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def main(words: list[str]) -> None:
    secrets.find_secrets("AKIA warm-up")  # imports detect-secrets and RE2 outside the timing
    iam_actions.expand("s3:GetObject")  # loads the action database
    header = f"{'class':36} " + " ".join(f"{f'{s // 1000:,} KB':>9}" for s in SIZES)
    print(header + "   1MB/100KB")
    for name, (run, text_of) in CLASSES.items():
        if words and not any(word in name for word in words):
            continue
        times = [seconds(run, text_of(size)) for size in SIZES]
        cells = " ".join(f"{t:9.4f}" for t in times)
        print(f"{name:36} {cells}   x{times[-1] / max(times[-2], 1e-6):.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
