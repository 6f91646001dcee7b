"""Python checks of the Docker Compose pack (rules/compose.yaml)."""
