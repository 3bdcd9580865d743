"""Which document a question is about (DESIGN §10): the one it names (文号, title, issuer), the place it names or the
enterprise's registered place, words only one document's lexicon has, the document the session is on, else the
home place's. Several fitting equally with no home place → ask; a place no document covers → abstain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile

from assistant.session import Session
from assistant.understand.amounts import find_money
from assistant.understand.focus import Q_MARK, REQUEST, YESNO_Q
from assistant.understand.lexicon import Lex, lexicon_for
from assistant.understand.places import (
    NOT_AT_END,
    PlaceHit,
    containing_places,
    find_places,
    registered_place,
    registrations,
    sub_area,
    workshop_place,
)
from assistant.understand.routing import MONEY_Q
from assistant.understand.text import SENTENCE_END, is_han, normalise, segment_of, segments
from assistant.understand.zh import AWARD, HERE, POLICY, WH
from corpus import Corpus, Document
from corpus.packs import pack_for


@dataclass(repr=False)
class Choice:
    doc: Document | None  # None: ask or abstain
    reason: str  # named / place / registered / signals / session / home / ref / ask / uncovered
    text: str  # the question with a document's own name taken out
    registered: PlaceHit | None = None
    uncovered: str | None = None  # a place no loaded document covers, asked about
    ask: bool = False
    candidates: list[Document] = field(default_factory=list)
    other_has: list[tuple[Document, list[str]]] = field(default_factory=list)  # docs whose words the question uses

    def __repr__(self) -> str:
        return f"Choice({self.doc.id if self.doc else None}, {self.reason})"


def _strip_names(corpus: Corpus, q: str) -> tuple[list[Document], str]:
    """The documents a question names (id, 文号, title, the lexicon's names) and the question without those names."""
    named: list[Document] = []
    rest = q
    for d in corpus:
        hit = False
        if d.id in rest:
            pat = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(d.id)}(?![A-Za-z0-9_-])\s*#?", re.I)
            if pat.search(rest):
                rest, hit = pat.sub(" ", rest), True
        lex = lexicon_for(d)
        norm = normalise(rest)
        for n in _names(d, lex):
            if n in norm:
                rest = norm = norm.replace(f"《{n}》", "该文件").replace(n, "该文件")
                hit = True
        part = "" if hit else _title_part(norm, normalise(d.title or ""))
        if part:
            rest = norm = norm.replace(part, "该文件")  # 南康数字化智能化改造政策: most of its title, as a name
            hit = True
        if any(w in norm for w in _issuer_words(d, lex)):
            hit = True
        if hit:
            named.append(d)
    return named, rest.strip()


_POLICY_WORD = re.compile(rf"(的)?{POLICY}")


def _title_part(q: str, title: str, least: int = 8) -> str:
    """The words of `q` that repeat a long run of the title (8 characters or more) and call it a policy: the
    document named by part of its title, with the policy word after it; '' when none."""
    for m in _POLICY_WORD.finditer(q):
        k = m.start()
        n = next((n for n in range(min(k, len(title)), least - 1, -1) if q[k - n:k] in title), 0)
        if n:
            return q[k - n:m.end()]
    return ""


_NAMES: dict[int, tuple] = {}


def _names(d: Document, lex: Lex) -> list[str]:
    hit = _NAMES.get(id(lex))
    if hit is None or hit[0] is not lex:
        names = [n for n in (normalise(x).strip() for x in (d.doc_number, d.title, *lex.words.names)) if n and n != d.id]
        number = d.doc_number or ""
        prefix = "".join(takewhile(is_han, number))  # 龙办发 of 龙办发〔2022〕40号: the issuer's short name
        prefix = prefix if number[len(prefix):len(prefix) + 1] in tuple("〔[［(（") else ""
        words = [normalise(w) for w in (*lex.words.issuer_words, prefix) if w]
        hit = (lex, names, words)
        _NAMES[id(lex)] = hit
    return hit[1]


def _issuer_words(d: Document, lex: Lex) -> list[str]:
    _names(d, lex)
    return _NAMES[id(lex)][2]


_ASPECT = re.compile(r"了|过(?=了|$)|已经|已|都|也")


