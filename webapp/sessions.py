"""A bounded, expiring store of conversation sessions shared by the web UI and the HTTP API."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    session: Any
    last_used: float
    # one question at a time per conversation: the dialogue state is not thread-safe
    lock: threading.Lock = field(default_factory=threading.Lock)


class SessionStore:
    """Sessions by id, least recently used first; idle ones expire after `ttl` seconds.

    At most `max_sessions` are kept: creating one more evicts the least recently used, so a
    flood of new ids cannot grow memory without bound."""

    def __init__(self, factory: Callable[[], Any], max_sessions: int = 1000, ttl: float = 3600,
                 clock: Callable[[], float] = time.monotonic):
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self._factory = factory
        self.max_sessions = max_sessions
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.evicted = 0
        self.expired = 0

    def __len__(self) -> int:
        with self._lock:
            self._purge_expired()
            return len(self._entries)

    def __contains__(self, sid: str) -> bool:
        with self._lock:
            self._purge_expired()
            return sid in self._entries

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(16)

    def get(self, sid: str | None) -> tuple[str, Entry, bool]:
        """The entry for `sid`, or a fresh session (under `sid` if given, else a new id).

        Returns (id, entry, created). An expired or unknown id starts a new conversation
        under that id, which is what a returning client expects after a server restart."""
        with self._lock:
            self._purge_expired()
            now = self._clock()
            if sid and sid in self._entries:
                entry = self._entries[sid]
                entry.last_used = now
                self._entries.move_to_end(sid)
                return sid, entry, False
            sid = sid or self.new_id()
            entry = Entry(self._factory(), now)
            self._entries[sid] = entry
            while len(self._entries) > self.max_sessions:
                self._entries.popitem(last=False)
                self.evicted += 1
            return sid, entry, True

    def drop(self, sid: str) -> bool:
        with self._lock:
            return self._entries.pop(sid, None) is not None

    def _purge_expired(self) -> None:
        # entries are ordered by last use, so expired ones are all at the front
        limit = self._clock() - self.ttl
        while self._entries:
            sid, entry = next(iter(self._entries.items()))
            if entry.last_used > limit:
                break
            del self._entries[sid]
            self.expired += 1
