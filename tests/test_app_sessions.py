"""The web app's session store: bounded in number (least recently used go first) and expiring when idle."""

from __future__ import annotations

import itertools
import threading

import pytest

from webapp.sessions import SessionStore


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_store(max_sessions=3, ttl=60.0):
    counter = itertools.count()
    clock = FakeClock()
    return SessionStore(lambda: {"n": next(counter)}, max_sessions=max_sessions, ttl=ttl, clock=clock), clock


def test_the_same_id_returns_the_same_conversation():
    store, _ = make_store()
    sid, first, created = store.get(None)
    assert created
    again, entry, created_again = store.get(sid)
    assert again == sid and entry is first and not created_again


def test_a_new_session_beyond_the_bound_evicts_the_least_recently_used():
    store, clock = make_store(max_sessions=3)
    a, _, _ = store.get(None)
    b, _, _ = store.get(None)
    c, _, _ = store.get(None)
    clock.now += 1
    store.get(a)  # a is now the most recently used; b the least
    d, _, _ = store.get(None)
    assert len(store) == 3
    assert b not in store
    assert a in store and c in store and d in store
    assert store.evicted == 1


def test_an_idle_session_expires_after_the_ttl_and_comes_back_empty():
    store, clock = make_store(ttl=60)
    sid, entry, _ = store.get(None)
    entry.session["fact"] = "1200万"
    clock.now += 59
    assert store.get(sid)[1].session.get("fact") == "1200万"  # use refreshes the clock
    clock.now += 61
    assert sid not in store
    _, fresh, created = store.get(sid)
    assert created and "fact" not in fresh.session
    assert store.expired == 1


def test_many_threads_creating_sessions_never_exceed_the_bound():
    store, _ = make_store(max_sessions=50, ttl=3600)

    def work():
        for _ in range(200):
            store.get(None)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 50
    assert store.evicted == 8 * 200 - 50


def test_a_store_must_hold_at_least_one_session():
    with pytest.raises(ValueError):
        SessionStore(dict, max_sessions=0)
