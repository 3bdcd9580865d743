"""Decide: which document a turn is about, and how the session's state changes with it."""
