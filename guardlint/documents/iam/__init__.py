"""Typed views of IAM policies: standalone policy files and the ones embedded in templates."""
