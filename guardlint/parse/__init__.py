"""Parsers: one module per input syntax, each turning text into Documents or a ParseError."""
