"""Tests of the secrets pack (rules/secrets.yaml)."""
