"""ECS checks of where containers send their logs: no log driver (ECS012), or a log
destination whose certificate is not verified (ECS013)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.ecs.hits import container_hit, subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields
from guardlint.documents.ecs.model import task_definition
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

_VERIFY_OFF = frozenset({"off", "false", "0", "no"})
# Docker's splunk driver reads the flag with Go's strconv.ParseBool.
_GO_TRUE = frozenset({"1", "t", "true"})
# Docker's syslog driver skips the check whenever this option is set, whatever its value, on a
# tcp+tls:// address (the only one it speaks TLS to).
_SYSLOG_SKIP_VERIFY = "syslog-tls-skip-verify"
_SYSLOG_TLS = "tcp+tls://"


@check("ECS012")
def no_log_configuration(document: Document, rule: Rule) -> Iterator[Hit]:
    """Containers without logConfiguration.logDriver (FireLens log routers included);
    Dockerrun files never (Beanstalk collects container logs itself)."""
    task = task_definition(document)
    if task.is_dockerrun:
        return
    for container in task.containers:
        fields = container.fields
        if fields.may_be_absent("logConfiguration"):
            how = f"has no {fields.spelled('logConfiguration')}"
            written = "logConfiguration" in fields
            region = fields.key_region("logConfiguration") if written else container.anchor
        elif logs := [log for log in fields.maps("logConfiguration") if _no_driver(log)]:
            how = f"has no {logs[0].spelled('logDriver')}"
            region = fields.key_region("logConfiguration")
        else:
            continue
        yield container_hit(
            task,
            container,
            f"{subject(task, container)} {how}: what it writes is not collected, and an "
            "intrusion leaves no trace once the task stops.",
            region,
        )


def _no_driver(log: Fields) -> bool:
    """No logDriver, or one that may be null, AWS::NoValue or blank."""
    return log.may_be_absent("logDriver") or any(not t.strip() for t in log.strings("logDriver"))


def _syslog_over_tls(options: Fields) -> bool:
    return any(a.strip().lower().startswith(_SYSLOG_TLS) for a in options.strings("syslog-address"))


@check("ECS013")
def log_tls_verification_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    """Log options that turn certificate checks off: `tls.verify` off/false/0/no (any case),
    `splunk-insecureskipverify` true, `syslog-tls-skip-verify` set on a tcp+tls syslog."""
    task = task_definition(document)
    for container in task.containers:
        for log in container.fields.maps("logConfiguration"):
            for options in log.maps("options"):
                for key in options.data:
                    option = str(key)
                    texts = [t.strip().lower() for t in options.strings(option)]
                    if option.lower() == "tls.verify":
                        off = next((t for t in texts if t in _VERIFY_OFF), None)
                    elif option.lower() == "splunk-insecureskipverify":
                        off = next((t for t in texts if t in _GO_TRUE), None)
                    elif option == _SYSLOG_SKIP_VERIFY and _syslog_over_tls(options):
                        off = (texts[0] if texts else "") or "set"  # Docker skips it if set
                    else:
                        continue
                    if off is None:
                        continue
                    yield container_hit(
                        task,
                        container,
                        f"{subject(task, container)} ships its logs with {option} {off}: the "
                        "destination's certificate is not checked, so anyone on the path can "
                        "read and alter the logs (and the credentials sent with them).",
                        options.key_region(option),
                        option=option,
                    )
