"""Python checks of the secrets pack (rules/secrets.yaml)."""
