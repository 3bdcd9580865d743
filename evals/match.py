"""Text matching for eval expectations: width, white space and the 万/亿/元 forms of one amount compare equal."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# a number (thousands separators allowed) followed by a money unit: 72万元, 1.2亿, 1,999,999.98元, 72 万
_AMOUNT_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(亿元|万元|亿|万|元)")
_SCALE = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "": Decimal(1)}
_WS_RE = re.compile(r"\s+")


def canonical_amount(value: Decimal) -> str:
    """Yuan as the shortest exact decimal: 720000, 1999999.98 (never 7.2E+5)."""
    q = value.quantize(Decimal("0.01"))
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _amount_token(m: re.Match) -> str:
    digits, unit = m.group(1).replace(",", ""), m.group(2)
    try:
        value = Decimal(digits) * _SCALE[unit.rstrip("元")]
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return m.group(0)
    # the brackets keep 72万 from matching inside 172万 once both are written out in yuan
    return f"⟨{canonical_amount(value)}元⟩"


def normalise(text: str) -> str:
    """Half-width, no white space, lower-case Latin, every money amount written as ⟨yuan元⟩."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = _WS_RE.sub("", s).lower()
    return _AMOUNT_RE.sub(_amount_token, s)


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` appears in `haystack` after normalising both; a bare number never matches inside a longer one."""
    n = normalise(needle)
    if not n:
        return True
    h = normalise(haystack)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", n):
        # 1,999,999.98 written without its 元: the office means that amount, however the answer writes it
        n = f"⟨{canonical_amount(Decimal(n.replace(',', '')))}元⟩"
    pattern = re.escape(n)
    if n[0].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if n[-1].isdigit():
        pattern += r"(?!\.?\d)"
    return re.search(pattern, h) is not None
