"""The genre's data (corpus/genre.yaml) compiled for understanding: the usual silences, the ways of asking about the
document itself, and off-topic questions. A pack adds its own silences (lexicon `abstain`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.understand.zh import AWARD, POLICY, PUBLISH, TAKES_EFFECT, WHEN
from corpus.packs import PackError, read_genre

OFF_TOPIC = re.compile(r"农业|农机|合作社|种植|养殖|帮我写|写一份|天气|下雨|气温|温度|股票|彩票|菜谱|做饭|电影|足球|篮球|笑话|写诗|唱歌|翻译|旅游|景点|房价|星座|算命")

_GENRE = read_genre()
# <NAME> in the genre's words: the code's generic word classes, then the file's own vocabularies (which may use them)
_TOKENS = {"AWARD": AWARD, "WHEN": WHEN, "TAKES_EFFECT": TAKES_EFFECT, "PUBLISH": PUBLISH, "POLICY": POLICY}
_TOKEN = re.compile(r"<([A-Z_]+)>")


def _fill(words: str, where: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) not in _TOKENS:
            raise PackError(f"corpus/genre.yaml {where}：没有名为 <{m.group(1)}> 的词表。")
        return "(?:" + _TOKENS[m.group(1)] + ")"
    return _TOKEN.sub(one, words)


for _name, _words in _GENRE.vocabulary.items():
    _TOKENS[_name] = _fill(_words, f"词表 {_name}")


def _compile(words: str, where: str) -> re.Pattern:
    try:
        return re.compile(_fill(words, where))
    except re.error as e:
        raise PackError(f"corpus/genre.yaml {where} 的问法不是有效的正则表达式：{e}") from None


# --- abstention categories (DESIGN §5 not-specified, validity) --------------------------------
# a pack points to the clause that answers one where its document does speak (lexicon `answered`)
ABSTAIN_PATTERNS: list[tuple[str, re.Pattern]] = [(s.kind, _compile(s.words, f"类别 {s.kind}"))
                                                  for s in _GENRE.silences if s.words and not s.dated]
# categories found by their dates, with the asking that goes with them (2021年底就竣工了 现在还能申报吗)
DATED_PATTERNS: list[tuple[str, re.Pattern]] = [(s.kind, _compile(s.words, f"类别 {s.kind}"))
                                                for s in _GENRE.silences if s.words and s.dated]
# the words a category needs beside one of the document's own titles
WITH_TITLES: dict[str, re.Pattern] = {s.kind: _compile(s.with_titles, f"类别 {s.kind}")
                                      for s in _GENRE.silences if s.with_titles}
# what each category leaves open, as an answer names it (文件未规定……)
SILENCE_WHAT: dict[str, str] = {s.kind: s.what for s in _GENRE.silences}
# categories named by what the question is about, wherever the question says it (要是企业虚报…查出来怎么处理)
SUBJECT_KINDS = frozenset(s.kind for s in _GENRE.silences if s.subject)
# silences whose answer does not quote the document's deferring sentence
UNPROCEDURAL = frozenset(s.kind for s in _GENRE.silences if not s.procedural)


# how the enterprise says its awards combine (就高 / 累加)
STACKING: list[tuple[str, re.Pattern]] = [(mode, _compile(w, f"stacking {mode}")) for mode, w in _GENRE.stacking.items()]


# where a document defers its application details (申报要求按相关规定执行), and its application section's heading
PROCEDURE: dict[str, re.Pattern] = {k: _compile(w, f"procedure {k}") for k, w in _GENRE.procedure.items()}


# --- the document's own facts (文号 / 印发日期 / 发文机关 / 几部分) ---------------------------------
@dataclass(frozen=True)
class _FactAsked:
    kind: str
    all_of: tuple[re.Pattern, ...]
    absent: re.Pattern | None
    # when a topic is named too: True asks anyway, False never, a pattern only where its words are also said
    with_topic: bool | re.Pattern
    then: bool

    def asked(self, text: str, topics: list[str]) -> bool:
        if not all(rx.search(text) for rx in self.all_of) or self.absent and self.absent.search(text):
            return False
        if not topics or self.with_topic is True:
            return True
        return bool(self.with_topic) and bool(self.with_topic.search(text))


def _fact_asked(f) -> _FactAsked:
    where = f"document_facts {f.kind}"
    with_topic = {"any": True, "none": False}.get(f.topic) if f.topic in ("any", "none") else _compile(f.topic, where)
    return _FactAsked(f.kind, tuple(_compile(w, where) for w in [f.words, *f.also]),
                      _compile(f.absent, where) if f.absent else None, with_topic, f.then)


_FACTS = [_fact_asked(f) for f in _GENRE.document_facts]


def document_facts_asked(text: str, topics: list[str]) -> list[str]:
    """The document facts a question asks, in the genre file's order (哪两个单位发的 哪天印发的: issuers and date); the
    entries put together from several words only when no fixed phrase matched, the first that fits."""
    kinds = list(dict.fromkeys(f.kind for f in _FACTS if not f.then and f.asked(text, topics)))
    if kinds:
        return kinds
    return next(([f.kind] for f in _FACTS if f.then and f.asked(text, topics)), [])


__all__ = ["ABSTAIN_PATTERNS", "DATED_PATTERNS", "OFF_TOPIC", "PROCEDURE", "SILENCE_WHAT", "STACKING", "SUBJECT_KINDS", "UNPROCEDURAL", "WITH_TITLES",
           "document_facts_asked"]
