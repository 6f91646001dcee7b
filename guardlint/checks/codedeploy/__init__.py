"""Python checks of the CodeDeploy AppSpec pack (rules/codedeploy.yaml)."""
