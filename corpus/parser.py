"""Parse the text of a Chinese policy document into a clause tree with stable ids (DESIGN §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.errors import CorpusError
from corpus.model import Clause, Document, cn_to_int

_CN = "零〇一二三四五六七八九十百"
# Marker kinds, each with the regex that recognises it at the start of a paragraph.
# Levels are not fixed per kind: the first kind met is the outermost (as in docx numbering).
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^(第([{_CN}]+)章)\s*")),
    ("article", re.compile(rf"^(第([{_CN}]+)条)\s*")),
    ("cn", re.compile(rf"^(([{_CN}]+)、)\s*")),
    ("paren_cn", re.compile(rf"^([（(]([{_CN}]+)[）)])\s*")),
    ("arabic", re.compile(r"^((\d{1,2})\s*[.．、](?!\d))\s*")),
    ("paren_arabic", re.compile(r"^([（(](\d{1,2})[）)])\s*")),
]
UNITS_RE = re.compile(r"〔责任单位[:：]([^〕]*)〕")
_SENTENCE_END = "。；！？」”』）)〕:："
_TRAILER_RE = re.compile(r"^(抄送[:：]|\d{4}年\d{1,2}月\d{1,2}日印发$)")
_SECTION_KINDS = ("chapter", "cn", "paren_cn")  # kinds whose marker line may be a bare title (一、总体要求)
_MAX_HEADING = 10  # a lead phrase this short is a heading (创新成果转化工程); longer ones are sentences
_HEADING_RE = re.compile(r"^([^。，、；：,;:\d]{2,%d})。" % _MAX_HEADING)  # noqa: UP031


@dataclass
class _Node:
    kind: str
    number: int
    marker: str
    label_part: str
    lines: list[str] = field(default_factory=list)
    headline: str = ""  # a marker line with no sentence: 一、总体要求
    children: list[_Node] = field(default_factory=list)


def _label_part(kind: str, marker: str) -> str:
    if kind == "cn":
        return marker.rstrip("、")
    if kind == "arabic":
        return re.sub(r"\s*[.．、]$", "", marker)
    if kind in ("paren_cn", "paren_arabic"):
        return "（" + marker[1:-1] + "）"
    return marker


def _match_marker(line: str) -> tuple[str, int, str, str] | None:
    for kind, rx in _MARKERS:
        m = rx.match(line)
        if m:
            try:
                n = cn_to_int(m.group(2))
            except ValueError:
                continue
            return kind, n, m.group(1), line[m.end():]
    return None


def _is_titlelike(line: str) -> bool:
    return bool(line) and line[-1] not in "。；！？：:，," and len(line) <= 60


def _join(prev: str, nxt: str) -> str:
    """Join a paragraph to the clause before it; a page break mid-sentence leaves no trace."""
    if not prev:
        return nxt
    if nxt.startswith("〔") or prev[-1] not in _SENTENCE_END:
        return prev + nxt
    return prev + "\n" + nxt


def _paragraphs(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]


def _split_heading(body: str, headline: str) -> tuple[str, str]:
    if headline:
        return headline, body
    m = _HEADING_RE.match(body)
    return (m.group(1), body) if m else ("", body)


def _units(text: str) -> tuple[str, ...]:
    units: list[str] = []
    for m in UNITS_RE.finditer(text):
        units += [u.strip() for u in re.split(r"[、，,；;]", m.group(1)) if u.strip()]
    return tuple(dict.fromkeys(units))


def parse_text(text: str, doc_id: str, meta: dict | None = None) -> Document:
    """Parse a policy's plain text. Raises CorpusError on empty input; a document with no
    headings becomes a single clause `0`."""
    if text is None or not text.strip():
        raise CorpusError("文件内容为空，无法解析条款。")
    if "\x00" in text:
        raise CorpusError("文件包含二进制内容，不是可解析的文本。")
    paras = _paragraphs(text)
    # the trailer (抄送, 印发 date) is document metadata, not a clause
    trailer_at = next((i for i, p in enumerate(paras) if _TRAILER_RE.match(p)), len(paras))
    body, trailer = paras[:trailer_at], paras[trailer_at:]

    first_heading = None
    for i, p in enumerate(body):
        mk = _match_marker(p)
        if mk and mk[1] == 1:
            first_heading = i
            break
    preamble = body if first_heading is None else body[:first_heading]
    rest = [] if first_heading is None else body[first_heading:]

    meta = dict(meta or {})
    notice, opening, titles = _split_preamble(preamble)
    meta.setdefault("title", titles[-1] if titles else doc_id)

    root = _Node("root", 0, "", "")
    stack: list[_Node] = [root]
    for p in rest:
        mk = _match_marker(p)
        placed = False
        if mk:
            kind, n, marker, after = mk
            levels = [nd.kind for nd in stack]
            if kind in levels:
                idx = levels.index(kind)
                parent = stack[idx - 1]
                if parent.children and parent.children[-1].kind == kind and n == parent.children[-1].number + 1:
                    del stack[idx:]
                    placed = True
            elif n == 1:
                parent = stack[-1]
                placed = True
            if placed:
                node = _Node(kind, n, marker, _label_part(kind, marker))
                if after and _is_titlelike(after) and not re.search(r"[。，；,;]", after):
                    node.headline = after
                elif after:
                    node.lines.append(after)
                parent.children.append(node)
                stack.append(node)
        if not placed:
            cur = stack[-1]
            if (len(stack) > 2 and stack[-2].kind == "article" and cur.kind != "article" and cur.lines
                    and cur.lines[-1][-1] in "。；" and not p.startswith("〔")):
                # a paragraph after an article's last item that starts no item of its own closes the article
                # (每个项目补助金额以200万元为限…): it belongs to the article, not to the item before it
                stack.pop()
                cur = stack[-1]
            cur.lines = [_join(cur.lines[-1], p)] if cur.lines else [p]

    doc = Document(id=doc_id, meta=meta, source=text)
    if trailer:
        for p in trailer:
            if p.startswith("抄送"):
                meta.setdefault("cc", re.split(r"[:：]", p, maxsplit=1)[1].strip())
            elif p.endswith("印发"):
                meta.setdefault("issued_text", p)
    if notice:
        notice_title = next((t for t in titles if t.endswith("通知")), "")
        doc.clauses["notice"] = Clause(doc_id, "notice", "通知", "", notice_title, notice, None, (), _units(notice))
    if opening or not root.children:
        whole = opening if root.children else "\n".join(body)
        doc.clauses["0"] = Clause(doc_id, "0", "开头", "", "", whole, None, (), _units(whole))

    def emit(node: _Node, parent_id: str | None, parent_label: str) -> str:
        cid = f"{parent_id}.{node.number}" if parent_id else str(node.number)
        label = parent_label + node.label_part
        body_text = node.lines[0] if node.lines else ""
        headline = node.headline
        if headline and node.kind not in _SECTION_KINDS and not node.children:
            # a short first line of an item is a wrapped sentence, not a section title
            body_text, headline = (_join(headline, body_text) if body_text else headline), ""
        heading, txt = _split_heading(body_text, headline)
        doc.clauses[cid] = None  # reserve document order before children
        kids = tuple(emit(ch, cid, label) for ch in node.children)
        doc.clauses[cid] = Clause(doc_id, cid, label, node.marker, heading, txt, parent_id, kids, _units(txt))
        return cid

    for top in root.children:
        emit(top, None, "")
    if not doc.clauses:
        raise CorpusError("未能从文件中识别出任何内容。")
    return doc


def _split_preamble(paras: list[str]) -> tuple[str, str, list[str]]:
    """Split what precedes the first heading into (covering notice, opening paragraph, titles).

    A covering notice starts at an addressee line (ending with ：) and runs to the next
    title-like line; the opening is what follows the last title."""
    notice_lines: list[str] = []
    opening_lines: list[str] = []
    titles: list[str] = []
    in_notice = False
    for p in paras:
        if p.endswith(("：", ":")) and not notice_lines and not opening_lines:
            in_notice = True
            notice_lines.append(p)
        elif _is_titlelike(p):
            in_notice = False
            titles.append(p)
            opening_lines = []
        elif in_notice:
            notice_lines.append(p)
        else:
            opening_lines = [_join(opening_lines[-1], p)] if opening_lines else [p]
    notice = "\n".join(notice_lines) if len(notice_lines) > 1 else ""
    return notice, (opening_lines[0] if opening_lines else ""), titles
