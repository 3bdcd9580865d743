"""Compose: answer texts from the calculator's award object, the clause text and the pack's readings."""

from assistant.compose.text import date_text, stamp

__all__ = ["date_text", "stamp"]
