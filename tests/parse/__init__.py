"""Tests of guardlint.parse: syntax only."""
