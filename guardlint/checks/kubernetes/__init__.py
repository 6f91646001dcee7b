"""Python checks of the Kubernetes pack (rules/kubernetes.yaml)."""