def _signals(corpus: Corpus, t: str, places: list[PlaceHit]) -> dict[str, list[str]]:
    """Per document, the words of its lexicon the question uses that say which document (titles, facts, topics)."""
    masked = [h.span for h in places]
    segs = segments(t)
    out: dict[str, list[str]] = {}
    for d in corpus:
        lex = lexicon_for(d)
        words: list[str] = []
        for _, rx in lex.option_words:
            words += [m.group(0) for m in rx.finditer(t)]
        for _, rx in lex.titles:
            words += [m.group(0) for m in rx.finditer(t)]
        # a condition stated (接入了二级节点): the words as said, distinct only if no other text has them
        # (验收过了 is 验收, which 安远's text has too: the aspect words are no part of what is said)
        for _, rx, *_rest in lex.statements:
            words += [w for m in rx.finditer(t) if len(m.group(0)) >= 3 and len(w := _ASPECT.sub("", m.group(0))) >= 2]
        # a fact word says which document only where the enterprise states a figure with it
        for _, rx, _spec in [*lex.amounts, *lex.quantities]:
            for m in rx.finditer(t):
                a, b = segment_of(segs, m.start())
                if not any(x <= m.start() < y for x, y in masked) and any(c.isdigit() for c in t[a:b]) and len(m.group(0)) >= 2:
                    words.append(m.group(0))
        # a topic word does where it names one of the document's award rules (in a statement too: 做一次数字化转型诊断)
        rule_clauses = {*lex.award_clauses, lex.classification_clause}
        for cid, rx in lex.topics:
            if cid in rule_clauses:
                words += [_TOPIC + m.group(0) for m in rx.finditer(t) if len(m.group(0)) >= 2]
        out[d.id] = words
    return out


def _all_words(corpus: Corpus, t: str) -> dict[str, list[str]]:
    """Per document, every lexicon word the question uses (any topic, fact or title)."""
    out: dict[str, list[str]] = {}
    for d in corpus:
        lex = lexicon_for(d)
        words = [_TOPIC + m.group(0) for _, rx in lex.topics for m in rx.finditer(t) if len(m.group(0)) >= 2]
        words += [m.group(0) for _, rx in [*lex.option_words, *lex.titles] for m in rx.finditer(t)]
        out[d.id] = words
    return out


def _distinct(signals: dict[str, list[str]], others_by_doc: dict[str, list[str]]) -> dict[str, list[str]]:
    """Words only one document has: a word (or a longer one containing it) that another document's lexicon also
    matches (`others_by_doc`) says nothing about which document."""
    out: dict[str, list[str]] = {}
    for doc, words in signals.items():
        others = [w for d, ws in others_by_doc.items() if d != doc for w in ws]
        own = [w for w in dict.fromkeys(words) if not any(w in o or o in w for o in others)]
        if own:
            out[doc] = own
    return out


def _generic_abstention(t: str) -> bool:
    """What no document of the genre settles (资金用途, 申报截止…): the document talked about (else home) says so."""
    from assistant.understand.focus import asking_text, question_focus
    from assistant.understand.scope import ABSTAIN_PATTERNS

    asking = asking_text(question_focus(t))
    return any(kind not in ("validity",) and rx.search(asking) for kind, rx in ABSTAIN_PATTERNS)


_TEXTS: dict[tuple, dict[str, str]] = {}


def _texts(corpus: Corpus) -> dict[str, str]:
    key = tuple(d.id for d in corpus)
    hit = _TEXTS.get(key)
    if hit is None:
        hit = {d.id: normalise("".join(c.full_text for c in d)) for d in corpus}
        _TEXTS.clear()
        _TEXTS[key] = hit
    return hit


_TOPIC = "\x00"  # marks a topic word: distinct only if one of its own words is absent from the other texts
# the genre's own words, which say nothing about which document
_GENERIC = re.compile(rf"{AWARD}|项目|企业|政策|支持|资金|标准|比例|多少|投资|费用|的")


def _absent(word: str, text: str) -> bool:
    if not word.startswith(_TOPIC):
        return word not in text  # a title or fact word (省级数字化车间) counts whole
    chunks = [c for c in _GENERIC.split(word[1:]) if len(c) >= 2]
    return bool(chunks) and any(c not in text for c in chunks)  # 技改补贴: 技改 is in the other text


