"""When runtimes and images stop getting security fixes: one module over the end-of-life
tables (guardlint/data, each with its source and date) for every rule that asks.

- Release cycles of languages and distributions (eol_images.yaml, from endoflife.date): a
  Dockerfile's base image (DKR019) and a buildspec's `runtime-versions` (CBD010).
- AWS Lambda's deprecated runtimes (lambda_runtimes.yaml, AWS's own dates): CFN014.
- AWS CodeBuild's retired build images, which runtime names of a buildspec are which
  product of the release-cycle table, and the runtime each Lambda compute image is built for
  (codebuild_images.yaml): CBD010.

Every date is compared with the day a rule judges by: today, or its `as_of` option.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any, NamedTuple

from guardlint.knowledge.tables import load_table
from guardlint.parse.image_ref import official_name
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.lookups import today


class EndOfLife(NamedTuple):
    product: str
    cycle: str  # as the tag or version names it
    date: datetime.date  # its end of life; for a cycle older than the table, the oldest's
    older_than: str | None = None  # the table's oldest cycle, when the version comes before it


def judged_on(options: dict[str, Any]) -> datetime.date:
    """The day a rule judges end of life by: its `as_of` option, or today (recorded: a cached
    result is not reused on another day)."""
    configured = options.get("as_of")
    if isinstance(configured, datetime.date):
        return configured
    return datetime.date.fromisoformat(str(configured)) if configured else today()


# --- release cycles (eol_images.yaml) ------------------------------------------------------


def release_products() -> dict[str, dict[str, Any]]:
    """Product (an image repository) -> its release cycles, aliases and parts of a version."""
    return load_table("eol_images.yaml")["images"]


def release_product_names(image: str) -> list[str]:
    """The products of the release-cycle table an image repository (`ImageRef.name`) is: the
    image it names (a copy of an official image on another registry is that image, AWS
    Lambda's base image of a runtime is that language: `public.ecr.aws/lambda/python` is
    `python`), then the vendor whose repositories it is among (`bitnami/redis`)."""
    table = load_table("eol_images.yaml")
    same = table.get("same_releases") or {}
    if image not in same and image not in table["images"]:
        image = official_name(image)
    vendors = [
        vendor
        for prefix, vendor in (table.get("repository_prefixes") or {}).items()
        if image.startswith(prefix)
        and not image.startswith(tuple(table["images"][vendor].get("other_repositories") or ()))
    ]
    return [same.get(image, image), *vendors]


# No release has a longer version part: one longer (a file may write 5,000 digits, past what
# int() converts) is ordered by its first digits, after every release of the tables.
_VERSION_PART_DIGITS = 9


def _version(cycle: str) -> tuple[int, ...]:
    return tuple(int(number[:_VERSION_PART_DIGITS]) for number in cycle.split("."))


def _ended(product: str, cycle: str, date: Any, older_than: str | None = None) -> EndOfLife | None:
    """A cycle's end, or None for one the table gives no date (null): still maintained with no
    end announced (redis 7.2)."""
    return EndOfLife(product, cycle, date, older_than) if date is not None else None


def _older_than_table(numbers: list[str], cycles: dict[str, Any]) -> str | None:
    """The table's oldest cycle, when the version comes before it: the table starts after
    the release lines that had ended long ago (alpine 2.x before alpine 3.0), so they have
    ended too. A shorter version is compared on its own parts: `alpine:3` and `golang:1`
    follow the newest release of their line."""
    if not cycles:
        return None
    oldest = min(cycles, key=_version)
    version = _version(".".join(numbers))
    return oldest if version < _version(oldest)[: len(version)] else None


def release_cycle(word: str, product: str, entry: dict[str, Any]) -> EndOfLife | None:
    """The release cycle a version word (`3.8`, `3.8.10`, `buster`) names, with its end."""
    aliases, cycles = entry.get("aliases") or {}, entry.get("cycles") or {}
    if word in aliases:
        cycle = str(aliases[word])
        return _ended(product, cycle, cycles[cycle]) if cycle in cycles else None
    match = re.match(r"^v?([0-9]+(?:\.[0-9]+)*)", word)
    if not match:
        return None
    numbers = match.group(1).split(".")[: entry.get("version_parts", 1)]
    for size in range(len(numbers), 0, -1):
        cycle = ".".join(numbers[:size])
        if cycle in cycles:
            return _ended(product, cycle, cycles[cycle])
    oldest = _older_than_table(numbers, cycles) if entry.get("older_releases_ended", True) else None
    return _ended(product, ".".join(numbers), cycles[oldest], oldest) if oldest else None


def ended_line(line: str, product: str, entry: dict[str, Any]) -> EndOfLife | None:
    """A release line given by fewer parts than a cycle has (`ruby 2` of `2.x`, `dotnet 3.x`),
    once a later line has superseded it, with the latest end of its cycles; None while it is
    the newest line (`golang 1.x` follows Go's newest release), a cycle of it is still
    maintained with no end announced (`redis 6` of 6.2), or the table has none of it.
    Whether it has ended is the caller's comparison with its day."""
    parts = _version(line)
    cycles = entry.get("cycles") or {}
    own = [date for cycle, date in cycles.items() if _version(cycle)[: len(parts)] == parts]
    later = any(_version(cycle)[: len(parts)] > parts for cycle in cycles)
    return EndOfLife(product, line, max(own)) if own and later and None not in own else None


def release_line(version: str, product: str, entry: dict[str, Any]) -> EndOfLife | None:
    """The release a version (`3.8.10`, `buster`, `2`) names: its cycle or, given by fewer
    parts than a cycle has (`ruby 2`, `mongo 5`), its line once superseded (ended_line)."""
    found = release_cycle(version, product, entry)
    line = re.match(r"v?([0-9]+(?:\.[0-9]+)*)", version)
    if found is None and line and len(line.group(1).split(".")) < entry.get("version_parts", 1):
        found = ended_line(line.group(1), product, entry)
    return found


# --- AWS Lambda (lambda_runtimes.yaml) -----------------------------------------------------


@functools.cache
def deprecated_lambda_runtimes() -> dict[str, dict[str, Any]]:
    """Lambda runtime -> its deprecation date and replacement."""
    return dict(load_table("lambda_runtimes.yaml")["runtimes"])


# --- AWS CodeBuild (codebuild_images.yaml) -------------------------------------------------


# The product of a runtime version that only retired CodeBuild images had (`java: openjdk8`).
RETIRED_CODEBUILD_IMAGES = "retired CodeBuild images"


class RetiredImage(NamedTuple):
    image: str  # the curated image as the project names it
    since: datetime.date | None  # AWS's deprecation date, where its documentation gives one


def codebuild_table() -> dict[str, Any]:
    return load_table("codebuild_images.yaml")


def retired_codebuild_image(image: str) -> RetiredImage | None:
    """A curated CodeBuild image AWS has retired (`aws/codebuild/standard:4.0`, any
    `aws/codebuild/nodejs:*`, any `aws/codebuild/eb-*`); None for current and custom images."""
    name, _, tag = image.strip().partition(":")
    table = codebuild_table()
    tags = table["retired_images"].get(name.lower())
    if tags is None:
        prefixes = table.get("retired_repository_prefixes") or {}
        found = next((p for p in prefixes if name.lower().startswith(p)), None)
        return RetiredImage(image.strip(), prefixes[found]) if found is not None else None
    if "*" in tags:
        return RetiredImage(image.strip(), tags["*"])
    for retired, since in tags.items():
        # `4.0` and the dated builds of it (`4.0-20.01.14`).
        if tag == retired or tag.startswith(f"{retired}-"):
            return RetiredImage(image.strip(), since)
    return None


def codebuild_runtime_end(runtime: str, version: str) -> EndOfLife | None:
    """When a buildspec's `runtime-versions` entry (`nodejs: 16`, `python: 3.8`, `ruby: 2.x`,
    `java: openjdk8`) stops getting fixes: the release cycle of its language, or, for a
    version only retired images had, that image family's retirement. None when unknown or
    floating (`latest`, `3.x` of a line still maintained)."""
    table = codebuild_table()
    runtime, version = runtime.strip().lower(), version.strip().lower()
    retired = (table.get("retired_image_runtimes") or {}).get(runtime) or {}
    if version in retired:
        return EndOfLife(RETIRED_CODEBUILD_IMAGES, version, retired[version])
    product = (table.get("runtime_products") or {}).get(runtime)
    entry = release_products().get(product) if product else None
    if entry is None:
        return None
    line = re.fullmatch(r"v?([0-9]+(?:\.[0-9]+)*)(?:\.x)?", version)
    if line is None:
        return None
    return release_line(line.group(1), product, entry)


# A Lambda compute image's tag: the runtime's name, then its version (`nodejs18`, `go1.21`).
_LAMBDA_TAG = LazyPattern(r"([a-z]+)([0-9]+(?:\.[0-9]+)*)")


def codebuild_lambda_image_runtime(image: str) -> tuple[str, str] | None:
    """The buildspec runtime name and version a CodeBuild Lambda compute image is built for
    (`aws/codebuild/amazonlinux-x86_64-lambda-standard:nodejs18` is nodejs 18); None for any
    other image."""
    name, _, tag = image.strip().partition(":")
    images = codebuild_table().get("lambda_images") or {}
    if name.lower() not in images.get("repositories", ()):
        return None
    found = _LAMBDA_TAG.fullmatch(tag.strip().lower())
    runtime = found and (images.get("tag_runtimes") or {}).get(found.group(1))
    return (runtime, found.group(2)) if found and runtime else None
