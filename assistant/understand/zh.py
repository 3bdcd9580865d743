"""Generic Chinese word classes the understanding stage builds its patterns from: each class is written once, here."""

from __future__ import annotations

import re


def one_of(*words: str) -> str:
    """A non-capturing alternation of words (or fragments), to compose into patterns."""
    return "(?:" + "|".join(words) + ")"


# the enterprise speaking of itself
SELF = one_of("我们", "我司", "本企业", "我公司", "本公司", "我单位", "我厂", "我家", "咱们", "咱")
# the money a policy gives
AWARD = one_of("奖励", "奖补", "补助", "补贴")
# the ways Chinese asks: particles, wh-words, modal and A-not-A forms (能不能 / 是不是)
PARTICLE_Q = one_of("吗", "么", "呢", r"\?", r"(?<=[\u4e00-\u9fa5])(?<![要得])不(?=[,，。;；!！?？\s]|$)",
                    r"(?<=[\u4e00-\u9fa5])(?<![还都也并从就早])没(?=[,，。;；!！?？\s]|$)")  # 还执行不 / 还有效没: V不, V没 end a question
WH = one_of("什么", "啥", "哪", "怎么", "怎样", "如何", "多少", "几", "谁", "何")
MODAL_Q = one_of("是否", "能否", "可否")
A_NOT_A = one_of("能不能", "可不可以", "要不要", "需不需要", "算不算", "是不是", "有没有", "含不含", "包不包括", "属不属于",
                 "符不符合", "够不够")
YESNO = one_of("吗", MODAL_Q, A_NOT_A)
QUESTION = one_of(PARTICLE_Q, WH, MODAL_Q, A_NOT_A)
# A-not-A of any verb (算不算 / 有没有 / 达没达到), where it stands alone
A_NOT_A_ANY = re.compile(r"([\u4e00-\u9fa5])[不没]\1")
# negators before a fact (还没竣工 / 不是规上 / 未入统), not the 不 of 不过 / 不但 / 不仅 …
NEG = one_of(r"不(?!过|但|仅|久|少|断|错|论|管|同|只)", "没(?!多久|几天|错|问题)", "未(?!来)", "非(?!常)", "无(?!论)", "尚未", "并未", "还没",
             "还未", "没有", "不是", "不属于", "未能", "没能", "不再")
# a sum the user computes (合起来 / 一共)
SUM = one_of("加起来", "加在一起", "合起来", "合计", "一共", "总共", "共计", "总计", "累计", "一起")
SUM_RE = re.compile(SUM)
# each of several (各付了1万 / 分别多少 / 每级)
EACH = one_of("各", "分别", "每个", "每项", "每级", "均", "都是")
# what money went to (是设备 / 用于上云 / 花在软件上)
SPENT_ON = one_of("是", "为", "用于", "用在", "花在", "买了", "买的")
# a supposition (如果 / 换成)
IF = one_of("如果", "假如", "要是", "假设", "倘若")  # a bare 若 only where it opens a clause (若干)
CHANGE_TO = one_of("换成", "改成", "改为", "变成")
# a limit on money
CAP = one_of("封顶", "上限", "限额", "顶格")
# a document being issued
PUBLISH = one_of("印发", "发布", "出台", "下发", "颁布")
# when
WHEN = one_of("什么时候", "啥时候", "何时", "哪天", "几月", "多久", "多长时间")
# a document as people call it (政策 / 办法 / 文件), and its taking effect
POLICY = one_of("政策", "文件", "办法", "措施", "意见", "规定", "通知")
TAKES_EFFECT = one_of("施行", "实施", "执行", "生效")
# the enterprise's own place, as said (市 / 县这边 / 本地)
HERE = r"(?:市|县|区)?(?:这边|那边|本地|当地)?"
# a title being won (获评 / 评上)
TITLE_WON = one_of("获得", "获评", "被评", "评为", "评上", "被认定", "认定", "拿到", "入选", "新获", "刚获")
# a place denied (不在龙南 / 不是南康的)
NOT_AT = one_of("不是", "不在", "没有", "并非", "非", "没") + "(?:在)?"
# the last word of a government body's name (区发改委 / 市财政局 / 县工业园区管委会)
ORGAN = one_of("局", "委", "办", "中心", "管委会")
# clause punctuation
PUNCT = "[,，。;；]"


__all__ = ["AWARD", "A_NOT_A", "A_NOT_A_ANY", "CAP", "CHANGE_TO", "EACH", "HERE", "IF", "MODAL_Q", "NEG", "NOT_AT", "ORGAN", "POLICY", "PARTICLE_Q", "PUBLISH",
           "PUNCT", "QUESTION", "SELF", "SPENT_ON", "SUM", "SUM_RE", "TAKES_EFFECT", "TITLE_WON", "WH", "WHEN", "YESNO", "one_of"]
