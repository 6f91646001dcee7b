"""Python checks of the IAM pack (rules/iam.yaml)."""
