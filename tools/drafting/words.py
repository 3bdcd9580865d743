"""The words around figures: what a base, an edge or a count is called, list items aligned with 分别, level slugs."""

from __future__ import annotations

import re

from tools.drafting.conditions import Subject
from tools.drafting.lexicon import grammar
from tools.drafting.phrases import Figure, part_bounds
from tools.drafting.sentences import Segment

_LIST_SEP = "、"
_RUN_RE = re.compile(r"(?:[^，。；：、]+、)+[^，。；：、]+")
_BASE_RE = re.compile(r".*(?:按照|按|不超过|最高|标准为|比例为|为)\s*(?:其|该)?(?P<b>[^，。；按为]*?)的\s*(?:不超过|最高)?\s*$")
_CTX_BASE_RE = re.compile(r"按(?:照)?(?:经[\u4e00-\u9fa5]{1,4}的)?(?:其|该)?(?P<b>[^，。；]{2,24}?)"
                          r"(?:计算|核定|给予|分档|确定|实行)")
_COUNT_RE = re.compile(r"按(?:照)?(?:其|该)?(?P<b>[^，。；每]{2,24}?)，?\s*每")
_EXCLUDE_RE = re.compile(r"不(?:含|包括|包含)([^，。；]+)")
_EDGE_WORDS = ("达到", "达", "满", "不低于", "不少于", "在", "超过", "高于", "大于", "不足", "低于", "不满", "未达到", "少于",
               "小于", "突破", "首次", "累计")


def quote_of(seg: Segment, f: Figure) -> str:
    a, b = part_bounds(seg.text, f.start, f.end)
    return seg.text[a:b].strip()


def condition_words(seg: Segment, f: Figure) -> str:
    """年节能量达到500吨标准煤（含）以上的节能技术改造项目 → 年节能量达到500吨标准煤（含）以上."""
    a, b = part_bounds(seg.text, f.start, f.end)
    a = max(a, seg.text.rfind("、", a, f.start) + 1)
    end = f.source_end if f.source_end >= 0 else f.end
    stops = [i for i in (seg.text.find(ch, end, b) for ch in ("的", "、")) if i >= 0]
    b = min(stops) if stops else b
    words = re.split(r"的", seg.text[a:f.start])
    return re.sub(r"^(?:对于|对)", "", words[-1] + seg.text[f.start:b]).strip()


def strip_edge_words(label: str) -> str:
    label = label.strip()
    changed = True
    while changed:
        changed = False
        for w in _EDGE_WORDS:
            if label.endswith(w) and len(label) > len(w):
                label, changed = label[: -len(w)].rstrip(), True
    return re.sub(r"^(?:对|其|该|按)", "", label).strip()


def edge_label(seg: Segment, f: Figure) -> str:
    """What an edge is on: 年综合能耗5000吨标准煤以上、单位产品能耗较上年下降10%以上 → 单位产品能耗较上年下降 for the
    second figure; 投资额50万元（含）以上、不足200万元 → 投资额 for both."""
    a, _ = part_bounds(seg.text, f.start, f.end)
    pieces = seg.text[a:f.start].split("、")
    label = strip_edge_words(pieces[-1])
    if not label and len(pieces) > 1:
        label = strip_edge_words(re.split(r"\d", pieces[0], maxsplit=1)[0])
    return label


def stem(label: str) -> str:
    s = re.sub(r"^(?:经[\u4e00-\u9fa5]{1,4}的|当年|年度|实际|新增|完成|累计|其|该)+", "", label.strip())
    return re.sub(r"(?:金额|总额|额)$", "", s)


def same_base(edge: str, base: str) -> bool:
    """项目软硬件投资额 / 软硬件投资额, 当年完成设备投资 / 设备投资额: the edge is on the base; 项目总投资 / 设备投资额 is not."""
    a, b = stem(edge), stem(base)
    return bool(a and b) and (a.endswith(b) or b.endswith(a))


def level_slug(label: str) -> str:
    g = grammar()
    for word, slug in g.levels:
        if label.startswith(word):
            return slug
    for word, slug in g.levels:
        if word.endswith("级") and word in label:
            return slug
    return ""


def option_slugs(labels: list[str], prefix: str = "opt") -> list[str]:
    """国家级… → national, 省级… → provincial; AA级 → AA; otherwise opt1, opt2 (unique either way)."""
    out: list[str] = []
    for i, label in enumerate(labels, 1):
        slug = level_slug(label)
        if not slug:
            letters = re.match(r"^([A-Za-z]{1,5})(?:级|类|等)?$", label.strip())
            slug = letters.group(1) if letters else f"{prefix}{i}"
        base, n = slug, 2
        while slug in out:
            slug, n = f"{base}_{n}", n + 1
        out.append(slug)
    return out


def subject_words(seg: Segment | None, sub: Subject | None) -> str:
    """企业通过省级企业技术中心认定 → 省级企业技术中心认定: the words that name a title or level in a subject."""
    if seg is None or sub is None:
        return ""
    words = sub.head_modifiers or seg.text[sub.start:sub.end].rstrip("的")
    if not words or words == sub.head:
        words = sub.head
    words = re.sub(r"^(?:企业|单位)", "", words)
    return strip_title_verbs(words)


