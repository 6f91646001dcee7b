"""CodeDeploy check of the lifecycle hook scripts of an EC2/On-Premises AppSpec."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.appspec import EC2, appspec_of
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.scalars import value_of


@check("CDP001")
def hook_runs_as_root(document: Document, rule: Rule) -> Iterator[Hit]:
    """A hook script with an explicit `runas: root`. Without `runas` a script runs as the
    agent's user, and Windows ignores `runas`: neither is reported."""
    appspec = appspec_of(document)
    if appspec.platform != EC2 or appspec.os == "windows":
        return
    for hook in appspec.hooks():
        runas = value_of(hook.value, "runas")
        if isinstance(runas, str) and runas.strip() == "root":
            location = value_of(hook.value, "location")
            script = f"script {location}" if isinstance(location, str) else "a script"
            yield Hit(
                message=f"The {hook.event} hook runs {script} as root: whoever can change "
                "the revision's scripts runs code as root on every instance of the deployment "
                "group.",
                region=hook.region,
                resource=hook.resource,
                properties={"event": hook.event},
            )