def _distinct_by_text(words_by_doc: dict[str, list[str]], corpus: Corpus) -> dict[str, list[str]]:
    """The words of each document that no other document's text contains."""
    texts = _texts(corpus)
    out: dict[str, list[str]] = {}
    for doc, words in words_by_doc.items():
        own = [w.lstrip(_TOPIC) for w in dict.fromkeys(words)
               if all(_absent(w, txt) for d, txt in texts.items() if d != doc)]
        if own:
            out[doc] = own
    return out


def home_document(corpus: Corpus, settings) -> Document | None:
    """The home place's document: the configured home place, else the default document's place."""
    home = (getattr(settings, "home_place", "") or "").strip()
    if home.lower() in ("none", "无"):
        return None
    if home:
        for d in corpus:
            pl = pack_for(d).place
            if pl is not None and (home == pl.name or home in pl.aliases):
                return d
        return None
    return corpus.default_document


# 南康这个政策 / 南康第二条 / 龙南四（三） / 南康能奖100万吗: a place's document, named by its place and a word, a
# clause number or what it pays
_POLICY_AFTER = re.compile(rf"^{HERE}(的|这个|那个)?(?:{POLICY}|(?P<ref>第[一二三四五六七八九十\d]+条|[一二三四五六七八九十]+[（(]|(能|可以|会|能不能)(奖|补|给|拿)))")


def _asked_at(t: str, pos: int) -> bool:
    """Whether the clause of t around pos asks something."""
    a, b = segment_of(segments(t), pos)
    return bool(YESNO_Q.search(t, a, b) or Q_MARK.search(t, a, b + 1) or re.search(WH, t[a:b]))


