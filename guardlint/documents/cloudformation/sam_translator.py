"""aws-sam-translator's Translator made to run offline, and what all its translations share
made once per process.

The translator can reach AWS in two places, and we close both: the Serverless Application
Repository (an Application's ApplicationId is looked up) gets a client that reports no
connection, which the plugin treats as "could not verify"; managed policy names resolve from
the library's bundled map, never from IAM. Where it asks boto3 about regions, it gets a
session we made, so the user's AWS configuration is never read.

The library (a quarter of a second to import) is imported here only where a template uses
the SAM transform (guardlint.documents.cloudformation.sam); boto3 (a fifth of a second more)
only where it holds an Application: the library's modules are imported with stand-ins for the
boto3 and botocore modules they name (guardlint.knowledge.stand_ins), since all they use of
them at our translations is an annotation's class, and the session we give.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.knowledge.stand_ins import Deferred, standing_in

# The schema the bundled policy templates are checked against instead of the library's own
# (policy_templates_plugin).
_ANY_MAP = {"type": "object"}


@contextlib.contextmanager
def default_session(needed: bool, region: str) -> Iterator[None]:
    """boto3's default session, where there is none and `needed` (an Application): an isolated
    one in `region`. The translator asks the default session whether the region has the
    Serverless Application Repository; without one it builds a new one (15 ms, and the user's
    AWS configuration decides the region) for every question."""
    if not needed:
        yield
        return
    import boto3  # the translator's dependency: loaded with it only

    previous = boto3.DEFAULT_SESSION
    if previous is None:
        boto3.DEFAULT_SESSION = isolated_session(region)
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = previous


@functools.cache
def isolated_session(region: str) -> Any:
    """A boto3 session blind to the user's AWS files (and so to their profiles and region)."""
    # the translator's dependencies: loaded with it only
    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.set_config_variable("config_file", os.devnull)
    core.set_config_variable("credentials_file", os.devnull)
    return boto3.Session(botocore_session=core, region_name=region)


@dataclass(frozen=True)
class _OfflineSession:
    """All the translator reads from a boto3 session."""

    region_name: str


class _OfflineServerlessRepo:
    """A Serverless Application Repository client that is never connected."""

    def get_application(self, **_: Any) -> dict:
        from botocore.exceptions import EndpointConnectionError  # loaded with the translator

        raise EndpointConnectionError(endpoint_url="offline")

    create_cloud_formation_template = get_application


def offline_translator(parameters: dict[str, Any], region: str) -> Any:
    """A fresh Translator (it keeps per-template state) with offline plugins."""
    _prepare_library()  # see the module's docstring
    from samtranslator.parser.parser import Parser
    from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
    from samtranslator.translator.translator import Translator

    applications = ServerlessAppPlugin(
        sar_client_creator=_OfflineServerlessRepo,
        validate_only=True,
        parameters=parameters,
    )
    return Translator(
        managed_policy_map={},
        sam_parser=Parser(),
        plugins=[applications],
        boto_session=_OfflineSession(region),
        metrics=_unrecorded_metrics(),
    )


@functools.cache
def _unrecorded_metrics() -> Any:
    """Metrics that record nothing, for every translation. The translator times each step for
    CloudWatch into the Metrics it is given (5% of a translation), and the default one, left
    unpublished, logs a warning when it is dropped: we read neither."""
    from samtranslator.metrics.metrics import Metrics  # see the module's docstring

    class Unrecorded(Metrics):
        def record_count(self, *_: Any, **__: Any) -> None:
            pass

        def record_latency(self, *_: Any, **__: Any) -> None:
            pass

    return Unrecorded()


def load_translator() -> None:
    """Import the translator and make what all its translations share (0.28 s of CPU): called
    before a scan's workers fork, so that they inherit it instead of each loading it."""
    _prepare_library()
    policy_templates_plugin()


# The library's modules that import boto3 or botocore, all of them, so that none imported later
# imports boto3 itself (managed_policy_translator only for that: a translation given a managed
# policy map never uses it); and the stand-ins they are imported with: the names they bind from
# each at their import (tests/documents/test_sam_stand_ins.py checks the installed release).
# botocore.exceptions is the real one (a fiftieth of a second): the Application plugin catches
# its classes, which a client may raise.
_NAMING_BOTO = (
    "samtranslator.translator.arn_generator",
    "samtranslator.translator.managed_policy_translator",
    "samtranslator.translator.translator",
    "samtranslator.sdk.parameter",
    "samtranslator.plugins.application.serverless_app_plugin",
    "samtranslator.feature_toggle.feature_toggle",
    "samtranslator.region_configuration",
)
STOOD_IN = {
    "boto3": ("Session",),
    "botocore.client": ("BaseClient",),
    "botocore.config": ("Config",),
}


@functools.cache
def import_library() -> None:
    """The library's modules that name boto3 or botocore, imported with stand-ins for them
    (see the module's docstring): called before any of the library is imported."""
    import botocore.exceptions  # noqa: F401 (see _NAMING_BOTO)

    with standing_in(*(Deferred(name, *bound) for name, bound in STOOD_IN.items())):
        for module in _NAMING_BOTO:
            importlib.import_module(module)


@functools.cache
def _prepare_library() -> None:
    import_library()
    from samtranslator.translator import translator  # see the module's docstring

    # The translator's INFO/WARNING chatter ("unpublished metrics") is not ours to print.
    library_log = logging.getLogger("samtranslator")
    library_log.addHandler(logging.NullHandler())
    library_log.propagate = False
    # It rebuilds its policy-template plugin for every template (20 ms, 95% of a translation):
    # the plugin is stateless, so one per process gives the same results.
    translator.make_policy_template_for_function_plugin = policy_templates_plugin
    # It also lists the SAM resource classes again for every template, through
    # inspect.getmembers (7% of a translation); the resolver only reads that list.
    translator.ResourceTypeResolver = functools.cache(translator.ResourceTypeResolver)


@functools.cache
def policy_templates_plugin() -> Any:
    """The translator's plugin for SAM policy templates, made as the library makes it but for
    one step: the library checks its own bundled templates against their JSON schema, 94% of
    the plugin's making (jsonschema, 80 million instructions). They are the library's data and
    pass its schema: tests/documents/test_sam_library.py checks the installed release."""
    # see the module's docstring
    from samtranslator.plugins.policies.policy_templates_plugin import (
        PolicyTemplatesForResourcePlugin,
    )
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    templates = PolicyTemplatesProcessor.get_default_policy_templates_json()
    processor = PolicyTemplatesProcessor(templates, schema=_ANY_MAP)
    return PolicyTemplatesForResourcePlugin(processor)
