"""An amount that cannot be read (1e30元, 九千九百九十九亿亿元, —500万, a range) is said to be unreadable, in Chinese,
and no award is computed from a piece of it."""

from __future__ import annotations

import pytest

from assistant import ask
from tools.amounts import find_amounts

FULL = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，"

BAD = [
    ("设备投资1e30元", "科学计数法"),
    ("设备投资1.2E+7元", "科学计数法"),
    ("买设备花了九千九百九十九亿亿元", "无法识别金额“九千九百九十九亿亿元”"),
    ("买设备花了3万亿亿元", "超过1万亿元"),
    ("设备投资—500万", "“—”"),
    ("设备投资–500万", "“–”"),
    ("设备投资－500万", "不能为负数"),
    ("设备投资-500万", "不能为负数"),
    ("设备投资负500万", "不能为负数"),
    ("设备投资300—500万", "金额范围"),
    ("设备投资1200万~1500万元", "金额范围"),
    ("买设备花了abc万", "没能读懂金额"),
]


@pytest.mark.parametrize("text,words", BAD)
def test_an_unreadable_amount_is_explained_and_no_piece_of_it_is_read(text, words):
    from tools.amounts import find_amount_problems

    problems = find_amount_problems(text)
    assert len(problems) == 1 and words in problems[0], problems
    assert find_amounts(text) == []


@pytest.mark.parametrize("text,yuan", [
    ("买设备花了1200万", [12000000]),
    ("2022-2025年设备投资1200万", [12000000]),
    ("电话0797-3521234，设备投资500万", [5000000]),
    ("设备1200万-已竣工", [12000000]),
    ("设备投资1200万—2023年已竣工", [12000000]),
    ("上云支付了10万元，平台5万", [100000, 50000]),
])
def test_readable_amounts_next_to_dashes_and_dates_are_still_read(text, yuan):
    from tools.amounts import find_amount_problems

    assert find_amount_problems(text) == []
    assert [int(a) for a, _ in find_amounts(text)] == yuan


@pytest.mark.parametrize("amount,words", [(t.removeprefix("设备投资").removeprefix("买设备花了"), w) for t, w in BAD[:6]])
def test_the_dialogue_gives_the_error_and_no_award_figure(amount, words):
    ans = ask(FULL + "设备投资" + amount + "，能拿多少？", llm=False)
    assert "没能完全理解" in ans.answer and words in ans.answer
    assert "input:not_understood" in ans.flags
    equipment = [i for i in (ans.award or {}).get("items", []) if i["rule"] == "equipment"]
    assert all(i["amount"] is None for i in equipment), equipment  # nothing computed from 30元 or 500万
    assert "可获" not in ans.answer and "× 6%" not in ans.answer and "30万元" not in ans.answer


def test_the_api_answer_to_a_scientific_amount_has_no_award_figure():
    from webapp.services import Services

    _, answer = Services().ask(FULL + "设备投资1e30元，能拿多少？")
    assert "科学计数法" in answer["answer"]
    assert all(i["amount"] is None for i in answer["award"]["items"])
