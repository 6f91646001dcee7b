"""Suppressions: inline directives written in the scanned files, and the baseline file."""
