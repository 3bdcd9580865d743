"""Conversation sessions kept in SQLite in the data directory: shared by worker processes, kept across restarts,
expired after idleness (never dropped because others are busy), each stored as one row of JSON state."""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("policy_assistant.webapp")

# server-issued ids: 128 random bits, url-safe base64 (22 characters); nothing else is accepted
_ID_RE = re.compile(r"[A-Za-z0-9_-]{22}")
TOMBSTONE_SECONDS = 30 * 86400  # an expired id is remembered this long, so its return is answered "expired"
PURGE_EVERY = 60.0
MAX_RETRIES = 8
CACHE_SESSIONS = 512  # decoded sessions kept per process, each valid only while its stored version is unchanged

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    state TEXT,              -- the session's JSON state; NULL once expired
    version INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated);
"""


class SessionIdError(ValueError):
    """A session id the server did not issue (a client-chosen or malformed one)."""


@dataclass
class Opened:
    """What `SessionStore.open` found: the id to use and whether the conversation so far was lost."""

    id: str
    status: str  # "new" (no id given), "live", "expired" (idle too long), "unknown" (well-formed, never seen)


class SessionStore:
    """Sessions by server-issued id in SQLite (WAL, busy timeout), as state dicts `to_state`/`from_state` convert.

    `update(sid, fn)` loads the state, runs `fn(session)`, trims and writes it back; a concurrent write to the
    same session (another thread or worker process) is detected by a version number and `fn` rerun."""

    def __init__(self, path: Path, *, to_state: Callable[[Any], dict], from_state: Callable[[dict], Any],
                 ttl: float = 7 * 86400, max_turns: int = 20, max_bytes: int = 262144,
                 clock: Callable[[], float] = time.time, busy_timeout: float = 30.0):
        self.path = Path(path)
        self.ttl = ttl
        self.max_turns = max_turns
        self.max_bytes = max_bytes
        self._to_state, self._from_state = to_state, from_state
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        # one writer at a time within the process: threads queue on this lock (microseconds) instead of on SQLite's
        # file lock, whose busy handler sleeps for milliseconds; other processes still wait via busy_timeout
        self._write_lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._last_purge = 0.0
        # sid → (version, session) as this process last wrote it: a hit skips reading and decoding the stored JSON;
        # another process's write changes the version, so a stale entry fails its write and is reloaded
        self._cache: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._cache_guard = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            db.executescript(_SCHEMA)
        finally:
            db.close()

    # ----- connections -----
    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across a process crash, fast
        return db

    @property
    def _db(self) -> sqlite3.Connection:
        # one connection per thread: sqlite3 connections are not shared between threads
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    def _write(self, sql: str, params: tuple) -> int:
        """Run one writing statement (its own transaction); the number of rows it changed."""
        with self._write_lock:
            return self._db.execute(sql, params).rowcount

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # ----- ids -----
    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(16)

    @staticmethod
    def well_formed(sid: Any) -> bool:
        return isinstance(sid, str) and _ID_RE.fullmatch(sid) is not None

    # ----- the public operations -----
    def open(self, sid: str | None) -> Opened:
        """The session to answer in: `sid` when it is live; a fresh one otherwise, saying why.

        An expired id keeps its id (the server issued it) and starts empty; a well-formed id the store does
        not know is replaced by a new one; a malformed id raises SessionIdError."""
        self._maybe_purge()
        now = self._clock()
        if sid is None:
            sid = self.new_id()
            self._insert(sid, now)
            return Opened(sid, "new")
        if not self.well_formed(sid):
            raise SessionIdError(sid)
        row = self._db.execute("SELECT state IS NULL, updated FROM sessions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            sid = self.new_id()
            self._insert(sid, now)
            return Opened(sid, "unknown")
        cleared, updated = row
        if cleared or updated < now - self.ttl:
            self._forget(sid)
            self._write("UPDATE sessions SET state = ?, version = version + 1, updated = ? WHERE id = ?",
                        (self._dump(self._from_state({})), now, sid))
            return Opened(sid, "expired")
        return Opened(sid, "live")

    def update(self, sid: str, fn: Callable[[Any], Any]) -> Any:
        """Run `fn` on the session `sid` (opened before) and store the result; returns what `fn` returned."""
        with self._lock_for(sid):
            for _ in range(MAX_RETRIES):
                # optimistic: the version this process last wrote; the UPDATE below checks it is still current
                hit = self._cached(sid)
                if hit is not None:
                    version, session = hit
                else:
                    row = self._db.execute("SELECT state, version FROM sessions WHERE id = ?", (sid,)).fetchone()
                    version = row[1] if row else None
                    session = self._load(row[0] if row else None)
                try:
                    result = fn(session)
                    text = self._dump(session)
                except BaseException:
                    self._forget(sid)  # fn may have changed the object half-way: the stored state is the truth
                    raise
                now = self._clock()
                if version is None:
                    changed = self._write(
                        "INSERT OR IGNORE INTO sessions (id, state, version, created, updated) VALUES (?, ?, 1, ?, ?)",
                        (sid, text, now, now))
                else:
                    changed = self._write(
                        "UPDATE sessions SET state = ?, version = version + 1, updated = ? WHERE id = ? AND version = ?",
                        (text, now, sid, version))
                if changed == 1:
                    self._remember(sid, 1 if version is None else version + 1, session)
                    return result
                # another worker wrote this session meanwhile: answer again from its state
                self._forget(sid)
                log.info("session %s changed concurrently; retrying", sid[:6])
            raise RuntimeError("session update kept conflicting")

    def _cached(self, sid: str) -> tuple[int, Any] | None:
        with self._cache_guard:
            hit = self._cache.get(sid)
            if hit is not None:
                self._cache.move_to_end(sid)
            return hit

    def _remember(self, sid: str, version: int, session: Any) -> None:
        with self._cache_guard:
            self._cache[sid] = (version, session)
            self._cache.move_to_end(sid)
            while len(self._cache) > CACHE_SESSIONS:
                self._cache.popitem(last=False)

    def _forget(self, sid: str) -> None:
        with self._cache_guard:
            self._cache.pop(sid, None)

    def get(self, sid: str) -> Any | None:
        """The stored session (read only), or None when there is none or it has expired."""
        row = self._db.execute("SELECT state, updated FROM sessions WHERE id = ?", (sid,)).fetchone()
        if row is None or row[0] is None or row[1] < self._clock() - self.ttl:
            return None
        return self._load(row[0])

    def reset(self, sid: str) -> bool:
        """Forget what the conversation said, keeping its id valid; False if there is no such session."""
        self._forget(sid)
        return self._write("UPDATE sessions SET state = ?, version = version + 1, updated = ? WHERE id = ?",
                           (self._dump(self._from_state({})), self._clock(), sid)) == 1

    def __len__(self) -> int:
        limit = self._clock() - self.ttl
        return self._db.execute("SELECT COUNT(*) FROM sessions WHERE state IS NOT NULL AND updated >= ?",
                                (limit,)).fetchone()[0]

    def __contains__(self, sid: str) -> bool:
        return self.get(sid) is not None

    def purge(self) -> tuple[int, int]:
        """Clear the state of sessions idle past the ttl, and forget expired ids after the tombstone period;
        (cleared, forgotten)."""
        now = self._clock()
        cleared = self._write("UPDATE sessions SET state = NULL WHERE state IS NOT NULL AND updated < ?",
                              (now - self.ttl,))
        forgotten = self._write("DELETE FROM sessions WHERE state IS NULL AND updated < ?",
                                (now - self.ttl - max(self.ttl, TOMBSTONE_SECONDS),))
        self._last_purge = now
        return cleared, forgotten

    # ----- internals -----
    def _maybe_purge(self) -> None:
        if self._clock() - self._last_purge >= PURGE_EVERY:
            self._last_purge = self._clock()
            self.purge()

    def _insert(self, sid: str, now: float) -> None:
        self._write("INSERT INTO sessions (id, state, version, created, updated) VALUES (?, ?, 1, ?, ?)",
                    (sid, self._dump(self._from_state({})), now, now))

    def _lock_for(self, sid: str) -> threading.Lock:
        # one question at a time per conversation within this process; across processes the version decides
        with self._locks_guard:
            lock = self._locks.get(sid)
            if lock is None:
                if len(self._locks) > 10000:
                    self._locks = {k: v for k, v in self._locks.items() if v.locked()}
                lock = self._locks[sid] = threading.Lock()
            return lock

    def _load(self, text: str | None) -> Any:
        if text:
            try:
                return self._from_state(json.loads(text))
            except (ValueError, TypeError) as e:
                log.warning("unreadable session state (%s); starting the conversation afresh", e)
        return self._from_state({})

    def _dump(self, session: Any) -> str:
        """The state as JSON, its transcript trimmed to the last `max_turns` turns and within `max_bytes`."""
        state = self._to_state(session)
        history = state.get("history")
        if isinstance(history, list) and len(history) > self.max_turns:
            state["history"] = history = history[-self.max_turns:]
            _trim(session, self.max_turns)
        text = _json(state)
        while len(text.encode("utf-8")) > self.max_bytes and isinstance(history, list) and history:
            # the facts (profile) always stay; the oldest turns of the transcript go first
            drop = max(1, len(history) // 4)
            state["history"] = history = history[drop:]
            _trim(session, len(history))
            text = _json(state)
        return text


def _json(state: dict) -> str:
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: SQLite stores UTF-8 only, so escape everything
        text = json.dumps(state, separators=(",", ":"))
    return text


def _trim(session: Any, keep: int) -> None:
    history = getattr(session, "history", None)
    if isinstance(history, list) and len(history) > keep:
        del history[:-keep]


__all__ = ["Opened", "SessionIdError", "SessionStore"]