def strip_title_verbs(x: str) -> str:
    """首次获得国家级… / 新获评省级… → 国家级… (the title, without the verb that introduced the list)."""
    g = grammar()
    x = x.strip()
    for _ in range(2):
        x = re.sub(r"^(?:首次|新|已|被)", "", x)
        x = next((x[len(v):] for v in g.title_verbs if x.startswith(v) and len(x) > len(v)), x)
    return x


def label_run(text: str, end: int, n: int) -> tuple[list[str], tuple[int, int]] | None:
    """The last 、-list of `n` items before `end` (the labels 分别 aligns with n figures), items cleaned."""
    g = grammar()
    best = None
    for m in _RUN_RE.finditer(text[:end]):
        raw = m.group(0).split(_LIST_SEP)
        if len(raw) == n - 1:
            tail = re.split(r"和|及|以及|或", raw[-1], maxsplit=1)
            if len(tail) == 2:
                raw = raw[:-1] + tail
        if len(raw) != n:
            continue
        best = (raw, (m.start(), m.end()))
    if best is None:
        return None
    raw, span = best
    items = [x.strip() for x in raw]
    items[0] = re.sub(r"^(?:对于|对|按照|按)", "", items[0])
    if "的" in items[-1]:
        items[-1] = items[-1][: items[-1].find("的")]
    items = [strip_title_verbs(x) for x in items]
    # 年主营业务收入首次突破1000万元、5000万元、1亿元: the bare figures share the first item's words
    lead = re.match(r"^(.*?)(\d[\d.,]*\s*[万亿千]?元?)$", items[0])
    if lead and lead.group(1) and all(re.fullmatch(r"\d[\d.,]*\s*[万亿千]?元?|亿元", x) for x in items[1:]):
        items = [items[0]] + [lead.group(1) + x for x in items[1:]]
    # 国家级、省级、市级绿色工厂: the short items share the last one's head (绿色工厂)
    level_words = {w for w, _ in g.levels}
    if all(x in level_words for x in items[:-1]):
        lead = next((w for w, _ in g.levels if items[-1].startswith(w)), "")
        if lead:
            head = items[-1][len(lead):]
            items = [x + head for x in items[:-1]] + [items[-1]]
    if any(not x for x in items):
        return None
    return items, span


def aligned_figures(seg: Segment, role: str) -> list[Figure]:
    """Figures of one role written as a list (50万元、20万元、5万元), the list 分别 aligns."""
    figs = [f for f in seg.figures if f.role == role]
    if len(figs) < 2:
        return []
    run = [figs[0]]
    for f in figs[1:]:
        gap = seg.text[run[-1].end:f.start]
        if re.fullmatch(r"\s*(?:、|和|及|，)?\s*", gap):
            run.append(f)
        elif len(run) < 2:
            run = [f]
        else:
            break
    return run if len(run) >= 2 else []


def context_base(text: str) -> str:
    """按经核定的软硬件投资额计算补助 → 软硬件投资额: the base a clause names before its figures."""
    m = _CTX_BASE_RE.search(text)
    return clean_base(m.group("b")) if m and not re.search(r"\d", m.group("b")) else ""


def exclusions_in(text: str) -> list[str]:
    """不含土建工程、厂房建设和公用配套设施投入 → what the base does not include."""
    out: list[str] = []
    for m in _EXCLUDE_RE.finditer(text):
        for x in re.split(r"、|和|及|以及|或", m.group(1)):
            x = re.sub(r"(?:等|在内|的)$", "", x.strip())
            if x and x not in out:
                out.append(x)
    return out


def clean_base(s: str) -> str:
    s = re.sub(r"^(?:经[\u4e00-\u9fa5]{1,4}的|其|该)", "", s.strip())
    return re.sub(r"(?:分段|分档|分类|累计)$", "", s.strip()).strip()


def shared_head(labels: list[str]) -> str:
    """国家级绿色工厂、省级绿色工厂 → 绿色工厂 (what the options are levels of)."""
    if len(labels) < 2:
        return ""
    a = labels[0]
    n = 0
    while n < min(map(len, labels)) and all(x[-1 - n] == a[-1 - n] for x in labels):
        n += 1
    tail = (a[len(a) - n:] if n else "").lstrip("级")
    return tail if len(tail) >= 2 else ""



def base_before(text: str) -> str:
    """按项目节能设备投资额的 / 不超过实际支付金额的 → the base named right before a rate; '' if none."""
    m = _BASE_RE.match(text)
    return clean_base(m.group("b")) if m and m.group("b").strip() and not re.search(r"\d", m.group("b")) else ""


def count_before(text: str) -> str:
    """按电网企业确认的并网装机容量，每千瓦 → 电网企业确认的并网装机容量: what a unit amount counts."""
    m = _COUNT_RE.search(text)
    return clean_base(m.group("b")) if m else ""


__all__ = ["aligned_figures", "base_before", "clean_base", "condition_words", "context_base", "count_before",
           "edge_label", "exclusions_in", "label_run", "level_slug", "option_slugs", "quote_of", "same_base",
           "shared_head", "stem", "strip_edge_words", "strip_title_verbs", "subject_words"]
