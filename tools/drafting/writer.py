"""A draft written out: the pack files (meta.yaml marked draft, rules.yaml with a review section per rule, source.txt)
and the JSON summary (`rules draft --json`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from tools.drafting.draft import Draft
from tools.drafting.model import PENDING

DRAFT_STATUS = "draft"
RULES_HEADER = (
    "# 规则草案（待审核）：由 `policy-assistant rules draft` 从原文起草，审核前不会用于任何回答。\n"
    "# 每条规则的 review 段写明置信度、依据的原文和需要政策办确认的问题；逐条把 review.status 改为\n"
    "# 采纳 / 修改 / 不采纳（或在网页“一致性评测”页的“规则草案”面板操作），然后运行 `policy-assistant rules accept 草案目录`。\n"
    "# 词汇见 docs/packs.md；金额单位为元，比例为带引号的小数。\n"
)
META_HEADER = "# 文件信息草案（待审核）：status: draft 的文件夹不会被载入。审核通过后由 rules accept 改写。\n"


def rules_dict(draft: Draft) -> dict:
    """rules.yaml of the draft, in the pack vocabulary plus review sections."""
    m = draft.meta
    params = {}
    inputs = dict(draft.inputs)
    for r in draft.rules:
        for name, p in r.params.items():
            params[name] = p.to_yaml()
        inputs.update(r.inputs)
    for name, p in draft.parameters.items():
        params[name] = p.to_yaml()
    effective = m.effective or m.issued or date.today()
    out: dict = {"doc": draft.doc_id, "effective": effective}
    if m.validity_clause:
        out["validity_clause"] = m.validity_clause
    if m.event_window and m.event_window[0] != (m.effective or m.issued):
        out["event_window"] = [m.event_window[0], m.event_window[1]]
    out["parameters"] = params
    out["inputs"] = inputs
    if draft.eligibility:
        out["eligibility"] = [dict(c) for c in draft.eligibility]
    out["rules"] = [{**r.spec, "review": r.review()} for r in draft.rules]
    if draft.document_cap:
        out["document_cap"] = draft.document_cap
    if draft.budgets:
        out["budgets"] = draft.budgets
    if draft.classifications:
        out["classifications"] = draft.classifications
    out["review"] = {
        "status": PENDING, "drafted": date.today(),
        "questions": [q.text for q in [*draft.meta_questions, *draft.questions]],
        "unparsed": [f"{u['label']}：{u['text']}" for u in draft.unparsed],
    }
    return out


class _Dumper(yaml.SafeDumper):
    """No anchors and aliases (&id001 / *id001): the office edits these files by hand."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(data: dict, header: str = "") -> str:
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def write_draft(draft: Draft, folder: Path) -> Path:
    """Write the draft pack into `folder` (created); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(draft.document.source, encoding="utf-8")
    (folder / "meta.yaml").write_text(dump_yaml(draft.meta.to_yaml_dict(), META_HEADER), encoding="utf-8")
    (folder / "rules.yaml").write_text(dump_yaml(rules_dict(draft), RULES_HEADER), encoding="utf-8")
    return folder


def draft_json(draft: Draft) -> dict:
    """The `--json` summary: amounts in yuan, rates as fractions, counts and years as numbers."""
    m = draft.meta
    rules = []
    for r in draft.rules:
        conds = [c for c in r.spec.get("conditions", [])]
        caps = r.spec.get("caps", [])
        rules.append({
            "id": r.id, "clause": r.clause, "label": draft.document.clauses[r.clause].label, "title": r.title,
            "kind": r.kind, "parameters": [p.to_json() for p in r.params.values()],
            "conditions": [{"id": c.get("id", ""), "text": c.get("text", ""), "fact": c.get("fact", ""),
                            "op": c.get("op", "true"), **({"value": c["value"]} if "value" in c else {}),
                            **({"parameter": c["parameter"]} if c.get("parameter") else {}),
                            **({"clause": c["clause"]} if c.get("clause") else {})} for c in conds],
            "caps": [dict(c) for c in caps], "confidence": r.confidence,
            "questions": [q.text for q in r.questions], "sentences": list(r.sentences), "review": PENDING,
        })
    for name, p in draft.parameters.items():
        kind = "budget" if p.role == "budget" else "classification"
        rules.append({"id": name, "clause": p.clause, "label": draft.document.clauses[p.clause].label, "title": p.label,
                      "kind": kind, "parameters": [p.to_json()], "conditions": [], "caps": [], "confidence": 0.8,
                      "questions": [], "sentences": [p.quote], "review": PENDING})
    if draft.document_cap:
        dc = draft.document_cap
        rules.append({"id": dc["id"], "clause": dc["clause"], "label": draft.document.clauses[dc["clause"]].label,
                      "title": dc["label"], "kind": "document_cap", "parameters": [], "conditions": [], "caps": [],
                      "confidence": 0.85, "questions": [], "sentences": [dc["full"]], "review": PENDING})
    return {
        "doc": draft.doc_id,
        "status": DRAFT_STATUS,
        "meta": {k: v for k, v in m.to_yaml_dict().items() if k not in ("status", "review")},
        "rules": rules,
        "eligibility": [dict(c) for c in draft.eligibility],
        "unparsed": [u["text"] for u in draft.unparsed],
        "unparsed_detail": list(draft.unparsed),
        "questions": [q.text for q in draft.all_questions],
        "question_detail": [q.to_dict() for q in draft.all_questions],
        "sentences": list(draft.sentences),
    }


__all__ = ["DRAFT_STATUS", "dump_yaml", "draft_json", "rules_dict", "write_draft"]
