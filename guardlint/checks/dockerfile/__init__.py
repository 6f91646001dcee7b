"""Python checks of the Dockerfile pack (rules/dockerfile.yaml)."""
