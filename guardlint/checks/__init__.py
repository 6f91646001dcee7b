"""The rule checks: the registry binding rule IDs to Python checks and templates, the
declarative `match` language, and one package of Python checks per rule pack."""
