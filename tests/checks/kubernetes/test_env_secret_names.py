"""K8S014 on the names of environment variables: which names hold a secret
(guardlint.knowledge.secret_names), as Kubernetes manifests write them."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s014_key_names_detect_secrets_knows(tmp_path):
    """detect-secrets' keyword list names service, account, client, database and private keys
    beside API and auth keys: AZURE_STORAGE_ACCOUNT_KEY holds the storage account's key.
    A name that says where such a key is (a path, an ID, a file) holds none."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: app
      image: shop/app:1.4
      env:
        - {name: AZURE_STORAGE_ACCOUNT_KEY, value: "k3Vd9QmZp2Lx7Rt1Wc8Nb4Hs6Jf0Ya5Ue"}
        - {name: PAGERDUTY_SERVICE_KEY, value: "e93facc04764012d7bfb002500d5d1a6"}
        - {name: MQTT_CLIENT_KEY, value: "Xr7Tq2Lm9Vz4Kp1Wd8Ns3Hb6Jc0Fy5Ea"}
        - {name: DB_KEY, value: "Qz5Wn8Rt2Lm7Vx4Kp9Hd3Jb6Fs1Yc0Ea"}
        - {name: GOOGLE_SERVICE_ACCOUNT_KEY_FILE, value: /var/secrets/google/key.json}
        - {name: CLIENT_KEY_ID, value: "a1b2c3d4e5f6a7b8"}
        - {name: CACHE_KEY, value: "orders"}
""",
    )
    found = scan_rule(tmp_path, "K8S014")
    assert [f.properties["name"] for f in found] == [
        "AZURE_STORAGE_ACCOUNT_KEY",
        "PAGERDUTY_SERVICE_KEY",
        "MQTT_CLIENT_KEY",
        "DB_KEY",
    ]
