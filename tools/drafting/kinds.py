"""A collected rule written in the pack vocabulary: its kind's keys, parameters named and sourced, inputs declared
(item fields when items are counted one by one), conditions, caps with scope, and the confidence of the draft."""

from __future__ import annotations

import re

from tools.drafting.conditions import is_enterprise_head, place_condition
from tools.drafting.lexicon import grammar
from tools.drafting.model import Param, RuleDraft
from tools.drafting.phrases import Figure, part_bounds
from tools.drafting.rules import RuleBuilder
from tools.drafting.sentences import Segment
from tools.drafting.words import (
    base_before,
    clean_base,
    condition_words,
    count_before,
    edge_label,
    level_slug,
    option_slugs,
    quote_of,
    same_base,
    shared_head,
    subject_words,
)


def build_rule(rb: RuleBuilder) -> RuleDraft | None:
    """The rule in pack vocabulary, or None when its segments award nothing the vocabulary can say."""
    kind = rb.kind()
    return RuleWriter(rb, kind).run() if kind else None


class RuleWriter:
    """Turns a RuleBuilder's findings into pack vocabulary: parameters, inputs, conditions, caps, questions."""

    def __init__(self, rb: RuleBuilder, kind: str):
        self.rb = rb
        self.kind = kind
        self.rid = rb.id
        self.params: dict[str, Param] = {}
        self.inputs: dict[str, dict] = {}
        self.fields: dict[str, dict] = {}  # item fields when the rule counts items one by one
        self.conditions: list[dict] = []
        self.spec: dict = {"id": rb.id, "clause": rb.clause, "title": "", "kind": kind}
        self.reasons: list[str] = []
        self.penalty = 0.0
        self.consumed: set[int] = set()  # id() of figures that became parameters

    # naming
    def param(self, role: str, f: Figure, seg: Segment, label: str) -> str:
        name = f"{self.rid}_{role}"
        n = 2
        while name in self.params:
            name, n = f"{self.rid}_{role}{n}", n + 1
        self.params[name] = Param(name, f.value, f.unit, seg.clause, f.source(seg.text), quote_of(seg, f), label, role)
        self.consumed.add(id(f))
        return name

    def items(self) -> bool:
        rb = self.rb
        if self.kind == "interest":
            return True
        if rb.subject is not None and rb.subject.item:
            if self.kind == "unit" and rb.unit_amounts:
                f = rb.unit_amounts[0][0]
                if f.per_noun and rb.subject.head.endswith(f.per_noun):
                    return False
            return True
        return any("project" in f.scope or "product" in f.scope for f, _ in rb.caps)

    def fact(self, name: str, spec: dict, per_item: bool) -> str:
        """Declare an input (an item field when the rule counts items) and return its path."""
        if per_item and self.for_each:
            self.fields[name] = spec
            return f"{self.for_each}.{name}"
        key = f"{self.rid}_{name}"
        self.inputs[key] = spec
        return key

    def run(self) -> RuleDraft:
        rb = self.rb
        self.for_each = f"{self.rid}_items" if self.items() else ""
        item_word = (rb.subject.item if rb.subject is not None and rb.subject.item else
                     "贷款" if self.kind == "interest" else "项目")
        head = rb.subject.head if rb.subject is not None and rb.subject.head else ""
        self.spec["title"] = self.title(head)
        if self.for_each:
            self.spec["for_each"] = self.for_each
        getattr(self, f"_kind_{self.kind}")()
        if rb.aligned is not None:
            a, b = rb.aligned[3]
            self.consumed |= {id(f) for f in rb.aligned[2].figures if a <= f.start < b}  # labels, not parameters
        self._thresholds()
        self._conditions()
        self._caps()
        if rb.exclusions and self.spec.get("base"):
            self.spec["exclusions"] = list(rb.exclusions)
        if rb.notes:
            self.spec["notes"] = list(dict.fromkeys(rb.notes))
        if self.conditions:
            self.spec["conditions"] = self.conditions
        if self.for_each:
            label = head if item_word in head else (head or "") + item_word if head else f"{self.spec['title']}{item_word}"
            self.inputs = {self.for_each: {"type": "list", "label": label or item_word, "item": item_word,
                                           "fields": self.fields or {"name": {"type": "text", "label": "名称"}}},
                           **self.inputs}
        reported: set[int] = set()
        for f, seg in rb.unused:
            if id(f) not in self.consumed and id(f) not in reported:
                reported.add(id(f))
                self.reasons.append(f"未识别“{f.text}”的作用（{self.rb.d.label(seg.clause)}），未作为参数")
                self.penalty += 0.1
        for f, _seg in [*rb.amounts, *rb.unit_amounts, *rb.ratios, *rb.caps, *rb.max_years]:
            if id(f) not in self.consumed and id(f) not in reported and f.role != "budget":
                reported.add(id(f))
                self.reasons.append(f"“{f.text}”未能对应到规则的某一项，未作为参数")
                self.penalty += 0.15
        questions = rb.questions
        confidence = 0.95 - 0.12 * len(questions) - self.penalty
        confidence = max(0.2, min(0.95, round(confidence, 2)))
        sentences = list(dict.fromkeys(f"{rb.d.label(s.clause)}：{s.text}" for s in rb.segs))
        return RuleDraft(rb.id, rb.clause, self.spec["title"], self.kind, self.spec, self.params, self.inputs,
                         questions, self.reasons, sentences, confidence)

    def title(self, head: str) -> str:
        """The clause's own heading, else its short lead sentence, else words of the rule itself."""
        rb = self.rb
        c = rb.clause_obj
        if c.heading:
            return c.heading
        first = re.split(r"[。；]", c.text, maxsplit=1)[0]
        lead = first.split("，", 1)[0]
        for cand in (first, lead):
            if 2 <= len(cand) <= 16 and not re.search(r"\d", cand) and not cand.startswith("对"):
                return re.sub(r"^(?:鼓励支持|鼓励|支持|推动|推进|加快|引导)", "", cand) or cand
        head = re.sub(r"^(?:新|已)", "", head or "")
        word = {"interest": "贴息", "titles": "奖励", "fixed": "奖励", "matching": "配套支持"}.get(self.kind, "补助")
        if self.kind in ("rate", "tiers", "reimburse") and rb.base_hint:
            return f"{rb.base_hint}{word}"
        if head and "、" not in head and not is_enterprise_head(head):
            return f"{head}{word}"
        chunk = next((x.text for x in (rb.subject.chunks if rb.subject else []) if len(x.text) <= 16), "")
        if chunk:
            return f"{chunk}{word}"
        if self.kind == "reimburse":
            m = re.match(r"^([^，。；]{2,16}?)由", next((s.text for s in rb.segs if rb.reimburse in s.text), ""))
            if m:
                return f"{m.group(1)}{word}"
        parent = rb.d.doc.find(c.parent) if c.parent else None
        if parent is not None and parent.heading:
            return parent.heading
        return f"{rb.d.label(c.id)}奖补"

    # --- kinds -----------------------------------------------------------------------------------

    def base_label(self, seg: Segment | None = None, f: Figure | None = None) -> str:
        rb = self.rb
        if seg is not None and f is not None:
            a, _ = part_bounds(seg.text, f.start, f.end)
            named = base_before(seg.text[a:f.start]) or base_before(seg.text[: f.start])
            if named:
                return named
        if rb.base_hint:
            return rb.base_hint
        for f2, _s2, label in rb.thresholds:
            if f2.kind == "money" and label:
                return label
        for use in rb.rates:
            for e in (use.lower, use.upper):
                if e is not None:
                    label = edge_label(use.seg, e)
                    if label:
                        return label
        self.reasons.append("文中未写明计算基数的名称，暂称“计算基数”")
        self.penalty += 0.1
        return "计算基数"

    def _base_input(self, label: str) -> str:
        return self.fact("base", {"type": "amount", "label": label}, True)

    def _kind_rate(self) -> None:
        use = self.rb.rates[0]
        label = self.base_label(use.seg, use.rate)
        self.rb.base = label
        self.spec["base"] = self._base_input(label)
        self.spec["rate"] = self.param("rate", use.rate, use.seg, f"{label}的补助比例")
        if use.rate.maximum:
            self.spec["maximum"] = True
        if use.lower is not None:
            self.rb.thresholds.insert(0, (use.lower, use.seg, edge_label(use.seg, use.lower)))
        if use.upper is not None:
            self.rb.question("tiers", f"“{use.upper.source(use.seg.text)}”是补助的适用上限还是分档点？草案未使用该数值。",
                             use.seg.clause)
            self.rb.unused.append((use.upper, use.seg))

    def _kind_tiers(self) -> None:
        rb = self.rb
        first = rb.rates[0]
        label = self.base_label(first.seg, first.rate)
        rb.base = label
        self.spec["base"] = self._base_input(label)
        marginal = "marginal" in rb.tier_words or any("部分" in u.seg.text for u in rb.rates)
        whole = "whole" in rb.tier_words or any(base_before(u.seg.text[: u.rate.start]) for u in rb.rates)
        if marginal and not (whole and "marginal" not in rb.tier_words and not any("部分" in u.seg.text for u in rb.rates)):
            self.spec["tiers"] = "marginal"
        elif whole:
            self.spec["tiers"] = "whole"
        else:
            self.spec["tiers"] = "marginal"
            rb.question("tiers", "文件未写明分档比例是“分段累计”（每档比例只用于落在该档的部分）还是“全额分档”（按所在档次比例计算全部基数）。"
                        "草案暂按分段累计，请确认。")
        bands = []
        if first.lower is not None:
            rb.thresholds.insert(0, (first.lower, first.seg, edge_label(first.seg, first.lower)))
        for i, use in enumerate(rb.rates, 1):
            band = {"rate": self.param(f"band{i}_rate", use.rate, use.seg, f"第{i}档补助比例")}
            nxt = rb.rates[i] if i < len(rb.rates) else None
            edge, edge_seg = use.upper, use.seg
            if edge is None and nxt is not None and nxt.lower is not None:
                edge, edge_seg = nxt.lower, nxt.seg
                inclusive = not nxt.lower.inclusive
            else:
                inclusive = edge.inclusive if edge is not None else True
            if nxt is not None:
                if edge is None:
                    rb.question("tiers", f"第{i}档没有写明上限，无法确定分档点，请补充。", use.seg.clause)
                else:
                    band["upto"] = self.param(f"band{i}_upto", edge, edge_seg, f"第{i}档上限")
                    if not inclusive:
                        band["upto_inclusive"] = False
                    if nxt.lower is not None and nxt.lower is not edge:
                        self.consumed.add(id(nxt.lower))
                        if nxt.lower.value == edge.value and edge.inclusive and nxt.lower.inclusive:
                            rb.question("tiers", f"“{edge.source(edge_seg.text)}”与“{nxt.lower.source(nxt.seg.text)}”都包含本数，"
                                        f"正好{edge.text}时适用哪一档？草案暂按较低一档，请确认。", nxt.seg.clause)
                        if nxt.lower.value != edge.value:
                            rb.question("tiers", f"第{i + 1}档的下限“{nxt.lower.text}”与第{i}档的上限“{edge.text}”不一致，请确认分档点。",
                                        nxt.seg.clause)
            bands.append(band)
        self.spec["bands"] = bands

    def _kind_per_kind(self) -> None:
        rb = self.rb
        labels, figs, seg, _ = rb.aligned
        base = self.base_label(seg, figs[0])
        rb.base = base
        slugs = option_slugs(labels, "kind")
        group = f"{self.rid}_paid"
        self.inputs[group] = {"type": "group", "label": base,
                              "fields": {s: {"type": "amount", "label": lab} for s, lab in zip(slugs, labels, strict=True)}}
        self.spec["base"] = group
        self.spec["rates"] = {s: self.param(f"rate_{s}", f, seg, f"{lab}的补助比例")
                              for s, lab, f in zip(slugs, labels, figs, strict=True)}
        if any(f.maximum for f in figs):
            self.spec["maximum"] = True
            self.spec["notes"] = ["各项比例为“不超过”的上限，金额为最高可获"]
        for use in rb.rates:
            if use.rate not in figs:
                rb.unused.append((use.rate, use.seg))

    def _options(self, labels: list[str], figs: list[Figure], segs: list[Segment], name_label: str,
                 input_type: str) -> None:
        rb = self.rb
        slugs = option_slugs(labels)
        order = sorted(range(len(figs)), key=lambda i: figs[i].value, reverse=True)
        rank = {i: len(figs) - pos for pos, i in enumerate(order)}
        key = f"{self.rid}_{'titles' if input_type == 'titles' else 'grade'}"
        self.inputs[key] = {"type": input_type, "label": name_label,
                            "options": {s: {"label": lab, "rank": rank[i]} for i, (s, lab) in enumerate(zip(slugs, labels, strict=True))}}
        self.spec["input"] = key
        self.spec["options"] = {s: self.param(s, f, seg, f"{lab}奖励")
                                for s, lab, f, seg in zip(slugs, labels, figs, segs, strict=True)}
        levels = {level_slug(lab) for lab in labels} - {""}
        if input_type != "titles":
            return
        if "top_up" in rb.stacking:
            self.spec["stacking"] = {"default": "highest_with_top_up", "before": f"{self.rid}_before"}
            self.inputs[f"{self.rid}_before"] = {"type": "titles", "label": "此前已按较低层级获得奖励的认定",
                                                 "options": self.inputs[key]["options"]}
        elif "highest" in rb.stacking:
            self.spec["stacking"] = {"default": "highest"}
        elif "cumulative" in rb.stacking:
            self.spec["stacking"] = {"default": "cumulative"}
        elif len(levels) >= 2:
            unit = rb.d.consult_unit or "主管部门"
            self.spec["stacking"] = {
                "default": "cumulative", "allowed": ["cumulative", "highest"],
                "note": f"文件未明确不同级别{name_label}奖励能否叠加，以{unit}解释为准", "flag": "ambiguity:stacking"}
            rb.d.need_stacking_input()
            rb.question("stacking", f"文件为{'、'.join(labels)}分别规定了奖励，未明确同一企业先后获得不同级别时能否叠加。"
                        "草案默认累加（可选就高），请确认。")

    def _kind_titles(self) -> None:
        rb = self.rb
        if rb.aligned is not None:
            labels, figs, seg, span = rb.aligned
            segs = [seg] * len(figs)
            for label, f, s in rb.extra_options:
                labels, figs, segs = [*labels, label], [*figs, f], [*segs, s]
            shared = shared_head(labels)
            self._options(labels, figs, segs, shared or "获得的称号或认定", "titles")
        elif rb.extra_options:
            first, seg = rb.amounts[0]
            labels = [subject_words(rb.subject_seg, rb.subject), *(x[0] for x in rb.extra_options)]
            figs = [first, *(x[1] for x in rb.extra_options)]
            self._options(labels, figs, [seg, *(x[2] for x in rb.extra_options)], shared_head(labels) or "获得的认定",
                          "titles")
            rb.amounts = rb.amounts[1:] + [(first, seg)]  # the first amount is an option now, not left over
            self.consumed.add(id(first))
            return
        else:
            labels = [c[0] for c in rb.choices]
            self._options(labels, [c[1] for c in rb.choices], [c[2] for c in rb.choices],
                          rb.choice_name or "等级", "choice")
        for f, seg in rb.amounts:
            rb.unused.append((f, seg))

    def _kind_unit(self) -> None:
        rb = self.rb
        f, seg = rb.unit_amounts[0]
        g = grammar()
        count_label = count_before(seg.text[: f.start])
        head = rb.subject.head if rb.subject is not None else ""
        if f.per in g.quantity_units and f.per not in g.count_units:
            spec = {"type": "quantity", "label": count_label or f"数量（{f.per}）", "unit": f.per}
            conv = g.quantity_units.get(f.per) or {}
            if conv:
                spec["conversions"] = {k: (int(v) if v == v.to_integral_value() else str(v)) for k, v in conv.items()}
        else:
            lead = re.sub(r"^(?:对于|对|给予|按照|按)", "", seg.text[part_bounds(seg.text, f.start, f.end)[0]:f.start])
            lead = lead[: lead.rfind("每")].strip() if "每" in lead else ""
            noun = f.per_noun or lead or head or "项"
            modifiers = rb.subject.head_modifiers if rb.subject is not None and head.endswith(noun) else ""
            label = count_label or (f"{modifiers}的{noun}个数" if modifiers else f"{noun}数量（{f.per}）")
            spec = {"type": "number", "label": label, "unit": f.per}
        self.spec["count"] = self.fact("count", spec, True)
        per = f"每{f.per}{f.per_noun}"
        self.spec["unit_amount"] = self.param("unit_amount", f, seg, f"{per}补助金额")
        for f2, s2 in rb.unit_amounts[1:]:
            rb.unused.append((f2, s2))

    def _kind_matching(self) -> None:
        rb = self.rb
        f, seg = rb.ratios[0]
        sub = rb.subject
        who = ""
        if sub is not None:
            m = re.search(r"(?:获得|经)([\u4e00-\u9fa5]{2,10}?)(?:认定|评定|奖励|支持)", seg.text)
            who = m.group(1) if m else ""
        label = f"{who}给予的奖补金额" if who else "上级给予的奖补金额"
        self.spec["outside"] = self.fact("outside", {"type": "amount", "label": label}, False)
        self.spec["ratio"] = self.param("ratio", f, seg, "配套比例")
        self.rb.question("matching", f"配套金额按“{label}”计算，文件未给出该金额，须由企业提供；请确认配套基数。")

    def _kind_interest(self) -> None:
        rb = self.rb
        g = grammar()
        use = rb.rates[0]
        before = use.seg.text[: use.rate.start]
        m = re.search(r"按(?:照)?(?P<p>[^，。；和]{2,20})和(?P<r>[^，。；]{2,40}?)计算", before)
        principal = clean_base(m.group("p")) if m else "贷款金额"
        reference = m.group("r") if m else (g.first(before, g.interest["reference"]) or "参考利率")
        fields = {"principal": {"type": "amount", "label": principal},
                  "reference_rate": {"type": "rate", "label": reference}}
        text = "".join(s.text for s in rb.segs)
        actual = g.first(text, g.interest["actual"])
        interest = {"principal": "principal", "reference_rate": "reference_rate"}
        if actual:
            fields["actual_rate"] = {"type": "rate", "label": actual}
            interest["actual_rate"] = "actual_rate"
        self.fields.update(fields)
        interest["share"] = self.param("share", use.rate, use.seg, "贴息比例")
        years_key = f"{self.rid}_years"
        self.inputs[years_key] = {"type": "number", "label": "计算贴息的年数"}
        interest["years"] = years_key
        if rb.max_years:
            f, seg = rb.max_years[0]
            interest["max_years"] = self.param("max_years", f, seg, "贴息期限上限")
            self.fields["year"] = {"type": "number", "label": "本次申请的是贷款发放后的第几个年度"}
            self.conditions.append({"id": "within_years", "fact": f"{self.for_each}.year", "op": "le",
                                    "parameter": interest["max_years"], "text": f"在贴息期限内（{f.source(seg.text)}）"})
        self.spec["interest"] = interest
        for u in rb.rates[1:]:
            rb.unused.append((u.rate, u.seg))
        self.rb.reasons.append(f"参考利率（{reference}）的数值文件未规定，须由企业提供")

    def _kind_reimburse(self) -> None:
        rb = self.rb
        seg = next(s for s in rb.segs if grammar().has(s.text, grammar().reimburse))
        m = re.match(r"^([^，。；]{2,24}?)由", seg.text)
        label = clean_base(m.group(1)) if m else self.base_label()
        self.spec["base"] = self._base_input(label)
        texts = {"covered": rb.reimburse}
        if rb.excess:
            texts["excess"] = rb.excess
        self.spec["texts"] = texts

    def _kind_fixed(self) -> None:
        rb = self.rb
        if not rb.amounts and not rb.choices:
            f, seg = next(c for c in rb.caps if not ({"enterprise", "project", "product", "year"} & c[0].scope))
            rb.caps = [c for c in rb.caps if c[0] is not f]
            self.spec["amount"] = self.param("amount", f, seg, f"{self.spec['title']}最高金额")
            self.spec["maximum"] = True
            rb.question("amount", f"文件只写了“{f.source(seg.text)}”，未写明具体标准；草案按最高额计算并说明“最高可获”，请确认评定办法。",
                        seg.clause)
            return
        if rb.choices:
            label, f, seg = rb.choices[0]
        else:
            f, seg = rb.amounts[0]
        self.spec["amount"] = self.param("amount", f, seg, f"{self.spec['title']}金额")
        for f2, s2 in rb.amounts[1:]:
            rb.unused.append((f2, s2))
        if len(rb.amounts) > 1:
            rb.question("amounts", "同一条中有多个奖励金额，草案只采用第一个，请确认各金额的适用情形。")

    # --- thresholds, conditions, caps ---------------------------------------------------------------

    def _thresholds(self) -> None:
        rb = self.rb
        base = self.spec.get("base", "")
        base_label = rb.base
        n = 0
        for f, seg, label in rb.thresholds:
            if id(f) in self.consumed:
                continue
            if f.role == "upper":
                rb.question("threshold", f"“{f.source(seg.text)}”是上限条件还是分档点？草案未使用该数值。", seg.clause)
                continue
            if f.kind == "money" and base and self.kind in ("rate", "tiers") and "threshold" not in self.spec \
                    and (not label or same_base(label, base_label)):
                self.spec["threshold"] = self.param("threshold", f, seg, f"{base_label}门槛")
                if not f.inclusive:
                    self.spec["threshold_inclusive"] = False
                continue
            n += 1
            unit = f.unit
            ftype = "amount" if f.kind == "money" else "rate" if f.kind == "percent" else "quantity"
            spec = {"type": ftype, "label": label or "数值"}
            if ftype == "quantity":
                spec["unit"] = unit
                conv = grammar().quantity_units.get(unit) or {}
                if conv:
                    spec["conversions"] = {k: (int(v) if v == v.to_integral_value() else str(v)) for k, v in conv.items()}
            path = self.fact(f"min{n}" if n > 1 else "min", spec, self._item_level(label))
            pname = self.param("min" if n == 1 else f"min{n}", f, seg, f"{label}门槛")
            self.conditions.append({"id": pname.removeprefix(f"{self.rid}_"), "fact": path,
                                    "op": "ge" if f.inclusive else "gt", "parameter": pname,
                                    "text": condition_words(seg, f), **({"clause": seg.clause} if seg.clause != rb.clause else {})})
        for f, seg, label in rb.terms:
            path = self.fact("term", {"type": "number", "label": f"{label or '期限'}（{f.unit}）"}, True)
            self.conditions.append({"id": "term", "fact": path, "op": "ge" if f.inclusive else "gt",
                                    "value": int(f.value) if f.value == f.value.to_integral_value() else str(f.value),
                                    "text": condition_words(seg, f)})
            self.consumed.add(id(f))

    def _item_level(self, text: str) -> bool:
        return not is_enterprise_head(text)

    def _conditions(self) -> None:
        rb = self.rb
        sub = rb.subject
        place = rb.d.place
        n = 0
        skip_spans = []
        if rb.aligned is not None and rb.subject_seg is not None and rb.aligned[2] is rb.subject_seg:
            skip_spans.append(rb.aligned[3])
        chunks = list(sub.chunks) if sub is not None else []
        if self.kind == "matching" and sub is not None:
            chunks = []
            whole = rb.subject_seg.text[sub.start:sub.end] if rb.subject_seg is not None else ""
            if whole:
                n += 1
                self.conditions.append({"id": "c1", "fact": self.fact("c1", {"type": "bool", "label": whole}, False),
                                        "text": whole})
        if self.kind == "titles" and rb.extra_options and rb.aligned is None:
            chunks = []  # 通过省级…认定的 / 通过国家级…认定的: the subjects are the options themselves
        if self.kind == "unit" and not self.for_each:
            chunks = [c for c in chunks if not c.modifier]  # 列入…名单的产品: what is counted, not a condition
        for c in chunks:
            if any(a <= c.start < b for a, b in skip_spans):
                continue
            if rb.subject_seg is not None and any(c.start <= f.start < c.end for f in rb.subject_seg.figures):
                continue  # a threshold or a term: read with its figure
            if place_condition(c.text, place):
                rb.d.need_place_input()
                self.conditions.append({"id": "registered_place", "fact": "registered_place", "op": "in_place",
                                        "text": c.text})
                continue
            n += 1
            cid = f"c{n}"
            self.conditions.append({"id": cid, "fact": self.fact(cid, {"type": "bool", "label": c.text},
                                                                  not c.enterprise), "text": c.text})
        head = sub.head if sub is not None else ""
        if (self.kind not in ("titles",) and head and is_enterprise_head(head) and head not in grammar().enterprise_heads
                and "、" not in head and not self.for_each and self.kind != "matching"):
            n += 1  # 国家高新技术企业 / 物流企业: the kind of enterprise is a condition
            self.conditions.append({"id": f"c{n}", "fact": self.fact(f"c{n}", {"type": "bool", "label": head}, False),
                                    "text": head})
        for e in rb.extra:
            n += 1
            cid = f"c{n}"
            spec = {"type": "bool", "label": e["text"]}
            cond = {"id": cid, "fact": self.fact(cid, spec, not e.get("enterprise")), "text": e["text"]}
            if e["op"] == "false":
                cond["op"] = "false"
                cond["text"] = f"不属于“{e['text']}”"
            if e.get("clause") and e["clause"] != rb.clause:
                cond["clause"] = e["clause"]
            self.conditions.append(cond)
        for op, event, day, text, clause in rb.dates:
            self._date_condition(op, event, day, text, clause)

    def _date_condition(self, op: str, event: str, day, text: str, clause: str) -> None:
        rb = self.rb
        if day is None:
            day = rb.d.meta.expires
        if day is None:
            rb.question("dates", f"“{text}”的日期无法确定（文件未写明有效期），请补充。", clause)
            return
        name = "start_date" if "开工" in event else "event_date"
        label = f"{event}日期" if event else "事项日期"
        path = self.fact(name, {"type": "date", "label": label}, True)
        cid = f"{name}_{'from' if op == 'date_ge' else 'until'}"
        if any(c.get("id") == cid for c in self.conditions):
            return
        cond = {"id": cid, "fact": path, "op": op, "value": day, "text": text}
        if clause != rb.clause:
            cond["clause"] = clause
        self.conditions.append(cond)

    def _caps(self) -> None:
        rb = self.rb
        caps = []
        for f, seg in rb.caps:
            scope = self._scope(f, seg)
            name = self.param("cap" if not caps else f"cap{len(caps) + 1}", f, seg, f"{self.spec['title']}上限")
            cap = {"scope": scope, "parameter": name}
            if scope == "per_enterprise_total":
                key = f"{self.rid}_received"
                self.inputs[key] = {"type": "amount", "label": "此前已获本项奖补金额"}
                cap["less"] = key
            caps.append(cap)
        if self.kind == "reimburse" and not caps:
            rb.question("cap", "全额承担的事项文件未写明上限，草案无法计算，请补充上限。")
        order = {"per_project": 0, "per_product": 0, "per_item": 0, "per_item_kind": 1, "per_enterprise": 2,
                 "per_enterprise_year": 2, "per_enterprise_total": 3}
        if caps:
            self.spec["caps"] = sorted(caps, key=lambda c: order[c["scope"]])

    def _scope(self, f: Figure, seg: Segment) -> str:
        sc = f.scope
        if "product" in sc:
            return "per_product" if not ("enterprise" in sc or "cumulative" in sc) else self._ent(sc)
        if "project" in sc and "enterprise" not in sc:
            return "per_project"
        if "enterprise" in sc or "year" in sc or "cumulative" in sc:
            return self._ent(sc)
        if self.for_each:
            self.rb.question("cap_scope", f"“{f.source(seg.text)}”未写明是每个{self.rb.subject.item or '项目'}还是单个企业的上限。"
                             "草案暂按每个项目，请确认。", seg.clause)
            return "per_project"
        return "per_enterprise"

    @staticmethod
    def _ent(sc) -> str:
        if "year" in sc:
            return "per_enterprise_year"
        if "cumulative" in sc:
            return "per_enterprise_total"
        return "per_enterprise"


__all__ = ["RuleWriter", "build_rule"]
