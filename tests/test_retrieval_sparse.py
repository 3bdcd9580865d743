"""The jieba tokenizer with the policy glossary, and BM25 scores equal to bm25s' own."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("term", ["两化融合", "二级节点", "设备资源上云", "国家统计库", "智能制造标杆企业", "地方财政实得"])
def test_glossary_terms_are_kept_whole(term):
    from assistant.index import tokenize

    assert term in tokenize(f"关于{term}的规定是什么")


def test_colloquial_aliases_also_yield_the_documents_term():
    from assistant.index import tokenize

    toks = tokenize("规上企业技改项目库门槛")
    assert "规模以上企业" in toks and "技术改造项目库" in toks


def test_question_words_are_dropped():
    from assistant.index import tokenize

    assert not {"怎么", "多少", "吗"} & set(tokenize("上云补贴怎么申请，能补多少吗"))


def test_glossary_is_data_with_terms_and_aliases():
    from assistant.index import load_glossary

    g = load_glossary()
    terms = {t["term"] for t in g["terms"]}
    assert {"两化融合", "贯标", "二级节点", "上云", "规模以上", "服务型制造", "国家统计库", "地方财政实得"} <= terms
    assert any("规上" in (t.get("aliases") or []) for t in g["terms"])


def test_numpy_bm25_scores_match_bm25s():
    import numpy as np

    from assistant.index.sparse import SparseIndex

    docs = [["上云", "补贴", "比例"], ["设备", "补贴", "补贴"], ["二级节点"], ["上云", "设备资源上云"]]
    ours = SparseIndex.build(docs)
    ref = SparseIndex.build_bm25(docs)
    for q in (["补贴"], ["上云", "补贴"], ["设备资源上云", "二级节点", "无此词"]):
        known = [t for t in q if t in ref.vocab_dict]
        assert np.allclose(ours.scores(q), ref.get_scores(known))


def test_saved_bm25_index_loads_back_identically(tmp_path):
    import numpy as np

    from assistant.index.sparse import SparseIndex

    docs = [["上云", "补贴"], ["设备", "补贴"], []]
    a = SparseIndex.build(docs)
    a.save(tmp_path / "bm25")
    b = SparseIndex.load(tmp_path / "bm25")
    assert b.num_docs == 3 and np.allclose(a.scores(["补贴", "上云"]), b.scores(["补贴", "上云"]))
