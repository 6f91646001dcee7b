"""The queues and topics AWS's SAM transform makes, with no properties, for a SAM function or
state machine: the SQS or SNS destination of an EventInvokeConfig written without a
Destination, the queue between an SNS event and its function (SqsSubscription true), and the
dead-letter queue of a schedule or EventBridge event whose DeadLetterConfig gives a Type
instead of an Arn. Each is named as the transform names it and placed where the setting that
makes it is written (after samtranslator's sam_resources.py and eventsources)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.resources import (
    SAM_FUNCTION,
    Resource,
    region_at,
    resources_of,
    template_of,
)
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import get_map, may_equal
from guardlint.model.documents import Document
from guardlint.parse.located import YamlMap

SAM_STATE_MACHINE = "AWS::Serverless::StateMachine"
SAM_MAKERS = (SAM_FUNCTION, SAM_STATE_MACHINE)
QUEUE, TOPIC = "AWS::SQS::Queue", "AWS::SNS::Topic"
# The destination types for which SAM makes the resource, and the end of its logical ID.
_DESTINATIONS = {"SQS": (QUEUE, "Queue"), "SNS": (TOPIC, "Topic")}
# The events whose DeadLetterConfig may ask SAM for a queue.
_DEAD_LETTER_EVENTS = ("Schedule", "ScheduleV2", "CloudWatchEvent", "EventBridgeRule")


def sam_made_resources(document: Document, *types: str) -> Iterator[Resource]:
    """The resources of `types` that the SAM transform makes for the template's created SAM
    functions and state machines (none unless the template uses SAM)."""
    template = template_of(document)
    for owner in resources_of(document, *SAM_MAKERS):
        for made in _made_by(template, owner):
            if made.type in types:
                yield made


def _made_by(template: Template, owner: Resource) -> Iterator[Resource]:
    if owner.type == SAM_FUNCTION:
        yield from _destinations(template, owner)
    events = get_map(owner.props, "Events") or {}
    for name, event in events.items():
        props = get_map(event, "Properties") if isinstance(event, dict) else None
        if props is None:
            continue
        event_id = f"{owner.logical_id}{name}"
        kind = event.get("Type")
        if kind == "SNS" and template.is_true(props.get("SqsSubscription")):
            yield _made(owner, QUEUE, f"{event_id}Queue", props, "SqsSubscription")
        elif kind in _DEAD_LETTER_EVENTS:
            dead_letter = get_map(props, "DeadLetterConfig")
            if dead_letter is None or "Arn" in dead_letter:
                continue
            # SAM refuses a QueueLogicalId that is not a string (CFN028 reports it)
            queue_id = dead_letter.get("QueueLogicalId", f"{event_id}Queue")
            if isinstance(queue_id, str) and may_equal(template, dead_letter.get("Type"), "SQS"):
                yield _made(owner, QUEUE, queue_id, dead_letter, "Type")


def _destinations(template: Template, function: Resource) -> Iterator[Resource]:
    config = get_map(get_map(function.props, "EventInvokeConfig"), "DestinationConfig")
    for name in ("OnSuccess", "OnFailure"):
        destination = get_map(config, name)
        if destination is None or "Destination" in destination:
            continue
        kind = template.resolve(destination.get("Type"))
        if isinstance(kind, str) and kind in _DESTINATIONS:
            made_type, suffix = _DESTINATIONS[kind]
            made_id = f"{function.logical_id}EventInvokeConfig{name}{suffix}"
            yield _made(function, made_type, made_id, destination, "Type")


def _made(owner: Resource, made_type: str, logical_id: str, container: Any, key: str) -> Resource:
    region = region_at(container, key, owner.region)
    return Resource(logical_id, made_type, YamlMap(region), region, owner.construct_path)
