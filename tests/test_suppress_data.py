"""Inline suppressions and data: a `# guardlint:ignore` that the file's format reads as data
(a YAML string or block, a Dockerfile heredoc body) is no comment and suppresses nothing."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, write_file
from tests.test_suppress import PRIVILEGED, by_rule, scan

# Each text holds a `# guardlint:ignore...` that YAML reads as data, and ends with a privileged
# service (CMP001 on its last line): none of them may suppress it.
DATA_BEFORE_A_SERVICE = {
    "double-quoted": 'x-note: "see # guardlint:ignore-file CMP001 -- in a string"\n',
    "single-quoted": "x-note: 'see # guardlint:ignore-file CMP001 -- in a string'\n",
    "literal block": "x-note: |\n  setup\n  # guardlint:ignore-file CMP001 -- block text\n",
    "folded block": "x-note: >-\n  # guardlint:ignore-file CMP001 -- block text\n",
    "multi-line string": 'x-note: "one\n  # guardlint:ignore-file CMP001 -- line two\n  three"\n',
    "flow sequence": 'x-notes: ["a",\n  " # guardlint:ignore-file CMP001 -- an item"]\n',
}
YAML_DATA_DIRECTIVES = {
    **{name: data + PRIVILEGED for name, data in DATA_BEFORE_A_SERVICE.items()},
    "block line right above": (
        "services:\n  a:\n    image: nginx:1.27\n    command: |\n      run\n"
        "      # guardlint:ignore CMP001 -- the block's last line, right above the finding\n"
        "    privileged: true\n"
    ),
}


@pytest.mark.parametrize("name", sorted(YAML_DATA_DIRECTIVES))
def test_a_directive_in_yaml_data_is_not_a_comment(tmp_path, name):
    text = YAML_DATA_DIRECTIVES[name]
    result = scan(write_file(tmp_path, "compose.yaml", text).parent, "CMP001")
    assert by_rule(result, "CMP001") == [(len(text.splitlines()), None)]
    assert not findings_of(result, "GL003")


def test_comments_beside_yaml_data_still_count(tmp_path):
    text = (
        'x-note: "# not this" # guardlint:ignore-file CMP008 -- after a string\n'
        "x-script: |  # guardlint:ignore-file CMP001 -- a block scalar's header\n"
        "  body\n" + PRIVILEGED.replace("nginx:1.27", "nginx:latest")
    )
    result = scan(write_file(tmp_path, "compose.yaml", text).parent, "CMP001", "CMP008")
    assert by_rule(result, "CMP001") == [(7, "a block scalar's header")]
    assert by_rule(result, "CMP008") == [(6, "after a string")]


def test_annotations_and_metadata_values_are_data(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
        '    note: "see # guardlint:ignore-file ORG003 -- in an annotation"\n'
        "spec:\n  containers:\n    - {name: app, image: nginx:1.27}\n",
    )
    write_file(
        tmp_path,
        "template.yaml",
        "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Metadata:\n"
        "      Note: 'see # guardlint:ignore-file ORG010 -- in Metadata'\n",
    )
    result = scan(tmp_path, "ORG003", "ORG010")
    assert by_rule(result, "ORG003") == [(9, None)]
    assert by_rule(result, "ORG010") == [(3, None)]


def test_in_unparsable_yaml_only_comments_before_the_error_count(tmp_path):
    text = (
        "a: 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  # guardlint:ignore SEC001 -- fixture\n"
        'note: "a string that never ends\n'
        "b: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5  # guardlint:ignore SEC001 -- a string\n"
    )
    result = scan(write_file(tmp_path, "compose.yaml", text).parent, "SEC001")
    assert by_rule(result, "SEC001") == [(1, "fixture"), (3, None)]


CURL_PIPE_SH = "RUN curl -fsSL https://example.com/install.sh | sh\n"
DOCKERFILE_DATA_DIRECTIVES = {
    "RUN heredoc": "RUN <<EOF\n# guardlint:ignore-file DKR008 -- a script line\nmake\nEOF\n",
    "COPY heredoc": "COPY <<EOF /etc/app.conf\n  # guardlint:ignore-file DKR008 -- a file\nEOF\n",
    "double-quoted": 'LABEL note="x # guardlint:ignore-file DKR008 -- a label value"\n',
    "single-quoted": "RUN echo ' # guardlint:ignore-file DKR008 -- an argument'\n",
    "exec form": 'CMD ["sh", "-c", "x # guardlint:ignore-file DKR008 -- an argument"]\n',
    "continued string": 'ENV NOTE="one \\\n  two # guardlint:ignore-file DKR008 -- in quotes" \\\n'
    "    OTHER=1\n",
}


@pytest.mark.parametrize("name", sorted(DOCKERFILE_DATA_DIRECTIVES))
def test_a_directive_in_dockerfile_data_is_not_a_comment(tmp_path, name):
    text = "FROM alpine:3.20\n" + DOCKERFILE_DATA_DIRECTIVES[name] + CURL_PIPE_SH
    result = scan(write_file(tmp_path, "Dockerfile", text).parent, "DKR008")
    assert by_rule(result, "DKR008") == [(len(text.splitlines()), None)]


def test_in_a_dockerfile_that_does_not_parse_heredoc_bodies_are_still_data(tmp_path):
    text = (
        "# guardlint:ignore-file SEC001 -- a comment: counts\n"
        "RUN <<EOF\n"
        "# guardlint:ignore-file GL001 -- a heredoc line: data\n"
        "echo 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\n"
        "EOF\n"
        "FROM alpine:3.20\n"
    )
    result = scan(write_file(tmp_path, "Dockerfile", text).parent, "GL001", "SEC001")
    assert by_rule(result, "GL001") == [(2, None)]  # RUN before the first FROM
    assert by_rule(result, "SEC001") == [(4, "a comment: counts")]
