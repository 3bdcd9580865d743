"""Typed fact values a profile holds beyond amounts: dates of day/month/year precision, quantities with units, rates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tools.amounts import MAX_AMOUNT
from tools.errors import ProfileError

_DATE_RE = re.compile(r"^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?$")


@dataclass(frozen=True)
class DateSpan:
    """A date as precise as it was given: 2023-03-15, 2023-03 (the whole month) or 2023 (the whole year).

    Comparisons are three-valued: a span wholly on one side of a day decides; one that straddles it does not."""

    start: date
    end: date
    text: str

    def __str__(self) -> str:
        return self.text

    def isoformat(self) -> str:  # for JSON output
        return self.text

    def on_or_after(self, day: date) -> bool | None:
        if self.start >= day:
            return True
        if self.end < day:
            return False
        return None

    def on_or_before(self, day: date) -> bool | None:
        if self.end <= day:
            return True
        if self.start > day:
            return False
        return None


def parse_date(value, where: str = "日期") -> DateSpan:
    """2023-03-15, 2023-03, 2023年3月, 2023年3月15日, 2023 or a date object; ProfileError otherwise."""
    if isinstance(value, DateSpan):
        return value
    if isinstance(value, date):
        return DateSpan(value, value, value.isoformat())
    s = str(value).strip()
    m = _DATE_RE.match(s)
    if not m:
        raise ProfileError(f"{where}“{s[:40]}”无法识别，请写成 2023-03-15、2023-03 或 2023年3月 这样的形式。")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            day = date(y, int(mo), int(d))
            return DateSpan(day, day, day.isoformat())
        if mo:
            last = calendar.monthrange(y, int(mo))[1]
            return DateSpan(date(y, int(mo), 1), date(y, int(mo), last), f"{y:04d}-{int(mo):02d}")
        return DateSpan(date(y, 1, 1), date(y, 12, 31), f"{y:04d}")
    except ValueError as e:
        raise ProfileError(f"{where}“{s[:40]}”不是有效的日期。") from e


def parse_number(value, where: str, *, integer: bool = False) -> Decimal:
    """A non-negative count or number (年节能量、产品个数); ProfileError otherwise."""
    if isinstance(value, bool):
        raise ProfileError(f"{where}应为数字，收到“{value}”。")
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ProfileError(f"{where}应为数字，收到“{str(value)[:40]}”。") from None
    if not d.is_finite() or d < 0:
        raise ProfileError(f"{where}应为不小于零的数字，收到“{str(value)[:40]}”。")
    if d > MAX_AMOUNT:
        raise ProfileError(f"{where}“{str(value)[:40]}”过大，请检查。")
    if integer and d != d.to_integral_value():
        raise ProfileError(f"{where}应为整数，收到“{str(value)[:40]}”。")
    return d


_QTY_RE = re.compile(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*([^\d\s].*)?$")


def parse_quantity(value, unit: str, conversions: dict[str, Decimal], where: str) -> Decimal:
    """A quantity in the document's unit (千瓦): a number, or a number with that unit or a declared other unit
    (3.5兆瓦 → 3500). An undeclared unit is refused rather than guessed."""
    if not isinstance(value, str):
        return parse_number(value, where)
    m = _QTY_RE.match(value.replace("，", ","))
    if not m:
        raise ProfileError(f"{where}应为数量（{unit}），收到“{value[:40]}”。")
    n = parse_number(m.group(1), where)
    u = (m.group(2) or "").strip()
    if not u or u == unit:
        return n
    table = {k.lower(): v for k, v in conversions.items()}
    if u.lower() in table:
        return n * table[u.lower()]
    known = "、".join([unit, *conversions]) if conversions else unit
    raise ProfileError(f"{where}的单位“{u}”无法换算，请用{known}表示。")


def parse_rate(value, where: str) -> Decimal:
    """An interest rate: 3.55%, "3.55", 0.0355 → 0.0355. A bare number of 1 or more is read as percent."""
    s = str(value).strip() if not isinstance(value, (int, Decimal)) else value
    try:
        if isinstance(s, str) and s.endswith(("%", "％")):
            d = Decimal(s[:-1].strip()) / 100
        else:
            d = Decimal(repr(s)) if isinstance(s, float) else Decimal(str(s))
            if d >= 1:
                d = d / 100
    except (InvalidOperation, ValueError):
        raise ProfileError(f"{where}应为利率（如 3.55%），收到“{str(value)[:40]}”。") from None
    if not d.is_finite() or d < 0 or d >= 1:
        raise ProfileError(f"{where}应为 0 到 100% 之间的利率，收到“{str(value)[:40]}”。")
    return d


__all__ = ["DateSpan", "parse_date", "parse_number", "parse_quantity", "parse_rate"]
