"""The Turn: what one question says, as the keyword understanding reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Turn:
    """What one question says: its kind, topic clause, stated facts and anything not understood."""

    text: str  # normalised
    intent: str = "lookup"  # help, abstain, out_of_scope, docfacts, lookup, unit, targets, claimable, award
    topics: list[str] = field(default_factory=list)  # clause ids, most relevant first
    clause_ref: str | None = None  # an explicit 四（三）1 / 第5条
    abstain_kind: str | None = None
    docfact: str | None = None  # number, date, issuers, title, cc
    facts: list[tuple[tuple, object]] = field(default_factory=list)  # (slot path, value) in text order
    titles: list[tuple[str, bool]] = field(default_factory=list)  # (lianghua_national, held?)
    problems: list[str] = field(default_factory=list)
    whatif: bool = False
    switch: bool = False
    injection: bool = False
    stacking: str | None = None
    asks_money: bool = False
    new_project: bool = False
    unresolved_amounts: list[Decimal] = field(default_factory=list)  # amounts with no keyword (what-if candidates)
    bare_levels: list[tuple[str, bool]] = field(default_factory=list)  # 我们是省级的: a level with no title family
    year: int | None = None  # a year named in the question (2024年呢)
    approx: list[str] = field(default_factory=list)  # amounts stated as approximate (1200万左右), as written
    deltas: list[tuple[tuple | None, Decimal]] = field(default_factory=list)  # increases (再多买300万): slot or None
    reset: bool = False  # 换个企业问：… starts a new profile
    unit_name: str | None = None  # 市财政局负责哪些条款: the unit asked about
    focus: str = ""  # the asking part of the turn (question_focus)
    separate: bool = False  # 设备奖补另算吗: whether a rule of this document is counted on its own
    interpretive: bool = False  # 含不含 / 还是 / 是什么意思 about a rule: give the adopted reading
    asked_conditions: list[str] = field(default_factory=list)  # 上云补贴要求是规上企业吗 → ["above_scale"]
    # amounts (yuan) and rates (6% → 0.06) asked about (500万补助总额是什么意思 / 6%是一次性的吗), not facts
    figures: list[Decimal] = field(default_factory=list)
    # a what-if the calculator's helpers answer: min_equipment, equipment_cap, node_cap, cloud_cap, tax_distance
    reverse: str | None = None
    # a bare reply (是的 / 还没有 / 现在通过了 / 都符合): its polarity, the condition it names if any, whether it says all
    reply: bool | None = None
    reply_hint: str | None = None
    reply_all: bool = False
    tax_whatif: list[Decimal] = field(default_factory=list)  # 税收如果是100万呢: a new local share, if one is held
