"""PyYAML, imported with the patterns its modules compile as they load compiled when first
used instead (LazyPattern). Every module of guardlint imports PyYAML from here.

The pure-Python reader's pattern of what YAML does not allow (`Reader.NON_PRINTABLE`) is a
negated class whose ranges run to U+10FFFF, which `re` compiles code point by code point:
57 million instructions, a tenth of a cold scan of one manifest, for a pattern that libyaml's
parser, which reads every YAML text here, never runs. A scan runs a few of the resolver's
and constructor's, and compiles those when it does.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

from guardlint.parse.lazy_pattern import LazyPattern


def _import_pyyaml() -> ModuleType:
    compile_now = re.compile

    def compile_pyyaml_patterns_later(pattern: str, flags: int = 0) -> re.Pattern | LazyPattern:
        # PyYAML's own modules only: they call their patterns' methods, which a LazyPattern
        # has; a module PyYAML happens to import first compiles its patterns as ever.
        if sys._getframe(1).f_globals.get("__name__", "").startswith("yaml."):
            return LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_pyyaml_patterns_later
    try:
        import yaml
    finally:
        re.compile = compile_now
    return yaml


yaml = _import_pyyaml()
