"""What a question asks that documents of this genre do not settle: the generic abstention categories, off-topic
and non-policy questions. A pack adds its own categories (lexicon `abstain`)."""

from __future__ import annotations

import re

from assistant.understand.zh import AWARD, TAKES_EFFECT, WHEN
from corpus.packs import PackError, genre_silences

OFF_TOPIC = re.compile(r"农业|农机|合作社|种植|养殖|帮我写|写一份|天气|下雨|气温|温度|股票|彩票|菜谱|做饭|电影|足球|篮球|笑话|写诗|唱歌|翻译|旅游|景点|房价|星座|算命")

# --- abstention categories (DESIGN §5 not-specified, validity) --------------------------------
# The categories are the genre's vocabulary, data in corpus/genre.yaml; a pack adds its own (lexicon `abstain`) and
# points to the clause that answers one where its document does speak (lexicon `answered`).
_SHARED = {"<AWARD>": AWARD, "<WHEN>": WHEN, "<TAKES_EFFECT>": TAKES_EFFECT}


def _compile(s) -> re.Pattern:
    words = s.words
    for token, vocabulary in _SHARED.items():
        words = words.replace(token, vocabulary)
    try:
        return re.compile(words)
    except re.error as e:
        raise PackError(f"corpus/genre.yaml 类别 {s.kind} 的问法不是有效的正则表达式：{e}") from None


_SILENCES = genre_silences()
ABSTAIN_PATTERNS: list[tuple[str, re.Pattern]] = [(s.kind, _compile(s)) for s in _SILENCES if s.words]
# what each category leaves open, as an answer names it (文件未规定……)
SILENCE_WHAT: dict[str, str] = {s.kind: s.what for s in _SILENCES}
# categories named by what the question is about, wherever the question says it (要是企业虚报…查出来怎么处理)
SUBJECT_KINDS = frozenset(s.kind for s in _SILENCES if s.subject)

__all__ = ["ABSTAIN_PATTERNS", "OFF_TOPIC", "SILENCE_WHAT", "SUBJECT_KINDS"]
