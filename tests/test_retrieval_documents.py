"""Retrieval over three documents: the document filter, the in-force date filter (chroma metadata), the relevance
floor, and the public search API the dialogue calls (assistant.retrieval)."""

from __future__ import annotations

import pytest
from index_helpers import three_document_settings

LN, NK, AY = "longnan-2022-40", "nankang-2023-15", "anyuan-2021-9"


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """(settings, corpus, index) for a data directory holding the three documents."""
    from assistant.index.lifecycle import build_and_open, default_corpus_for

    settings = three_document_settings(tmp_path_factory.mktemp("three") / "data")
    corpus = default_corpus_for(settings)
    assert set(corpus.documents) == {LN, NK, AY}
    _, idx = build_and_open(settings, corpus)
    return settings, corpus, idx


QUESTIONS = ["企业上云补贴比例", "绿色工厂奖励多少", "智能化改造项目补助", "两化融合贯标奖励", "申报材料交到哪里",
             "文件谁发的", "有效期到什么时候", "贷款贴息", "3.1", "第二条", "屋顶光伏每千瓦补多少钱"]


@pytest.mark.parametrize("doc", [LN, NK, AY])
def test_a_search_restricted_to_one_document_never_returns_another_documents_clause(three, doc):
    _, _, idx = three
    for q in QUESTIONS:
        hits = idx.search(q, k=8, docs=[doc])
        assert hits, q
        assert {h.doc for h in hits} == {doc}, q
        assert {h.doc for h in idx.dense_search(q, k=8, docs=[doc])} <= {doc}
        assert {h.doc for h in idx.sparse_search(q, k=8, docs=[doc])} <= {doc}


def test_a_search_over_two_documents_stays_within_them_and_an_unknown_one_finds_nothing(three):
    _, _, idx = three
    for q in QUESTIONS:
        assert {h.doc for h in idx.search(q, k=10, docs=[NK, AY])} <= {NK, AY}
        assert idx.search(q, k=5, docs=["no-such-doc"]) == []
        assert idx.search(q, k=5, docs=[]) == []


def test_each_document_answers_its_own_questions_first_when_searched_alone(three):
    _, _, idx = three
    assert idx.search("屋顶光伏每千瓦补多少钱", k=1, docs=[AY])[0].clause == "3.3"
    assert idx.search("获评省级智能工厂奖励多少", k=1, docs=[NK])[0].clause == "3"
    assert idx.search("企业上云补贴比例", k=1, docs=[LN])[0].clause == "4.3.5"


def test_chunks_carry_the_documents_effective_and_expiry_dates_in_chroma(three):
    _, _, idx = three
    v = idx.query_vector("绿色工厂")
    expired = idx.dense.query(v, 100, {"expires": {"$lt": 20240101}})
    assert expired and {cid.split("#")[0] for cid, _ in expired} == {AY}
    later = idx.dense.query(v, 100, {"effective": {"$gte": 20230701}})
    assert later and {cid.split("#")[0] for cid, _ in later} == {NK}
    by_doc = {c.doc: (c.effective, c.expires) for c in idx.chunks}
    assert by_doc[AY] == (20210412, 20231231) and by_doc[NK] == (20230701, 20280630)
    assert by_doc[LN] == (20220815, 99991231)  # no effective date: in force from issue; no expiry


@pytest.mark.parametrize(("as_of", "present", "absent"), [
    ("2026-12-01", {LN, NK}, {AY}),  # anyuan expired on 2023-12-31
    ("2023-06-30", {LN, AY}, {NK}),  # nankang in force from 2023-07-01
    ("2022-01-01", {AY}, {LN, NK}),  # longnan issued 2022-08-15
])
def test_as_of_keeps_only_documents_in_force_that_day(three, as_of, present, absent):
    _, _, idx = three
    seen = set()
    for q in QUESTIONS:
        hits = idx.search(q, k=10, as_of=as_of)
        assert not {h.doc for h in hits} & absent, (q, as_of)
        seen |= {h.doc for h in hits}
    assert present <= seen


def test_an_unreadable_as_of_date_is_refused_in_chinese(three):
    _, _, idx = three
    with pytest.raises(ValueError, match="不是有效日期"):
        idx.search("上云补贴", k=3, as_of="明年")


@pytest.mark.parametrize("q", ["人才公寓怎么申请入住", "出口退税多久能到账", "消费券在哪里领", "稳岗返还资金怎么领取",
                               "住房公积金贷款额度最高多少"])
def test_a_question_no_loaded_document_answers_gets_no_relevant_hit(three, q):
    from assistant.retrieval import is_relevant, relevant_clauses, search_clauses

    settings, corpus, _ = three
    hits = search_clauses(q, corpus, k=3)
    assert hits and not is_relevant(hits) and all(h.relevance is not None for h in hits)
    assert relevant_clauses(q, corpus, k=3) == []