def choose_document(q: str, session: Session, corpus: Corpus, settings) -> Choice:
    """The document to answer from, or why none can be chosen."""
    named, rest = _strip_names(corpus, q)
    t = normalise(rest)
    current = corpus.documents.get(session.doc or "")
    home = home_document(corpus, settings)
    masks = []
    for d in corpus:
        lex = lexicon_for(d)
        if lex.place_ok is not None:
            masks += [m.span() for m in lex.place_ok.finditer(t)]
    hits = find_places(t, corpus, masks)
    reg, elsewhere = registered_place(t, hits)
    # 按南康政策能补多少 / 南康那个办法: a place's document named by its place
    # (a clause number only where it is asked about: 能按南康第二条补吗, not 请引用龙南四（三）1按6%计算)
    # (能按龙南的6%拿吗: a place the asked rule is said to be by)
    by_place = list(dict.fromkeys(h.doc for h in hits if h.doc is not None and (
        (m := _POLICY_AFTER.match(t[h.span[1]:])) and (not m.group("ref") or _asked_at(t, h.span[0]))
        or t[:h.span[0]].endswith(("按", "按照", "依照", "根据")) and _asked_at(t, h.span[0]))))
    if len(by_place) == 1 and not named:
        named = [corpus.document(by_place[0])]
    several = list(dict.fromkeys(h.doc for h in registrations(t, hits) if h.doc is not None))
    if len(several) > 1 and not named:
        # 一家注册在龙南，一家注册在南康: two enterprises, two documents; ask which one is asked about
        return Choice(None, "ask", rest, ask=True, candidates=[corpus.document(d) for d in several])
    if named:
        doc = current if current in named else named[0]
        return Choice(doc, "named", rest, reg)
    covered = [h for h in hits if h.doc is not None and h is not reg and not workshop_place(t, h)
               and not NOT_AT_END.search(t[max(0, h.span[0] - 4):h.span[0]])]
    docs = list(dict.fromkeys(h.doc for h in covered))
    if reg is not None:
        if reg.doc is not None and current is not None and reg.doc != current.id \
                and any(h.doc == current.id and workshop_place(t, h) for h in hits):
            # 公司营业执照在安远县 龙南这边是分厂, after a 龙南 answer: where it is registered is a fact about the
            # enterprise; the document talked about, where its plant is, answers (and pays its own place only)
            return Choice(current, "registered_elsewhere", rest, reg)
        asked_of = [h for h in covered if h.doc != reg.doc and h.doc is not None and _HERE_AT.match(t, h.span[1])
                    and Q_MARK.search(t, h.span[1], segment_of(segments(t), h.span[0])[1] + 1)]
        if reg.doc is not None and asked_of:
            # 营业执照在南康区 …龙南这边能1比1配套吗: the place asked about answers, and its registration condition
            return Choice(corpus.document(asked_of[-1].doc), "registered_elsewhere", rest, reg)
        if reg.doc is not None:
            return Choice(corpus.document(reg.doc), "registered", rest, reg)
        if len(docs) == 1:
            # 注册在赣县区，…南康这个政策能补多少: that document, which pays its own place only
            return Choice(corpus.document(docs[0]), "place", rest, reg)
        if current is not None:
            # 注册地在惠州 said later: a fact about the enterprise; the document talked about says it pays nothing
            return Choice(current, "registered_elsewhere", rest, reg)
        # 注册地在赣州 contains a covered place (龙南 is in 赣州): who the enterprise is stays open; 章贡区 does not,
        # nor does an area of it named as where the enterprise is (赣州经开区注册的企业)
        contains = any(reg.name in containing_places(p.name, corpus) for d in corpus if (p := pack_for(d).place)) \
            and sub_area(t, reg) is None
        distinct = _distinct_by_text(_signals(corpus, t, hits), corpus) if reg.explicit and contains else {}
        if len(distinct) == 1:
            # 注册地在赣州，接入了二级节点…: a rule only one document has, asked about from elsewhere; its place
            # condition answers it (瑞金的企业…: who the enterprise is, in a place no document covers: abstain)
            return Choice(corpus.document(next(iter(distinct))), "registered_elsewhere", rest, reg)
        # (赣州蓉江新区注册的: the area named is what no document covers)
        return Choice(None, "uncovered", rest, reg, uncovered=reg.name + (sub_area(t, reg) or ""))
    if len(docs) == 1:
        return Choice(corpus.document(docs[0]), "place", rest)
    if len(docs) > 1:
        if current is not None and current.id in docs:
            return Choice(current, "session", rest)
        return Choice(None, "ask", rest, ask=True, candidates=[corpus.document(d) for d in docs])
    uncovered = [h for h in hits if h.doc is None and not workshop_place(t, h)]
    if uncovered and not reg and asks_about_place(t, uncovered[0]):
        return Choice(None, "uncovered", rest, uncovered=uncovered[0].name)
    if _generic_abstention(t):
        if current is not None:
            return Choice(current, "session", rest)
        return _home_choice(t, corpus, home, rest) if home is not None else Choice(corpus.default_document, "home", rest)
    signals = _signals(corpus, t, hits)
    # a word says which document only if no other document's text has it: 省级数字化车间, 屋顶光伏 and 二级节点 do;
    # 绿色工厂 (a 龙南 task and an 安远 title) and 技改 do not
    distinct = _distinct_by_text(signals, corpus)
    if elsewhere or _rules_out_home(t, home):
        outside = PlaceHit("外地", (0, 0), None)
        own = _distinct_by_text(_all_words(corpus, t), corpus)
        if home is not None and (home.id in own or current is home):
            # 我们不是在龙南注册的，…二级节点补多少: the home document's own rule, which pays its own place only
            return Choice(home, "not_home", rest, outside)
        others = [d for d in distinct if home is None or d != home.id]
        if len(others) == 1:
            return Choice(corpus.document(others[0]), "signals", rest)
        if current is not None and current is not home:
            return Choice(current, "session", rest)
        return Choice(None, "ask", rest, ask=True, candidates=[d for d in corpus if pack_for(d).place is not None])
    if current is not None:
        others = [d for d in distinct if d != current.id]
        if current.id in distinct or signals.get(current.id) or not others:
            return Choice(current, "session", rest)
        if len(others) == 1:
            return Choice(corpus.document(others[0]), "signals", rest)
        return Choice(current, "session", rest)
    workshops = list(dict.fromkeys(h.doc for h in hits if h.doc is not None and workshop_place(t, h)))
    if len(workshops) == 1 and workshops[0] in distinct:
        # 我们在南康有个厂区…网络化改造: the plant's place, whose document alone has the rule asked about
        return Choice(corpus.document(workshops[0]), "place", rest)
    # a money question with the enterprise's figure (咨询费6.4万 能补一半吗 / 有4个产品进了名单), not a target (智能工厂要打造几个)
    money = bool(MONEY_Q.search(t) and (find_money(t)[0] or any(c.isdigit() for c in t)))
    rewarding = [d for d in corpus if money and _names_an_award(lexicon_for(d), t)]
    if home is not None and home not in rewarding and len(rewarding) == 1 and rewarding[0].id in distinct | signals:
        # 清洁生产审核通过验收了 咨询费6.4万 能补一半吗: no place named, and only one document pays for what is named
        # (通过验收 is a condition of a home rule too, but that rule is not what is asked about)
        return Choice(rewarding[0], "signals", rest)
    said = {w for ws in signals.values() for w in ws}
    covering = [d for d, txt in _texts(corpus).items()
                if said and all(w in signals.get(d, ()) or not _absent(w, txt) for w in said)]
    if home is not None and home.id not in covering and len(covering) == 1 and covering[0] in distinct:
        # 数字化转型诊断 服务商报价1.6万: the home rule's word (数字化转型) is in the other text, whose own words
        # (诊断, 服务商) the home text lacks: the one text that has everything said is asked about
        return Choice(corpus.document(covering[0]), "signals", rest)
    if home is not None and signals.get(home.id):
        return Choice(home, "home", rest)  # the home document's own rules are asked about too
    if len(distinct) == 1:
        return Choice(corpus.document(next(iter(distinct))), "signals", rest)
    if home is None:
        if len(corpus) == 1:
            return Choice(corpus.default_document, "home", rest)
        return Choice(None, "ask", rest, ask=True, candidates=list(corpus))
    return _home_choice(t, corpus, home, rest)


