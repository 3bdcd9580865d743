"""Sessions persist in SQLite in the data directory: across restarts and worker processes, never evicted by other
users, expired after idleness with a Chinese note, their transcript bounded while the facts stay."""

from __future__ import annotations

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from app_process import AppProcess

from assistant import Session, ask
from assistant.answer import Answer
from assistant.settings import load_settings
from webapp.services import Services
from webapp.sessions import SessionStore

FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了{}万"


def total(answer: dict):
    return (answer.get("award") or {}).get("total")


def services_in(tmp_path, **settings) -> Services:
    return Services(load_settings(data_dir=tmp_path / "data", **settings))


def stored_state(services: Services, sid: str) -> dict:
    with sqlite3.connect(services.settings.sessions_path) as db:
        return json.loads(db.execute("SELECT state FROM sessions WHERE id = ?", (sid,)).fetchone()[0])


# ---------------------------------------------------------------- the state of a Session
def test_a_conversation_state_survives_json_and_comes_back_equal():
    s = Session()
    ask(FACTS.format(1200), session=s, llm=False)
    ask("那如果是5000万呢", session=s, llm=False)
    text = json.dumps(s.to_state())  # plain JSON: no Decimal, tuple or Answer left
    back = Session.from_state(json.loads(text))
    assert back.profile == s.profile
    assert isinstance(back.profile["projects"][0]["equipment"], Decimal)
    assert back.last_slot == s.last_slot and isinstance(back.last_slot, tuple)
    assert isinstance(back.last_answer, Answer) and back.last_answer.to_dict() == s.last_answer.to_dict()
    assert back.history == s.history and all(isinstance(h, tuple) for h in back.history)
    # the restored session goes on as the original would
    assert ask("能拿多少？", session=back, llm=False).award["total"] == ask("能拿多少？", session=s, llm=False).award["total"]


def test_a_dated_fact_is_stored_and_a_dated_conversation_goes_on_through_the_service(tmp_path):
    s = Session()
    ask("南康的规上企业，智能化改造项目软硬件投资800万，24年5月开工，已投用，能补多少？", session=s, llm=False)
    back = Session.from_state(json.loads(json.dumps(s.to_state())))
    assert back.profiles == s.profiles
    services = services_in(tmp_path)
    sid, first = services.ask("南康的规上企业，智能化改造项目软硬件投资800万，24年开工，已投用，能补多少？")
    assert total(first) == Decimal("740000")
    _, second = services.ask("那如果是2022年开工的呢", sid)
    assert total(second) == Decimal("0")


def test_a_stored_state_with_unknown_missing_or_unreadable_fields_still_opens():
    state = Session().to_state()
    state["renamed_in_a_later_version"] = {"$decimal": "1"}
    del state["history"]
    state["last_slot"] = {"$tuple": 5}  # unreadable: not a list
    state["profile"] = {"above_scale": True, "local_tax_retained": {"$decimal": "not a number"}}
    s = Session.from_state(state)
    assert s.history == [] and s.last_slot is None
    assert s.profile == {}  # the unreadable field takes its default, the session still opens
    assert Session.from_state("garbage").profile == {}


# ---------------------------------------------------------------- the store
def test_a_thousand_new_sessions_do_not_evict_an_older_one(tmp_path):
    services = services_in(tmp_path)
    sid, _ = services.ask(FACTS.format(1200))
    for i in range(1000):
        services.ask(FACTS.format(600 + i))  # another user's new conversation each time
    assert len(services.sessions) == 1001
    again_sid, again = services.ask("能拿多少？", sid)
    assert again_sid == sid and total(again) == 720000
    assert "session:expired" not in again["flags"]


def test_an_idle_session_expires_and_the_answer_says_the_facts_are_gone(tmp_path):
    services = services_in(tmp_path, session_ttl_seconds=1)
    sid, _ = services.ask(FACTS.format(1200))
    assert total(services.ask("能拿多少？", sid)[1]) == 720000  # use keeps it alive
    time.sleep(1.3)
    services.sessions.purge()  # what the server does once a minute: the state is cleared, the id remembered
    again_sid, again = services.ask("能拿多少？", sid)
    assert again_sid == sid
    assert again["answer"].startswith("会话已过期") and "请重新说明" in again["answer"]
    assert "session:expired" in again["flags"]
    assert total(again) != 720000
    # the new conversation under the same id goes on normally
    assert "session:expired" not in services.ask(FACTS.format(1200), sid)[1]["flags"]


