"""The conversational assistant: `from assistant import Session, ask`.

Heavy parts (index, embeddings) are imported on first use so `policy-assistant ask` starts fast."""

from __future__ import annotations

__all__ = ["Answer", "Session", "ask"]


def __getattr__(name: str):
    if name in __all__:
        from assistant import dialogue

        return getattr(dialogue, name)
    raise AttributeError(name)