def _names_an_award(lex, t: str) -> bool:
    """Whether the question names one of the document's award rules by its topic words."""
    return any(c in lex.award_clauses and rx.search(t) for c, rx in lex.topics)


def _home_choice(t: str, corpus: Corpus, home: Document, rest: str) -> Choice:
    """The home place's documents apply, and so do those of the places containing it (a 赣州市 policy for a 龙南
    enterprise): with several, the one whose text answers the question (retrieval above the floor), else home."""
    pl = pack_for(home).place
    wider = containing_places(pl.name, corpus) if pl is not None else []
    applying = [d for d in corpus if d is not home and pack_for(d).place is not None and pack_for(d).place.name in wider]
    if not applying:
        return Choice(home, "home", rest)
    from assistant.retrieval import relevant_clauses

    try:
        hits = relevant_clauses(t, corpus, [home.id, *(d.id for d in applying)], k=1)
    except Exception:  # noqa: BLE001 - without the index the home document answers
        hits = []
    if hits and hits[0].doc != home.id:
        return Choice(corpus.document(hits[0].doc), "retrieval", rest)
    return Choice(home, "home", rest)


_PLACE_Q = re.compile(rf"政策|{AWARD}|扶持|文件|规定|(能|可以)(享受|申请|拿)")


_HERE_AT = re.compile(r"(这边|那边|这里|那里|当地)")  # 龙南这边能配套吗: the place whose policy is asked


def asks_about_place(t: str, h: PlaceHit) -> bool:
    """深圳有什么技改补贴 / 瑞金的政策 / 赣州市本级对…: the question is about that place's own policy."""
    s, e = h.span
    if _PLACE_Q.search(t[e:e + 10]) or s > 0 and t[s - 1] in "在到":
        return True
    # the place opens a clause as its subject (赣州市本级对技改…的补贴比例是多少 / 请问瑞金的…)
    end = SENTENCE_END.search(t, s)
    sentence = t[s:end.end() if end else len(t)]  # up to and with its end mark
    lead = t[segment_of(segments(t), s)[0]:s]
    return bool((not lead or REQUEST.fullmatch(lead))
                and re.match(r"(市|县|区|省)?(本级|的|有|对|出台|发布|规定)", t[e:e + 3])
                and Q_MARK.search(sentence.replace("？", "?")))


def _rules_out_home(t: str, home: Document | None) -> bool:
    """我们不是龙南的企业: the home place ruled out without another named."""
    if home is None:
        return False
    pl = pack_for(home).place
    if pl is None:
        return False
    return any(NOT_AT_END.search(t[max(0, i - 8):i]) for n in [pl.name, *pl.aliases]
               for i in range(len(t)) if t.startswith(n, i))


__all__ = ["Choice", "asks_about_place", "choose_document", "home_document"]
