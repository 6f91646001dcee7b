"""Tests of the IAM pack's rules (rules/iam.yaml)."""
