"""guardlint: an infrastructure-as-code security scanner and policy linter."""

__version__ = "0.1.0"
INFORMATION_URI = "https://github.com/guardlint/guardlint"
