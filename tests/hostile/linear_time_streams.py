"""Linear-time cases of streams of JSON texts (tests/hostile/test_linear_time.py): as many
objects one after another as a file may hold documents."""

from __future__ import annotations

import json

STREAM_CASES = {
    "kubernetes-json-stream": (
        "pods.json",
        # the most objects a stream may hold, one a line (`jq -c`): each read from where the
        # one before ended (the line numbers of the whole text counted once)
        "\n".join(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"p{n}", "namespace": "shop"},
                    "spec": {
                        "containers": [{"name": "c", "securityContext": {"privileged": n == 999}}]
                    },
                }
            )
            for n in range(1_000)
        ),
        "K8S001",
    ),
}
