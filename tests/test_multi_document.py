"""Several documents loaded at once: each question is answered from, cited to and stamped with its own document."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("policy-assistant")
GZ = "ganzhou-2023-7"
GZ_NUMBER = "赣市工信字〔2023〕7号"
GZ_STAMP = f"（{GZ_NUMBER}，2023年3月20日）"
LN = "longnan-2022-40"
BUNDLED = ["anyuan-2021-9", LN, "nankang-2023-15"]

# A second policy of the same shape (一、/（一）/1., a covering notice, its own 文号, units and amounts).
GANZHOU = """赣州市工业和信息化局文件

赣市工信字〔2023〕7号

赣州市工业和信息化局 赣州市财政局 关于印发《赣州市首台（套）重大技术装备推广应用奖励办法》的通知

各县（市、区）工信局、财政局：
现将《赣州市首台（套）重大技术装备推广应用奖励办法》印发给你们，请认真遵照执行。

赣州市首台（套）重大技术装备推广应用奖励办法

为加快首台（套）重大技术装备推广应用，支持装备制造企业创新发展，制定本办法。
一、奖励对象
（一）在赣州市注册、具有独立法人资格的装备制造企业。
（二）产品被认定为省级以上首台（套）重大技术装备。〔责任单位：市工信局〕
二、奖励标准
（一）首台（套）产品奖励
1.获得国家级首台（套）重大技术装备认定的，一次性奖励100万元。
2.获得省级首台（套）重大技术装备认定的，一次性奖励30万元。
（二）首台（套）保险补偿
投保首台（套）重大技术装备综合保险的，按实际缴纳保费的80%给予保费补贴，每家企业每年最高不超过50万元。〔责任单位：市财政局、市工信局〕
三、申报程序
（一）企业于每年6月30日前向所在县（市、区）工信部门提交申请。
（二）县（市、区）工信部门初审后报市工信局，市工信局会同市财政局组织专家评审。〔责任单位：市工信局、市财政局〕
"""


def _clear_caches() -> None:
    from assistant import dialogue
    from assistant.index import clear_cache

    clear_cache()
    dialogue._CORPUS_CACHE.clear()


def _add_ganzhou(data: Path) -> None:
    from assistant.settings import load_settings
    from corpus import add_document

    src = data / "ganzhou.txt"
    src.write_text(GANZHOU, encoding="utf-8")
    add_document(src, GZ, load_settings().corpus_dir, {"issued": "2023-03-20"})


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory):
    """A data directory holding the Ganzhou document beside the bundled ones, with the real index built."""
    data = tmp_path_factory.mktemp("two-docs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_ASSISTANT_DATA_DIR", str(data))
        _clear_caches()
        _add_ganzhou(data)
        from assistant.dialogue import _corpus
        from assistant.index import get_index

        corpus = _corpus()
        assert sorted(d.id for d in corpus) == sorted([GZ, *BUNDLED])
        get_index(corpus=corpus)
        yield data
    _clear_caches()


def ask(q: str, session=None):
    from assistant import ask as _ask

    return _ask(q, session=session, llm=False)


def guarded(ans):
    from assistant.dialogue import check_answer

    result = check_answer(ans)
    assert result.ok, (ans.answer, result.problems)
    return ans


def quotes_are_verbatim(ans) -> None:
    from assistant.dialogue import _corpus

    corpus = _corpus()
    for c in ans.citations:
        clause = corpus.clause(f"{c['doc']}#{c['clause']}")
        assert c["quote"] and c["quote"] in clause.full_text
        assert c["label"] == clause.label


def test_question_about_the_added_document_cites_it_verbatim_with_its_own_stamp(two_docs):
    ans = guarded(ask("首台套保险补贴比例是多少？"))
    first = ans.citations[0]
    assert (first["doc"], first["clause"], first["label"]) == (GZ, "2.2", "二（二）")
    assert "80%" in first["quote"] and "80%" in ans.answer
    quotes_are_verbatim(ans)
    assert ans.answer.rstrip().endswith(GZ_STAMP)
    assert "龙办发" not in ans.answer
    assert ans.award is None and not ans.abstained


def test_longnan_questions_still_cite_longnan_and_its_number(two_docs):
    ans = guarded(ask("我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？"))
    assert ans.citations[0]["doc"] == LN and ans.citations[0]["clause"] == "4.3.1"
    assert ans.award["total"] == 720000
    assert ans.answer.rstrip().endswith("（龙办发〔2022〕40号，2022年8月15日印发）")
    cloud = guarded(ask("上云补贴比例是多少？"))
    assert (cloud.citations[0]["doc"], cloud.citations[0]["clause"]) == (LN, "4.3.5")
    assert GZ_NUMBER not in cloud.answer


def test_a_bare_clause_number_several_documents_have_is_the_home_documents_until_another_is_named(two_docs):
    from assistant import Session

    s = Session()
    ans = guarded(ask("3.1是什么内容？", s))
    assert (ans.citations[0]["doc"], ans.citations[0]["clause"]) == (LN, "3.1")  # DESIGN §10: the home place
    assert ans.answer.rstrip().endswith("（龙办发〔2022〕40号，2022年8月15日印发）")
    # naming the document answers from it; the session then stays on it
    ans = guarded(ask("赣市工信字〔2023〕7号的3.1呢", s))
    assert (ans.citations[0]["doc"], ans.citations[0]["clause"]) == (GZ, "3.1")
    assert "6月30日前" in ans.answer and ans.answer.rstrip().endswith(GZ_STAMP)
    ans = guarded(ask("3.2呢", s))
    assert (ans.citations[0]["doc"], ans.citations[0]["clause"]) == (GZ, "3.2")


def test_clause_reference_with_a_document_id_answers_from_that_document(two_docs):
    ans = guarded(ask(f"{GZ}#2.2"))
    assert (ans.citations[0]["doc"], ans.citations[0]["clause"]) == (GZ, "2.2")
    quotes_are_verbatim(ans)
    # a bare number only the added document has needs no question back
    ans = guarded(ask("2.1"))
    assert ans.citations[0]["doc"] == GZ and "clarify:document" not in ans.flags
    longnan = guarded(ask(f"{LN}#3.1"))
    assert (longnan.citations[0]["doc"], longnan.citations[0]["clause"]) == (LN, "3.1")


def test_money_question_about_a_document_without_rules_invents_no_amount(two_docs):
    ans = guarded(ask("获得国家级首台套认定的企业能拿多少奖励？"))
    assert ans.award is None and "no_rules" in ans.flags
    assert "测算规则" in ans.answer and GZ_NUMBER in ans.answer
    assert ans.citations[0]["doc"] == GZ and "100万元" in ans.citations[0]["quote"]
    quotes_are_verbatim(ans)
    # with the enterprise's own figure, no product of it appears (80% of 100万 would be an invented 80万)
    ans = guarded(ask("我们投保首台套综合保险，实际缴纳保费100万，能补多少？"))
    assert ans.award is None and "no_rules" in ans.flags
    assert ans.citations[0]["doc"] == GZ
    assert not re.search(r"(?<![\d.])80万", ans.answer)


def test_abstention_about_the_added_document_names_its_responsible_units(two_docs):
    ans = guarded(ask("首台套奖励申报需要提交哪些材料？"))
    assert ans.abstained
    assert ans.citations and ans.citations[0]["doc"] == GZ
    assert "市工信局" in ans.answer and ans.answer.rstrip().endswith(GZ_STAMP)
    assert "龙办发" not in ans.answer


def test_follow_up_without_a_topic_stays_on_the_document_talked_about(two_docs):
    from assistant import Session

    s = Session()
    ask("首台套保险补贴比例是多少？", s)
    ans = guarded(ask("文号是多少？", s))
    assert GZ_NUMBER in ans.answer and "龙办发" not in ans.answer
    # a fresh conversation asks about the primary document
    assert "龙办发〔2022〕40号" in guarded(ask("文号是多少？")).answer


def test_unrelated_question_is_still_abstained(two_docs):
    ans = guarded(ask("今天天气怎么样"))
    assert ans.abstained and not ans.citations


def test_policy_assistant_ask_json_with_the_data_dir_shows_each_documents_id(two_docs):
    env = dict(os.environ, POLICY_ASSISTANT_DATA_DIR=str(two_docs), POLICY_ASSISTANT_LLM="")

    def run(q: str) -> dict:
        r = subprocess.run([str(EXE), "ask", q, "--json"], capture_output=True, text=True, encoding="utf-8",
                           cwd=ROOT, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    gz = run("首台套保险补贴比例是多少？")
    assert gz["citations"][0]["doc"] == GZ and gz["answer"].rstrip().endswith(GZ_STAMP)
    ln = run("上云补贴比例是多少？")
    assert ln["citations"][0]["doc"] == LN and "龙办发〔2022〕40号" in ln["answer"]
    home = run("3.1")
    assert home["citations"][0]["doc"] == LN


def test_a_document_added_while_running_is_seen_by_the_next_question(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(tmp_path))
    _clear_caches()
    try:
        before = guarded(ask("2.1"))
        assert "abstain:no_clause" in before.flags  # the bundled document has no 二（一）
        _add_ganzhou(tmp_path)
        after = guarded(ask("2.1"))
        assert after.citations[0]["doc"] == GZ and after.answer.rstrip().endswith(GZ_STAMP)
    finally:
        _clear_caches()


def test_a_document_without_a_number_is_stamped_with_its_id(tmp_path, monkeypatch):
    from assistant.settings import load_settings
    from corpus import add_document

    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(tmp_path))
    _clear_caches()
    try:
        src = tmp_path / "plain.txt"
        src.write_text(GANZHOU.replace("赣市工信字〔2023〕7号\n", ""), encoding="utf-8")
        add_document(src, "plain-rules", load_settings().corpus_dir, {"issued": "2023-03-20"}, require_doc_number=False)
        ans = guarded(ask("plain-rules#2.2"))
        assert ans.citations[0]["doc"] == "plain-rules"
        assert ans.answer.rstrip().endswith("（plain-rules，2023年3月20日）")
        assert "赣市工信字" not in ans.answer
    finally:
        _clear_caches()


def test_the_bundled_eval_cases_still_load_when_documents_share_clause_ids(two_docs):
    from assistant.dialogue import _corpus
    from evals.schema import load_suite

    suite = load_suite(None, _corpus())  # bare ids such as "1" and "3.1" exist in several documents
    assert len(suite.cases) >= 150
    bare = {c for case in suite.cases for c in case.expect.cites if "#" not in c}
    corpus = _corpus()
    shared = {c for c in bare if sum(d.find(c) is not None for d in corpus) > 1}
    assert shared, "the suite should still hold a bare id that several documents share"
