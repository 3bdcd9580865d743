"""Pieces every composed answer shares: the stamped finish, amount and topic helpers, the award clause ids."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.compose import (
    stamp,
)
from corpus import Document

AWARD_CLAUSES = ("4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6")


def _finish(doc: Document, text: str, **kw) -> Answer:
    return Answer(answer=text.rstrip() + "\n" + stamp(doc), **kw)


def _cloud_stages(text: str) -> list[str]:
    from assistant.understand import cloud_stages

    return cloud_stages(text)


def _topics_of(text: str) -> list[str]:
    from assistant.understand import topics_of

    return topics_of(text)
