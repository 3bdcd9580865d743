"""What-if helpers over a document's rules: where a threshold and a cap bind, how far a total is from the document cap."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from tools.amounts import parse_amount, quantize
from tools.params import load_parameters


def _rule(doc_id: str | None, rule_id: str | None, need: str):
    from corpus import default_corpus, default_document_id
    from corpus.packs import pack_for

    corpus = default_corpus()
    doc_id = doc_id or default_document_id(corpus)
    pack = pack_for(corpus.document(doc_id))
    rules = pack.rules.rules if pack.rules else ()
    for r in rules:
        if (rule_id is None or r.id == rule_id) and getattr(r, need if need != "cap" else "caps"):
            if need != "cap" or r.kind == "rate":
                return doc_id, r
    raise KeyError(rule_id or need)


def min_qualifying_base(doc_id: str | None = None, rule_id: str | None = None) -> Decimal:
    """The smallest base that qualifies under a rule with a threshold (the first such rule when none is named)."""
    doc_id, r = _rule(doc_id, rule_id, "threshold")
    return load_parameters(doc_id).value(r.threshold)


def cap_binding_amount(rate: Decimal, cap: Decimal) -> Decimal:
    """The smallest whole-yuan base whose award at `rate`, rounded to the fen, reaches `cap`
    (20万 at 20% → 100万; 5万 at 60% → 83,334, as 83,333 × 60% = 49,999.80)."""
    amount = (cap / rate).to_integral_value(rounding=ROUND_CEILING)
    # step back while a smaller whole amount still rounds to at least the cap
    while quantize((amount - 1) * rate) >= cap:
        amount -= 1
    return quantize(amount)


def cap_binding_base(doc_id: str | None = None, rule_id: str | None = None) -> Decimal:
    """The smallest whole-yuan base whose award under a capped rate rule reaches its first cap
    (6% with a 200万元 cap: 6% × 33,333,333 = 1,999,999.98 < cap; 33,333,334 reaches it)."""
    doc_id, r = _rule(doc_id, rule_id, "cap")
    P = load_parameters(doc_id)
    return cap_binding_amount(P.value(r.rate), P.value(r.caps[0].parameter))


def distance_to_tax_cap(total, local_tax) -> Decimal:
    """How much more the awards could grow before the document-wide cap binds; negative when already over it."""
    return quantize(parse_amount(local_tax) - parse_amount(total))


# the names the first document's tests and callers know
min_qualifying_equipment = min_qualifying_base
cap_binding_equipment = cap_binding_base

__all__ = ["cap_binding_amount", "cap_binding_base", "cap_binding_equipment", "distance_to_tax_cap",
           "min_qualifying_base", "min_qualifying_equipment"]
