"""What one scan is asked to do: paths, rules, limits (the CLI and the config fill it in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from guardlint.engine.budget import DEFAULT_FILE_TIMEOUT
from guardlint.model.documents import SourceFile
from guardlint.model.rules import Severity
from guardlint.parse.text import DEFAULT_MAX_BYTES

# The result cache's size unless --cache-max-size says (guardlint.engine.result_cache).
DEFAULT_CACHE_MAX_BYTES = 200 * 1024 * 1024

if TYPE_CHECKING:
    from guardlint.discover.shards import Shard


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class ScanOptions:
    """What to scan and how: the paths, the rules, the limits, the cache."""

    paths: list[str] = field(default_factory=lambda: ["."])
    excludes: list[str] = field(default_factory=list)
    only_rules: set[str] = field(default_factory=set)
    skip_rules: set[str] = field(default_factory=set)
    min_severity: Severity = Severity.INFO
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_dirs: list[str] = field(default_factory=list)
    max_bytes: int = DEFAULT_MAX_BYTES
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT  # seconds per file; None or 0: no limit
    root: str | None = None
    # Files read already (standard input), scanned besides those found under `paths`.
    sources: list[SourceFile] = field(default_factory=list)
    jobs: int | None = None  # worker processes; None or 0: one per CPU for large trees
    shard: Shard | None = None  # scan only this slice of the files (guardlint merge joins them)
    cdk_assets: bool = False  # scan the asset staging folders of CDK cloud assemblies
    # The result cache (guardlint.engine.cached): its directory (None: no cache), its size.
    cache_dir: str | None = None
    cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES
    # Load only the rule packs for the kinds of document the files found hold (the command
    # line's choice where no option, config or report asks for every rule); never with a
    # result cache, whose entries are keyed by every rule.
    rules_of_kinds_found: bool = False
