"""What-if helpers for 四（三）1 and 四（三）7: where the threshold and the cap bind, how far a total is from the tax cap."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from tools.amounts import parse_amount, quantize
from tools.params import DEFAULT_DOC, load_parameters


def min_qualifying_equipment(doc_id: str = DEFAULT_DOC) -> Decimal:
    """The smallest equipment purchase that qualifies under 四（三）1 (达 = inclusive)."""
    return load_parameters(doc_id).value("equipment_threshold")


def cap_binding_amount(rate: Decimal, cap: Decimal) -> Decimal:
    """The smallest whole-yuan base whose award at `rate`, rounded to the fen, reaches `cap`
    (20万 at 20% → 100万; 5万 at 60% → 83,334, as 83,333 × 60% = 49,999.80)."""
    amount = (cap / rate).to_integral_value(rounding=ROUND_CEILING)
    # step back while a smaller whole amount still rounds to at least the cap
    while quantize((amount - 1) * rate) >= cap:
        amount -= 1
    return quantize(amount)


def cap_binding_equipment(doc_id: str = DEFAULT_DOC) -> Decimal:
    """The smallest whole-yuan equipment amount whose award reaches the per-enterprise cap.

    6% × 33,333,333 = 1,999,999.98 < cap; 6% × 33,333,334 = 2,000,000.04: the cap binds from 33,333,334."""
    P = load_parameters(doc_id)
    return cap_binding_amount(P.value("equipment_rate"), P.value("equipment_cap"))


def distance_to_tax_cap(total, local_tax) -> Decimal:
    """How much more the 四（三） awards could grow before the 四（三）7 cap binds; negative when already over it."""
    return quantize(parse_amount(local_tax) - parse_amount(total))


__all__ = ["cap_binding_amount", "cap_binding_equipment", "distance_to_tax_cap", "min_qualifying_equipment"]
