"""Which clauses a question is about: the lexicon's concept words for each clause, and clause numbers it names."""

from __future__ import annotations

import re

from assistant.understand.lexicon import Lex
from assistant.understand.text import normalise
from corpus import named_clause_ids
from corpus.model import cn_to_int

# 第5条 with no section names the document's own 第五条, or the item of the lexicon's `article_section`
_ARTICLE_RE = re.compile(r"第(\d+|[一二三四五六七八九十]+)条")
_RANGE_WORD = re.compile(r"到|至|~|-|—|～")


def clause_reference(t: str, lex: Lex) -> str | None:
    """The clause a (normalised) question names by number, in this document's numbering."""
    ids = named_clause_ids(t)
    if len(ids) >= 2 and ids[0].rpartition(".")[0] and ids[0].rpartition(".")[0] == ids[1].rpartition(".")[0] \
            and _RANGE_WORD.search(t):
        return ids[0].rpartition(".")[0]  # 三（一）到三（五）: the range of a parent's items is the parent
    if ids:
        return ids[0]
    m = _ARTICLE_RE.search(t)
    if not m:
        return None
    n = cn_to_int(m.group(1))
    if lex.words.article_section and lex.doc.find(f"{lex.words.article_section}.{n}") is not None:
        return f"{lex.words.article_section}.{n}"
    item = re.match(r"[（(]([一二三四五六七八九十]+)[)）]", t[m.end():])  # 第九条（二）: the article's item
    if item and lex.doc.find(f"{n}.{cn_to_int(item.group(1))}") is not None:
        return f"{n}.{cn_to_int(item.group(1))}"
    return str(n)


def _matches(t: str, lex: Lex) -> list[tuple[int, int, str, int]]:
    out = []
    for rank, (cid, rx) in enumerate(lex.topics):
        for m in rx.finditer(t):
            if m.end() > m.start():
                out.append((m.start(), m.end(), cid, rank))
    # a term inside a longer term of another topic does not count (技术改造项目 in 技术改造项目库), nor inside a longer
    # name of a figure another clause reads (设备 in 设备资源, a stage of 上云)
    longer = [(o[0], o[1], {o[2]}) for o in out]
    for fact, rx, _ in lex.amounts:
        reading = lex.clauses_reading(lex.path(fact))
        if reading:
            longer += [(m.start(), m.end(), reading) for m in rx.finditer(t) if m.end() > m.start()]
    return [m for m in out if not any(m[2] not in cids and s <= m[0] and m[1] <= e and (e - s) > (m[1] - m[0])
                                      for s, e, cids in longer)]


def _headings_in(t: str, lex: Lex) -> list[tuple[str, tuple[int, int]]]:
    """Clauses named by their heading, or by its last four characters or more (加强金融支持 → 金融支持)."""
    if "headings" not in lex.memo:
        lex.memo["headings"] = [(c.id, normalise(c.heading)) for c in lex.doc if len(c.heading) >= 4]
    out = []
    for cid, h in lex.memo["headings"]:
        at = next(((t.find(h[k:]), len(h) - k) for k in range(len(h) - 3) if h[k:] in t), None)
        if at is not None:
            out.append((cid, (at[0], at[0] + at[1])))
    return out


def topics_of(t: str, lex: Lex) -> list[str]:
    """The clause topics a (normalised) text names, most relevant first."""
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for start, end, cid, rank in _matches(t, lex):
        scores[cid] = scores.get(cid, 0) + 1 + (end - start) / 10
        order.setdefault(cid, rank)
    for cid, (a, b) in _headings_in(t, lex):
        scores[cid] = scores.get(cid, 0) + 3 + (b - a) / 10  # 总体目标里… / 金融支持是怎么说的: the clause by its heading
        order.setdefault(cid, -1)
    for cid, (other, keep_if) in lex.yields.items():
        if cid in scores and other in scores and not (keep_if is not None and keep_if.search(t)):
            del scores[cid]
    return sorted(scores, key=lambda c: (-scores[c], order[c]))


def topics_in_order(t: str, lex: Lex) -> list[str]:
    """The clause topics a text names, in the order it first names them (设备奖补和上云补贴: 4.3.1, 4.3.5)."""
    found = topics_of(t, lex)
    first = {}
    for start, _, cid, _ in _matches(t, lex):
        first[cid] = min(first.get(cid, start), start)
    return sorted(found, key=lambda c: first.get(c, len(t)))


__all__ = ["clause_reference", "topics_in_order", "topics_of"]
