"""Tests of the typed views of documents (guardlint/documents)."""
