"""Python checks of the CloudFormation/SAM pack (rules/cloudformation.yaml)."""
