"""Placing a question by the document's own sentences: the clause whose text says what a figure or target question asks."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from assistant.understand.text import is_han, normalise
from assistant.understand.turn import Turn
from assistant.understand.zh import A_NOT_A_ANY
from corpus import Document

# --- clause text search: where the document itself says it ----------------------------------------------------

# A lookup asking for a figure, a target or where a provision is: the sentence that says it decides the clause.
# (Money questions about a rule — 比例 / 上限 / 最多 — are placed by the rule's concept words, which are reliable.)
_COUNT_Q = re.compile(r"几(个|家|项|条|所|批)|多少(个|家|项|条|所|批)|目标|培育|打造|创建|建几|建多少")
LOCATE_Q = re.compile(rf"{_COUNT_Q.pattern}|哪(一)?条|哪个条款|哪一款|哪(个)?部分|在哪(里|儿)?(规定|讲|说|写|提)|出自|原文|"
                       r"怎么(说|写|规定|讲)")
_NOISE_CHARS = re.compile(r"[\d的是了吗呢么几多少什哪谁怎啥有没要能可该那这个条讲说写呀吧啊,，.。?？]")
# how far (in summed idf) a clause's own sentence must lead the keyword topic's best sentence to take its place
_TEXT_LEAD = 2.0
_TEXT_MIN = 6.0


_INDEX: dict[int, tuple] = {}


def _sentence_index(doc: Document) -> tuple[list[tuple[str, str, frozenset]], dict[str, float]]:
    """Every sentence of a document as (clause id, normalised text, bigrams), and each bigram's idf (built once)."""
    import math

    from assistant.compose.text import bigrams, sentences

    hit = _INDEX.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    rows = []
    for c in doc:
        # a heading (主要任务 / 保障措施) is the text of a clause whose body is its children
        for sent in [*sentences(c.text), *([c.heading] if c.heading else [])]:
            n = normalise(sent)
            rows.append((c.id, n, frozenset(bigrams(n))))
    df: dict[str, int] = {}
    for _, _, bg in rows:
        for b in bg:
            df[b] = df.get(b, 0) + 1
    out = (rows, {b: math.log((len(rows) + 1) / k) for b, k in df.items()})
    if len(_INDEX) > 64:
        _INDEX.clear()
    _INDEX[id(doc)] = (doc, out)
    return out


def content_bigrams(t: str) -> set[str]:
    """The two-character pieces of a text that can name something (no digits, function or question characters)."""
    from assistant.compose.text import bigrams

    return {b for b in bigrams(normalise(t)) if not _NOISE_CHARS.search(b)}


def document_names(lex) -> frozenset[str]:
    """The bigrams of a document's own names (title, 文号, place): they say which document, never which clause."""
    if "names" not in lex.memo:
        place = lex.pack.meta.place
        names = [lex.doc.title, lex.doc.doc_number, *([place.name, *place.aliases] if place else [])]
        lex.memo["names"] = frozenset(content_bigrams("，".join(names)))
    return lex.memo["names"]


def shares_words(t: str, lex) -> bool:
    """Whether a question shares a content bigram with the document's text (its names aside): one sharing none
    (明天天气怎么样 / 股票怎么买) is about nothing the document speaks of."""
    _, idf = _sentence_index(lex.doc)
    return bool((content_bigrams(t) - document_names(lex)) & idf.keys())


# asking whether something counts toward a base (算进设备投资额里 / 含税还是不含税 / 增值税要不要扣掉)
INCLUSION_Q = re.compile(r"算进|算入|计入|算在[^,，。]{0,8}里|包括|包含|含不含|还是不含|扣掉|扣除")
# asking whether a kind of thing qualifies (国外软件算不算 / 是不是必须国产的 / 有没有指定名单): judged in its own clause
VARIANT_Q = re.compile(r"算不算|(是不是|是否)(必须|只能|一定要)|必须(是|用|为)|只能(是|用)|有没有指定|指定(的)?(名单|机构|单位)")
_SAID: dict[int, tuple] = {}
# nouns, distinguishing words (进口), set phrases (国外软件) and abbreviations; jieba reads 二手 as a numeral
_NOUN_TAGS = ("n", "nz", "nl", "ng", "nr", "nrt", "b", "l", "j", "m")
# a quantity (几台 / 一部分 / 两年 / 六百), not a kind of thing (二手): numerals alone, or ending in a measure word
_QUANTITY = re.compile(r"[\d一二三四五六七八九十百千万亿两几半零多每整这那些]+|.*[台套个件项次年月天日家条部批份种类位名分下点些]")


def unnamed_things(t: str, doc: Document) -> list[str]:
    """The nouns of a question that neither the document nor its adopted readings ever name (进口关税 / 海运费 /
    增值税 for 南康): what the question asks about, on which the document is silent."""
    from corpus import interpretations

    cut = _noun_cutter()
    hit = _SAID.get(id(doc))
    if hit is None or hit[0] is not doc:  # the document's words, joined once per document
        hit = (doc, normalise("".join(c.text for c in doc) + "".join(str(v) for it in interpretations(doc)
                                                                     for v in it.values())))
        _SAID[id(doc)] = hit
    said = hit[1]
    names = normalise(doc.title + doc.doc_number)
    return list(dict.fromkeys(w for w, tag in cut(t) if tag in _NOUN_TAGS and len(w) >= 2
                              and all(map(is_han, w)) and not (tag == "m" and _QUANTITY.fullmatch(w))
                              and not A_NOT_A_ANY.search(w)
                              and w not in said and w not in names and not _said_as_term(w, said)))


