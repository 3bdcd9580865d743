"""Question text as the understanding reads it: one normalise() for every entry point, typo repair, segments."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3400-\u9fff"
# spaces between two Chinese words separate them, as a comma would (已经投产 统计局那边入库了 龙南注册)
# (and between an amount and the next one: 设备2,450万 500万那个…; and before a year: …工业软件 2024年开工)
_SPACE_BETWEEN_WORDS = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])|(?<=[万元亿%])[ \t\u3000]+(?=[\da-zA-Z])|(?<=[{_CJK}])[ \t\u3000]+(?=(19|20)\d\d年)")
_SPACED_OUT = re.compile(rf"(?:^|[ \t\u3000])[{_CJK}](?:[ \t\u3000]+[{_CJK}](?![{_CJK}])){{2,}}")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
# a percentage in Chinese numerals (百分之三点四五): written in digits (3.45%) so every reader of rates reads it
_CN_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百]+)(?:点([零〇一二两三四五六七八九]+))?")


def _percent_in_digits(m: re.Match) -> str:
    from corpus.model import cn_to_int

    try:
        whole = str(cn_to_int(m.group(1)))
    except ValueError:
        return m.group(0)
    frac = "".join(str(cn_to_int(ch)) for ch in m.group(2) or "")
    return f"{whole}.{frac}%" if frac else f"{whole}%"


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # noqa: BLE001 - without opencc traditional characters are read as typed
        return None


def is_han(ch: str) -> bool:
    """Whether a character is a Chinese one (CJK unified ideographs and extension A)."""
    return "\u3400" <= ch <= "\u9fff"


def _halfwidth(text: str) -> str:
    out = []
    for ch in text or "":
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def normalise(text: str) -> str:
    """Traditional to simplified (opencc), full-width to half-width, lower case; spaces between Chinese words
    become commas, other spaces go. Every entry point reads questions through this."""
    s = _halfwidth(text if isinstance(text, str) else "")
    conv = _t2s()
    if conv is not None and any(map(is_han, s)):
        s = conv.convert(s)
    s = s.lower()
    # 上 云 补 贴 比 例: characters typed one by one are one word; spaces between words separate them
    if not _SPACED_OUT.search(s):
        s = _SPACE_BETWEEN_WORDS.sub("，", s)
    return _CN_PERCENT.sub(_percent_in_digits, _SPACES.sub("", s))
# --- fuzzy policy terms ----------------------------------------------------------------------

# Characters people type instead of a policy term's own (pinyin-IME homophones and look-alikes): 服务形制造,
# 两化容合, 上去补贴. A typo is corrected only where the rest of a glossary term matches exactly.
_CONFUSABLE = {
    "型": "形行", "融": "容溶蓉荣", "合": "和", "云": "去芸运耘", "竣": "峻俊骏浚", "统": "筒桶", "贯": "惯灌",
    "标": "表彪", "规": "归", "设": "社", "备": "被倍", "奖": "将", "贴": "帖", "节": "结", "析": "晰西",
    "识": "视", "制": "治质", "造": "早燥", "示": "式", "范": "犯泛饭", "服": "福", "库": "酷", "项": "向",
    "资": "姿咨", "税": "说", "留": "流", "实": "时", "财": "才材", "改": "该", "技": "机", "智": "知",
    "化": "花画", "两": "俩量", "贷": "代袋", "订": "定", "络": "落洛", "诊": "珍", "断": "段",
}
# A two-character term with a typo (上去) counts only before a word that makes it a policy term (上去补贴).
_SHORT_TERM_NEXT = "补奖费比企项"


@lru_cache(maxsize=1)
def _typo_variants() -> dict[str, str]:
    """Each misspelling (one confusable character) of a glossary term or alias → the term as written."""
    try:
        from assistant.index.sparse import load_glossary

        terms = load_glossary()["terms"]
    except Exception:  # noqa: BLE001 - without the glossary, questions are read as typed
        return {}
    terms = list(terms) + [{"term": w} for w in _lexicon_terms()]
    words = set()
    for t in terms:
        for w in [t["term"], *(t.get("aliases") or [])]:
            w = str(w)
            if len(w) >= 2 and all(map(is_han, w)):
                words.add(w)
    out: dict[str, str] = {}
    for w in sorted(words, key=len):
        for i, ch in enumerate(w):
            for typo in _CONFUSABLE.get(ch, ""):
                v = w[:i] + typo + w[i + 1:]
                if v not in words:
                    out.setdefault(v, w)
    return out


def _lexicon_terms() -> set[str]:
    """Plain words of every loaded pack's lexicon (input labels, title and topic words without regex syntax)."""
    try:
        from corpus import default_corpus
        from corpus.packs import pack_for

        words: set[str] = set()
        for doc in default_corpus():
            pack = pack_for(doc)
            if pack.rules:
                for spec in pack.rules.inputs.values():
                    words.add(spec.label)
            for t in pack.lexicon.topics:
                words |= {w for w in t.words.replace("(", "|").replace(")", "|").replace("?", "|").split("|") if len(w) >= 3 and all(map(is_han, w))}
        return words
    except Exception:  # noqa: BLE001 - the lexicon adds terms; the glossary alone still works
        return set()


def correct_terms(t: str) -> str:
    """Misspelt policy terms replaced by the glossary's spelling; one character for one, so spans stay valid."""
    variants = _typo_variants()
    if not variants:
        return t
    lengths = sorted({len(v) for v in variants}, reverse=True)
    out, i = [], 0
    while i < len(t):
        for n in lengths:
            v = t[i:i + n]
            if len(v) == n and v in variants and (n > 2 or t[i + n:i + n + 1] in tuple(_SHORT_TERM_NEXT)):
                out.append(variants[v])
                i += n
                break
        else:
            out.append(t[i])
            i += 1
    return "".join(out)


# Segment delimiters: facts and negations are judged within one segment (a comma must not merge a digit group; a
# remark in brackets is a segment of its own, a numbered item's bracket 四(三)1 is not).
# where a sentence ends (a segment ends at a comma too)
SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_SEG_RE = re.compile(r"[。；;！!？?\n：:]|(?<!\d),|,(?!\d{3}(?!\d))|，|\((?![一二三四五六七八九十\d]{1,3}\))|(?<![(一二三四五六七八九十\d])\)")


def segments(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SEG_RE.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _segment_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e or (pos == e and s < e):
            return s, e
    return pos, pos


__all__ = ["SENTENCE_END", "correct_terms", "is_han", "normalise", "segment_of", "segments"]
segment_of = _segment_of
