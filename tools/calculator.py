"""The award calculator's public API: a profile in, the DESIGN §4 `award` object out, for any document with a pack."""

from __future__ import annotations

from datetime import date

from tools.award import INELIGIBLE, STATUS_TEXT, ZERO, AwardResult
from tools.engine import evaluate, status_text
from tools.errors import ParameterError, ProfileError
from tools.params import load_parameters
from tools.profile import Profile


def _pack(doc_id: str | None):
    from corpus import CorpusError, default_corpus, default_document_id
    from corpus.packs import pack_for

    corpus = default_corpus()
    try:
        doc = corpus.document(doc_id or default_document_id(corpus))
    except CorpusError as e:
        raise ParameterError(str(e)) from e
    pack = pack_for(doc)
    if pack.rules is None:
        raise ParameterError(f"文件 {pack.id}（{pack.meta.doc_number or pack.document.title}）没有载入奖补规则，"
                             "只能查阅条款，无法计算奖补金额。")
    return pack


def _resolve(profile, doc_id: str | None) -> tuple[Profile, str]:
    named = profile.doc if isinstance(profile, Profile) else (profile or {}).get("doc") if isinstance(profile, dict) else None
    pack = _pack(doc_id or named)
    return Profile.from_dict(profile, pack.id), pack.id


def calculate(profile: Profile | dict | None, *, doc_id: str | None = None, as_of: date | None = None) -> AwardResult:
    """Every award rule of the document the profile gives input for, the document-wide cap and the classifications.

    `total` assumes every unknown condition holds; a rule whose condition is known to fail adds 0. A document not in
    force on `as_of` (default today) pays nothing and says so first."""
    p, doc = _resolve(profile, doc_id)
    pack = _pack(doc)
    return evaluate(pack, p.facts, load_parameters(doc), as_of or date.today())


def evaluate_pack(pack, params, profile, as_of: date | None = None) -> AwardResult:
    """The award under a pack given directly (a draft under review, not in the library)."""
    p = Profile.from_dict(profile, pack.id, pack=pack)
    return evaluate(pack, p.facts, params, as_of or date.today())


def claimable(profile: Profile | dict | None, *, doc_id: str | None = None, as_of: date | None = None) -> list[dict]:
    """Every award rule of the document for a 政策计算器 view: status, amount if known, conditions, responsible unit."""
    p, doc = _resolve(profile, doc_id)
    pack = _pack(doc)
    result = evaluate(pack, p.facts, load_parameters(doc), as_of or date.today(), only_triggered=False)
    rows = []
    for item in result.items:
        amount = ZERO if item.status == INELIGIBLE else item.amount
        rows.append({
            "doc": pack.id, "doc_number": pack.meta.doc_number, "doc_status": result.doc_status,
            "rule": item.rule, "clause": item.clause, "label": item.label, "title": item.title,
            "status": item.status, "status_text": STATUS_TEXT[item.status], "amount": amount,
            "amount_text": item.amount_text, "rule_text": item.hint, "maximum": item.maximum,
            "conditions": [c.to_dict() for c in item.conditions],
            "unknown_conditions": [c.text for c in item.open_conditions] if item.status != INELIGIBLE else [],
            "units": list(item.units) or list(pack.document.responsible_units(item.clause)),
            "steps": list(item.steps), "notes": list(item.notes),
        })
    return rows


def in_force_documents(as_of: date | None = None) -> list[str]:
    """Ids of the documents with award rules that are in force on `as_of` (default today), in corpus order."""
    from corpus import default_corpus
    from corpus.packs import pack_for

    day = as_of or date.today()
    out = []
    for doc in default_corpus():
        pack = pack_for(doc)
        if pack.rules is not None and pack.status_on(day) == "in_force":
            out.append(doc.id)
    return out


def calculate_all(profile: dict | None, *, as_of: date | None = None) -> dict:
    """The claimable list across every in-force document (政策找企业): each document's award for the facts it knows.

    A key no loaded document declares is refused; each document reads only the keys it declares. With the registered
    place stated, only the documents of that place apply (and `total` is theirs); without it, each document is
    computed on its own and no sum across jurisdictions is made."""
    from corpus import default_corpus
    from corpus.packs import pack_for
    from tools.engine import PLACE_FACT

    data = dict(profile or {})
    data.pop("doc", None)
    known: set[str] = set()
    for doc in default_corpus():
        pack = pack_for(doc)
        if pack.rules is not None:
            known |= set(pack.rules.inputs)
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ProfileError(f"企业情况中有无法识别的字段：{'、'.join(map(str, unknown))}。可用字段：{'、'.join(sorted(known))}。")
    day = as_of or date.today()
    place = str(data.get(PLACE_FACT) or "").strip()
    docs, skipped = [], []
    for doc in default_corpus():
        pack = pack_for(doc)
        if pack.rules is None:
            skipped.append({"doc": doc.id, "reason": "未载入奖补规则"})
            continue
        status = pack.status_on(day)
        if status != "in_force":
            skipped.append({"doc": doc.id, "reason": status_text(pack, status)})
            continue
        p = Profile.from_dict(data, doc.id, strict=False)
        result = calculate(p, doc_id=doc.id, as_of=day)
        applies = None if not place or pack.place is None else _place_matches(pack, place)
        if applies is False:
            skipped.append({"doc": doc.id, "reason": f"注册地“{place}”不在{pack.place.name}，本文件不适用"})
            continue
        docs.append({"doc": doc.id, "doc_number": pack.meta.doc_number, "place": pack.place.name if pack.place else "",
                     "applies": applies, "award": result.to_dict(), "claimable": claimable(p, doc_id=doc.id, as_of=day)})
    total = sum((d["award"]["total"] for d in docs), ZERO) if place else None
    note = "" if place else "未说明注册地：各文件分别测算，企业只能享受注册地所在文件的奖补，不跨地区合计"
    return {"as_of": day.isoformat(), "registered_place": place or None, "total": total, "note": note,
            "documents": docs, "skipped": skipped}


def _place_matches(pack, place: str) -> bool | None:
    names = [pack.place.name, *pack.place.aliases]
    if any(n and n in place for n in names):
        return True
    if pack.place.within and place.rstrip("市") == pack.place.within.rstrip("市"):
        return None
    return False


__all__ = ["AwardResult", "calculate", "evaluate_pack", "calculate_all", "claimable", "in_force_documents"]
