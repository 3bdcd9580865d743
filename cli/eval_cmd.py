"""Placeholder until the eval commands land."""


def register(app) -> None:
    return None
