"""JSON output for objects holding exact Decimal amounts: whole yuan as integers, fen kept exact."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def plain(obj: Any) -> Any:
    """Recursively turn Decimals into int (whole) or a float whose repr is the exact decimal.

    Amounts are capped at 10^12 yuan with two decimals: at most 15 significant digits, which a
    float's shortest repr reproduces exactly, so the JSON text equals the Decimal."""
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if hasattr(obj, "to_dict"):
        return plain(obj.to_dict())
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def dumps(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(plain(obj), ensure_ascii=False, indent=indent)
