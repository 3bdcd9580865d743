"""Placeholder until the calc commands land."""


def register(app) -> None:
    return None
