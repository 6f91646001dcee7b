"""Kubernetes secret checks (guardlint/checks/kubernetes/secrets.py): K8S014 and K8S025."""

from __future__ import annotations

import json

from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import findings_of, lines_of, run_scan, write_file


def test_secret_values_never_leave_the_finding():
    for case in ("K8S014/bad-env-password", "K8S014/bad-aws-key-in-arg", "K8S025/bad-data"):
        result = run_scan(K8S / case)
        text = (K8S / case).glob("*").__next__().read_text()
        for finding in result.findings:
            for secret in ("Pr0d-Db-Passw0rd-2024", "AKIAQWERTYUIOPASDFGH", "cHJvZC1kYi1wYXNzd29y"):
                if secret in text:
                    assert secret not in finding.snippet + finding.message + str(finding.properties)


def test_k8s014_is_not_repeated_by_sec001():
    result = run_scan(K8S / "K8S014/bad-aws-key-in-arg")
    assert findings_of(result, "K8S014")
    assert not findings_of(result, "SEC001")


def test_k8s014_skips_placeholders_and_references():
    assert not scan_rule(K8S / "K8S014/good-placeholders", "K8S014")
    assert not scan_rule(K8S / "K8S014/good-secret-key-ref", "K8S014")


def test_k8s014_skips_flags_and_the_variable_name_in_capitals():
    assert not scan_rule(K8S / "K8S014/good-stand-ins", "K8S014")


