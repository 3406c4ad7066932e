"""Page pipeline for captured frames: pure functions on numpy arrays, run off the GUI thread."""
