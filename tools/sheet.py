"""The printable 测算单: a calculator award dict (plus its claimable rows) laid out as an A4 PDF with an embedded CJK font.

Nothing is computed here: every amount, status, step and condition is read from the dicts the calculator returned
(`calculate(profile).to_dict()` and `claimable(profile)`), so the sheet can never disagree with the screen."""

from __future__ import annotations

import datetime as _dt
import io
import threading
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.amounts import format_yuan

DISCLAIMER = "仅供参考，以主管部门审核为准。"
STATE_TEXT = {"met": "满足", "not_met": "不满足", "unknown": "待确认"}

# Where Debian and common distributions put CJK TrueType fonts (fonts-wqy-zenhei first: scripts/setup.sh installs it).
# A TrueType outline can be embedded as a subset, so the sheet renders in any viewer; CFF-based OpenType cannot.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
CID_FALLBACK = "STSong-Light"  # Adobe's CID font: not embedded, every PDF viewer with Asian font support has it

_font_lock = threading.Lock()
_font_name: str | None = None


class SheetError(RuntimeError):
    """The sheet cannot be written (reportlab missing, the output path not writable); str() is Chinese."""


def cjk_font() -> str:
    """The registered reportlab font name for Chinese text: an embedded TrueType subset when one is installed,
    else the CID font (named, not embedded)."""
    global _font_name
    with _font_lock:
        if _font_name is not None:
            return _font_name
        try:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont
        except ImportError as e:
            raise SheetError("缺少生成 PDF 所需的 reportlab 组件，请重新运行 scripts/setup.sh。") from e
        for path, index in FONT_CANDIDATES:
            if not Path(path).is_file():
                continue
            try:
                pdfmetrics.registerFont(TTFont("PA-CJK", path, subfontIndex=index))
            except Exception:  # noqa: BLE001 - an unreadable or CFF font: try the next one
                continue
            _font_name = "PA-CJK"
            return _font_name
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        _font_name = CID_FALLBACK
        return _font_name


# --- what the sheet says, shared with the screens --------------------------------------------------------------


def has_input(award: Mapping[str, Any]) -> bool:
    """Whether the profile gave the calculator anything to compute (an empty form gives no items)."""
    return bool(award.get("items"))


def total_text(award: Mapping[str, Any]) -> str:
    total = award.get("total")
    return str(award.get("total_text") or (format_yuan(Decimal(str(total))) if total is not None else "—"))


def headline(award: Mapping[str, Any]) -> str:
    """The one sentence on top: what the enterprise may receive, and on what assumption.

    With conditions still unknown the total assumes they hold (DESIGN §4), so it says so first; an item whose
    amount is a maximum (rates 不超过) makes the total a maximum too."""
    if not has_input(award):
        return "尚未填写可测算的企业情况，请先填写企业情况再测算。"
    total = total_text(award)
    if award.get("unknown_conditions"):
        return f"如待确认条件均满足，最高可获 {total}"
    if any(i.get("maximum") for i in award.get("items") or []):
        return f"合计最高可获 {total}"
    return f"合计可获 {total}"


def doc_status(award: Mapping[str, Any]) -> str:
    """The document's own status line when the calculator gives one (e.g. an expired document), else ''."""
    return str(award.get("status_text") or "")


def condition_text(c: Any) -> str:
    if isinstance(c, Mapping):
        return f"{c.get('text') or c.get('id') or ''}：{STATE_TEXT.get(str(c.get('state')), str(c.get('state') or ''))}"
    return str(c)


def amount_cell(row: Mapping[str, Any]) -> str:
    """A row's amount as written: the calculator's own text (最高可获 …, or the rule when no figure is known)."""
    if row.get("amount_text"):
        return str(row["amount_text"])
    amount = row.get("amount")
    if amount is None:
        return "待补充资料"
    text = format_yuan(Decimal(str(amount)))
    return f"最高可获 {text}" if row.get("maximum") else text


def rule_rows(award: Mapping[str, Any], rows: Iterable[Mapping[str, Any]] | None) -> list[Mapping[str, Any]]:
    """The rows to list: every rule of the claimable list when given (so 不符合 ones show too), else the award items."""
    rows = list(rows or [])
    return rows if rows else list(award.get("items") or [])


def cap_lines(award: Mapping[str, Any]) -> list[str]:
    """The document-wide cap and the totals around it, as sentences; the calculator's own steps first."""
    lib = award.get("library")
    lib_steps = {str(s) for s in lib.get("steps") or []} if isinstance(lib, Mapping) else set()
    lines = [str(s) for s in award.get("steps") or [] if str(s) not in lib_steps]
    uncapped, cap = award.get("uncapped_total"), award.get("tax_cap")
    if has_input(award) and uncapped is not None:
        lines.append(f"各项合计（上限前）：{format_yuan(Decimal(str(uncapped)))}")
        if cap is not None:
            lines.append(f"上限：{format_yuan(Decimal(str(cap)))}；" + ("已按上限封顶。" if award.get("capped_by_tax") else "未触及上限。"))
        lines.append(f"测算合计：{total_text(award)}")
    return lines


