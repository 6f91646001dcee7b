"""The names guardlint's SARIF logs use, for the code that reads them back (guardlint merge)
without loading sarif-om; and the JSON report's one name that only a slice's report has."""

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
CATEGORY_TAXONOMY = "GuardDuty-style finding types"
FINDING_TYPE_TAXONOMY = "Inspector-style finding types"
FINGERPRINT_KEY = "guardlint/v1"
AUTOMATION_ID = "guardlint/"
# A slice's (--shard) named files that other slices may judge too (guardlint.engine.named_files):
# a SARIF run's property, the JSON report's key.
SHARED_FILES = "guardlint/sharedFiles"
JSON_SHARED_FILES = "shared_files"
