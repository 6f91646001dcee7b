"""What a `Ref` to one of the template's Parameters stands for before a deployment chooses:
its Default or, without one, the single value its AllowedValues permit (CloudFormation refuses
any other). A parameter with several allowed values and no Default is unknown, as is an SSM
parameter type's value (its Default and AllowedValues name the parameter CloudFormation reads,
not the value). A list type's value is the list of its Default's comma-separated items."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import UNRESOLVED

_SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value<"


def is_list_type(parameter: dict) -> bool:
    """Whether a Ref to the parameter gives a list (CommaDelimitedList, List<...>)."""
    kind = parameter_type(parameter)
    return kind.startswith("List<") or kind == "CommaDelimitedList"


def parameter_type(parameter: dict) -> str:
    """The parameter's Type, "" when it is not text (CloudFormation refuses any other)."""
    kind = parameter.get("Type", "")
    return kind if isinstance(kind, str) else ""


def single_allowed_value(parameter: Any) -> Any:
    """The one scalar the parameter's AllowedValues permit, else None. A list type has none:
    each of its items is allowed, and how many there are is not known."""
    if not isinstance(parameter, dict) or is_list_type(parameter):
        return None
    if parameter_type(parameter).startswith(_SSM_PARAMETER_TYPE):
        return None
    allowed = parameter.get("AllowedValues")
    if not isinstance(allowed, list) or len(allowed) != 1:
        return None
    return allowed[0] if isinstance(allowed[0], (str, int, float)) else None


def parameter_value(parameter: Any) -> Any:
    """The value a Ref to `parameter` (its entry in Parameters) gives, or UNRESOLVED."""
    if not isinstance(parameter, dict):
        return UNRESOLVED
    if parameter_type(parameter).startswith(_SSM_PARAMETER_TYPE):
        return UNRESOLVED
    if "Default" in parameter:
        value = parameter["Default"]
    else:
        value = single_allowed_value(parameter)
        if value is None:
            return UNRESOLVED
    if is_list_type(parameter):
        # CloudFormation splits the value at commas and trims each item.
        return [item.strip() for item in value.split(",")] if isinstance(value, str) else UNRESOLVED
    return value


def ssm_parameter_read(parameter: Any) -> str | None:
    """The name of the SSM parameter whose value a Ref to `parameter` gives before a
    deployment chooses (an SSM parameter type's Default), else None."""
    if not isinstance(parameter, dict) or is_list_type(parameter):
        return None
    default = parameter.get("Default")
    is_ssm = parameter_type(parameter).startswith(_SSM_PARAMETER_TYPE)
    return default.strip() if is_ssm and isinstance(default, str) else None