def library_line(award: Mapping[str, Any]) -> str:
    lib = award.get("library")
    if not isinstance(lib, Mapping) or not lib.get("tier_text"):
        return ""
    label = f"（{lib['label']}）" if lib.get("label") else ""
    steps = "；".join(str(s) for s in lib.get("steps") or [])
    return f"项目库{label}：{lib['tier_text']}" + (f"（{steps}）" if steps else "")


def clause_labels(award: Mapping[str, Any], rows: Iterable[Mapping[str, Any]] | None = None) -> list[str]:
    """The award's `clauses` as the document labels them (四（三）1), looked up in the loaded document."""
    known = {str(r.get("clause")): str(r.get("label")) for r in [*(rows or []), *(award.get("items") or [])]
             if r.get("label")}
    lib = award.get("library")
    if isinstance(lib, Mapping) and lib.get("label"):
        known[str(lib.get("clause"))] = str(lib["label"])
    doc = None
    try:
        from corpus import default_corpus

        doc = default_corpus().document(award.get("doc")) if award.get("doc") else None
    except Exception:  # noqa: BLE001 - without the document the ids still say which clause
        doc = None
    out = []
    for c in award.get("clauses") or []:
        c = str(c)
        found = doc.find(c) if doc is not None and c not in known else None
        out.append(known.get(c) or (found.label if found is not None else c))
    return out


def profile_facts(profile: Mapping[str, Any], label: Callable[[str], str | None] | None = None) -> list[tuple[str, str]]:
    """The entered facts as (name, value) lines, in the profile's own order.

    `label` names a dotted key (projects.equipment, cloud.platform) or a listed value (a title id); unnamed keys
    are shown as written. Amounts (Decimal) are written as yuan, true/false as 是/否."""
    name = label or (lambda _k: None)
    out: list[tuple[str, str]] = []

    def show(value: Any, key: str) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, Decimal):
            return format_yuan(value)
        if isinstance(value, (list, tuple)):
            return "、".join(name(f"{key}={v}") or name(str(v)) or str(v) for v in value) or "无"
        return name(f"{key}={value}") or str(value)

    def walk(prefix: str, key: str, value: Any, shown: str) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}{key}.", k, v, f"{shown} · {name(f'{prefix}{key}.{k}') or name(k) or k}")
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
            for i, v in enumerate(value, 1):
                for k, vv in v.items():
                    walk(f"{prefix}{key}.", k, vv, f"{shown}{i} · {name(f'{prefix}{key}.{k}') or name(k) or k}")
        else:
            out.append((shown, show(value, f"{prefix}{key}")))

    for k, v in profile.items():
        walk("", k, v, name(k) or k)
    return out


def input_specs(doc_id: str | None = None) -> dict:
    """The inputs the document's pack declares, by dotted path, in the pack's order ({} when it has none)."""
    try:
        from corpus import default_corpus
        from corpus.packs import input_paths, pack_for

        pack = pack_for(default_corpus().document(doc_id))
        return dict(input_paths(pack.rules)) if pack.rules is not None else {}
    except Exception:  # noqa: BLE001 - without the pack the facts are still listed, by their keys
        return {}


def fact_labels(doc_id: str | None = None) -> Callable[[str], str | None]:
    """Names for `profile_facts` from the pack's declared inputs: a path's label (projects.equipment → 购买设备投资额)
    and an option's (titles=lianghua_national → its title)."""
    specs = input_specs(doc_id)

    def label(key: str) -> str | None:
        if "=" in key:
            path, value = key.split("=", 1)
            spec = specs.get(path)
            opt = spec.options.get(value) if spec is not None and getattr(spec, "options", None) else None
            return (opt.label or value) if opt is not None else None
        spec = specs.get(key)
        return spec.label if spec is not None and spec.label else None

    return label


def pack_facts(profile: Mapping[str, Any], doc_id: str | None = None) -> list[tuple[str, str]]:
    """The entered facts of a profile, named and ordered as the document's pack declares its inputs."""
    order = {path: i for i, path in enumerate(input_specs(doc_id))}
    ordered = dict(sorted(profile.items(), key=lambda kv: order.get(kv[0], len(order))))
    for k, v in ordered.items():  # nested groups in the declared order too
        if isinstance(v, Mapping):
            ordered[k] = dict(sorted(v.items(), key=lambda kv, k=k: order.get(f"{k}.{kv[0]}", len(order))))
        elif isinstance(v, (list, tuple)) and v and all(isinstance(x, Mapping) for x in v):
            ordered[k] = [dict(sorted(x.items(), key=lambda kv, k=k: order.get(f"{k}.{kv[0]}", len(order))))
                          for x in v]
    return profile_facts(ordered, fact_labels(doc_id))


# --- the PDF ---------------------------------------------------------------------------------------------------


