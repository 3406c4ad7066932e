"""Use cases the UI, the CLI and the demo call; the only layer that composes the others."""
