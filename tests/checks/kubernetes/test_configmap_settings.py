"""K8S014 on the settings files a ConfigMap holds (guardlint/checks/kubernetes/secrets.py):
application.properties, config.yaml, settings.json, .env written as one value."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import findings_of, run_scan, write_file


def test_k8s014_reads_the_settings_of_a_file_a_configmap_holds(tmp_path):
    """A ConfigMap's key may hold a whole settings file (properties, YAML, JSON, .env): a
    setting named like a secret with a literal value is one, as a ConfigMap key of that name
    is; placeholders, tags, comments and settings named otherwise are not."""
    write_file(
        tmp_path,
        "cm.yaml",
        """\
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
data:
  application.properties: |
    spring.datasource.url=jdbc:postgresql://db:5432/app
    spring.datasource.password=Xk9mq2LpZr7
    # spring.datasource.password=OldXk9mq2Lp
    spring.mail.password=${MAIL_PASSWORD}
  config.yaml: |
    database:
      host: db
      password: "Vn3qLp8xTz"
    vault:
      token: !vault |
        $ANSIBLE_VAULT;1.1;AES256
  settings.json: |
    {
      "apiKey": "Zx81kdPq0LmNa72Jq",
      "timeout": 30
    }
  .env: |
    export SESSION_SECRET=q8Wm2Lx9Vt4
    LOG_LEVEL=debug
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert [(f.region.start_line, f.properties["name"]) for f in found] == [
        (7, "spring.datasource.password"),
        (13, "password"),
        (19, "apiKey"),
        (23, "SESSION_SECRET"),
    ]
    result = run_scan(tmp_path)
    assert not findings_of(result, "SEC001")
    assert all("Xk9mq2LpZr7" not in f.snippet for f in result.findings)


def test_k8s014_a_settings_file_written_with_escapes_is_reported_at_its_value(tmp_path):
    write_file(
        tmp_path,
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata:\n"
        '  app.env: "LOG=debug\\nDB_PASSWORD=Xk9mq2LpZr7\\n"\n',
    )
    (finding,) = scan_rule(tmp_path, "K8S014")
    assert (finding.region.start_line, finding.properties["name"]) == (5, "DB_PASSWORD")
    assert "Xk9mq2LpZr7" not in finding.snippet
