"""Policy packs (DESIGN §9): the pydantic models of a pack's files, and loading one folder into a validated Pack."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from corpus.errors import CorpusError
from corpus.model import Document
from corpus.yamlsafe import YamlError, load_yaml_text

# --- the vocabulary ------------------------------------------------------------------------------

RULE_KINDS = ("rate", "tiers", "titles", "unit", "matching", "per_kind", "interest", "reimburse", "fixed")
CAP_SCOPES = ("per_project", "per_product", "per_item", "per_enterprise", "per_enterprise_year",
              "per_enterprise_total", "per_item_kind")
INPUT_TYPES = ("bool", "amount", "number", "quantity", "rate", "date", "place", "text", "choice", "titles", "list",
               "group")
CONDITION_OPS = ("true", "false", "ge", "gt", "le", "lt", "eq", "date_ge", "date_le", "in_place", "not_in", "le_amount",
                 "known")
STACKINGS = ("cumulative", "highest", "highest_with_top_up")
PACK_FILES = ("meta.yaml", "rules.yaml", "lexicon.yaml", "interpretations.yaml")


class PackError(CorpusError):
    """A pack file that cannot be used; str(e) names the file, the field and the line, in Chinese."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _decimal(v: Any) -> Decimal:
    if isinstance(v, bool):
        raise ValueError("应为数字")
    if isinstance(v, float):
        raise ValueError("请写成带引号的小数（如 \"0.06\"），避免浮点误差")
    try:
        return Decimal(str(v).strip())
    except (InvalidOperation, ValueError) as e:
        raise ValueError(f"“{v}”不是数字") from e


# --- meta.yaml -----------------------------------------------------------------------------------

class Place(_Model):
    name: str  # 南康区
    aliases: tuple[str, ...] = ()  # 南康, 南康市 (people's words; never a bare prefix of another place)
    within: str = ""  # 赣州市: the parent jurisdiction, which alone selects no document


class Meta(_Model):
    """meta.yaml: who issued the document, where it applies and when."""

    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    doc_number: str = ""
    title: str = ""
    notice_title: str = ""
    issuers: tuple[str, ...] = ()
    place: Place | None = None
    issued: date | None = None
    issued_text: str = ""
    effective: date | None = None
    expires: date | None = None  # last day in force, inclusive; None: the document states none
    cc: str = ""
    status: str = ""
    consult_unit: str = ""

    @field_validator("issuers", mode="before")
    @classmethod
    def _issuers(cls, v):
        return (v,) if isinstance(v, str) else v

    @field_validator("place", mode="before")
    @classmethod
    def _place(cls, v):
        # `place: 赣州市` (what `corpus add` infers from the issuer) is the place's name, with no aliases
        return {"name": v.strip()} if isinstance(v, str) and v.strip() else (None if isinstance(v, str) else v)


# --- rules.yaml ----------------------------------------------------------------------------------

class ParameterSpec(_Model):
    value: Decimal
    unit: str  # 元 / 比例 / a quantity unit (吨标准煤, 千瓦, 个, 年, 月)
    clause: str
    source: str  # the document's words for the value, verbatim
    quote: str = ""  # a longer verbatim phrase around it
    label: str = ""
    effective: date | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v):
        return _decimal(v)

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class OptionSpec(_Model):
    label: str
    short: str = ""
    aliases: tuple[str, ...] = ()
    rank: int = 0  # titles: higher is the higher level (省级 above 市级)


class InputSpec(_Model):
    """One fact a profile may state: its type, its people-facing label, and for lists/groups its fields."""

    type: Literal[INPUT_TYPES]  # type: ignore[valid-type]
    label: str
    short: str = ""  # the label inside arithmetic (设备投资额)
    help: str = ""
    unit: str = ""  # quantity: the unit the document counts in (千瓦)
    conversions: dict[str, Decimal] = Field(default_factory=dict)  # quantity: other units → multiplier (兆瓦: 1000)
    options: dict[str, OptionSpec] = Field(default_factory=dict)  # choice / titles
    fields: dict[str, InputSpec] = Field(default_factory=dict)  # list / group
    item: str = ""  # list: the word for one item (项目)
    shared: bool = False  # list field: one value, stated once, holds for every item (a market reference rate)
    implied_by: ConditionSpec | None = None  # bool: true when unknown and this condition is met
    ask: str = ""  # the follow-up question when it is unknown
    max: Decimal | None = None
    flag: str = ""  # a `calc` command-line option for this input (--equipment); list fields set the first item
    positive: bool = False  # given as a command-line option, zero is refused (a zero purchase asks nothing)

    @field_validator("conversions", mode="before")
    @classmethod
    def _conv(cls, v):
        return {str(k): _decimal(x) for k, x in (v or {}).items()}

    @model_validator(mode="after")
    def _shape(self):
        if self.type in ("list", "group") and not self.fields:
            raise ValueError(f"类型为 {self.type} 的输入须列出 fields")
        if self.type in ("choice", "titles") and not self.options:
            raise ValueError(f"类型为 {self.type} 的输入须列出 options")
        if self.type == "quantity" and not self.unit:
            raise ValueError("数量类输入须写明 unit（计量单位）")
        return self