def test_a_session_transcript_is_trimmed_but_its_facts_are_kept(tmp_path):
    services = services_in(tmp_path, session_max_turns=5, session_max_bytes=16384)
    sid, _ = services.ask(FACTS.format(1200))
    for i in range(30):
        services.ask("上云补贴比例是多少？" + "请详细说明。" * 40 + str(i), sid)
    state = stored_state(services, sid)
    assert len(state["history"]) <= 5
    assert len(json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()) <= 16384
    assert total(services.ask("能拿多少？", sid)[1]) == 720000


def test_a_corrupt_stored_state_starts_the_conversation_afresh(tmp_path):
    services = services_in(tmp_path)
    sid, _ = services.ask(FACTS.format(1200))
    with sqlite3.connect(services.settings.sessions_path) as db:
        db.execute("UPDATE sessions SET state = '{not json' WHERE id = ?", (sid,))
    fresh = Services(services.settings)  # another process: nothing cached, the stored text is all there is
    again_sid, again = fresh.ask("能拿多少？", sid)
    assert again_sid == sid and total(again) != 720000
    assert total(fresh.ask(FACTS.format(1200) + "，能拿多少？", sid)[1]) == 720000


def test_a_write_from_another_process_is_not_lost_the_turn_is_answered_again(tmp_path):
    path = tmp_path / "s.sqlite3"
    a = SessionStore(path, to_state=Session.to_state, from_state=Session.from_state)
    b = SessionStore(path, to_state=Session.to_state, from_state=Session.from_state)  # as a second worker would
    sid = a.open(None).id
    calls = []

    def turn(session):
        calls.append(1)
        if len(calls) == 1:  # meanwhile the other worker answers a turn of the same conversation
            b.update(sid, lambda s: s.profile.__setitem__("above_scale", True))
        session.profile["local_tax_retained"] = Decimal("500000")

    a.update(sid, turn)
    assert len(calls) == 2  # the first answer was computed on a stale state, so it was computed again
    assert a.get(sid).profile == {"above_scale": True, "local_tax_retained": Decimal("500000")}
    # a now holds the session decoded in memory; b's next write must still reach a's next turn
    b.update(sid, lambda s: s.profile.__setitem__("stacking", "highest"))
    seen = a.update(sid, lambda s: dict(s.profile))
    assert seen == {"above_scale": True, "local_tax_retained": Decimal("500000"), "stacking": "highest"}


def test_concurrent_turns_of_one_conversation_all_land(tmp_path):
    services = services_in(tmp_path)
    sid, _ = services.ask("你好")
    facts = ["我们是规上企业", "技改项目已竣工", "已列入国家统计库", "符合产业政策", "买设备花了1200万"]
    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda q: services.ask(q, sid), facts))
    assert total(services.ask("能拿多少？", sid)[1]) == 720000


# ---------------------------------------------------------------- real servers
def test_a_session_survives_a_restart_of_the_server(data_dir):
    env = {"POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    with AppProcess(env=env) as app:
        first = httpx.post(app.url + "/api/ask", json={"question": FACTS.format(1200)}, timeout=60).json()
    sid = first["session_id"]
    with AppProcess(env=env) as app:  # a new process: nothing in memory
        again = httpx.post(app.url + "/api/ask", json={"question": "能拿多少？", "session_id": sid}, timeout=60).json()
    assert again["session_id"] == sid
    assert again["award"]["total"] == 720000
    assert "会话已过期" not in again["answer"]


@pytest.mark.slow
def test_two_worker_processes_share_one_conversation(data_dir):
    with AppProcess(["--workers", "2"], env={"POLICY_ASSISTANT_DATA_DIR": str(data_dir)}, serve=True) as app:
        first = httpx.post(app.url + "/api/ask", json={"question": FACTS.format(1200)}, timeout=60)
        sid = first.json()["session_id"]

        def follow(_):
            # a new connection each time, so the kernel hands it to either process
            with httpx.Client(timeout=60) as c:
                r = c.post(app.url + "/api/ask", json={"question": "能拿多少？", "session_id": sid})
                return r.headers.get("x-policy-assistant-worker"), r.json()

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(follow, range(40)))
        page = httpx.get(app.url + "/", timeout=30).text
    workers = {w for w, _ in results}
    assert len(workers) == 2, f"only {workers} answered"
    assert all(body["session_id"] == sid and body["award"]["total"] == 720000 for _, body in results)
    assert "单进程" in page  # the UI names how to get it, rather than a broken page
