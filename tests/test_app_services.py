"""The web app's conversations: facts stay in their own session until it is reset."""

from __future__ import annotations

from assistant.settings import load_settings
from webapp.services import Services

FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了{}万"


def total(answer: dict):
    return (answer.get("award") or {}).get("total")


def test_a_reset_conversation_starts_from_nothing_under_the_same_id(tmp_path):
    # sessions are no longer evicted by newer ones (tests/test_sessions_persist.py); a reset forgets the facts
    services = Services(load_settings(data_dir=tmp_path / "data"))
    sid, _ = services.ask(FACTS.format(1200))
    assert total(services.ask("能拿多少？", sid)[1]) == 720000
    services.reset(sid)
    again_sid, again = services.ask("能拿多少？", sid)
    assert again_sid == sid and total(again) != 720000
    assert "session:expired" not in again["flags"]


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
