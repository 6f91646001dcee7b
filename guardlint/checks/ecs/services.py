"""ECS check of services (ECS014): tasks given a public IP address. A service is a
create-service input, an AWS::ECS::Service or AWS::ECS::TaskSet of a template, or the
TargetService of an ECS AppSpec: its properties map, any key case."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields, Resolver
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


@check("ECS014")
def public_ip_assigned(document: Document, rule: Rule) -> Iterator[Hit]:
    """networkConfiguration.awsvpcConfiguration.assignPublicIp ENABLED."""
    if not isinstance(document.data, dict):
        return
    resolver = document.meta.get("resolver") or Resolver()
    service = Fields(document.data, resolver, getattr(document.data, "region", None) or Region(1))
    resource = str(document.meta.get("resource") or "ECS service")
    for network in service.maps("networkConfiguration"):
        for awsvpc in network.maps("awsvpcConfiguration"):
            if awsvpc.may_equal("assignPublicIp", "ENABLED") is None:
                continue
            yield Hit(
                message=f"{resource[0].upper()}{resource[1:]} assigns its tasks a public IP "
                f"address ({awsvpc.spelled('assignPublicIp')} ENABLED): each task is reachable "
                "from the internet wherever its security group allows.",
                region=awsvpc.key_region("assignPublicIp"),
                resource=resource,
                properties={"logicalId": document.meta["logical_id"]}
                if "logical_id" in document.meta
                else {},
            )
