"""Finding the clauses a free-text question names (4.3.5, 四（三）5, 第四部分第（三）项第5条)."""

from __future__ import annotations

import re

from corpus.model import normalise_reference

_CN = "一二三四五六七八九十"
# a number followed by a unit measures something (1.2亿, 2.5MW, 3.5千瓦, 1.5吨): it names no clause
_NOT_AMOUNT = (r"(?!\s*(?:万|亿|元|千|百|%|％|倍|年|月|日|号|个|家|项|名|人|次|亩|吨|米|瓦|兆|度|小时|平方|公里|公斤|斤|"
               r"[a-zA-Z]|:|：\d))")
_REF_PATTERNS = [
    # 4.3.5 / 第4.3.5条 (at least one dot; never part of a longer number or an amount such as 1.2亿)
    re.compile(rf"(?<![\d.．])(\d{{1,2}}(?:[.．]\d{{1,2}}){{1,3}})(?![\d.．]){_NOT_AMOUNT}"),
    # 四（三）5 / 四、（三）第5条 / 第四部分第（三）项第5条
    re.compile(
        rf"(第?[{_CN}]+(?:、|部分)?\s*第?[（(][{_CN}\d]+[)）]项?(?:\s*第?(?:\d{{1,2}}|[{_CN}]+)(?:[.．]|条|项|款)?)?)"
        rf"(?![\d{_CN}]){_NOT_AMOUNT}"
    ),
    # 第四部分第三项第5条 (no brackets)
    re.compile(rf"(第[{_CN}]+部分第[{_CN}\d]+项(?:第(?:\d{{1,2}}|[{_CN}]+)条)?)"),
    # 第四部分 alone
    re.compile(rf"(第[{_CN}]+部分)(?!第)"),
]
_NO_BRACKETS = re.compile(rf"第([{_CN}]+)部分第([{_CN}\d]+)项(?:第(\d{{1,2}}|[{_CN}]+)条)?")


def named_clause_ids(query: str) -> list[str]:
    """Dotted ids of the clauses a question names explicitly, in the order they appear."""
    q = query.replace("．", ".")
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pat in _REF_PATTERNS:
        for m in pat.finditer(q):
            s, e = m.span(1)
            if any(s < te and ts < e for ts, te in taken):
                continue
            ref = m.group(1)
            nb = _NO_BRACKETS.fullmatch(ref)
            if nb:
                ref = f"{nb.group(1)}（{nb.group(2)}）{nb.group(3) or ''}"
            cid = normalise_reference(ref.rstrip("项条款.、"))
            if re.fullmatch(r"\d+(\.\d+)*", cid):
                found.append((s, cid))
                taken.append((s, e))
    return [cid for _, cid in sorted(found)]
