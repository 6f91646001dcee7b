"""Tests of the check templates (guardlint/checks/templates)."""
