"""The Turn: what one question says, as the understanding reads it against one document's lexicon."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Turn:
    """What one question says: its kind, topic clause, stated facts and anything not understood.

    Facts are keyed by the lexicon's fact ids as tuples (("equipment",), ("cloud", "platform"))."""

    text: str  # normalised
    doc: str = ""  # the document whose lexicon read it
    intent: str = "lookup"  # help, abstain, docfacts, lookup, unit, unit_clauses, targets, claimable, eligibility, award
    topics: list[str] = field(default_factory=list)  # clause ids, most relevant first
    clause_ref: str | None = None  # an explicit 四（三）1 / 第5条
    abstain_kind: str | None = None
    docfact: list[str] = field(default_factory=list)  # asked: number, date, issuers, title, cc, recipients, effective, structure
    asked_input: str | None = None  # the input path whose value is asked (LPR现在是多少), for abstain:input_value
    facts: list[tuple[tuple, object]] = field(default_factory=list)  # (fact key, value) in text order
    titles: list[tuple[str, bool]] = field(default_factory=list)  # (option id, held?)
    unlisted_titles: list[str] = field(default_factory=list)  # 国家级智能制造示范工厂: a title in no list of the document
    prior_titles: list[str] = field(default_factory=list)  # titles said to be already rewarded earlier (已获20万元)
    upgrade: bool = False  # 今年又评上省级的: a title gained after those held before (an upgrade)
    problems: list[str] = field(default_factory=list)
    whatif: bool = False
    switch: bool = False
    injection: bool = False
    stacking: str | None = None
    asks_money: bool = False
    # levels the enterprise states with no title named beside them (我们是国家级的): the title talked about before
    topic_levels: list[tuple[str, bool]] = field(default_factory=list)
    more_of: bool = False  # 漏了 还有…28万 合起来: an amount added to the one held for the same fact
    same_item: bool = False  # 同一个项目 … 210万 180万 155万: several figures of one listed item, summed
    asks_unit: bool = False  # …具体找哪个部门: the responsible units are asked too
    new_project: bool = False
    unresolved_amounts: list[Decimal] = field(default_factory=list)  # amounts with no keyword (what-if candidates)
    bare_levels: list[tuple[str, bool]] = field(default_factory=list)  # 我们是省级的: a level with no title family
    year: int | None = None  # a year named in the question (2024年呢)
    approx: list[str] = field(default_factory=list)  # amounts stated as approximate (1200万左右), as written
    deltas: list[tuple[tuple | None, Decimal]] = field(default_factory=list)  # increases (再多买300万): fact or None
    reset: bool = False  # 换个企业问：… starts a new profile
    unit_names: list[str] = field(default_factory=list)  # 市财政局负责哪些条款: the units asked about
    focus: str = ""  # the asking part of the turn (question_focus)
    separate: bool = False  # 设备奖补另算吗: whether a rule of this document is counted on its own
    interpretive: bool = False  # 含不含 / 还是 / 是什么意思 about a rule: give the adopted reading
    asked_conditions: list[str] = field(default_factory=list)  # 上云补贴要求是规上企业吗 → ["above_scale"]
    dates_asked: bool = False  # 算不算在时间范围里: whether the dates stated meet their conditions
    # amounts (yuan) and rates (6% → 0.06) asked about (500万补助总额是什么意思 / 6%是一次性的吗), not facts
    figures: list[Decimal] = field(default_factory=list)
    cap_left_out: list[tuple[str, Decimal]] = field(default_factory=list)  # 个人所得税留成3万: (its words, amount)
    # a what-if the calculator's helpers answer: min_base, cap_reach, doc_cap_distance; with the rule it is about
    reverse: str | None = None
    reverse_rule: str | None = None
    # a bare reply (是的 / 还没有 / 现在通过了 / 都符合): its polarity, the condition it names if any, whether it says all
    reply: bool | None = None
    reply_hint: str | None = None
    reply_all: bool = False
    reply_amount: Decimal | None = None  # a bare amount reply (50万): fills the fact last asked for
    reply_option: str | None = None  # a bare level reply (省级)
    tax_whatif: list[Decimal] = field(default_factory=list)  # 税收如果是100万呢: a new document-cap base, if one is held
    sub_ref: int | None = None  # （二）里面…: an item named by its number alone, under the clause talked about
    foreign_conditions: list[str] = field(default_factory=list)  # 必须是规上吗 asked of a document that has no such condition
    places: list[str] = field(default_factory=list)  # places the question names
    registered_place: str | None = None  # 注册地在惠州 / 我们是龙南的企业: where the enterprise is registered
    missing_info: bool = False  # 还需要什么信息才能算: the calculator's missing facts
    excluded_parts: list[Decimal] = field(default_factory=list)  # 土建380万 … 其余是设备: taken out of the total
    kept_from_topic: list[str] = field(default_factory=list)  # 第五条…买断的软件30万: a figure named as not the topic's
    claimed: list[Decimal] = field(default_factory=list)  # 能补60万吗: an amount the user quotes to check
    # facts stated about one listed item (一个已竣工，另一个还没竣工): (item index, fact key, value)
    item_facts: list[tuple[int, tuple, object]] = field(default_factory=list)
    # items of earlier turns named by their amount (1700万那个还在调试): the facts beside them are theirs
    item_refs: list[Decimal] = field(default_factory=list)
    # list facts stated once for every item (期限都是三年 / a field the pack declares shared): fact keys
    shared_facts: list[tuple] = field(default_factory=list)
    # a group's amount whose kind is not named (上云付了3万): (group fact, amount, the question asking the kind)
    unkinded: list[tuple[str, Decimal, str]] = field(default_factory=list)
    # a group's kinds named with no amount of their own (设备资源上云那一档 / 不是业务应用): (kind fact, negated)
    kinds_named: list[tuple[str, bool]] = field(default_factory=list)
