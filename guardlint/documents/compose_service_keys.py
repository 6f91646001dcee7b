"""The settings a Compose service may have (the Compose specification's service schema, and
the file formats 2.x and 3.x before it): a services map whose every setting is one of them
is Compose's, whatever else may hold a `services:` map (Serverless Compose's `path`, Lando's
`type`, a Helm chart's `port`)."""

from __future__ import annotations

from typing import Any

COMPOSE_SERVICE_KEYS = frozenset(
    {
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
        "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
        "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus",
        "cpuset", "credential_spec", "depends_on", "deploy", "develop",
        "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
        "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc",
        "isolation", "label_file", "labels", "links", "logging", "mac_address", "mem_limit",
        "mem_reservation", "mem_swappiness", "memswap_limit", "models", "network_mode",
        "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
        "ports", "post_start", "pre_stop", "privileged", "profiles", "provider",
        "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt",
        "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt",
        "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts",
        "volume_driver", "volumes", "volumes_from", "working_dir",
    }
)  # fmt: skip


def has_only_compose_settings(service: Any) -> bool:
    """Whether a service is a non-empty map of Compose settings (`x-` extensions allowed)."""
    return (
        isinstance(service, dict)
        and bool(service)
        and all(
            isinstance(key, str) and (key in COMPOSE_SERVICE_KEYS or key.startswith("x-"))
            for key in service
        )
    )
