"""The genre's words the drafter reads (grammar.yaml), loaded once and sorted longest first for matching."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

GRAMMAR = Path(__file__).with_name("grammar.yaml")


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted({str(w) for w in words or ()}, key=len, reverse=True))


@dataclass(frozen=True)
class Grammar:
    money_words: tuple[str, ...]
    award_words: tuple[str, ...]
    cap_words: tuple[str, ...]
    budget_words: tuple[str, ...]
    scope_words: dict[str, tuple[str, ...]]
    levels: tuple[tuple[str, str], ...]  # (word, slug), longest word first
    title_verbs: tuple[str, ...]
    item_heads: tuple[str, ...]
    enterprise_heads: tuple[str, ...]
    quantity_units: dict[str, dict[str, Decimal]]  # unit → conversions
    per_units: tuple[str, ...]
    count_units: tuple[str, ...]
    condition_leads: tuple[str, ...]
    negations: tuple[str, ...]
    stacking: dict[str, tuple[str, ...]]
    tiers: dict[str, tuple[str, ...]]
    interest: dict[str, tuple[str, ...]]
    reimburse: tuple[str, ...]
    eligibility: tuple[str, ...]
    announce: tuple[str, ...]

    def has(self, text: str, words) -> bool:
        return any(w in text for w in words)

    def first(self, text: str, words) -> str:
        """The first of `words` (longest first) that occurs in `text`; '' if none."""
        return next((w for w in words if w in text), "")


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    data = yaml.safe_load(GRAMMAR.read_text(encoding="utf-8")) or {}
    units = {str(u): {str(k): Decimal(str(v)) for k, v in ((spec or {}).get("conversions") or {}).items()}
             for u, spec in (data.get("quantity_units") or {}).items()}
    return Grammar(
        money_words=_longest_first(data.get("money_words")),
        award_words=_longest_first(data.get("award_words")),
        cap_words=_longest_first(data.get("cap_words")),
        budget_words=_longest_first(data.get("budget_words")),
        scope_words={k: _longest_first(v) for k, v in (data.get("scope_words") or {}).items()},
        levels=tuple(sorted(((str(k), str(v)) for k, v in (data.get("levels") or {}).items()),
                            key=lambda kv: len(kv[0]), reverse=True)),
        title_verbs=_longest_first(data.get("title_verbs")),
        item_heads=_longest_first(data.get("item_heads")),
        enterprise_heads=_longest_first(data.get("enterprise_heads")),
        quantity_units=dict(sorted(units.items(), key=lambda kv: len(kv[0]), reverse=True)),
        per_units=_longest_first(data.get("per_units")),
        count_units=_longest_first(data.get("count_units")),
        condition_leads=_longest_first(data.get("condition_leads")),
        negations=_longest_first(data.get("negations")),
        stacking={k: _longest_first(v) for k, v in (data.get("stacking") or {}).items()},
        tiers={k: _longest_first(v) for k, v in (data.get("tiers") or {}).items()},
        interest={k: _longest_first(v) for k, v in (data.get("interest") or {}).items()},
        reimburse=_longest_first(data.get("reimburse")),
        eligibility=_longest_first(data.get("eligibility")),
        announce=_longest_first(data.get("announce")),
    )


__all__ = ["Grammar", "grammar"]
