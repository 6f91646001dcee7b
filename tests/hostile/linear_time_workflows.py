"""Linear-time cases of Kubernetes pods and Compose services: workflow engines' pods, whose
containers are merged from several objects, Compose services extending others, and pods that
look for what their file declares beside them (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

_MANY = 5_000

_LIMIT_RANGE = {
    "apiVersion": "v1",
    "kind": "LimitRange",
    "metadata": {"name": "d", "namespace": "x"},
    "spec": {"limits": [{"type": "Container", "default": {"cpu": "1"}}]},
}


def _pod(number: int) -> dict:
    """A pod of namespace x; the last one privileged."""
    context = {"privileged": number == 1_999}
    container = {"name": "c", "image": "nginx:1.27", "securityContext": context}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{number}", "namespace": "x"},
            "spec": {"containers": [container]}}  # fmt: skip


WORKFLOW_CASES = {
    "argo-template-volumes-over-the-workflows": (
        "workflow.json",
        # each template's own volumes join the workflow's in its pod: the workflow's thousands
        # copied into each of thousands of pods, and each host path judged per pod
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Workflow",
                "metadata": {"name": "w", "namespace": "ci"},
                "spec": {
                    "volumes": [
                        {"name": f"v{i}", "hostPath": {"path": f"/d{i}"}} for i in range(_MANY)
                    ],
                    "templates": [
                        {
                            "name": f"t{i}",
                            "volumes": [{"name": f"v{i}", "hostPath": {"path": "/var/log"}}],
                            "container": {
                                "image": "alpine:3.19",
                                "volumeMounts": [{"name": f"v{i}", "mountPath": "/d"}],
                                "securityContext": {"privileged": i == _MANY - 1},
                            },
                        }
                        for i in range(_MANY)
                    ],
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "ray-cluster-of-many-worker-groups": (
        "ray.json",
        # each worker group and each training job role is a pod of its own: the groups and
        # roles are read once, not the list again for each
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "List",
                "items": [
                    {
                        "apiVersion": "ray.io/v1",
                        "kind": "RayCluster",
                        "metadata": {"name": "r", "namespace": "x"},
                        "spec": {
                            "workerGroupSpecs": [
                                {"template": {"spec": _pod(1_000 + i)["spec"]}}
                                for i in range(1_000)
                            ]
                        },
                    },
                    {
                        "apiVersion": "kubeflow.org/v1",
                        "kind": "PyTorchJob",
                        "metadata": {"name": "t", "namespace": "x"},
                        "spec": {
                            "pytorchReplicaSpecs": {
                                f"R{i}": {"template": {"spec": _pod(1_000 + i)["spec"]}}
                                for i in range(1_000)
                            }
                        },
                    },
                ],
            },
            indent=0,
        ),
        "K8S001",
    ),
    "spark-application-of-many-containers": (
        "spark.json",
        # a Spark pod's template containers and sidecars, each its own container, and its
        # settings copied once into the main container
        json.dumps(
            {
                "apiVersion": "sparkoperator.k8s.io/v1beta2",
                "kind": "SparkApplication",
                "metadata": {"name": "s", "namespace": "x"},
                "spec": {
                    "image": "spark:3.5.1",
                    "driver": {
                        "template": {
                            "spec": {
                                "containers": [
                                    _pod(i)["spec"]["containers"][0] for i in range(2_000)
                                ]
                            }
                        },
                        "sidecars": [_pod(i)["spec"]["containers"][0] for i in range(2_000)],
                        **{f"x{i}": i for i in range(2_000)},
                    },
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "flink-deployment-of-many-containers": (
        "flink.json",
        # the deployment's pod template merged under each role's, both of thousands of
        # containers: the merge copies at most its budget, each container is read once
        json.dumps(
            {
                "apiVersion": "flink.apache.org/v1beta1",
                "kind": "FlinkDeployment",
                "metadata": {"name": "f", "namespace": "x"},
                "spec": {
                    "image": "flink:1.19",
                    "podTemplate": {
                        "spec": {
                            "containers": [
                                _pod(i)["spec"]["containers"][0] | {"name": f"c{i}"}
                                for i in range(2_000)
                            ]
                        }
                    },
                    "taskManager": {
                        "podTemplate": {
                            "spec": {
                                "containers": [
                                    _pod(i)["spec"]["containers"][0] | {"name": f"c{i}"}
                                    for i in range(2_000)
                                ]
                            }
                        }
                    },
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "limit-range-beside-every-pod": (
        "pods.json",
        # each pod of a List read every line of the file (Kustomize directives), and each pod's
        # resources look for the file's LimitRanges: both read the file once
        json.dumps(
            {"apiVersion": "v1", "kind": "List", "items": [_LIMIT_RANGE, *map(_pod, range(2_000))]},
            indent=0,
        ),
        "K8S001",
    ),
    "compose-extends-chain": (
        "compose.yaml",
        # each service extends the next and has a key of its own: a service inheriting every
        # key of the chain after it would copy a quadratic number of keys
        "services:\n  s3000:\n    image: nginx:1.27\n    privileged: true\n"
        + "".join(f"  s{i}:\n    extends: s{i + 1}\n    x-own-{i}: {i}\n" for i in range(3_000)),
        "CMP001",
    ),
    "compose-volumes-from-many-mounts": (
        "compose.yaml",
        # each service shares the mounts of one with thousands, and of the next in a chain: each
        # reading them all was quadratic
        "services:\n  src:\n    image: nginx:1.27\n    volumes:\n"
        + "".join(f"      - /srv/d{i}:/d{i}\n" for i in range(20_000))
        + "      - /var/run/docker.sock:/var/run/docker.sock\n"
        + "".join(
            f"  u{i}:\n    image: nginx:1.27\n    volumes_from: [src, u{i + 1}]\n"
            for i in range(3_000)
        ),
        "CMP005",
    ),
    "compose-ports-of-every-port": (
        "compose.yaml",
        # each entry publishes every port: looking each of its 65,535 ports up was slow
        "services:\n  db:\n    image: postgres:16.4\n    ports:\n"
        + "".join("      - '1-65535:1-65535'\n" for _ in range(20_000)),
        "CMP009",
    ),
    "compose-namespaces-joined-in-a-chain": (
        "compose.yaml",
        # each service joins the next one's network, pid and ipc namespaces, the last the host's:
        # following each chain to its end was quadratic
        "services:\n"
        + "".join(
            f"  s{i}:\n    image: nginx:1.27\n    container_name: c{i}\n"
            f"    network_mode: container:c{i + 1}\n    pid: service:s{i + 1}\n"
            for i in range(5_000)
        )
        + "  s5000:\n    image: nginx:1.27\n    container_name: c5000\n    network_mode: host\n",
        "CMP003",
    ),
    "compose-hooks-and-the-default-host-network": (
        "compose.yaml",
        # thousands of services on a default network that is the host's, with the engine's
        # socket, and one with many lifecycle hooks, each with its environment and command
        "services:\n"
        + "".join(
            f"  s{i}:\n    image: nginx:1.27\n    use_api_socket: true\n" for i in range(2_000)
        )
        + "  hooked:\n    image: nginx:1.27\n    post_start:\n"
        + "".join(
            f"      - command: [mysql, -uroot, '-p${{P{i}}}']\n"
            f"        environment: ['DB_PASSWORD=${{P{i}}}', DEBUG={i}]\n"
            for i in range(5_000)
        )
        + "networks:\n  default:\n    name: host\n    external: true\n",
        "CMP003",
    ),
    "compose-mounts-of-many-colons": (
        "compose.yaml",
        # volumes and devices of long lines of colons: splitting them by copying what is left
        # after each colon took quadratic time
        "services:\n  app:\n    image: nginx:1.27\n    volumes:\n"
        + "".join(f"      - '{'a:' * 49_000}'\n" for _ in range(20))
        + "      - /var/run/docker.sock:/var/run/docker.sock\n    devices:\n"
        + "".join(f"      - '{'a:' * 49_000}'\n" for _ in range(20)),
        "CMP005",
    ),
    "argo-workflow-patch-containers-in-every-pod": (
        "workflow.json",
        # the workflow's podSpecPatch adds containers to every template's pod: each would be
        # judged again in every pod
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Workflow",
                "metadata": {"name": "w", "namespace": "ci"},
                "spec": {
                    "podSpecPatch": json.dumps(
                        {"containers": [{"name": f"x{i}", "image": "a:1"} for i in range(120)]}
                    ),
                    "templates": [
                        {
                            "name": f"t{i}",
                            "podSpecPatch": json.dumps(
                                {
                                    "containers": [
                                        {"name": "main", "env": [{"name": "A", "value": "1"}]},
                                    ]
                                }
                            ),
                            "container": {
                                "image": "alpine:3.19",
                                "securityContext": {"privileged": i == _MANY - 1},
                            },
                        }
                        for i in range(_MANY)
                    ],
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "tekton-task-run-overrides-of-every-step": (
        "run.json",
        # a TaskRun's stepSpecs name every step: each step looked them all up
        json.dumps(
            {
                "apiVersion": "tekton.dev/v1",
                "kind": "TaskRun",
                "metadata": {"name": "r", "namespace": "ci"},
                "spec": {
                    "podTemplate": {
                        "volumes": [{"name": f"v{i}", "emptyDir": {}} for i in range(_MANY)],
                    },
                    "stepSpecs": [
                        {"name": f"s{i}", "computeResources": {"limits": {"cpu": "1"}}}
                        for i in range(_MANY)
                    ],
                    "taskSpec": {
                        "volumes": [{"name": f"w{i}", "emptyDir": {}} for i in range(_MANY)],
                        "stepTemplate": {"env": [{"name": f"E{i}"} for i in range(_MANY)]},
                        "steps": [
                            {
                                "name": f"s{i}",
                                "image": "alpine:3.19",
                                "computeResources": {"requests": {"cpu": "1"}},
                                "securityContext": {"privileged": i == _MANY - 1},
                            }
                            for i in range(_MANY)
                        ],
                    },
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "tekton-pipeline-run-template-of-every-task": (
        "pipeline-run.json",
        # the run-wide pod template and one taskRunSpec are every embedded task's: each task
        # would copy and be judged with them all
        json.dumps(
            {
                "apiVersion": "tekton.dev/v1",
                "kind": "PipelineRun",
                "metadata": {"name": "r", "namespace": "ci"},
                "spec": {
                    "taskRunTemplate": {
                        "podTemplate": {
                            "volumes": [{"name": f"v{i}", "emptyDir": {}} for i in range(_MANY)],
                            **{f"k{i}": i for i in range(_MANY)},
                        },
                    },
                    "taskRunSpecs": [
                        {
                            "pipelineTaskName": "t",
                            "podTemplate": {"volumes": [{"name": "w", "emptyDir": {}}]},
                        }
                        for _ in range(_MANY)
                    ],
                    "pipelineSpec": {
                        "tasks": [
                            {
                                "name": "t",
                                "taskSpec": {
                                    "steps": [
                                        {
                                            "name": "s",
                                            "image": "alpine:3.19",
                                            "securityContext": {"privileged": i == _MANY - 1},
                                        }
                                    ]
                                },
                            }
                            for i in range(_MANY)
                        ]
                    },
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "spark-application-of-many-env-vars": (
        "spark.json",
        # the envVars map and the sparkConf's executorEnv entries, each an env entry of a main
        # container made once, whose secret-named literals are each read once
        json.dumps(
            {
                "apiVersion": "sparkoperator.k8s.io/v1beta2",
                "kind": "SparkApplication",
                "metadata": {"name": "s", "namespace": "x"},
                "spec": {
                    "image": "spark:3.5.1",
                    "sparkConf": {f"spark.executorEnv.PASSWORD_{i}": f"v{i}" for i in range(_MANY)},
                    "driver": {"envVars": {f"TOKEN_{i}": f"v{i}" for i in range(_MANY)}},
                    "executor": {"instances": 2},
                },
            },
            indent=0,
        ),
        "K8S014",
    ),
    "kserve-components-of-many-containers": (
        "isvc.json",
        # each component's containers, its first one copied once with KServe's resources
        json.dumps(
            {
                "apiVersion": "serving.kserve.io/v1beta1",
                "kind": "InferenceService",
                "metadata": {"name": "m", "namespace": "x"},
                "spec": {
                    role: {"containers": [_pod(i)["spec"]["containers"][0] for i in range(2_000)]}
                    for role in ("predictor", "transformer", "explainer")
                },
            },
            indent=0,
        ),
        "K8S011",
    ),
}
