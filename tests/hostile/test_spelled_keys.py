"""Keys spelled with escapes: every consumer decodes `"\\u0061piVersion"` (JSON) and
`"\\x61piVersion"` (YAML) to `apiVersion`, so the text sniff that skips files without IaC
words unparsed must not skip them (a privileged Pod written so went unscanned)."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file

POD_JSON = (
    '{"\\u0061piVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers":'
    ' [{"name": "c", "image": "nginx:1.27", "securityContext": {"privileged": true}}]}}\n'
)
POD_YAML = """"\\x61piVersion": v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx:1.27
      securityContext: {privileged: true}
"""
# `\\/` is JSON's escaped slash, `\\<newline>` YAML's escaped line break.
TEMPLATE_JSON = (
    '{"R\\u0065sources": {"B": {"Type": "AWS\\u003a:S3::Bucket",'
    ' "Properties": {"AccessControl": "PublicReadWrite"}}}}\n'
)
COMPOSE_YAML = """"\\x73ervices":
  web:
    image: nginx:1.27
    privileged: true
"""
POLICY_JSON = (
    '{"Version": "2012-10-17", "St\\u0061tement": [{"Effect": "Allow", "Action": "*",'
    ' "Resource": "*"}]}\n'
)
POD_YAML_BROKEN_LINE = POD_YAML.replace('"\\x61piVersion": v1', '? "api\\\n  Version"\n: v1')


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("pod.json", POD_JSON, "K8S001"),
        ("pod.yaml", POD_YAML, "K8S001"),
        ("folded.yaml", POD_YAML_BROKEN_LINE, "K8S001"),
        ("template.json", TEMPLATE_JSON, "CFN001"),
        ("stack.yml", COMPOSE_YAML, "CMP001"),
        ("policy.json", POLICY_JSON, "IAM001"),
    ],
)
def test_a_key_spelled_with_escapes_is_scanned(tmp_path, name, text, rule):
    write_file(tmp_path, name, text)
    assert [f.path for f in findings_of(run_scan(tmp_path), rule)] == [name]


def test_a_file_without_iac_words_or_escapes_is_still_skipped_unparsed(tmp_path):
    write_file(tmp_path, "data.json", '{"rows": [1, 2], "name": "x"}\n')
    result = run_scan(tmp_path)
    assert result.skipped_files["not-iac-content"] == 1
