"""Kubernetes templates: a container's securityContext setting (`container-setting`) and the
tag of the image it runs or an image volume mounts (`container-image`). Parameters:
guardlint.checks.templates.TEMPLATES.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from guardlint.checks.kubernetes.hits import container_hit, setting_region, where
from guardlint.checks.registry import template
from guardlint.documents.kubernetes import (
    container_images,
    containers,
    flag,
    linux_containers,
    placeholder,
    volume_images,
)
from guardlint.knowledge.images import tag_and_digest_known
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


@template("container-setting")
def container_setting(document: Document, rule: Rule) -> Iterator[Hit]:
    """Containers whose own securityContext `setting` is `value` (`required: false`: it must
    not be), or is not `value` (`required: true`: it must be; leaving it out fails too).
    `linux_only` skips Windows pods, where Linux settings do not exist. A Kustomize patch is
    judged only on the settings it makes."""
    params = rule.params
    for container in (linux_containers if params["linux_only"] else containers)(document):
        setting = container.own_setting(params["setting"])
        if setting is None and container.is_partial:
            continue  # a patch's silence: the base it patches decides
        if setting is not None and placeholder(setting.value):
            continue  # filled in when the template is processed
        has_value = setting is not None and flag(setting.value) is params["value"]
        if has_value != params["required"]:
            message = params["message"]
            if setting is None and params["message_when_unset"]:
                message = params["message_when_unset"]
            yield container_hit(
                container,
                message.format(container=where(container)),
                setting_region(container, setting),
            )


@template("container-image")
def container_image(document: Document, rule: Rule) -> Iterator[Hit]:
    """Images not pinned by digest whose tag matches one of `tags` (glob patterns); an image
    with no tag runs `latest`. Placeholders (`{{ .Values.image }}`, `IMAGE`) are left alone. The
    image of an image volume is judged like a container's."""
    judged: set[int] = set()  # a container reported once, for the first build that runs it
    for container, name, tag, digest in container_images(document):
        message = _mutable_image_message(rule, name, tag, digest)
        if message is not None and id(container) not in judged:
            judged.add(id(container))
            yield container_hit(
                container,
                message.format(container=where(container), image=name, tag=tag or "latest"),
                container.region_of(container.data, "image"),
                image=name,
            )
    for volume, name, tag, digest in volume_images(document):
        message = _mutable_image_message(rule, name, tag, digest)
        if message is not None:
            pod = volume.pod
            subject = f"Image volume {volume.name} of {pod.resource}"
            yield Hit(
                message=message.format(container=subject, image=name, tag=tag or "latest"),
                region=pod.region_of(volume.source, "reference"),
                resource=f"{pod.resource} volume {volume.name}",
                properties={"volume": volume.name, "image": name},
            )


def _mutable_image_message(
    rule: Rule, name: str, tag: str | None, digest: str | None
) -> str | None:
    """The rule's message for an image of this name, tag and digest, None when it is not one
    or they are not known."""
    patterns = rule.params["tags"]
    if digest or not any(fnmatch.fnmatchcase(tag or "latest", p) for p in patterns):
        return None
    if not tag_and_digest_known(name, tag, digest):
        return None  # a placeholder a pipeline or template fills in
    if not tag and rule.params["message_when_untagged"]:
        return rule.params["message_when_untagged"]
    return rule.params["message"]
