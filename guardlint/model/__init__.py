"""The small data types every stage of the scan shares: `rules.py` (severities and their scores,
finding types, Rule), `documents.py` (Region, SourceFile, Document and its meta keys) and
`findings.py` (Hit, Suppression, Finding)."""
