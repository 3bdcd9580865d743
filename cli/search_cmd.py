"""Placeholder until the search commands land."""


def register(app) -> None:
    return None
