"""The asking part of a turn, apart from its statements about the enterprise, and the kinds of question it asks."""

from __future__ import annotations

import re

from assistant.understand.text import segment_of, segments
from assistant.understand.zh import MODAL_Q, QUESTION, SELF, WH, YESNO

# A segment that asks something (the delimiter after it included: 补贴什么时候到账？ / 是按A还是B).
Q_MARK = re.compile(rf"{QUESTION}|多久|请问|咨询|(是|按)[^,，。]{{0,12}}还是")
_OWN_STATEMENT = re.compile(rf"{SELF}|我的|公司|厂|\d{{3,}}")


def asking_text(t: str) -> str:
    """The text of a turn without its plain statements about the enterprise (我的电话13807970000 / 我司主营稀土材料):
    a keyword there is a fact, not the question."""
    kept = [t[a:b] for a, b in segments(t)
            if Q_MARK.search(t[a:b + 1]) or not _OWN_STATEMENT.search(t[a:b])]
    return "，".join(kept)

# The clause(s) that carry the question: a question word, or a trailing request (请问…/想问…/帮我算…).
REQUEST = re.compile(r"请问|想问|我想问|问一下|问下|咨询一下|帮我(算|看|查|测算)|麻烦(算|看|问)")
# A clause that states something about the enterprise (我们…, amounts, 已…了) is a statement, not the question.
_STATEMENT = re.compile(r"我|本(企业|公司|单位)|公司|厂|\d|了|已|刚")


def question_focus(t: str, has_topic=None) -> str:
    """The asking part of a (normalised) turn. Statements before it (我是一家做稀土永磁材料的企业) describe the enterprise:
    their keywords feed the profile and must not decide the route. Without any question word, the whole turn."""
    segs = segments(t)
    req = None
    for m in REQUEST.finditer(t):
        req = m
    if req is not None:
        start = segment_of(segs, req.start())[0]
        kept = [t[max(a, req.start()):b] for a, b in segs if b > start and b > req.start()]
        return "，".join(kept)
    asking = [i for i, (a, b) in enumerate(segs) if Q_MARK.search(t[a:b + 1])]
    if not asking:
        return t
    keep: list[int] = []
    for i in asking:
        # 申报材料方面，需要准备什么: a question naming no subject of its own takes the phrase just before it
        if i > 0 and i - 1 not in asking and not _STATEMENT.search(t[segs[i - 1][0]:segs[i - 1][1]]) \
                and not (has_topic(t[segs[i][0]:segs[i][1]]) if has_topic else False):
            keep.append(i - 1)
        keep.append(i)
    return "，".join(t[segs[i][0]:segs[i][1]] for i in sorted(set(keep)))


# Whether two of the document's own rules combine (设备奖补另算吗 / 上云奖补可以同时拿吗): not a scope question.
SEPARATE_Q = re.compile(r"另算|单独算|分开算|单独计算|另外算|分别算|另行计算|叠加|同时(拿|享受|申请|领|获得)|一起(拿|算|享受|申请)|"
                         r"都能(拿|享受)|兼得|(能|可以|能不能|可不可以|还能)?(也|同时|一起|再|还)(能)?(拿|享受|申请|领)")
# A question about what an amount is computed on (补贴按哪个数算 / 基数是什么 / 怎么算)
_BASIS = rf"按{WH}[^,，。]{{0,4}}(算|计算|核定)|怎么算|如何计算|基数"
BASIS_Q = re.compile(_BASIS)
# the clause as written: 原文 / 念一下 / 怎么说的 / 写的什么
WHOLE_Q = re.compile(r"原文|全文|原话|[念读](一)?下|完整|怎么(说|写|讲)|(说|写|讲)(的)?(是)?(什么|啥)")
# 那南康有没有类似的 / 这边有没有一样的政策: the rule just talked about, asked of another document
LIKE_Q = re.compile(r"(类似|同样|一样|相同|相应|对应)的|这种|这样的")
# An interpretive question about a rule: the adopted reading is part of the answer (DESIGN §5).
INTERPRETIVE_Q = re.compile(rf"还是|含不含|包不包括|包括不包括|包含|是否包括|本身|(?:{MODAL_Q}|能不能|可不可以)(同时|分别)|"
                            rf"叠加|每个|是什么意思|什么意思|怎么理解|如何理解|指什么|是指|{_BASIS}|"
                            r"是固定的|固定(的)?吗|上限|最多|最高|封顶|条件|单个企业的|是单个|每家")
REQUIRE_Q = re.compile(r"要求|需要|必须|必要|前提|才(能|可以)|要不要|需不需要|是否要|限(于|定)|只(有|限)")
YESNO_Q = re.compile(YESNO)