class ConditionSpec(_Model):
    """A three-valued condition on one fact (or the first known of several)."""

    id: str = ""
    text: str = ""
    fact: str = ""  # input path: above_scale, projects.completed, node.investment
    op: Literal[CONDITION_OPS] = "true"  # type: ignore[valid-type]
    value: Any = None  # a literal to compare with (dates, counts)
    parameter: str = ""  # or a parameter's value
    first_known: tuple[ConditionSpec, ...] = ()  # the first whose fact is known decides
    clause: str = ""  # where the condition is written, if not the rule's clause
    flag: str = ""  # raised when the fact is known (other-policy:highest), or only when not met (flag_on)
    flag_on: Literal["known", "not_met"] = "known"
    # an unstated fact: listed as to confirm, the amount shown as conditional; or, where the policy office reads
    # it so (an event date unknown is assumed inside the validity), taken as holding and not listed
    when_unknown: Literal["confirm", "holds"] = "confirm"

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)

    @model_validator(mode="after")
    def _shape(self):
        if not self.fact and not self.first_known:
            raise ValueError("条件须写明 fact（输入项）或 first_known")
        if self.op in ("ge", "gt", "le", "lt", "eq", "date_ge", "date_le", "not_in") and self.value is None \
                and not self.parameter:
            raise ValueError(f"比较条件（{self.op}）须写明 value 或 parameter")
        return self


class CapSpec(_Model):
    scope: Literal[CAP_SCOPES]  # type: ignore[valid-type]
    parameter: str
    text: str = ""  # how the answer names it: "单个企业 {cap}上限"; a default is derived from the scope
    less: str = ""  # per_enterprise_total: an input holding what was already received under the rule


class BandSpec(_Model):
    rate: str  # parameter
    upto: str = ""  # parameter: the band's upper edge; "" for the last band
    upto_inclusive: bool = True  # whether the edge itself belongs to this band (whole-amount bands)


class StackingSpec(_Model):
    default: Literal[STACKINGS] = "cumulative"  # type: ignore[valid-type]
    allowed: tuple[Literal[STACKINGS], ...] = ()  # type: ignore[valid-type]
    note: str = ""  # the words the answer adds when several are held (文件未明确…以…解释为准)
    flag: str = ""  # raised when several are held
    before: str = ""  # highest_with_top_up: an input listing titles already rewarded earlier


class InterestSpec(_Model):
    principal: str  # field of each loan
    reference_rate: str  # field: the reference rate (LPR) the user gives; never supplied by the engine
    actual_rate: str = ""  # field: the contract rate; the lower of the two is used
    share: str  # parameter (50%)
    years: str = ""  # enterprise-level input: how many years to compute (default 1)
    max_years: str = ""  # parameter (3)


