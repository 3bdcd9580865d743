"""The web app's conversations: facts stay in their own session, and the bound on sessions is enforced."""

from __future__ import annotations

from assistant.settings import load_settings
from webapp.services import Services

FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了{}万"


def total(answer: dict):
    return (answer.get("award") or {}).get("total")


def test_a_conversation_evicted_by_newer_ones_no_longer_remembers_its_facts():
    services = Services(load_settings(max_sessions=2))
    sid, _ = services.ask(FACTS.format(1200))
    assert total(services.ask("能拿多少？", sid)[1]) == 720000
    services.ask(FACTS.format(1000))
    services.ask(FACTS.format(3000))  # a third conversation pushes out the least recently used (the first)
    assert len(services.sessions) == 2
    again_sid, again = services.ask("能拿多少？", sid)
    assert again_sid == sid
    assert total(again) != 720000


def test_a_reset_conversation_starts_from_nothing():
    services = Services()
    sid, _ = services.ask(FACTS.format(1200))
    services.reset(sid)
    assert sid not in services.sessions
    assert total(services.ask("能拿多少？", sid)[1]) != 720000


def test_the_clause_picker_names_the_document_when_two_are_loaded(tmp_path):
    from assistant.settings import load_settings
    from corpus import add_document
    from webapp.services import Services
    from webapp.ui import _clause_choices

    src = tmp_path / "county.txt"
    src.write_text("某县办法\n\n一、总则\n本办法适用于全县。\n", encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data")
    add_document(src, "county-1", settings.corpus_dir, require_doc_number=False)
    labels = dict((value, label) for label, value in _clause_choices(Services(settings)))
    assert labels["county-1#1"].startswith("[county-1]")
    assert labels["longnan-2022-40#1"].startswith("[龙办发〔2022〕40号]")