@pytest.mark.parametrize(("q", "doc", "clause"), [
    ("企业上云补贴比例", LN, "4.3.5"), ("屋顶光伏每千瓦补多少钱", AY, "3.3"), ("获评省级智能工厂奖励多少", NK, "3"),
    ("接入工业互联网标识解析二级节点有什么补助", LN, "4.3.6"), ("节能技术改造项目按什么标准补助", AY, "3.2"),
])
def test_a_question_a_loaded_document_answers_gets_a_relevant_first_hit(three, q, doc, clause):
    from assistant.retrieval import is_relevant, relevant_clauses, search_clauses

    _, corpus, _ = three
    hits = search_clauses(q, corpus, k=3)
    assert is_relevant(hits) and hits[0].relevant and (hits[0].doc, hits[0].clause) == (doc, clause)
    assert relevant_clauses(q, corpus, k=3)[0].citation == f"{doc}#{clause}"


def test_a_clause_the_question_names_is_always_relevant(three):
    from assistant.retrieval import search_clauses

    _, corpus, _ = three
    hit = search_clauses("四（三）5", corpus, docs=[LN], k=1)[0]
    assert (hit.clause, hit.via, hit.relevant) == ("4.3.5", "reference", True)


def test_search_clauses_takes_documents_and_a_date(three):
    from datetime import date

    from assistant.retrieval import search_clauses

    _, corpus, _ = three
    hits = search_clauses("绿色工厂奖励多少", corpus, docs=[AY, NK], k=5, as_of=date(2026, 12, 1))
    assert hits and {h.doc for h in hits} == {NK}
    hits = search_clauses("绿色工厂奖励多少", corpus, docs=(AY,), k=5, as_of="2023-06-30")
    assert hits[0].citation == f"{AY}#3.1.1" and hits[0].relevant


def test_the_dialogues_retrieval_calls_place_questions_in_one_document(three):
    from assistant import retrieval

    _, corpus, _ = three
    assert retrieval.relevant_clauses("屋顶光伏每千瓦补多少钱", corpus, [AY])[0].clause == "3.3"
    assert retrieval.dense_clause("What is the subsidy for cloud adoption?", corpus, [LN]).clause == "4.3.5"
    assert retrieval.dense_clause("What is the weather like today?", corpus, [LN]) is None
    assert retrieval.search_index(corpus) is retrieval.search_index(corpus)  # opened once per process


def test_the_floor_is_data_its_threshold_decides(three, tmp_path):
    from assistant.index import relevance

    _, _, idx = three
    floors = relevance.load()
    fam = relevance.model_family(idx.embeddings.model_id)
    assert fam in floors["models"] and floors["fallback"] is not None and floors["dense_only"] is not None
    f = floors["models"][fam]
    hits = idx.search("企业上云补贴比例", k=3)
    s = hits[0].signals
    everything = relevance.Floor.from_dict({**f.to_dict(), "threshold": 0.0})
    nothing = relevance.Floor.from_dict({**f.to_dict(), "threshold": 1.01})
    assert everything.score(s["dense"], s["coverage"]) >= everything.threshold
    assert nothing.score(s["dense"], s["coverage"]) < nothing.threshold
    assert f.score(s["dense"], s["coverage"]) == pytest.approx(hits[0].relevance)


def test_calibration_fits_a_floor_that_separates_answerable_from_unanswerable_samples():
    from assistant.index import relevance

    on = [({"dense": 0.90 + i / 1000, "coverage": 0.5 + i / 100}, 1) for i in range(20)]
    off = [({"dense": 0.86 + i / 1000, "coverage": 0.1 + i / 100}, 0) for i in range(20)]
    f = relevance.fit_floor(on + off, relevance.FEATURES, 0.1)
    m = relevance.evaluate(f, on + off)
    assert m["off_accepted"] <= 0.1 and m["recall"] == 1.0 and m["precision"] == 1.0


def test_the_langchain_retriever_takes_the_same_scope_and_can_drop_irrelevant_hits(three):
    from assistant.index import PolicyRetriever

    _, _, idx = three
    docs = PolicyRetriever(k=3, index=idx, docs=[AY], as_of="2023-06-30").invoke("屋顶光伏每千瓦补多少钱")
    assert docs[0].metadata["citation"] == f"{AY}#3.3" and docs[0].metadata["relevant"] is True
    assert {d.metadata["doc"] for d in docs} == {AY}
    assert PolicyRetriever(k=3, index=idx, only_relevant=True).invoke("人才公寓怎么申请入住") == []
