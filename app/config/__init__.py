"""Configuration: where data lives (paths) and how this workstation behaves (settings)."""
