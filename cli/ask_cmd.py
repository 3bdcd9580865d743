"""Placeholder until the ask commands land."""


def register(app) -> None:
    return None