@lru_cache(maxsize=1)
def _noun_cutter():
    """jieba's part-of-speech cut with the glossary's words kept whole (工信部 / 规上 never split)."""
    import jieba
    import jieba.posseg

    from assistant.index.sparse import load_glossary

    jieba.setLogLevel(60)
    for t in load_glossary()["terms"]:
        for w in [t["term"], *(t.get("aliases") or ())]:
            jieba.add_word(str(w), tag="n")
    return jieba.posseg.cut


def is_noun(phrase: str) -> bool:
    """Whether a short phrase ends in a noun (五轴加工中心 / agv小车; not 等下)."""
    cut = [(w, tag) for w, tag in _noun_cutter()(phrase) if w.strip()]
    return bool(cut) and (cut[-1][1].startswith("n") or cut[-1][1] in ("vn", "eng", "j", "l"))


def _said_as_term(w: str, said: str) -> bool:
    """A glossary word the document says in another of its forms (技改 for 技术改造 / 工信部 for 工业和信息化部)."""
    forms = _glossary_forms().get(w)
    return bool(forms) and any(f in said for f in forms)


@lru_cache(maxsize=1)
def _glossary_forms() -> dict[str, tuple[str, ...]]:
    """Each glossary word → every form of its entry (term and aliases), built once."""
    from assistant.index.sparse import load_glossary

    out: dict[str, tuple[str, ...]] = {}
    for t in load_glossary()["terms"]:
        forms = tuple(str(f) for f in [t["term"], *(t.get("aliases") or ())])
        for f in forms:
            out[f] = out.get(f, ()) + forms
    return out


def text_scores(t: str, doc: Document, figure: bool = False) -> dict[str, float]:
    """Each clause's best sentence score for a (normalised) question: the summed idf of the bigrams they share,
    rare words weighing most; with `figure`, a sentence that carries a number is preferred."""
    try:
        rows, idf = _sentence_index(doc)
    except Exception:  # noqa: BLE001 - without the corpus no sentence places anything
        return {}

    # function words and digits say nothing about where (企业的 / 2024 would match 示范企业的 / 20万元), nor does the
    # title where a sentence repeats it (龙南技改意见哪一条提到稀土: the notice names the title, 三（五） speaks of 稀土)
    q = content_bigrams(t)
    title = content_bigrams(doc.title)
    titled = q - title
    out: dict[str, float] = {}
    for cid, sent, bg in rows:
        names_title = bool(title) and len(title & bg) >= 0.8 * len(title)
        score = sum(idf[b] for b in (titled if names_title else q) & bg)
        if score and figure and any(c.isdigit() for c in sent):
            score += 1.0
        if score > out.get(cid, 0.0):
            out[cid] = score
    return out


def text_leader(t: str, doc: Document) -> str | None:
    """The clause whose own sentence clearly answers a question the keyword topics do not place (执行中遇到的重大
    问题向谁反映 → the notice), or None."""
    scores = sorted(text_scores(t, doc).items(), key=lambda x: -x[1])
    if not scores or scores[0][1] < _TEXT_MIN or len(scores) > 1 and scores[0][1] < scores[1][1] + _TEXT_LEAD:
        return None
    return scores[0][0]


def place_by_text(turn: Turn, doc: Document) -> None:
    """Put first the clause whose own sentence answers a figure / target / where-is question (两化融合示范企业培育目标
    is 三（二）'s target, not 四（三）3's award), when it clearly beats the keyword topic's best sentence."""
    # the whole turn: a hotline question names its subject before the asking clause (…这类创新平台，目标是建几家)
    scores = text_scores(turn.text, doc, figure=bool(_COUNT_Q.search(turn.text)))
    if not scores:
        return
    best = max(scores, key=lambda c: (scores[c], -list(scores).index(c)))
    current = turn.topics[0] if turn.topics else None
    if best == current:
        return
    if current is None:
        if scores[best] >= _TEXT_MIN:
            turn.topics.insert(0, best)
        return
    if scores[best] >= scores.get(current, 0.0) + _TEXT_LEAD:
        if best in turn.topics:
            turn.topics.remove(best)
        turn.topics.insert(0, best)


def figure_clauses(t: str, figures: list[Decimal], doc: Document) -> list[str]:
    """The clause a figure asked about comes from (500万补助总额 → 四（三）6): among the parameters with that value,
    the one whose own words share most with the question."""
    if not figures:
        return []
    try:
        from tools.params import load_parameters

        params = list(load_parameters(doc.id))
    except Exception:  # noqa: BLE001 - without parameters a figure places nothing
        return []
    from assistant.compose.text import bigrams

    q = bigrams(t)
    out = []
    for amount in figures:
        cands = [p for p in params if p.unit == "元" and p.value == amount]
        if cands:
            best = max(cands, key=lambda p: len(q & bigrams(normalise(p.quote + p.label))))
            if best.clause not in out:
                out.append(best.clause)
    return out


__all__ = ["LOCATE_Q", "content_bigrams", "figure_clauses", "place_by_text", "text_scores"]
