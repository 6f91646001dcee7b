"""AWS SAM's policy templates: what the SAM transform expands a function's `Policies` entry
`S3ReadPolicy: {BucketName: ...}` to, from aws-sam-translator's policy_templates.json (its
version is part of the result cache's context), read once when a template uses one."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any


@functools.cache
def policy_templates() -> dict[str, Any]:
    """The policy templates by name: each its `Parameters` and its policy `Definition`."""
    from samtranslator.policy_templates_data import POLICY_TEMPLATES_FILE  # a path only

    templates = json.loads(Path(POLICY_TEMPLATES_FILE).read_text(encoding="utf-8"))
    return templates.get("Templates", {})
