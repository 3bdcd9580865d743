"""Errors raised while loading and querying the corpus, each with a Chinese message for users."""

from __future__ import annotations


class CorpusError(Exception):
    """A corpus problem a user can act on; str(e) is a Chinese sentence."""


class ClauseNotFound(CorpusError):
    def __init__(self, ref: str, suggestions: list[str] | None = None):
        self.ref = ref
        self.suggestions = list(suggestions or [])
        hint = f"。您是否要找：{'、'.join(self.suggestions)}？" if self.suggestions else "。可用 `policy-assistant outline` 查看全部条款。"
        super().__init__(f"未找到条款“{ref}”{hint}")
