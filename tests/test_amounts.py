"""Amounts: Chinese-written yuan parse exactly, bad ones fail with a Chinese message, and print as an official writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tools.amounts import find_amounts, format_yuan, parse_amount
from tools.errors import AmountError, CalcError

PARSES = [
    ("1200万", "12000000"),
    ("1,200万元", "12000000"),
    ("1，200万元", "12000000"),
    ("一千二百万元", "12000000"),
    ("一千二百万", "12000000"),
    ("1.2亿", "120000000"),
    ("1.2亿元", "120000000"),
    ("一点二亿", "120000000"),
    ("1亿2千万", "120000000"),
    ("6000000元", "6000000"),
    ("6,000,000", "6000000"),
    ("三百五十万", "3500000"),
    ("１２００万", "12000000"),
    ("１，２００万元", "12000000"),
    ("72万元", "720000"),
    ("5万块", "50000"),
    ("一百万块钱", "1000000"),
    ("200w", "2000000"),
    ("200W", "2000000"),
    ("12000000", "12000000"),
    ("1200万元整", "12000000"),
    ("人民币1200万元", "12000000"),
    ("¥5000", "5000"),
    ("￥5,000.50", "5000.50"),
    ("两千万", "20000000"),
    ("两千万元", "20000000"),
    ("1千万", "10000000"),
    ("壹仟贰佰万元", "12000000"),
    ("3.5万", "35000"),
    ("十万", "100000"),
    ("0", "0"),
    (" 72万 ", "720000"),
    ("1999999.98", "1999999.98"),
    ("0.005", "0.01"),  # half-up to the fen
    ("0.004", "0.00"),
]


@pytest.mark.parametrize(("text", "yuan"), PARSES, ids=[p[0] for p in PARSES])
def test_chinese_written_amounts_parse_to_exact_yuan(text, yuan):
    got = parse_amount(text)
    assert isinstance(got, Decimal)
    assert got == Decimal(yuan)
    assert got.as_tuple().exponent == -2  # always quantized to the fen


def test_numbers_pass_through_as_exact_yuan():
    assert parse_amount(12000000) == Decimal("12000000.00")
    assert parse_amount(Decimal("1999999.985")) == Decimal("1999999.99")
    assert parse_amount(12000000.5) == Decimal("12000000.50")


ERRORS = [
    ("-5万", "负数"),
    ("负五万", "负数"),
    ("-1", "负数"),
    ("1200美元", "人民币"),
    ("500港币", "人民币"),
    ("$100", "人民币"),
    ("abc", "无法识别"),
    ("", "为空"),
    ("   ", "为空"),
    ("1200个", "单位"),
    ("5万多", "多"),
    ("1.2.3万", "无法识别"),
    ("万元", "无法识别"),
    ("2万亿", "1万亿元"),
    ("10000000000000", "1万亿元"),
]


@pytest.mark.parametrize(("text", "words"), ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_bad_amounts_raise_a_typed_error_with_a_chinese_message(text, words):
    with pytest.raises(AmountError) as ei:
        parse_amount(text)
    assert words in str(ei.value)
    assert isinstance(ei.value, CalcError) and isinstance(ei.value, ValueError)


def test_zero_is_refused_where_the_caller_says_it_is_meaningless():
    assert parse_amount("0元") == 0
    with pytest.raises(AmountError, match="大于零"):
        parse_amount("0元", allow_zero=False)


@pytest.mark.parametrize("value", [True, None, [1], float("nan"), float("inf"), Decimal("NaN")])
def test_non_amount_values_are_refused(value):
    with pytest.raises(AmountError):
        parse_amount(value)


FORMATS = [
    ("720000", "72万元"),
    ("120000000", "1.2亿元"),
    ("2000000", "200万元"),
    ("50000", "5万元"),
    ("1999999.98", "1,999,999.98元"),
    ("1234", "1,234元"),
    ("0", "0元"),
    ("12000000", "1,200万元"),
    ("100000000", "1亿元"),
    ("123000000", "1.23亿元"),
    ("123450000", "12,345万元"),
    ("76000", "7.6万元"),
    ("45000", "4.5万元"),
    ("1550400", "155.04万元"),
    ("83334", "83,334元"),
    ("720000.00", "72万元"),
]


@pytest.mark.parametrize(("yuan", "text"), FORMATS, ids=[f[0] for f in FORMATS])
def test_amounts_are_written_the_way_an_official_writes_them(yuan, text):
    assert format_yuan(Decimal(yuan)) == text


def test_a_formatted_amount_parses_back_to_itself():
    for yuan, _ in FORMATS:
        assert parse_amount(format_yuan(Decimal(yuan))) == Decimal(yuan)


def test_every_amount_in_a_free_sentence_is_found_with_its_span():
    text = "买设备花了1200万，项目总投资两千万元"
    found = find_amounts(text)
    assert [a for a, _ in found] == [Decimal("12000000"), Decimal("20000000")]
    assert [text[i:j] for _, (i, j) in found] == ["1200万", "两千万元"]


def test_find_amounts_reads_full_width_commas_and_chinese_units():
    text = "去年上云实付１２，０００元，节点投资八十万块，另有1.2亿的项目和¥5000"
    found = [(a, text[i:j]) for a, (i, j) in find_amounts(text)]
    assert found == [(Decimal("12000"), "１２，０００元"), (Decimal("800000"), "八十万块"),
                     (Decimal("120000000"), "1.2亿"), (Decimal("5000"), "¥5000")]


def test_find_amounts_ignores_years_rates_counts_and_foreign_money():
    text = "到2025年增长20%左右，推动110家企业，二级节点，千万不要，另有1200万美元"
    assert find_amounts(text) == []


def test_find_amounts_in_the_policy_text_itself():
    text = "分别奖励 20 万元、3 万元、2 万元"
    found = find_amounts(text)
    assert [a for a, _ in found] == [Decimal(200000), Decimal(30000), Decimal(20000)]
    assert [text[i:j] for _, (i, j) in found] == ["20 万元", "3 万元", "2 万元"]
    assert [a for a, _ in find_amounts("分别奖励20万元、3万元、2万元")] == [Decimal(200000), Decimal(30000), Decimal(20000)]
