"""K8S014 (guardlint/checks/kubernetes/secrets.py) over a manifest's strings: the words of a
command line, and values at any depth, in document order."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s014_reads_a_command_and_its_args_as_one_command_line(tmp_path):
    """Exec form spreads a command line over words (`[curl, -u, admin:pw]`) and over `command`
    and `args`: the password is found at the word that holds it, and a flag's value that is
    another flag (`-pS3cret`, then `-e`) is no value."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: htpasswd
      image: httpd:2.4
      command: ["htpasswd", "-Bbn", "admin", "Adm1nPassw0rd"]
    - name: mysql
      image: mysql:8.4
      command: ["mysql"]
      args: ["-uroot", "-pR00tPassw0rd", "-e", "select 1"]
    - name: curl
      image: curlimages/curl:8.8.0
      args:
        - curl
        - -u
        - deploy:D3ployPassw0rd
        - https://nexus.example.com
    - name: quiet
      image: curlimages/curl:8.8.0
      args: [curl, -u, "$(USER):$(PASSWORD)", -H, "Authorization: Bearer $(TOKEN)", https://x]
      livenessProbe:
        httpGet:
          path: /healthz
          port: 8080
          httpHeaders:
            - name: Authorization
              value: Basic YWRtaW46UzNjcmV0UGFzczE=
      readinessProbe:
        exec:
          command: [mysqladmin, ping, -uroot, -pPr0bePassw0rd]
      lifecycle:
        preStop:
          exec:
            command: [mysqladmin, shutdown, -uroot, "-p$(MYSQL_ROOT_PASSWORD)"]
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert [f.region.start_line for f in found] == [8, 12, 18, 29, 32]
    for finding in found:
        for secret in ("Adm1nPassw0rd", "R00tPassw0rd", "D3ployPassw0rd", "YWRtaW46UzNj", "Pr0be"):
            assert secret not in finding.snippet + finding.message + str(finding.properties)


def test_k8s014_reports_values_at_every_depth_in_document_order(tmp_path):
    # A Secret's `data` is K8S025's; the strings around it, however deep, are read in order.
    write_file(
        tmp_path,
        "secret.yaml",
        """\
apiVersion: v1
kind: Secret
metadata:
  name: app
  annotations: {token: ghp_R7kq2Lw9XzT4mVb8Nc3Hy6Jd1Fs5Gp0Ae2Qu}
data: {password: UHIwZC1EYi1QYXNzdzByZC0yMDI0}
extra:
  - nested: [[{api_key: AKIAZ7VRSQ5BG3KDT4XN}], glpat-aB3dE6gH9jK2mN5pQ8sT]
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert [(f.region.start_line, f.properties["secretType"]) for f in found] == [
        (5, "GitHub Token"),
        (8, "AWS Access Key"),
        (8, "GitLab Token"),
    ]
