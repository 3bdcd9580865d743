"""The 奖补测算 form as data: the fields a pack's declared inputs call for, and the form's values turned into a profile.

Nothing here knows a document: every field, label, option and unit comes from the pack's `inputs` (DESIGN §9), and
the same functions serve every loaded document. No gradio either: ui.py lays these fields out as widgets, and the
functions stay pure (unit-tested in tests/test_ui_helpers.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tools.amounts import parse_amount
from tools.errors import AmountError, ProfileError
from tools.facts import parse_date, parse_number, parse_quantity, parse_rate

YES, NO, UNKNOWN = "是", "否", "未填写"
TRI = [YES, NO, UNKNOWN]  # a missing fact is unknown, never 否 (DESIGN §4a)
ITEMS = 2  # item groups shown for each list input (projects, loans…)
ID_PREFIX = "calc-field-"

# how each declared input type is entered: a three-way radio, a text box, ticked options, or one option
WIDGETS = {"bool": "tri", "titles": "options", "choice": "choice", "amount": "text", "number": "text",
           "quantity": "text", "rate": "text", "date": "text", "place": "text", "text": "text"}


@dataclass(frozen=True)
class FormField:
    """One widget of the form: where its value goes in the profile and how it is entered."""

    where: tuple[str | int, ...]  # the place in the profile: ("above_scale",) or ("projects", 0, "equipment")
    path: str  # the declared input path (projects.equipment)
    spec: Any  # the pack's InputSpec
    section: str = ""  # the title of the box it sits in ("" for the enterprise's own facts)

    @property
    def widget(self) -> str:
        return WIDGETS.get(self.spec.type, "text")

    @property
    def elem_id(self) -> str:
        """calc-field-projects-1-equipment: the input path with . → -, list items numbered from 1."""
        return ID_PREFIX + "-".join(str(p + 1) if isinstance(p, int) else p for p in self.where)

    @property
    def label(self) -> str:
        spec = self.spec
        unit = {"amount": "元", "rate": "%", "quantity": spec.unit, "number": spec.unit}.get(spec.type, "")
        return f"{spec.label}（{unit}）" if unit else spec.label

    @property
    def name(self) -> str:
        """The field as a message names it: 技改项目1 · 购买设备投资额."""
        return f"{self.section} · {self.spec.label}" if self.section else self.spec.label

    @property
    def placeholder(self) -> str:
        spec = self.spec
        if spec.type == "amount":
            return "如 1200万 或 1.2亿"
        if spec.type == "rate":
            return "如 3.55%"
        if spec.type == "date":
            return "如 2023-03-15 或 2023年3月"
        if spec.type in ("quantity", "number"):
            other = "、".join(u for u in spec.conversions if u != spec.unit)
            return f"填写数字，也可带单位：{other}" if other else "填写数字"
        return ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(label, value) pairs: the options by their Chinese labels; a single choice may stay unfilled."""
        if self.widget == "tri":
            return [(x, x) for x in TRI]
        opts = [(o.label or oid, oid) for oid, o in self.spec.options.items()]
        return [*opts, (UNKNOWN, UNKNOWN)] if self.widget == "choice" else opts

    @property
    def blank(self) -> Any:
        """The value of the field when nothing is entered (what 清空重填 puts back)."""
        return {"tri": UNKNOWN, "options": [], "choice": UNKNOWN}.get(self.widget, "")


@dataclass
class Section:
    title: str  # "" for the enterprise's own facts, else the group's label or the list item's (技改项目1)
    fields: list[FormField] = field(default_factory=list)
    open: bool = True


def form_sections(specs: Mapping[str, Any], items: int = ITEMS) -> list[Section]:
    """The form of a pack's inputs (`tools.sheet.input_specs(doc)`: every input path → its spec, in the pack's
    order), in boxes: consecutive top-level facts share an untitled box; each group gets its own, and each list
    `items` numbered ones (the first list's first item open)."""
    top = {p: s for p, s in specs.items() if "." not in p}
    sections: list[Section] = []
    first_list = True

    def plain() -> Section:
        if not sections or sections[-1].title:
            sections.append(Section(""))
        return sections[-1]

    def fill(sec: Section, fields: Mapping[str, Any], where: tuple, path: str) -> None:
        for key, spec in fields.items():
            here, p = (*where, key), f"{path}.{key}"
            if spec.fields:  # a box inside a box is laid out flat under the outer title; a list inside, one item
                fill(sec, spec.fields, (*here, 0) if spec.type == "list" else here, p)
            else:
                sec.fields.append(FormField(here, p, spec, sec.title))

    for key, spec in top.items():
        if spec.type == "group":
            sec = Section(spec.label, open=False)
            fill(sec, spec.fields, (key,), key)
            sections.append(sec)
        elif spec.type == "list":
            for i in range(items):
                sec = Section(f"{spec.label}{i + 1}", open=first_list and i == 0)
                fill(sec, spec.fields, (key, i), key)
                sections.append(sec)
            first_list = False
        else:
            plain().fields.append(FormField((key,), key, spec))
    return [s for s in sections if s.fields]


def form_fields(sections: list[Section]) -> list[FormField]:
    return [f for s in sections for f in s.fields]


def _value(f: FormField, raw: Any) -> Any:
    """One widget's value as a profile fact; None when nothing is entered (the fact stays unknown)."""
    kind = f.spec.type
    if f.widget == "tri":
        return {YES: True, NO: False}.get(str(raw or ""))
    if f.widget == "options":
        allowed = set(f.spec.options)
        picked = [str(x) for x in (raw or []) if str(x) in allowed]
        return picked or None
    if f.widget == "choice":
        return str(raw) if str(raw or "") in f.spec.options else None
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    where = f"“{f.name}”"
    if kind == "amount":
        try:
            return parse_amount(text)
        except AmountError as e:
            raise ProfileError(f"{where}：{e}") from None
    if kind == "rate":
        return parse_rate(text, where)
    if kind == "date":
        return parse_date(text, where)
    if kind == "quantity":
        return parse_quantity(text, f.spec.unit, dict(f.spec.conversions), where)
    if kind == "number":
        return parse_number(text, where)
    return text


def form_profile(fields: list[FormField], values: list[Any] | Mapping[str, Any]) -> dict:
    """The form's values (in `fields` order, or by elem_id) → the profile dict the calculator reads.

    Blank fields are left out (unknown, never false); an item of a list is kept only when something of it was
    entered, and empty items close up (项目2 alone becomes the first item). Amounts are read with the one amount
    parser (1200万, 1.2亿); an unreadable value raises ProfileError naming the field in Chinese."""
    if isinstance(values, Mapping):
        values = [values.get(f.elem_id) for f in fields]
    if len(values) != len(fields):
        raise ValueError("form values do not match its fields")
    profile: dict = {}
    for f, raw in zip(fields, values, strict=True):
        value = _value(f, raw)
        if value is None:
            continue
        node: Any = profile
        for part, nxt in zip(f.where, f.where[1:], strict=False):
            if isinstance(part, int):
                while len(node) <= part:
                    node.append(None)
                if node[part] is None:
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
            else:
                node = node.setdefault(part, [] if isinstance(nxt, int) else {})
        last = f.where[-1]
        if isinstance(last, int):
            while len(node) <= last:
                node.append(None)
        node[last] = value
    return _close_up(profile)


def _close_up(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _close_up(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_close_up(v) for v in value if v is not None]
    return value


__all__ = ["ITEMS", "NO", "TRI", "UNKNOWN", "YES", "FormField", "Section", "form_fields", "form_profile",
           "form_sections"]
