"""Deterministic tools over the corpus (no model): clause lookup, amounts, the award calculator."""
