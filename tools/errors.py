"""Typed errors of the calculator layer; each str() is a Chinese message fit to show a user."""

from __future__ import annotations


class CalcError(ValueError):
    """Any bad input to the calculator: an amount, a profile field, a parameter file."""


class AmountError(CalcError):
    """A money amount that cannot be read, or is negative, zero where that means nothing, or absurd."""


class ProfileError(CalcError):
    """An enterprise profile field that is malformed; the message names the field."""


class ParameterError(CalcError):
    """The award parameter file of a document is missing or malformed."""