class RuleSpec(_Model):
    id: str
    clause: str
    title: str
    kind: Literal[RULE_KINDS]  # type: ignore[valid-type]
    for_each: str = ""  # a list input: the rule applies to each item (per project / per product)
    base: str = ""  # input path: what the rate applies to
    rate: str = ""  # parameter
    threshold: str = ""  # parameter: the base must reach it
    threshold_inclusive: bool = True
    bands: tuple[BandSpec, ...] = ()
    tiers: Literal["whole", "marginal", ""] = ""
    options: dict[str, str] = Field(default_factory=dict)  # titles/fixed: option id → parameter
    input: str = ""  # titles: the input holding the titles (or choice) held
    stacking: StackingSpec | None = None
    unpaid_options: dict[str, str] = Field(default_factory=dict)  # option id → the note (文件未规定AAA级…)
    count: str = ""  # unit: the input counted (products, kW)
    unit_amount: str = ""  # unit: parameter per item
    outside: str = ""  # matching: the outside award input
    ratio: str = ""  # matching: parameter
    rates: dict[str, str] = Field(default_factory=dict)  # per_kind: field of `base` group → parameter
    interest: InterestSpec | None = None
    amount: str = ""  # fixed: parameter
    conditions: tuple[ConditionSpec, ...] = ()
    caps: tuple[CapSpec, ...] = ()
    triggers: tuple[str, ...] = ()  # inputs whose presence means the profile asks about this rule
    maximum: bool = False  # rates are maxima (不超过): the amount is 最高可获
    notes: tuple[str, ...] = ()  # always stated with the item
    flags: tuple[str, ...] = ()  # always raised with the item
    exclusions: tuple[str, ...] = ()  # what the base does not include (土建工程、厂房建设)
    hint: str = ""  # the rule in one phrase, for when the amount is not known
    texts: dict[str, str] = Field(default_factory=dict)  # wording overrides for steps and notes
    eligibility: bool = True  # whether the pack's `eligibility` conditions apply to this rule
    review: dict[str, Any] | None = None  # a draft's review section (rules draft); removed when the draft is accepted

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)

    @model_validator(mode="after")
    def _shape(self):
        need = {
            "rate": ("base", "rate"), "tiers": ("base", "bands", "tiers"), "titles": ("input", "options"),
            "unit": ("count", "unit_amount"), "matching": ("outside", "ratio"), "per_kind": ("base", "rates"),
            "interest": ("for_each", "interest"), "reimburse": ("base",), "fixed": ("amount",),
        }[self.kind]
        missing = [k for k in need if not getattr(self, k)]
        if missing:
            raise ValueError(f"规则类型 {self.kind} 须写明：{'、'.join(missing)}")
        if self.kind == "reimburse" and not self.caps:
            raise ValueError("全额承担（reimburse）规则须写明上限 caps")
        return self


class DocumentCapSpec(_Model):
    """A cap on the sum of every rule's award (龙南 四（三）7's retained tax; 安远 四（一）'s county contribution)."""

    id: str
    clause: str
    input: str  # the enterprise's figure that caps the sum
    label: str  # 当年地方财政实得税收
    full: str  # the condition as the document states it
    texts: dict[str, str] = Field(default_factory=dict)
    exclusions: tuple[str, ...] = ()  # figures the cap does not count (个人所得税: only 增值税、企业所得税 count)

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class BudgetSpec(_Model):
    """A programme budget (补助资金总额不超过…): a note, never a per-enterprise cap."""

    parameter: str
    rule: str = ""  # the rule it belongs to; "" for the whole document
    note: str = ""


class TierSpec(_Model):
    tier: str
    parameter: str  # the inclusive minimum
    text: str  # template: {prefix} {value} {source}
    label: str


class ClassificationSpec(_Model):
    """A non-money result (纳入市级/省级技术改造项目库) from one input."""

    id: str
    clause: str
    for_each: str = ""
    input: str
    tiers: tuple[TierSpec, ...]  # highest first
    none_text: str
    none_label: str

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class RulesFile(_Model):
    """rules.yaml: the document's award rules in the pack vocabulary."""

    doc: str = ""
    effective: date
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    eligibility: tuple[ConditionSpec, ...] = ()  # conditions every rule needs (支持对象)
    event_window: tuple[date, date] | None = None  # matters dated in this window are covered (9.2: 2021-01-01 on)
    validity_clause: str = ""  # the clause stating the validity (cited in expiry answers)
    rules: tuple[RuleSpec, ...] = ()
    document_cap: DocumentCapSpec | None = None
    budgets: tuple[BudgetSpec, ...] = ()
    classifications: tuple[ClassificationSpec, ...] = ()
    texts: dict[str, str] = Field(default_factory=dict)
    review: dict[str, Any] | None = None  # a draft's open questions and unparsed sentences; removed on acceptance


