"""The commented starter config `guardlint init` writes: every key the config takes (KEYS in
guardlint.config), each set to what a scan does without it."""

STARTER_CONFIG = """\
# guardlint configuration (https://github.com/guardlint/guardlint/blob/main/docs/usage.md)
# Every key is optional; an unknown key or rule ID is an error (exit 2).

# Exit 1 when an unsuppressed finding has at least this severity.
fail_on: high

# Report only findings of at least this severity.
min_severity: info

# Paths not to scan (globs, relative to the scan root).
exclude:
  - "**/testdata/**"

# Run only these rules or packs (leave empty to run everything).
enable: []

# Rules or packs not to run: rule IDs (DKR011) or pack names (compose).
disable: []

# Per-rule severity overrides.
severity: {}
#  DKR003: medium

# Per-rule options (a name the rule does not have is an error that lists its options).
options: {}
#  CFN003:
#    require_kms: true

# Directories of your own declarative rule packs (see docs/usage.md#custom-policies).
rule_dirs: []

# Findings accepted earlier (`guardlint baseline create`); only new ones are reported.
# baseline: .guardlint-baseline.json

# Files larger than this are reported as unparsable instead of being read.
max_file_size: 5MB

# Seconds one file may take to parse and check before it is reported as unscanned.
file_timeout: 30

# Also scan the asset.* staging folders of CDK cloud assemblies (cdk.out), which copy code
# that is scanned where it lives; for a pipeline stage that has only the assembly.
cdk_assets: false
"""
