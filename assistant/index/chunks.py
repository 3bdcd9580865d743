"""Clause chunks: one retrievable unit per clause, with the heading path that gives a leaf its context."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import date

from corpus import Corpus, Document
from tools.facts import ProfileError, parse_date

# Bump when the way chunks are made changes, so every stored index is rebuilt.
CHUNKER_VERSION = 4
PATH_SEP = " > "
# Dates are stored as YYYYMMDD integers (chroma filters compare numbers): a document with no effective date is
# in force from the beginning of time, one with no expiry until the end of it.
NO_START, NO_END = 0, 99991231


@dataclass(frozen=True)
class Chunk:
    id: str  # "longnan-2022-40#4.3.5", also the chroma id
    doc: str
    clause: str
    label: str
    heading_path: tuple[str, ...]
    units: tuple[str, ...]
    text: str  # verbatim clause text (what a citation quotes)
    embed_text: str  # what the models see: heading path + text (+ document identity for the notice)
    effective: int = NO_START  # the document's effective date, YYYYMMDD
    expires: int = NO_END  # the document's last day in force, YYYYMMDD

    def metadata(self) -> dict:
        """Flat metadata as chroma stores it (lists are joined: chroma takes scalars only)."""
        return {
            "doc": self.doc,
            "clause": self.clause,
            "label": self.label,
            "heading_path": PATH_SEP.join(self.heading_path),
            "units": "、".join(self.units),
            "effective": self.effective,
            "expires": self.expires,
        }

    def in_force(self, as_of: int) -> bool:
        return self.effective <= as_of <= self.expires

    def to_record(self) -> dict:
        # not dataclasses.asdict, which deep-copies every field (2 s for 4,600 chunks at each open)
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in _FIELDS}

    @classmethod
    def from_record(cls, rec: dict) -> Chunk:
        return cls(**{**rec, "heading_path": tuple(rec["heading_path"]), "units": tuple(rec["units"])})


_FIELDS = fields(Chunk)


def date_number(value) -> int | None:
    """A date (datetime.date, "2023-07-01", "2023年7月1日", 20230701) as YYYYMMDD, or None if it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, int) and 10000101 <= value <= 99991231:
        return value
    try:
        span = parse_date(str(value))
    except ProfileError:
        return None
    day = span.start
    return day.year * 10000 + day.month * 100 + day.day if span.start == span.end else None


def document_dates(doc: Document) -> tuple[int, int]:
    """(effective, expires) from the document's meta: `effective` (else `issued`: 自印发之日起施行 is the
    default reading) and `expires`; absent dates leave that side open."""
    m = doc.meta
    start = date_number(m.get("effective"))
    if start is None:
        start = date_number(m.get("issued"))
    end = date_number(m.get("expires"))
    return (NO_START if start is None else start), (NO_END if end is None else end)


def _identity(doc: Document) -> str:
    """Who issued the document, its number and title: only the notice carries them, so 文号/谁发的 finds it."""
    m = doc.meta
    issuers = "、".join(map(str, m.get("issuers") or []))
    fields = [("通知标题", m.get("notice_title")), ("文件标题", m.get("title")), ("文号", m.get("doc_number")),
              ("发文机关", issuers), ("印发日期", m.get("issued_text")), ("抄送", m.get("cc"))]
    return "\n".join(f"{k}：{v}" for k, v in fields if v)


def document_chunks(doc: Document) -> list[Chunk]:
    """Every clause of DOC as a chunk, in document order (parents keep their own intro text or heading)."""
    out: list[Chunk] = []
    start, end = document_dates(doc)
    for c in doc:
        text = c.full_text
        if not text:
            continue
        path = tuple(doc.heading_path(c.id))
        units = tuple(doc.responsible_units(c.id))
        lines = [PATH_SEP.join(path)]
        if c.id == "notice":
            lines.append(_identity(doc))
        if c.text or not c.children:
            lines.append(text)
        else:  # a bare heading: its outline is what it says
            lines.append("：".join([c.heading, "；".join(doc.heading_path(k)[-1] for k in c.children)]))
        if units and "责任单位" not in text:  # inherited from a parent: say it, the text does not
            lines.append("责任单位：" + "、".join(units))
        out.append(Chunk(f"{doc.id}#{c.id}", doc.id, c.id, c.label, path, units, text, "\n".join(lines), start, end))
    return out


def corpus_chunks(corpus: Corpus) -> dict[str, list[Chunk]]:
    return {d.id: document_chunks(d) for d in corpus}


def chunks_hash(chunks: list[Chunk]) -> str:
    """Content hash of a document as indexed: changes when its text, meta or the chunker change."""
    h = hashlib.sha256(f"chunker-{CHUNKER_VERSION}".encode())
    for ch in chunks:
        h.update(json.dumps(ch.to_record(), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:32]
