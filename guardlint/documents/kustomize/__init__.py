"""Kustomize: what kustomizations say, the builds that deploy a base, and the objects each
build emits of it once patched and replaced (docs/architecture.md names what each module knows)."""
