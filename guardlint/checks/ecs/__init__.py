"""Python checks of the ECS pack (rules/ecs.yaml)."""
