"""Places in a question: which ones it names (the gazetteer plus every loaded pack's own place), and where it says
the enterprise is registered."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.understand.zh import HERE, NOT_AT, SELF
from corpus import BUNDLED_DIR, Corpus, read_yaml


@dataclass(frozen=True)
class PlaceHit:
    name: str  # canonical: 南康区
    span: tuple[int, int]
    doc: str | None  # the loaded document whose place it is
    within: str = ""
    explicit: bool = False  # said as registration (注册在X / X注册的), not only as who the enterprise is (X的企业)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[list[dict], str]:
    data = read_yaml(BUNDLED_DIR / "places.yaml")
    return list(data.get("places") or []), str(data.get("elsewhere") or "")


_TABLES: dict[tuple, tuple] = {}


def _table(corpus: Corpus) -> tuple[list[tuple[str, str, str | None, str]], re.Pattern | None, re.Pattern | None]:
    """(word, canonical name, doc id, within) longest word first; and the 'elsewhere' pattern."""
    from corpus.packs import pack_for

    key = tuple(d.id for d in corpus)
    hit = _TABLES.get(key)
    if hit is not None:
        return hit
    rows: dict[str, tuple[str, str | None, str]] = {}
    places, elsewhere = _gazetteer()
    for p in places:
        for w in [p["name"], *(p.get("aliases") or [])]:
            rows.setdefault(w, (p["name"], None, p.get("within", "")))
    for d in corpus:
        pl = pack_for(d).place
        if pl is None:
            continue
        for w in [pl.name, *pl.aliases]:
            rows[w] = (pl.name, d.id, pl.within)
        # the place name without its suffix (南康区 → 南康) is how people say it
        short = pl.name.rstrip("市县区")
        if len(short) >= 2:
            rows.setdefault(short, (pl.name, d.id, pl.within))
    table = sorted(((w, *v) for w, v in rows.items()), key=lambda r: -len(r[0]))
    out = (table, re.compile(elsewhere) if elsewhere else None,
           re.compile("|".join(re.escape(w) for w, *_ in table)) if table else None)
    _TABLES.clear()
    _TABLES[key] = out
    return out


def find_places(t: str, corpus: Corpus, masked: list[tuple[int, int]] | None = None) -> list[PlaceHit]:
    """Every place named in a (normalised) text, longest names first, never two on the same characters; spans in
    `masked` (a pack's own topic words such as 赣州市认定) are skipped."""
    table, _, any_word = _table(corpus)
    if any_word is None or not any_word.search(t):
        return []
    rows = {w: (name, doc, within) for w, name, doc, within in table}
    taken: list[tuple[int, int]] = list(masked or [])
    hits: list[PlaceHit] = []
    # the alternation lists longer names first, so 赣州市南康区 is one place, not 赣州 then 南康
    for m in any_word.finditer(t):
        s, e = m.span()
        if any(s < b and a < e for a, b in taken):
            continue
        taken.append((s, e))
        name, doc, within = rows[m.group(0)]
        hits.append(PlaceHit(name, (s, e), doc, within))
    # 营业执照在广昌县: a county or city the gazetteer lacks, named where the enterprise is registered
    for m in re.finditer(_REG_BEFORE.pattern.removesuffix("$") + r"(?P<unlisted>[\u4e00-\u9fa5]{2,3}?(?:县|市|区))", t):
        s, e = m.span("unlisted")
        if not any(s < b and a < e for a, b in taken):
            taken.append((s, e))
            hits.append(PlaceHit(m.group("unlisted"), (s, e), None, None))
    # 福建南安市: a county or city the gazetteer lacks, named right after its province
    for h in list(hits):
        if h.within or h.doc:
            continue
        m = _UNDER_PROVINCE.match(t, h.span[1])
        if m and not any(m.start("unlisted") < b and a < m.end() for a, b in taken):
            taken.append(m.span("unlisted"))
            hits.remove(h)  # the place named is the county, said with its province
            hits.append(PlaceHit(m.group("unlisted"), (h.span[0], m.end()), None, h.name))
    return sorted(hits, key=lambda h: h.span[0])


# (福建南安市 / 福建龙岩的企业: a two-character name said as where the enterprise is)
_UNDER_PROVINCE = re.compile(r"(省|自治区)?(?P<unlisted>[\u4e00-\u9fa5]{2,3}?(?:县|市|区)|[\u4e00-\u9fa5]{2}(?=的|注册|企业|公司|这边|那边|当地))")


def containing_places(name: str, corpus: Corpus) -> list[str]:
    """The jurisdictions that contain place NAME, nearest first (龙南市 → 赣州市 → 江西省), from the packs' and the
    gazetteer's `within`."""
    table, _, _ = _table(corpus)
    parent = {canon: within for _, canon, _, within in table if within}
    out: list[str] = []
    while name in parent and parent[name] not in out and len(out) < 8:
        name = parent[name]
        out.append(name)
    return out


def says_elsewhere(t: str, corpus: Corpus) -> bool:
    _, rx, _ = _table(corpus)
    return bool(rx and rx.search(t))


# 注册地在惠州 / 在南康注册 / 注册在安远县 / 我们是龙南的企业 / 龙南本地企业 / 南康这边注册的
_REG_BEFORE = re.compile(r"(注册(地|地址)?|登记(地)?|落户|工商(注册)?|营业执照(上)?(的)?(地址)?)(其实|实际上|实际|本来|一直)?(就)?(在|于|是|为|位于|设在|写的)$")
# a smaller area inside the place, named or not in the gazetteer (惠州仲恺高新区 / 龙南经开区 / 某某镇)
_SUB_AREA = r"[\u4e00-\u9fa5]{1,8}?(?:区|县|镇|乡|园)"
# 龙南规上企业 / 瑞金市的工厂; not 安远县绿色工厂, a title: a plant word right after the place only
# what follows a place that says the enterprise is there: registered (…注册的, group "reg"), or a firm of it (龙南规上
# 企业 / 瑞金市的工厂); a smaller area of the place may stand between (赣州经开区注册的, group "area")
_AFTER_PLACE = re.compile(rf"{HERE}(?P<area>{_SUB_AREA})?(的)?(?:(?P<reg>注册|登记|落户)|[^,，。；;]{{0,4}}?(企业|公司)|工厂|厂)")
_SELF_BEFORE = re.compile(rf"(?:{SELF}|公司|企业)(就)?(是|属于|在)?(一家)?$")
# a place denied just before it (不在龙南 / 不是南康的)
NOT_AT_END = re.compile(rf"{NOT_AT}$")
_NOT_REG = re.compile(r"(也|还)?(有|设|开|建|办|是|租)(了)?(我们的)?(个|一个|一家)?(分厂|车间|分公司|厂区|厂房|项目|基地|工厂|厂)|"
                      r"(在|到)[^,，。]{0,6}(实施|建设|建|投资|投产)")


_SUBSIDIARY = re.compile(rf"^{HERE}(还|也)?(有|设|开|成立|注册)(了)?(个|一个|一家)?(全资|控股)?子公司")


def _registration(t: str, h: PlaceHit) -> tuple[bool, bool]:
    """(whether the place is negated, 不在龙南; whether it is said as registration, 注册在X / X注册的)."""
    s, e = h.span
    before, after = t[max(0, s - 8):s], t[e:e + 8]
    neg = NOT_AT_END.search(before) is not None
    return neg, bool(_REG_BEFORE.search(before) or (m := _AFTER_PLACE.match(after)) and m.group("reg"))


def registered_place(t: str, hits: list[PlaceHit]) -> tuple[PlaceHit | None, bool]:
    """(the place the text says the enterprise is registered in, whether it says registered 'elsewhere')."""
    for h in hits:
        s, e = h.span
        area = sub_area(t, h)
        if area and any(e <= x.span[0] < e + len(area) + 1 for x in hits):
            continue  # 赣州市区章贡区注册的: the place named inside is where the enterprise is
        before, after = t[max(0, s - 8):s], t[e:e + 8]
        neg, said = _registration(t, h)
        if said:
            if not neg:
                return replace(h, explicit=True), False
            continue
        if _SUBSIDIARY.match(t[e:e + 12]) and not neg:
            return h, False  # 在安远还有个子公司，…那个能拿多少: a subsidiary is an enterprise registered there
        if workshop_place(t, h):
            continue  # 在深圳也开了分厂: a branch, not the enterprise's seat
        own = _SELF_BEFORE.search(before)
        if not neg and own and own.group(0).endswith("在"):
            return h, False  # 我们企业在龙南: where the enterprise is
        if _AFTER_PLACE.match(after) and (own or before.endswith(("是", "在")) or s == 0
                                              or before[-1:] in tuple(",，。；;")):
            return h, False  # 瑞金市的企业 / 我们龙南规上企业: the enterprise's own place
    if re.search(r"(外地|异地)(注册|企业)", t):
        return None, True
    return None, False




def sub_area(t: str, h: PlaceHit) -> str | None:
    """The smaller area named right after a place for where the enterprise is (赣州经开区注册的企业 → 经开区)."""
    m = _AFTER_PLACE.match(t, h.span[1])
    return m.group("area") if m else None


def registrations(t: str, hits: list[PlaceHit]) -> list[PlaceHit]:
    """Every place the text says something is registered in (一家注册在龙南，一家注册在南康: two)."""
    return [h for h in hits if _registration(t, h) == (False, True)]


def workshop_place(t: str, h: PlaceHit) -> bool:
    """A place named for a branch or a project only (在南康有分厂), not as where the enterprise is registered."""
    s, e = h.span
    if re.search(r"(车间|工厂|厂区|分厂|项目|基地|生产线|分公司)(在|设在|位于|建在)$", t[max(0, s - 6):s]):
        return True  # 生产车间在南康
    if t[max(0, s - 1):s] == "在" and re.match(r"[^,，。]{0,8}?(实施|建设|投产|生产)", t[e:]):
        return True  # 这个项目其实是在赣县区那边的分厂实施的
    return bool(_NOT_REG.match(t[e:e + 12].lstrip("市县区")) or _NOT_REG.search(t[e:e + 12]))


__all__ = ["NOT_AT_END", "PlaceHit", "containing_places", "find_places", "registered_place", "registrations", "says_elsewhere",
           "sub_area", "workshop_place"]
