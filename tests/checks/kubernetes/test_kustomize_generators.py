"""K8S014 on a kustomization's generators: each `literals` entry of a secretGenerator or a
configMapGenerator is `KEY=value` (kustomize splits at the first `=` and drops one pair of
quotes around the value), the key of the Secret or ConfigMap it generates, judged as a
ConfigMap's key is. `envs` and `files` name other files: the kustomization holds no value."""

from __future__ import annotations

from tests.conftest import findings_of, run_scan, write_file

KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: {kind}
secretGenerator:
  - name: db-creds
    literals:
      - password=S3cr3t!
      - "db_password=hunter2xyz"
      - 'api_token="abc=def=ghi123"'
      - username=admin
      - DB_PASSWORD=${{DB_PASSWORD}}
      - REDIS_PASSWORD=
      - token_ttl=3600
    envs: [secrets.env]
    files: [tls.key, ssh-privatekey=id_rsa]
configMapGenerator:
  - name: app-settings
    literals:
      - SMTP_PASSWORD=Sup3rS3cretPw
      - LOG_LEVEL=debug
      - password_file=/run/secrets/db
"""


def _found(tmp_path, kind="Kustomization"):
    apiversion = "v1alpha1" if kind == "Component" else "v1beta1"
    text = KUSTOMIZATION.format(kind=kind).replace("v1beta1", apiversion)
    write_file(tmp_path, "kustomization.yaml", text)
    result = run_scan(tmp_path)
    return sorted(
        (f.region.start_line, f.properties.get("name")) for f in findings_of(result, "K8S014")
    ), result


def test_k8s014_reads_each_literal_of_a_kustomization_s_generators(tmp_path):
    found, result = _found(tmp_path)
    assert found == [
        (6, "password"),
        (7, "db_password"),
        (8, "api_token"),
        (18, "SMTP_PASSWORD"),
    ]
    # the value kustomize gives the key (quotes dropped, `=` kept) is the secret redacted
    secrets = {f.region.start_line: f.snippet for f in findings_of(result, "K8S014")}
    assert "abc=def" not in secrets[8] and "S3cr3t" not in secrets[6]


def test_k8s014_reads_a_kustomize_component_s_generators(tmp_path):
    found, _ = _found(tmp_path, kind="Component")
    assert [line for line, _ in found] == [6, 7, 8, 18]


def test_a_literal_of_another_list_is_no_generator_s_key(tmp_path):
    write_file(
        tmp_path,
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [password=S3cr3t!]\n"
        "labels:\n  - pairs: {team: shop}\n",
    )
    assert findings_of(run_scan(tmp_path), "K8S014") == []


def test_a_kustomization_that_does_not_say_its_kind_is_read_as_one(tmp_path):
    """apiVersion and kind are optional in a kustomization file: one without them is scanned
    as the Kustomization kustomize reads (it was skipped as no IaC, its secrets unread)."""
    text = KUSTOMIZATION.format(kind="Kustomization").split("\n", 2)[2]
    text += (
        "  - name: tokens\n    literals: [GITHUB_TOKEN=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]\n"
    )
    write_file(tmp_path, "overlay/kustomization.yml", text)
    result = run_scan(tmp_path)
    found = sorted((f.region.start_line, f.resource) for f in findings_of(result, "K8S014"))
    assert [line for line, _ in found] == [4, 5, 6, 16, 20]
    assert {resource for _, resource in found} == {"Kustomization default/(unnamed)"}
    assert result.files["scanned"] == 1


def test_a_file_of_a_kustomization_s_name_without_its_fields_is_not_one(tmp_path):
    write_file(tmp_path, "kustomization.yaml", "password=S3cr3t!: 1\nname: app\n")
    write_file(
        tmp_path, "notes/values.yaml", "secretGenerator:\n  - literals: [password=S3cr3t!]\n"
    )
    result = run_scan(tmp_path)
    assert findings_of(result, "K8S014") == [] and result.files["scanned"] == 0
