"""Python checks of the AWS CodeBuild pack (rules/codebuild.yaml)."""