def build_pdf(award: Mapping[str, Any], rows: Iterable[Mapping[str, Any]] | None = None,
              facts: list[tuple[str, str]] | None = None, *, doc_title: str = "", doc_number: str = "",
              today: _dt.date | None = None) -> bytes:
    """The 测算单 as PDF bytes: A4, as many pages as the content needs, every page footed with the disclaimer."""
    try:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    except ImportError as e:
        raise SheetError("缺少生成 PDF 所需的 reportlab 组件，请重新运行 scripts/setup.sh。") from e

    font = cjk_font()
    today = today or _dt.date.today()
    title = doc_title or str(award.get("doc_title") or "")
    number = doc_number or str(award.get("doc_number") or "")
    base = ParagraphStyle("pa", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    small = ParagraphStyle("pa-small", parent=base, fontSize=8.5, leading=12)
    head = ParagraphStyle("pa-h1", parent=base, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=4)
    sub = ParagraphStyle("pa-sub", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#374151"))
    h2 = ParagraphStyle("pa-h2", parent=base, fontSize=11.5, leading=17, spaceBefore=8, spaceAfter=3,
                        textColor=colors.HexColor("#1e3a5f"))
    big = ParagraphStyle("pa-big", parent=base, fontSize=13, leading=19, textColor=colors.HexColor("#1e3a5f"))

    def p(text: Any, style=base) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    grid = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.45, colors.HexColor("#9ca3af")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])
    story: list = [p("奖补测算单", head)]
    if title or number:
        story.append(p("　".join(x for x in (f"《{title}》" if title else "", number) if x), sub))
    dates = f"测算日期：{today.isoformat()}"
    if award.get("as_of"):
        dates += f"　　依据日期：{award['as_of']}"
    story += [p(dates, sub), Spacer(1, 4 * mm)]
    if doc_status(award):
        story.append(p(doc_status(award), big))
    story.append(p(headline(award), big))

    story.append(p("一、填写的企业情况", h2))
    if facts:
        # two facts a line: a long profile still leaves room for the rules on the first page
        cells = [[p(k, small), p(v, small)] for k, v in facts]
        if len(cells) % 2:
            cells.append([p("", small), p("", small)])
        data = [[p("项目", small), p("内容", small)] * 2] + [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
        t = Table(data, colWidths=[42 * mm, 48 * mm] * 2, repeatRows=1)
        t.setStyle(grid)
        story.append(t)
    else:
        story.append(p("未填写。"))

    story.append(p("二、各项奖补", h2))
    listed = rule_rows(award, rows)
    if listed:
        data = [[p(x, small) for x in ("条款", "项目", "状态", "金额", "条件", "计算过程与说明")]]
        for r in listed:
            steps = [str(s) for s in r.get("steps") or []] + [f"注：{n}" for n in r.get("notes") or []]
            data.append([p(r.get("label") or r.get("clause") or "", small), p(r.get("title") or "", small),
                         p(r.get("status_text") or r.get("status") or "", small), p(amount_cell(r), small),
                         p("\n".join(condition_text(c) for c in r.get("conditions") or []), small),
                         p("\n".join(steps), small)])
        t = Table(data, colWidths=[17 * mm, 27 * mm, 13 * mm, 25 * mm, 44 * mm, 54 * mm], repeatRows=1, splitInRow=1)
        t.setStyle(grid)
        story.append(t)
    else:
        story.append(p("没有可测算的奖补项目。"))

    story.append(p("三、上限与合计", h2))
    for line in cap_lines(award) or ["未涉及。"]:
        story.append(p(f"· {line}"))
    if library_line(award):
        story.append(p(f"· {library_line(award)}"))

    story.append(p("四、尚待确认的条件", h2))
    unknown = [str(u) for u in award.get("unknown_conditions") or []]
    for u in unknown or ["无。"]:
        story.append(p(f"· {u}"))
    notes = [str(n) for n in award.get("notes") or []]
    if notes:
        story.append(p("说明", h2))
        story += [p(f"· {n}") for n in notes]
    if award.get("clauses"):
        story.append(Spacer(1, 3 * mm))
        story.append(p("依据条款：" + "、".join(clause_labels(award, listed)), small))
    story += [Spacer(1, 5 * mm), p(f"本测算单由确定性计算器依据文件条款生成，{DISCLAIMER}", big)]

    footer = f"{number + '　' if number else ''}奖补测算单（{today.isoformat()}）　{DISCLAIMER}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#4b5563"))
        canvas.drawString(15 * mm, 9 * mm, footer)
        canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title="奖补测算单", subject=f"{title} {number}".strip(),
                            creator="policy-assistant", author="policy-assistant")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def write_pdf(path: str | Path, *args, **kwargs) -> Path:
    """`build_pdf` written to `path` (its folder created); a Chinese SheetError when it cannot be written."""
    data = build_pdf(*args, **kwargs)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as e:
        raise SheetError(f"无法写入测算单 {path}：{e.strerror or e}") from e
    return path


__all__ = ["DISCLAIMER", "SheetError", "build_pdf", "cap_lines", "cjk_font", "clause_labels", "fact_labels", "input_specs", "pack_facts", "condition_text", "doc_status",
           "has_input", "headline", "library_line", "profile_facts", "rule_rows", "total_text", "write_pdf"]
