"""The one error a config can be."""


class ConfigError(Exception):
    """A configuration problem; the message names the file and line."""
