"""One award rule as the drafter collects it from the segments of a clause (and the bands in its items): the figures
by role, the lists 分别 aligns, the words that shape it (stacking, tiers, exclusions, 不享受, 须), and its kind."""

from __future__ import annotations

import re

from tools.drafting.conditions import (
    choice_label,
    choice_name,
    date_conditions,
    lead_subject,
    negative_condition,
    read_subject,
)
from tools.drafting.lexicon import grammar
from tools.drafting.model import ClauseContext, Question, RateUse
from tools.drafting.phrases import Figure
from tools.drafting.sentences import Segment
from tools.drafting.words import (
    aligned_figures,
    context_base,
    edge_label,
    exclusions_in,
    label_run,
    level_slug,
    subject_words,
)

_LIMIT_ONCE_RE = re.compile(r"限(?:享受|申报|补助|奖励)?一次")
_EXCESS_RE = re.compile(r"超出部分[^，。；]*")
_COVER_RE = re.compile(r"由[^，。；]{1,12}?全额承担")
_MUST_RE = re.compile(r"(?:应当|须|必须|需)")


class RuleBuilder:
    """Collects a rule's segments (and its child clauses' bands) and turns them into a RuleDraft."""

    def __init__(self, drafter, rid: str, clause, seg: Segment, ctx: ClauseContext):
        self.d = drafter
        self.id = rid
        self.clause = clause.id
        self.clause_obj = clause
        self.subject = read_subject(seg.text) or lead_subject(seg.text)
        self.subject_seg = seg if self.subject is not None else None
        if self.subject is None and ctx.subject is not None:
            self.subject = ctx.subject
        self.base = ""
        self.base_hint = ctx.base
        self.exclusions = list(ctx.exclusions)
        self.segs: list[Segment] = []
        self.rates: list[RateUse] = []
        self.amounts: list[tuple[Figure, Segment]] = []
        self.choices: list[tuple[str, Figure, Segment]] = []
        self.choice_name = ""
        self.unit_amounts: list[tuple[Figure, Segment]] = []
        self.ratios: list[tuple[Figure, Segment]] = []
        self.caps: list[tuple[Figure, Segment]] = []
        self.thresholds: list[tuple[Figure, Segment, str]] = []
        self.max_years: list[tuple[Figure, Segment]] = []
        self.terms: list[tuple[Figure, Segment, str]] = []
        self.aligned: tuple[list[str], list[Figure], Segment, tuple[int, int]] | None = None
        self.extra_options: list[tuple[str, Figure, Segment]] = []
        self.notes: list[str] = []
        self.extra: list[dict] = []  # conditions from 须 / 应当 / …的，不享受 / 限一次 (text, item?, op)
        self.dates: list[tuple[str, str, object, str, str]] = []  # (op, event, day, text, clause)
        self.stacking: set[str] = set()
        self.tier_words: set[str] = set()
        self.reimburse = ""
        self.excess = ""
        self.unused: list[tuple[Figure, Segment]] = []
        self.expect_children = False
        self.questions: list[Question] = []
        self.reasons: list[str] = []
        self.add(seg)

    # --- collecting ------------------------------------------------------------------------------

    @property
    def has_award(self) -> bool:
        return bool(self.rates or self.amounts or self.unit_amounts or self.ratios or self.choices or self.reimburse
                    or self.aligned)

    def _new_level(self, seg: Segment) -> str:
        """One more level of the same titles: 对首次认定为市级…的企业，一次性奖励5万元 after a list of 国家级、省级…, or
        通过国家级…认定的，奖励50万元 after 通过省级…认定的，奖励20万元 (the level words differ, nothing else pays)."""
        if len(seg.roles("award")) != 1 or seg.roles("rate", "unit_amount", "ratio"):
            return ""
        if self.aligned is not None and self.aligned[1][0].role == "award":
            have = [level_slug(x) for x in self.aligned[0]]
        elif len(self.amounts) == 1 and not (self.rates or self.choices or self.unit_amounts or self.ratios):
            have = [level_slug(subject_words(self.subject_seg, self.subject))]
            if not have[0]:
                return ""
        else:
            return ""
        sub = read_subject(seg.text) or lead_subject(seg.text)
        if sub is None:
            return ""
        label = subject_words(seg, sub)
        slug = level_slug(label)
        have += [level_slug(x[0]) for x in self.extra_options]
        return label if slug and slug not in have else ""

    def accepts(self, seg: Segment) -> bool:
        """Whether an award segment continues this rule (another band, another level) rather than starting one."""
        if self._new_level(seg):
            return True
        if read_subject(seg.text) is not None and self.has_award:
            return False
        if not self.has_award:
            return True
        rates = seg.roles("rate")
        if rates and self.rates and len(rates) == 1 and (seg.roles("lower", "upper") or "部分" in seg.text):
            return True  # another band
        amounts = seg.roles("award")
        if len(amounts) == 1 and (self.choices or (len(self.amounts) == 1 and not self.rates)) and choice_label(seg.text):
            return True  # 评定等级为A级的，给予…5万元
        return False

    def add(self, seg: Segment, clause_id: str | None = None) -> None:
        g = grammar()
        self.segs.append(seg)
        seg.used = f"rule:{self.id}"
        t = seg.text
        subject = read_subject(t)
        figs = seg.figures
        edges = [f for f in figs if f.role in ("lower", "upper") and f.kind == "money"]
        taken: set[int] = set()
        prev_rate_end = 0
        for f in figs:
            if f.role == "rate":
                use = RateUse(f, seg)
                for e in edges:
                    if id(e) in taken or not (prev_rate_end <= e.start < f.start):
                        continue
                    if e.role == "lower" and use.lower is None:
                        use.lower = e
                        taken.add(id(e))
                    elif e.role == "upper" and use.upper is None:
                        use.upper = e
                        taken.add(id(e))
                prev_rate_end = f.end
                self.rates.append(use)
        for f in figs:
            r = f.role
            if r in ("lower", "upper") and f.kind == "money" and id(f) in taken:
                continue
            if r == "award":
                continue
            if r == "unit_amount":
                self.unit_amounts.append((f, seg))
            elif r == "ratio":
                self.ratios.append((f, seg))
            elif r == "cap":
                self.caps.append((f, seg))
            elif r in ("lower", "upper"):
                self.thresholds.append((f, seg, edge_label(seg, f)))
            elif r == "term":
                self.terms.append((f, seg, edge_label(seg, f)))
            elif r == "max_years":
                self.max_years.append((f, seg))
            elif r in ("rate", "budget", "date"):
                continue
            else:
                self.unused.append((f, seg))
        awards = seg.roles("award")
        level = self._new_level(seg) if self.segs[:-1] else ""
        if level:
            self.extra_options.append((level, awards[0], seg))
            awards = []
        if awards:
            aligned = aligned_figures(seg, "award") if "分别" in t else []
            if aligned:
                run = label_run(t, aligned[0].start, len(aligned))
                if run is not None:
                    self.aligned = (run[0], aligned, seg, run[1])
                else:
                    self.question("alignment", f"“分别”后列出{len(aligned)}个金额，但未找到与之对应的{len(aligned)}个称号或等级，"
                                  "请逐项写明对应关系。")
                    self.amounts += [(f, seg) for f in aligned]
                self.amounts += [(f, seg) for f in awards if f not in aligned]
            else:
                label = choice_label(t)
                if label and len(awards) == 1:
                    self.choices.append((label, awards[0], seg))
                    self.choice_name = self.choice_name or choice_name(t[subject.end + 1:] if subject else t)
                else:
                    self.amounts += [(f, seg) for f in awards]
        rates = seg.roles("rate")
        if "分别" in t and len(rates) >= 2:
            aligned = aligned_figures(seg, "rate")
            run = label_run(t, aligned[0].start, len(aligned)) if aligned else None
            if run is not None:
                self.aligned = (run[0], aligned, seg, run[1])
        if g.has(t, g.reimburse):
            cover = _COVER_RE.search(t)
            self.reimburse = cover.group(0) if cover else g.first(t, g.reimburse)
            ex = _EXCESS_RE.search(t)
            self.excess = ex.group(0) if ex else self.excess
        self.absorb_words(seg)
        if not self.base_hint:
            self.base_hint = context_base(t)
        if t.rstrip().endswith(("：", ":")) and (g.has(t, g.announce) or g.has(t, g.tiers["marginal"] + g.tiers["whole"])):
            self.expect_children = True

    def absorb_words(self, seg: Segment) -> None:
        """Words without figures that shape the rule: stacking, tiers, exclusions, 不享受, 须, 限一次, dates."""
        g = grammar()
        t = seg.text
        if seg not in self.segs:
            self.segs.append(seg)
            seg.used = seg.used or f"rule:{self.id}"
        for kind, words in g.stacking.items():
            if g.has(t, words):
                self.stacking.add(kind)
        for kind, words in g.tiers.items():
            if g.has(t, words):
                self.tier_words.add(kind)
        for x in exclusions_in(t):
            if x not in self.exclusions:
                self.exclusions.append(x)
        neg = negative_condition(t)
        if neg and not seg.figures:
            self.extra.append({"text": neg, "op": "false", "clause": seg.clause})
        elif not seg.figures and g.has(t, g.negations) and not g.has(t, g.stacking["highest"]):
            self.notes.append(t)
        if _LIMIT_ONCE_RE.search(t):
            self.extra.append({"text": "首次享受（" + _LIMIT_ONCE_RE.search(t).group(0) + "）", "op": "true",
                               "clause": seg.clause, "enterprise": True})
        for dc in date_conditions(t):
            self.dates.append((dc.op, dc.event, dc.day, dc.text, seg.clause))
        if not seg.figures and _MUST_RE.search(t) and not neg and not date_conditions(t) \
                and read_subject(t) is None and not g.has(t, g.negations):
            self.extra.append({"text": t, "op": "true", "clause": seg.clause})

    def question(self, topic: str, text: str, clause: str | None = None) -> None:
        label = self.d.label(clause or self.clause)
        self.questions.append(Question(clause or self.clause, f"{label}：{text}", self.id, topic))

    # --- the result ------------------------------------------------------------------------------

    def kind(self) -> str:
        g = grammar()
        text = "".join(s.text for s in self.segs)
        if self.rates and g.has(text, g.interest["words"]) and (g.has(text, g.interest["reference"]) or "利息" in text):
            return "interest"
        if self.aligned is not None and self.aligned[1][0].role == "rate":
            return "per_kind"
        if self.aligned is not None and self.aligned[1][0].role == "award":
            return "titles"
        if len(self.choices) >= 2 or (self.extra_options and len(self.amounts) == 1):
            return "titles"
        if self.ratios:
            return "matching"
        if self.unit_amounts:
            return "unit"
        if self.reimburse and not self.rates:
            return "reimburse"
        if len(self.rates) >= 2:
            return "tiers"
        if self.rates:
            return "rate"
        if self.amounts or self.choices:
            return "fixed"
        if self.subject is not None and any(not ({"enterprise", "project", "product", "year"} & f.scope)
                                            for f, _ in self.caps):
            return "fixed"  # 对…的企业，给予最高不超过20万元的奖励: the award is written only as its maximum
        return ""


__all__ = ["RuleBuilder"]