def test_k8s014_secret_flags_in_args_and_command(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: db
      image: postgres:16
      command: [psql, --password, "Vq8#mK2!xLp9"]
      args:
        - --db-password=Tr0ub4dor-and-3
        - --password-file=/run/secrets/db
        - --token
        - $(API_TOKEN)
        - --verbose
        - "true"
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert sorted((f.region.start_line, f.properties["name"]) for f in found) == [
        (8, "password"),
        (10, "db-password"),
    ]
    assert all("Vq8#mK2" not in f.snippet and "Tr0ub4dor" not in f.snippet for f in found)


def test_k8s014_points_inside_block_values_so_sec001_does_not_repeat_it(tmp_path):
    write_file(
        tmp_path,
        "cm.yaml",
        """\
apiVersion: v1
kind: ConfigMap
metadata: {name: keys, namespace: shop}
data:
  deploy.key: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEAxq1LZ3Bz3m1r9qK2xY8pWqR7hN5Q3uF0hG4T2lYp8uK1zX9v
    -----END RSA PRIVATE KEY-----
  url: "postgres://admin:Sup3rS3cretPass@db.internal:5432/app"
""",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S014") == [6, 9]
    assert not findings_of(result, "SEC001")
    assert all("Sup3rS3cretPass" not in f.snippet for f in result.findings)


def test_k8s025_values_that_tell_the_reader_what_to_put_there_are_no_secrets(tmp_path):
    """The Kubernetes documentation's TLS Secret: each value says what replaces it (not even
    base64, so the API server would refuse it as written); a real key beside one still counts."""
    write_file(
        tmp_path,
        "tls.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: shop}\n"
        "type: kubernetes.io/tls\ndata:\n"
        '  tls.crt: "REPLACE_WITH_BASE64_CERT"\n  tls.key: "Replace-With-Your-Key"\n'
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"
        "stringData:\n  username: substitute with the user\n  password: replacewithme42\n",
    )
    (finding,) = scan_rule(tmp_path, "K8S025")
    assert finding.resource == "Secret shop/db" and finding.properties["keys"] == ["password"]


def test_k8s025_unrendered_template_value_is_not_a_secret(tmp_path):
    write_file(
        tmp_path,
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\n"
        "data:\n  config: {{config_data}}\n",
    )
    assert not scan_rule(tmp_path, "K8S025")


def test_k8s025_is_not_repeated_by_sec001_on_any_key(tmp_path):
    """K8S025 reports a Secret once, at its first key; the generic detector must not report
    the other keys' values again (a critical beside the high that already says it)."""
    write_file(
        tmp_path,
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: orders-db, namespace: shop}\ndata:\n"
        '  host: "b3JkZXJzLWRiOjU0MzI="\n  user: "b3JkZXJzX2FwcA=="\n'
        '  password: "b3JkZXJzX2RlZmF1bHRfc2VjcmV0"\n',
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S025") == [5]
    assert not findings_of(result, "SEC001")


ALIASED_ENV = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: a
      image: nginx:1.27
      env: &env
        - name: DB_PASSWORD
          value: "hunter2hunter2Xy"
        - &token
          name: API_TOKEN
          value: "zQ8vLm2pRt7wXk4n"
    - name: b
      image: nginx:1.27
      env: *env
    - name: c
      image: nginx:1.27
      env:
        - name: X
          value: y
        - *token
    - name: d
      image: nginx:1.27
      env:
        - {name: SECRET_KEY, value: &key "Tq3vN8wLp2Zr5sKx"}
        - {name: SESSION_SECRET, value: *key}
    - &e
      name: e
      image: nginx:1.27
      env: [{name: ADMIN_PASSWORD, value: "Wm4pQ9rT2vXz7LnB"}]
    - *e
"""


def test_k8s014_env_values_an_alias_brings_are_reported_where_each_container_uses_them(tmp_path):
    """An env list (`env: *env`), an env item (`- *token`), a value (`value: *key`) or a
    whole container (`- *e`) that a YAML alias reuses: one finding per use, at the use."""
    write_file(tmp_path, "pod.yaml", ALIASED_ENV)
    found = sorted(
        (f.region.start_line, f.resource.rsplit(" ", 1)[-1], f.properties["name"])
        for f in findings_of(run_scan(tmp_path, only_rules={"K8S014"}), "K8S014")
    )
    assert found == [
        (10, "a", "DB_PASSWORD"),
        (13, "a", "API_TOKEN"),
        (16, "b", "API_TOKEN"),
        (16, "b", "DB_PASSWORD"),
        (22, "c", "API_TOKEN"),
        (26, "d", "SECRET_KEY"),
        (27, "d", "SESSION_SECRET"),
        (31, "e", "ADMIN_PASSWORD"),
        (32, "e", "ADMIN_PASSWORD"),
    ]


def test_k8s025_pipeline_tokens_are_not_committed_values(tmp_path):
    """Secret manifests whose values a pipeline substitutes before applying them: Azure
    DevOps replace-tokens `#{Name}#` and `__Name__`, GitHub Actions `${{ secrets.NAME }}`.
    A real value beside them is still reported."""
    write_file(
        tmp_path,
        "secret.yaml",
        """\
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData:
  password: "#{DbPassword}#"
  token: __ApiToken__
  key: ${{ secrets.API_KEY }}
  other: "${{secrets.OTHER}}"
---
apiVersion: v1
kind: Secret
metadata: {name: real, namespace: shop}
stringData:
  token: __ApiToken__
  password: Pr0d-Db-Passw0rd-2024
""",
    )
    found = scan_rule(tmp_path, "K8S025")
    assert [(f.resource, f.properties["keys"]) for f in found] == [
        ("Secret shop/real", ["password"])
    ]


def test_k8s014_and_k8s025_skip_words_addressed_to_the_reader(tmp_path):
    """`yourpassword`, `password_here` (base64 in a Secret's data): the reader puts a secret
    there; a weak password the service really is set up with is still one."""
    write_file(
        tmp_path,
        "db.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: data}\nspec:\n"
        "  containers:\n    - name: mysql\n      image: mysql:8.0\n      env:\n"
        "        - name: MYSQL_ROOT_PASSWORD\n          # change this\n"
        "          value: yourpassword\n"
        "        - name: MYSQL_PASSWORD\n          value: mysecretpassword\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: data}\n"
        "data:\n  password: cGFzc3dvcmRfaGVyZQ==\n  token: WW91clRva2Vu\n",
    )
    result = run_scan(tmp_path, only_rules={"K8S014", "K8S025", "SEC001"})
    assert lines_of(result, "K8S014") == [13] and lines_of(result, "K8S025") == []


def test_k8s014_skips_references_to_a_secret_store(tmp_path):
    """Bank-Vaults, vals, 1Password, Berglas and Azure Key Vault references are resolved at run
    time: no secret is written; a literal beside them still is."""
    values = [
        "vault:secret/data/db#password", "ref+awsssm://prod/api/token", "op://ci/github/token",
        "sm://my-project/app-secret", "ssm:/prod/db/password",
        '"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)"',
        "Xk8s9dLq2PzWq7Rt",
    ]  # fmt: skip
    env = "".join(
        f"        - name: DB_PASSWORD_{i}\n          value: {v}\n" for i, v in enumerate(values)
    )
    write_file(
        tmp_path,
        "app.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: web}\nspec:\n"
        "  containers:\n    - name: app\n      image: app:1.0\n      env:\n" + env,
    )
    assert lines_of(run_scan(tmp_path, only_rules={"K8S014", "SEC001"}), "K8S014") == [22]


CERTIFICATE = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n"
    "-----END CERTIFICATE-----\n"
)
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAxq1LZ3Bz3m1r9qK2xY8pWqR7hN5Q3uF0hG4T2lYp8uK1\n"
    "-----END RSA PRIVATE KEY-----\n"
)


def _secret(name: str, entries: dict[str, str]) -> str:
    lines = "".join(f"  {key}: {json.dumps(value)}\n" for key, value in entries.items())
    header = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: shop}}\n"
    return f"{header}stringData:\n{lines}"


def test_k8s025_any_value_a_secret_holds_is_committed_but_public_material(tmp_path):
    """Every non-empty value of a Secret is committed with it (a username is half a login); what
    is public by its content is not, whatever its key (a CA bundle as ca.pem, an SSH public
    key), and a key named like a certificate that holds a private key is no certificate."""
    documents = [
        _secret("login", {"username": "orders_app"}),
        _secret("endpoint", {"host": "db.internal", "port": "5432"}),
        _secret("ca", {"ca.pem": CERTIFICATE, "ca-bundle": CERTIFICATE * 2}),
        _secret("ssh", {"authorized_keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO7 deploy@ci"}),
        _secret("bundle", {"tls.crt": CERTIFICATE + PRIVATE_KEY}),
        _secret("pem", {"server.pem": CERTIFICATE + PRIVATE_KEY}),
    ]
    write_file(tmp_path, "secrets.yaml", "---\n".join(documents))
    found = scan_rule(tmp_path, "K8S025")
    assert [(f.resource, f.properties["keys"]) for f in found] == [
        ("Secret shop/login", ["username"]),
        ("Secret shop/endpoint", ["host", "port"]),
        ("Secret shop/bundle", ["tls.crt"]),
        ("Secret shop/pem", ["server.pem"]),
    ]


def test_k8s014_and_k8s025_skip_sops_ciphertext(tmp_path):
    """SOPS (Flux's and Argo CD's usual way to keep Secrets in git) encrypts each value in
    place as `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`: ciphertext, not the secret.
    A value left in the clear beside them (SOPS's unencrypted_suffix) is still reported."""
    cipher = (
        "ENC[AES256_GCM,data:8Ll+TDCgzQ==,iv:aao0OSVdFwaB9EGZ0O+Wn5bRJ6do7hgiQioqiwDi1w0=,"
        "tag:WKj0nuSSPkm2dBOBwinYvg==,type:str]"
    )
    write_file(
        tmp_path,
        "db.yaml",
        f"""\
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: shop}}
type: Opaque
stringData:
    password: {cipher}
data:
    token: {cipher}
sops:
    mac: {cipher}
    version: 3.8.1
---
apiVersion: v1
kind: Secret
metadata: {{name: half, namespace: shop}}
stringData:
    password: {cipher}
    token_unencrypted: Pr0d-Db-Passw0rd-2024
---
apiVersion: v1
kind: Pod
metadata: {{name: app, namespace: shop}}
spec:
  containers:
    - name: app
      image: app:1.0
      env:
        - name: DB_PASSWORD
          value: {cipher}
""",
    )
    result = run_scan(tmp_path, only_rules={"K8S014", "K8S025", "SEC001"})
    assert lines_of(result, "K8S014") == []
    assert [(f.resource, f.properties["keys"]) for f in findings_of(result, "K8S025")] == [
        ("Secret shop/half", ["token_unencrypted"])
    ]
