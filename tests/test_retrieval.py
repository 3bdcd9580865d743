"""Hybrid clause retrieval on the seed corpus: the right clause first, near-misses kept apart, references resolved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def index(data_dir):
    from assistant.index import get_index

    return get_index()


def first(index, q: str) -> str:
    return index.search(q, k=5)[0].clause


def test_cloud_subsidy_rate_question_finds_clause_4_3_5_first(index):
    assert first(index, "企业上云补贴比例") == "4.3.5"


@pytest.mark.parametrize("q", ["两化融合贯标通过了奖多少", "省级两化深度融合示范企业奖励多少", "市级两化融合示范企业能拿几万"])
def test_lianghua_titles_at_every_level_go_to_4_3_3_not_service_manufacturing(index, q):
    hits = index.search(q, k=5)
    assert hits[0].clause == "4.3.3"


@pytest.mark.parametrize("q", ["服务型制造示范企业奖励多少", "评上省级服务型制造示范企业给多少钱", "国家级服务型制造示范有奖励吗"])
def test_service_manufacturing_award_goes_to_4_3_4_not_the_programme_3_4(index, q):
    hits = [h.clause for h in index.search(q, k=5)]
    assert hits[0] == "4.3.4"
    assert "3.4" not in hits[:1]


def test_equipment_resource_cloud_is_not_confused_with_equipment_purchase(index):
    assert first(index, "设备资源上云补贴比例是多少") == "4.3.5"
    assert first(index, "技改项目购买设备投资额达到500万的奖补比例") == "4.3.1"


def test_secondary_node_question_goes_to_4_3_6(index):
    assert first(index, "二级节点补助上限") == "4.3.6"


@pytest.mark.parametrize("q", ["4.3.5", "四（三）5", "第四部分第（三）项第5条", "请问四(三)5怎么理解", "第4.3.5条说了什么"])
def test_a_question_naming_a_clause_gets_that_clause_first(index, q):
    hit = index.search(q, k=3)[0]
    assert (hit.clause, hit.via, hit.score) == ("4.3.5", "reference", 1.0)


@pytest.mark.parametrize("q", ["上云最多补5万吗", "买设备花了1.2亿能补多少", "6.5万的上云费用补多少", "2022.8.15印发的文件"])
def test_amounts_and_dates_are_not_mistaken_for_clause_references(index, q):
    from assistant.index import named_clause_ids

    assert named_clause_ids(q) == []
    assert all(h.via != "reference" for h in index.search(q, k=3))


def test_an_unknown_clause_reference_falls_back_to_search(index):
    hits = index.search("9.9.9 上云补贴", k=3)
    assert hits and hits[0].via == "hybrid"


def test_search_is_deterministic_and_best_first(index):
    a = [h.to_dict() for h in index.search("技改奖补有哪些", k=10)]
    index.clear_query_cache()
    b = [h.to_dict() for h in index.search("技改奖补有哪些", k=10)]
    assert a == b
    scores = [h["score"] for h in a]
    assert scores == sorted(scores, reverse=True)


def test_hits_carry_verbatim_text_heading_path_and_units(index, seed_corpus):
    h = index.search("二级节点补助上限", k=1)[0]
    clause = seed_corpus.clause("4.3.6")
    assert h.text == clause.full_text
    assert h.heading_path == ["四、保障措施", "（三）着力扩大政策效应", "6."]
    assert h.units == ["市工信局", "市财政局"]
    assert {"doc", "clause", "label", "score", "text"} <= set(h.to_dict())
    assert h.label == "四（三）6"


def test_doc_filter_limits_results_and_unknown_doc_gives_nothing(index):
    assert all(h.doc == "longnan-2022-40" for h in index.search("上云", k=5, doc="longnan-2022-40"))
    assert [h for h in index.search("上云", k=5, doc="no-such-doc") if h.via != "reference"] == []


def test_empty_question_returns_no_hits(index):
    assert index.search("   ", k=5) == []


def test_dense_and_sparse_lists_are_available_separately(index):
    assert index.dense_search("上云补贴", 3)[0].dense_score is not None
    sp = index.sparse_search("二级节点", 3)
    assert sp[0].clause == "4.3.6" and sp[0].sparse_score > 0


def test_langchain_retriever_returns_clause_documents(index):
    from assistant.index import PolicyRetriever

    docs = PolicyRetriever(k=3, index=index).invoke("企业上云补贴比例")
    assert docs[0].metadata["clause"] == "4.3.5"
    assert docs[0].metadata["citation"] == "longnan-2022-40#4.3.5"
    assert "80%" in docs[0].page_content


def test_cli_search_json_puts_4_3_5_first(index, data_dir):
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    out = subprocess.run([sys.executable, "-m", "cli", "search", "企业上云补贴比例", "-k", "3", "--json"]
                         if (ROOT / "cli" / "__main__.py").exists() else
                         [str(Path(sys.executable).with_name("policy-assistant")), "search", "企业上云补贴比例", "-k", "3", "--json"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0]["clause"] == "4.3.5" and len(rows) == 3
    assert all(set(r) == {"doc", "clause", "label", "score", "text"} for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_searching_queries_chroma_without_importing_chromadb_torch_or_gradio(data_dir):
    """chroma's engine is used directly: its Python package (1-2 s to import) is not loaded to search."""
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    code = ("import sys;from assistant.index import get_index;i=get_index();h=i.search('上云补贴',3);"
            "print(i.dense.kind, h[0].clause, sorted(m for m in ('torch','gradio','sentence_transformers','chromadb',"
            "'langchain_core') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "bindings 4.3.5 []"
