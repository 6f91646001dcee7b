"""The scan: discover the files, parse each into documents, run every enabled rule on the
documents of its kind, and make the findings (guardlint.engine.scan; one file:
guardlint.engine.runner). The engine names no rule of any pack: what a pack tells it comes
through guardlint.engine.hooks and its rules' data (guardlint.engine.precedence).
"""
