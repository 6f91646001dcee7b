"""The names guardlint's SARIF logs use, for the code that reads them back (guardlint merge)
without loading sarif-om."""

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
CATEGORY_TAXONOMY = "GuardDuty-style finding types"
FINDING_TYPE_TAXONOMY = "Inspector-style finding types"
FINGERPRINT_KEY = "guardlint/v1"
AUTOMATION_ID = "guardlint/"
