"""Training mode: scenarios, scripted citizens and scoring (read from case events)."""
