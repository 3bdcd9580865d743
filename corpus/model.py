"""The clause tree: Clause, Document and Corpus, and how a reference resolves to a clause."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from corpus.errors import ClauseNotFound, CorpusError


@dataclass(frozen=True)
class Clause:
    doc_id: str
    id: str  # dotted position, DESIGN §3: "4.3.1"
    label: str  # the document's own label: "四（三）1"
    marker: str  # the marker as written: "1." / "（三）" / "四、"; "" for notice and 0
    heading: str  # short title such as 创新成果转化工程; "" when the clause has none
    text: str  # verbatim content after the marker, page breaks joined
    parent: str | None
    children: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # 〔责任单位：…〕 split on 、

    @property
    def citation(self) -> str:
        return f"{self.doc_id}#{self.id}"

    @property
    def full_text(self) -> str:
        """Heading and text as one verbatim passage (headline-only clauses keep the heading apart)."""
        if self.heading and not self.text.startswith(self.heading):
            return f"{self.heading}\n{self.text}" if self.text else self.heading
        return self.text

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class Document:
    id: str
    meta: dict
    source: str
    clauses: dict[str, Clause] = field(default_factory=dict)  # in document order

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses.values())

    def __len__(self) -> int:
        return len(self.clauses)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.id)

    @property
    def doc_number(self) -> str:
        return str(self.meta.get("doc_number") or "")

    def example_reference(self) -> str:
        """A real clause reference of this document for a prompt's example (its deepest first leaf: "4.1.1 或 四（一）1")."""
        leaves = [c for c in self if c.is_leaf and c.id.count(".") >= 1]
        if not leaves:
            return ""
        c = max(leaves, key=lambda c: c.id.count("."))
        return f"{c.id} 或 {c.label}" if c.label and c.label != c.id else c.id

    def clause(self, ref: str) -> Clause:
        cid = normalise_reference(ref)
        if cid in self.clauses:
            return self.clauses[cid]
        raise ClauseNotFound(ref, self.nearest(ref))

    def find(self, ref: str) -> Clause | None:
        return self.clauses.get(normalise_reference(ref))

    def ancestors(self, cid: str) -> list[Clause]:
        """The clause's ancestors, outermost first, the clause itself last."""
        chain: list[Clause] = []
        cur: str | None = cid
        while cur is not None:
            c = self.clauses[cur]
            chain.append(c)
            cur = c.parent
        return list(reversed(chain))

    def heading_path(self, cid: str) -> list[str]:
        """Each level as the document shows it: ["四、保障措施", "（三）着力扩大政策效应", "5."]."""
        return [f"{c.marker}{c.heading}" if c.marker else (c.heading or c.label) for c in self.ancestors(cid)]

    def responsible_units(self, cid: str) -> tuple[str, ...]:
        """The clause's own 〔责任单位〕, else the nearest ancestor's (4.3.5 answers to 4.3's units)."""
        for c in reversed(self.ancestors(cid)):
            if c.units:
                return c.units
        return ()

    def nearest(self, ref: str, n: int = 3) -> list[str]:
        cid = normalise_reference(ref)
        ids = list(self.clauses)
        close = difflib.get_close_matches(cid, ids, n=n, cutoff=0.3)
        if not close:
            # a longer id than exists: suggest its deepest existing ancestor and siblings
            parts = cid.split(".")
            while parts and ".".join(parts) not in self.clauses:
                parts.pop()
            if parts:
                close = [".".join(parts)] + list(self.clauses[".".join(parts)].children)[: n - 1]
        return close


class Corpus:
    """Every loaded document, by id. Nothing here assumes there is only one."""

    def __init__(self, documents: list[Document] | None = None, default: str | None = None):
        self.documents: dict[str, Document] = {}
        self.default = default  # the document that resolves a reference naming none (DESIGN §9)
        for d in documents or []:
            self.add(d)

    def add(self, doc: Document) -> None:
        if doc.id in self.documents:
            raise CorpusError(f"文档编号重复：{doc.id}")
        self.documents[doc.id] = doc

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def default_document(self) -> Document:
        if self.default in self.documents:
            return self.documents[self.default]
        if not self.documents:
            raise CorpusError("没有载入任何政策文件。")
        return next(iter(self.documents.values()))

    def document(self, doc_id: str | None = None) -> Document:
        if doc_id is None:
            if len(self.documents) == 1 or self.default in self.documents:
                return self.default_document
            raise CorpusError(f"已加载 {len(self.documents)} 份文件，请写明文件编号，例如 {next(iter(self.documents), 'doc')}#4.3.1")
        if doc_id not in self.documents:
            known = "、".join(self.documents) or "（无）"
            raise CorpusError(f"未找到文件 {doc_id}。已加载：{known}")
        return self.documents[doc_id]

    def clause(self, ref: str, doc_id: str | None = None) -> Clause:
        """Resolve `doc#4.3.1`, a bare `4.3.1` / `四（三）1` (one document, or `doc_id` given)."""
        ref = ref.strip()
        if "#" in ref:
            doc_id, ref = ref.split("#", 1)
        if doc_id is None and len(self.documents) > 1:
            if self.default in self.documents and self.documents[self.default].find(ref) is not None:
                return self.documents[self.default].find(ref)
            hits = [d.find(ref) for d in self]
            hits = [h for h in hits if h is not None]
            if len(hits) == 1:
                return hits[0]
        return self.document(doc_id).clause(ref)

    def clauses(self) -> Iterator[Clause]:
        for d in self:
            yield from d


# --- references ---------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(s: str) -> int:
    """Chinese numerals as used in heading markers (一 … 九十九, 一百…); arabic passes through."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    total, num = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        elif ch == "十":
            total += (num or 1) * 10
            num = 0
        elif ch == "百":
            total += (num or 1) * 100
            num = 0
        else:
            raise ValueError(s)
    return total + num


_FW = str.maketrans("０１２３４５６７８９（）．，：＃", "0123456789().,:#")
_CN = "零〇一二两三四五六七八九十百"
_LABEL_RE = re.compile(
    rf"^(?:第)?([{_CN}]+|\d+)(?:、|部分|条|章|\.)?"  # 一 / 四、 / 第四部分
    rf"(?:第?\(([{_CN}]+|\d+)\)(?:项)?)?"  # （三） / 第（三）项
    rf"(?:第?(\d+|[{_CN}]+)(?:\.|条|项|款)?)?"  # 1 / 第5条
    rf"(?:\((\d+|[{_CN}]+)\))?$"  # （1）
)


def normalise_reference(ref: str) -> str:
    """Turn any way of naming a clause into its dotted id: 四（三）1, 四(三)1, 第四部分第（三）项第5条 → 4.3.x."""
    r = ref.strip().translate(_FW).replace(" ", "").replace("　", "")
    if "#" in r:
        r = r.split("#", 1)[1]
    if r in ("notice", "0") or re.fullmatch(r"\d+(\.\d+)*", r):
        return r
    if r in ("通知", "印发通知"):
        return "notice"
    if r in ("开头", "序言", "导语"):
        return "0"
    m = _LABEL_RE.match(r)
    if m and any(m.groups()):
        try:
            return ".".join(str(cn_to_int(g)) for g in m.groups() if g)
        except ValueError:
            return r
    return r