class TopicWords(_Model):
    clause: str
    words: str  # a regular expression
    yields_to: str = ""  # dropped when this other topic is also found (3.4 服务型制造工程 yields to 4.3.4)
    keep_if: str = ""  # …unless this pattern is found too

    @field_validator("clause", "yields_to", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class TargetsWords(_Model):
    clause: str
    words: str
    yearly: str = ""  # a pattern with (start year) and (the list of yearly counts)
    count_unit: str = ""
    what: str = ""  # {count}: what one year's target is

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class Ambiguity(_Model):
    word: str  # the ambiguous word among the statement's words (入库)
    unless: str = ""  # not this fact when the segment says this (项目库)
    unless_question: bool = False  # nor when the segment asks
    requires: str = ""  # and only when the question says this somewhere


class StatementContext(_Model):
    needs: str  # the fact needs one of these words somewhere in the question (二级节点)
    otherwise: str = ""  # else, when `otherwise_when` is said, a true statement is this other fact (completed)
    otherwise_when: str = ""


class Statement(_Model):
    fact: str
    words: str
    value: bool = True
    ambiguous: Ambiguity | None = None
    context: StatementContext | None = None
    # said of a part (其中40万…已算进智改): the part leaves this amount, and the rest keeps the condition
    reduces: str = ""


class Recognition(_Model):
    fact: str
    words: str


class AmountWords(_Model):
    fact: str
    words: str
    kinds: tuple[str, ...] = ()  # a group word (上云): the amount belongs to one of these, named nearby
    ask_kind: str = ""  # …else this question ({amount})
    problem: str = ""  # a figure that is not an input (缴税总额): this explanation ({amount})
    # with `problem`: a figure that is never the input whatever words qualify it (授信额度, against 贷款授信); without,
    # an earlier word naming the input qualifies the caution (地方财政实得税收 is the retained part, not 缴税总额)
    never_input: bool = False
    whatif: str = ""  # words that, followed by 如果/换成 and an amount, change this fact (税收如果是100万呢)


class ZeroAmount(_Model):
    fact: str
    words: str


class ImpliedLevel(_Model):
    words: str
    level: str


class TitleFamily(_Model):
    family: str
    words: str
    name: str
    levels: dict[str, str]  # national / provincial / city → option id
    implied: tuple[ImpliedLevel, ...] = ()
    clause: str = ""

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class AbstainWords(_Model):
    kind: str
    what: str
    words: str
    note: str = ""
    not_when_separate: bool = False


class ValidityWords(_Model):
    answer: str
    clause: str = ""
    effective_answer: str = ""

    @field_validator("clause", mode="before")
    @classmethod
    def _clause(cls, v):
        return str(v)


class Lexicon(_Model):
    """lexicon.yaml: the words people use for this document's facts, titles, topics and places (DESIGN §9)."""

    names: tuple[str, ...] = ()  # what people call the document
    issuer_words: tuple[str, ...] = ()  # short names of its issuers and 文号 prefix (龙办发)
    examples: tuple[str, ...] = ()  # example questions for help
    article_section: str = ""  # 第5条 with no section names this clause's 5th item
    topics: tuple[TopicWords, ...] = ()
    targets: TargetsWords | None = None
    facts: dict[str, str] = Field(default_factory=dict)  # fact id (the dialogue's name) → input path
    statements: tuple[Statement, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    amounts: tuple[AmountWords, ...] = ()
    quantities: tuple[AmountWords, ...] = ()  # facts counted in the document's units (吨标准煤, 千瓦, 个)
    dates: tuple[AmountWords, ...] = ()  # facts that are dates (开工, 并网)
    rates: tuple[AmountWords, ...] = ()  # facts that are rates (LPR 3.55%, 合同利率4.2%)
    zero_amounts: tuple[ZeroAmount, ...] = ()
    topic_amounts: dict[str, str] = Field(default_factory=dict)  # clause → fact for a bare 投资 / 花了
    followup_amounts: dict[str, str] = Field(default_factory=dict)  # clause → fact for 那如果是5000万呢
    titles: tuple[TitleFamily, ...] = ()
    options: dict[str, str] = Field(default_factory=dict)  # option id → words (省级智能工厂)
    conditions: dict[str, str] = Field(default_factory=dict)  # condition id → words people ask about it with
    open_points: dict[str, str] = Field(default_factory=dict)
    reply_hints: dict[str, str] = Field(default_factory=dict)
    followups: dict[str, str] = Field(default_factory=dict)
    rule_questions: dict[str, str] = Field(default_factory=dict)
    abstain: tuple[AbstainWords, ...] = ()
    validity: ValidityWords | None = None
    place_mentions: str = ""  # place words that are this document's own topic (赣州市认定)
    scope_text: str = ""
    award_section: str = ""  # the clause the award rules sit under (四（三）)
    # generic questions this document does answer, by kind → clause (where: 五（二） names where to submit)
    answered: dict[str, str] = Field(default_factory=dict)
    # a base fact → the total it is what remains of once the base's exclusions are taken out
    # (总投资2300万 土建380万 其余是设备和软件: the base is 1920万)
    remainders: dict[str, str] = Field(default_factory=dict)

    @field_validator("topic_amounts", "followup_amounts", "answered", mode="before")
    @classmethod
    def _str_keys(cls, v):
        return {str(k): str(x) for k, x in (v or {}).items()}

    @field_validator("article_section", "award_section", mode="before")
    @classmethod
    def _sec(cls, v):
        return str(v)

    @model_validator(mode="after")
    def _regexes(self):
        """Every pattern must compile: a bad one is refused here, not at the first question."""
        def check(where: str, pattern: str) -> None:
            if not pattern:
                return
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(f"{where} 的正则表达式“{pattern[:40]}”无效：{e}") from None

        for t in self.topics:
            check("topics", t.words)
            check("topics.keep_if", t.keep_if)
        for group in (self.statements, self.recognitions, self.amounts, self.quantities, self.dates, self.rates,
                      self.zero_amounts, self.titles, self.abstain):
            for x in group:
                check(type(x).__name__, x.words)
        for k, w in {**self.conditions, **self.reply_hints, **self.options}.items():
            check(k, w)
        check("place_mentions", self.place_mentions)
        if self.targets is not None:
            check("targets", self.targets.words)
            check("targets.yearly", self.targets.yearly)
        return self


InputSpec.model_rebuild()
ConditionSpec.model_rebuild()


# --- errors with file, field and line ---------------------------------------------------------------

_ERR_ZH = {
    "missing": "缺少必填字段", "extra_forbidden": "无法识别的字段", "literal_error": "取值不在允许范围内",
    "string_type": "应为文字", "int_parsing": "应为整数", "int_type": "应为整数", "decimal_parsing": "应为数字",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）", "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）", "dict_type": "应为映射（键: 值）", "list_type": "应为列表",
    "tuple_type": "应为列表", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "model_type": "应为映射（键: 值）", "too_short": "项数不足", "too_long": "项数过多",
}


def _lines(text: str) -> dict[tuple, int]:
    """Every key path of a YAML text → the line (1-based) where its value starts."""
    out: dict[tuple, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return out

    def walk(node, path):
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                out[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return out


def _validation_message(path: Path, text: str, err: ValidationError) -> str:
    lines = _lines(text)
    parts = []
    for e in err.errors()[:5]:
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith(("function-", "literal["))))
        # pydantic appends the union member or the tagged key; keep the data path only
        data_loc = tuple(x for x in loc if isinstance(x, int) or not re.fullmatch(r"[A-Z]\w*|lax-or-strict|json-or-python", str(x)))
        line = None
        probe = data_loc
        while probe and line is None:
            line = lines.get(tuple(str(x) if not isinstance(x, int) else x for x in probe))
            probe = probe[:-1]
        where = ".".join(str(x) for x in data_loc) or "（顶层）"
        kind = e.get("type", "")
        msg = _ERR_ZH.get(kind)
        if kind == "value_error" or msg is None:
            msg = str(e.get("msg", "")).removeprefix("Value error, ")
            msg = msg if re.search(r"[\u4e00-\u9fff]", msg) else f"取值无效（{kind}）"
        if kind == "literal_error":
            allowed = (e.get("ctx") or {}).get("expected", "")
            msg = f"{msg}，可用：{allowed}" if allowed else msg
        value = e.get("input")
        shown = "" if kind in ("missing",) or isinstance(value, (dict, list)) else f"（收到“{str(value)[:40]}”）"
        parts.append(f"{path.name} 第{line or '?'}行，字段 {where}：{msg}{shown}")
    more = len(err.errors()) - 5
    return "；".join(parts) + (f"；另有 {more} 处错误" if more > 0 else "") + "。"


def read_pack_yaml(path: Path, model: type[BaseModel]) -> BaseModel:
    """One pack file validated against its model; PackError names file, field and line in Chinese."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PackError(f"无法读取 {path}：{e}") from e
    try:  # the bounded reader: a pack comes from the policy office, or from an upload
        data = load_yaml_text(text, name=path.name)
    except YamlError as e:
        raise PackError(str(e)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PackError(f"{path.name} 应为键值映射。")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise PackError(_validation_message(path, text, e)) from e


# --- the pack ------------------------------------------------------------------------------------


@dataclass
class Pack:
    """A document with everything the product knows about it. `rules` is None for a document without award rules."""

    document: Document
    meta: Meta
    rules: RulesFile | None = None
    lexicon: Lexicon = field(default_factory=Lexicon)
    folder: Path | None = None

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def place(self) -> Place | None:
        return self.meta.place

    def rule(self, rule_id: str) -> RuleSpec:
        for r in (self.rules.rules if self.rules else ()):
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def status_on(self, day: date) -> str:
        """in_force, not_yet (before its effective date) or expired (after its last day)."""
        start = self.meta.effective or self.meta.issued
        if start is not None and day < start:
            return "not_yet"
        if self.meta.expires is not None and day > self.meta.expires:
            return "expired"
        return "in_force"


def _paths(inputs: dict[str, InputSpec], prefix: str = "") -> dict[str, InputSpec]:
    out: dict[str, InputSpec] = {}
    for k, spec in inputs.items():
        out[prefix + k] = spec
        if spec.fields:
            out.update(_paths(spec.fields, prefix + k + "."))
    return out


def input_paths(rules: RulesFile) -> dict[str, InputSpec]:
    """Every input path a rule may name (projects.equipment, node.investment), with its spec."""
    return _paths(rules.inputs)


def _check_references(pack: Pack, rules_path: Path) -> None:
    """What the models cannot see alone: parameters, clauses and inputs that a rule names must exist, and every
    parameter's source words must be in its clause."""
    rules = pack.rules
    doc = pack.document
    problems: list[str] = []
    text = rules_path.read_text(encoding="utf-8")
    lines = _lines(text)

    def at(*path) -> str:
        line = None
        while path and line is None:
            line = lines.get(path)
            path = path[:-1]
        return f"第{line}行" if line else ""

    for name, p in rules.parameters.items():
        clause = doc.find(p.clause)
        if clause is None:
            problems.append(f"{at('parameters', name, 'clause')}参数 {name} 的条款 {p.clause} 在文件中不存在")
            continue
        body = clause.full_text
        if p.source not in body:
            problems.append(f"{at('parameters', name, 'source')}参数 {name} 的原文“{p.source}”不在条款 {clause.label} 中")
        if p.quote and p.quote not in body:
            problems.append(f"{at('parameters', name, 'quote')}参数 {name} 的引文“{p.quote[:30]}”不在条款 {clause.label} 中")
    paths = input_paths(rules)

    def need_param(name: str, *where) -> None:
        if name and name not in rules.parameters:
            problems.append(f"{at(*where)}引用了不存在的参数“{name}”")

    def need_input(name: str, *where) -> None:
        if name and name not in paths:
            problems.append(f"{at(*where)}引用了不存在的输入项“{name}”")

    def check_condition(c: ConditionSpec, *where) -> None:
        if c.fact:
            need_input(c.fact, *where, "fact")
        need_param(c.parameter, *where, "parameter")
        if c.clause and doc.find(c.clause) is None:
            problems.append(f"{at(*where, 'clause')}条件 {c.id or c.fact} 的条款 {c.clause} 在文件中不存在")
        for j, sub in enumerate(c.first_known):
            check_condition(sub, *where, "first_known", j)

    for i, c in enumerate(rules.eligibility):
        check_condition(c, "eligibility", i)
    for path_, spec in paths.items():
        if spec.implied_by is not None:
            check_condition(spec.implied_by, "inputs", *path_.split("."), "implied_by")
    ids = set()
    for i, r in enumerate(rules.rules):
        w = ("rules", i)
        if r.id in ids:
            problems.append(f"{at(*w, 'id')}规则编号 {r.id} 重复")
        ids.add(r.id)
        if doc.find(r.clause) is None:
            problems.append(f"{at(*w, 'clause')}规则 {r.id} 的条款 {r.clause} 在文件中不存在")
        for key in ("rate", "threshold", "unit_amount", "ratio", "amount"):
            need_param(getattr(r, key), *w, key)
        for key in ("for_each", "base", "input", "count", "outside"):
            need_input(getattr(r, key), *w, key)
        if r.for_each and paths.get(r.for_each) is not None and paths[r.for_each].type != "list":
            problems.append(f"{at(*w, 'for_each')}规则 {r.id} 的 for_each 应指向列表类输入")
        for j, b in enumerate(r.bands):
            need_param(b.rate, *w, "bands", j, "rate")
            need_param(b.upto, *w, "bands", j, "upto")
        for opt, pname in r.options.items():
            need_param(pname, *w, "options", opt)
            spec = paths.get(r.input)
            if spec is not None and opt not in spec.options:
                problems.append(f"{at(*w, 'options', opt)}规则 {r.id} 的选项 {opt} 不在输入项 {r.input} 的 options 中")
        for kind_field, pname in r.rates.items():
            need_param(pname, *w, "rates", kind_field)
            need_input(f"{r.base}.{kind_field}", *w, "rates", kind_field)
        if r.interest is not None:
            need_param(r.interest.share, *w, "interest", "share")
            need_param(r.interest.max_years, *w, "interest", "max_years")
            for key in ("principal", "reference_rate", "actual_rate"):
                v = getattr(r.interest, key)
                if v:
                    need_input(f"{r.for_each}.{v}", *w, "interest", key)
            need_input(r.interest.years, *w, "interest", "years")
        if r.stacking is not None:
            need_input(r.stacking.before, *w, "stacking", "before")
        for j, c in enumerate(r.conditions):
            check_condition(c, *w, "conditions", j)
        for j, cap in enumerate(r.caps):
            need_param(cap.parameter, *w, "caps", j, "parameter")
            need_input(cap.less, *w, "caps", j, "less")
        for t in r.triggers:
            need_input(t, *w, "triggers")
    if rules.document_cap is not None:
        need_input(rules.document_cap.input, "document_cap", "input")
        if doc.find(rules.document_cap.clause) is None:
            problems.append(f"{at('document_cap', 'clause')}条款 {rules.document_cap.clause} 在文件中不存在")
    for i, b in enumerate(rules.budgets):
        need_param(b.parameter, "budgets", i, "parameter")
        if b.rule and b.rule not in ids:
            problems.append(f"{at('budgets', i, 'rule')}引用了不存在的规则“{b.rule}”")
    for i, c in enumerate(rules.classifications):
        need_input(c.input if not c.for_each else f"{c.for_each}.{c.input}", "classifications", i, "input")
        for j, t in enumerate(c.tiers):
            need_param(t.parameter, "classifications", i, "tiers", j, "parameter")
    if rules.validity_clause and doc.find(rules.validity_clause) is None:
        problems.append(f"{at('validity_clause')}条款 {rules.validity_clause} 在文件中不存在")
    if problems:
        raise PackError(f"{rules_path.name}：" + "；".join(problems[:8]) + (f"；另有 {len(problems) - 8} 处" if len(problems) > 8 else "") + "。")


def load_pack(folder: Path, document: Document) -> Pack:
    """The pack in `folder` for its parsed document; PackError (Chinese, naming file/field/line) if any file is bad."""
    folder = Path(folder)
    meta = read_pack_yaml(folder / "meta.yaml", Meta) if (folder / "meta.yaml").is_file() else Meta(id=document.id)
    pack = Pack(document=document, meta=meta, folder=folder)
    rules_path = folder / "rules.yaml"
    if rules_path.is_file():
        pack.rules = read_pack_yaml(rules_path, RulesFile)
        _check_references(pack, rules_path)
    lex_path = folder / "lexicon.yaml"
    if lex_path.is_file():
        pack.lexicon = read_pack_yaml(lex_path, Lexicon)
    return pack


_PACKS: dict[tuple, Pack] = {}


# Within one answer (`steady_files`), a folder's files are looked at once: a question reads each pack many times.
_STEADY: dict[str, tuple] | None = None


@contextmanager
def steady_files():
    """Within the block, each pack folder's file stamps are taken once (the files do not change during an answer)."""
    global _STEADY
    before, _STEADY = _STEADY, ({} if _STEADY is None else _STEADY)
    try:
        yield
    finally:
        _STEADY = before


def _stamp(folder: Path) -> tuple:
    if _STEADY is not None:
        held = _STEADY.get(str(folder))
        if held is None:
            held = _STEADY[str(folder)] = _fresh_stamp(folder)
        return held
    return _fresh_stamp(folder)


def _fresh_stamp(folder: Path) -> tuple:
    out = []
    for name in ("source.txt", *PACK_FILES):
        p = folder / name
        if p.is_file():
            st = p.stat()
            out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def pack_for(document: Document) -> Pack:
    """The pack of a loaded document, validated once per state of its folder (a bad pack raises PackError)."""
    folder = document.meta.get("folder")
    if not folder:
        return Pack(document=document, meta=Meta(id=document.id))
    folder = Path(folder)
    key = (str(folder), _stamp(folder))
    pack = _PACKS.get(key)
    if pack is None:
        pack = load_pack(folder, document)
        if len(_PACKS) > 512:
            _PACKS.clear()
        _PACKS[key] = pack
    return pack


class Silence(_Model):
    """One category of the genre's usual silences (corpus/genre.yaml): what a question asks that documents of this
    kind often leave unsaid, the words that ask it, and what the answer says the document does not settle."""
    kind: str = Field(min_length=1)
    what: str = Field(min_length=1)
    words: str = ""  # a regex; <NAME> stands for a shared vocabulary; empty: found otherwise
    subject: bool = False  # looked for in the whole question, not only in its asking part
    # where the question names one of the document's own titles, these words must be found too (省级示范和国家级示范能一起
    # 拿吗 asks how the document's titles combine, 市里的奖励能一起拿吗 asks about another government's money)
    with_titles: str = ""
    dated: bool = False  # found by its dates (a year before the document's issue); `words` are the asking beside it
    # whether the answer quotes the document's sentence deferring its procedure (申报要求按相关规定执行): not for a
    # matter no procedure settles (加速折旧 is tax law)
    procedural: bool = True
    note: str = ""


# the facts a document states about itself, each answered from its metadata by the compose stage
DOCUMENT_FACT_KINDS = ("recipients", "number", "date", "issuers", "title", "cc", "effective", "structure")


class DocumentFact(_Model):
    """One way of asking a fact of the document itself (文号 / 哪天印发 / 几部分): words that must all be found, words that
    must not, and whether a topic named alongside is allowed."""
    kind: Literal[DOCUMENT_FACT_KINDS]  # type: ignore[valid-type]
    words: str = Field(min_length=1)  # a regex, as in silences
    also: list[str] = []  # further regexes, each also found somewhere in the question (a time word beside a verb)
    absent: str = ""  # a regex that must not be found (a money word: 资金什么时候发 asks no document fact)
    topic: str = "any"  # any | none (only with no topic named) | a regex found whenever a topic is named
    then: bool = False  # looked at only when no entry without `then` matched (words put together, not a fixed phrase)
    note: str = ""


class Genre(_Model):
    """What documents of this genre share (corpus/genre.yaml): vocabularies, usual silences, ways of asking about the
    document itself."""
    vocabulary: dict[str, str] = {}
    silences: list[Silence]
    document_facts: list[DocumentFact] = []
    stacking: dict[Literal["highest", "cumulative"], str] = {}  # how the enterprise says its awards combine
    # where a document says its application details are set elsewhere: the sentence, else the section heading
    procedure: dict[Literal["deferred", "section"], str] = {}


def read_genre(path: Path | None = None) -> Genre:
    """The genre file, validated; a malformed file is refused naming the file and the entry."""
    from corpus.store import BUNDLED_DIR, read_yaml

    path = path or BUNDLED_DIR / "genre.yaml"
    data = read_yaml(path)
    if not isinstance(data.get("silences"), list):
        raise PackError(f"{path}：缺少 silences 列表。")
    sections = {"silences": Silence, "document_facts": DocumentFact}
    for name, model in sections.items():
        for i, row in enumerate(data.get(name) or [], 1):
            try:
                model.model_validate(row)
            except ValidationError as e:
                where = ", ".join(".".join(str(x) for x in err["loc"]) or "条目" for err in e.errors())
                raise PackError(f"{path} {name} 第{i}个条目（{_brief_kind(row)}）格式不对：{where}。") from None
    try:
        return Genre.model_validate(data)
    except ValidationError as e:
        where = ", ".join(".".join(str(x) for x in err["loc"]) or "条目" for err in e.errors())
        raise PackError(f"{path} 格式不对：{where}。") from None


def _brief_kind(row: Any) -> str:
    return str(row.get("kind") or "无名") if isinstance(row, dict) else "不是键值映射"


__all__ = [
    "CAP_SCOPES", "CONDITION_OPS", "INPUT_TYPES", "RULE_KINDS", "STACKINGS", "AmountWords", "BandSpec", "CapSpec",
    "ClassificationSpec", "ConditionSpec", "DocumentCapSpec", "InputSpec", "Lexicon", "Statement", "TitleFamily", "TopicWords", "Meta", "OptionSpec", "Pack",
    "PackError", "ParameterSpec", "Place", "RuleSpec", "RulesFile", "input_paths", "load_pack", "pack_for",
    "read_pack_yaml", "DOCUMENT_FACT_KINDS", "DocumentFact", "Genre", "Silence", "read_genre",
    "steady_files",
]

