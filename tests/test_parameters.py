"""Award parameters are data: each names its clause, quotes the document verbatim, and code never repeats its value."""

from __future__ import annotations

import io
import tokenize
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from corpus import default_corpus
from tools.errors import ParameterError
from tools.params import load_parameters, parse_parameters

PARAMS = list(load_parameters())
TOOLS = Path(__file__).resolve().parent.parent / "tools"


@pytest.mark.parametrize("param", PARAMS, ids=[p.name for p in PARAMS])
def test_each_parameter_source_words_appear_verbatim_in_its_clause(param):
    text = default_corpus().clause(param.clause).full_text
    assert param.source in text, f"{param.name}: “{param.source}” 不在 {param.clause} 原文中"
    assert param.quote in text, f"{param.name}: “{param.quote}” 不在 {param.clause} 原文中"
    assert param.source in param.quote


@pytest.mark.parametrize("param", PARAMS, ids=[p.name for p in PARAMS])
def test_each_parameter_value_is_what_its_source_words_say(param):
    from tools.amounts import parse_amount

    src = param.source.replace("及以上", "")
    if param.unit == "元":
        # 亿元及以上 writes 1亿 as 亿元; the document's own wording, read as an amount, gives the value
        assert parse_amount("1" + src if src.startswith("亿") else src) == param.value
    elif src.endswith("%"):
        assert Decimal(src.rstrip("% ")) / 100 == param.value
    else:
        left, right = src.split(":")
        assert Decimal(left) / Decimal(right) == param.value


def test_every_parameter_is_effective_from_the_issue_date():
    issued = default_corpus().document("longnan-2022-40").meta["issued"]
    assert issued == date(2022, 8, 15)
    assert all(p.effective == issued for p in PARAMS)


def test_every_rule_clause_has_parameters():
    clauses = {p.clause for p in PARAMS}
    assert {"4.3.1", "4.3.2", "4.3.3", "4.3.4", "4.3.5", "4.3.6", "4.1"} <= clauses


def test_amounts_and_rates_are_decimals_not_floats():
    for p in PARAMS:
        assert isinstance(p.value, Decimal)
        assert p.to_dict()["value"] == p.value


def _numeric_literals(path: Path) -> set[Decimal]:
    out = set()
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.NUMBER:
            out.add(Decimal(tok.string.replace("_", "")))
        elif tok.type == tokenize.STRING:
            body = tok.string.strip("\"'rbfu")
            try:
                out.add(Decimal(body))
            except ArithmeticError:
                pass
    return out


# every calculator module but the amount parser, whose 10, 100, 1000 and 10^4 are the Chinese numeral units
@pytest.mark.parametrize("module", sorted(p.name for p in TOOLS.glob("*.py") if p.name != "amounts.py"))
def test_calculator_code_repeats_no_award_parameter_as_a_literal(module):
    # 1 (the 1:1 ratio) and 0.01 (the fen) are not policy numbers worth guarding
    guarded = {p.value for p in PARAMS if p.value not in (Decimal(1),)}
    guarded |= {p.value * 100 for p in PARAMS if p.unit == "比例" and p.value < 1}  # 6 for 6%
    # 200 for 200万; single digits (3万 → 3) are too common in code to mean anything
    guarded |= {p.value / 10000 for p in PARAMS if p.unit == "元" and p.value / 10000 >= 10}
    hits = _numeric_literals(TOOLS / module) & guarded
    assert not hits, f"{module} 中出现了奖补参数字面量：{sorted(hits)}"


def test_a_malformed_parameter_file_gives_a_chinese_error():
    with pytest.raises(ParameterError, match="缺少字段"):
        parse_parameters({"effective": "2022-08-15", "parameters": {"x": {"value": 1}}}, "d")
    with pytest.raises(ParameterError, match="浮点"):
        parse_parameters({"effective": "2022-08-15", "parameters": {"x": {
            "value": 0.06, "unit": "比例", "clause": "4.3.1", "source": "6%"}}}, "d")
    with pytest.raises(ParameterError, match="生效日期"):
        parse_parameters({"effective": "someday", "parameters": {}}, "d")


def test_an_unknown_document_has_no_parameters():
    load_parameters.cache_clear()
    with pytest.raises(ParameterError):
        load_parameters("no-such-doc")
