"""The enterprise profile (DESIGN §4a, §9): facts validated against one pack's declared inputs; a missing fact is unknown.

Each pack's inputs give one generated pydantic model (`profile_model`), which validates profiles for the CLI, the API,
the UI and the LLM tool alike and gives them the profile's JSON Schema."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, WithJsonSchema, create_model

from corpus.yamlsafe import YamlError, load_yaml_file
from tools.amounts import parse_amount
from tools.errors import AmountError, ProfileError
from tools.facts import DateSpan, parse_date, parse_number, parse_quantity, parse_rate

_TRUE = {"true", "yes", "y", "1", "是", "对", "有", "已", "符合", "是的", "满足"}
_FALSE = {"false", "no", "n", "0", "否", "不是", "没有", "无", "未", "不符合", "不满足"}
MAX_TEXT = 256  # a name or place longer than this is not a fact
_UNKNOWN = {"", "unknown", "未知", "不清楚", "不确定", "null", "none"}


def _pack(doc_id: str | None):
    from corpus import default_corpus, default_document_id
    from corpus.packs import pack_for

    corpus = default_corpus()
    return pack_for(corpus.document(doc_id or default_document_id(corpus)))


def _name(spec, path: str) -> str:
    return f"{spec.label}（{path}）"


# --- one validator per input type ---------------------------------------------------------------

def _bool_v(spec, path):
    def v(value):
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            s = value.strip().lower()
            if s in _UNKNOWN:
                return None
            if s in _TRUE:
                return True
            if s in _FALSE:
                return False
        raise ProfileError(f"字段 {_name(spec, path)} 应为 是/否（true/false），收到“{str(value)[:40]}”。")
    return v


def _amount_v(spec, path):
    def v(value):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        try:
            return parse_amount(value)
        except AmountError as e:
            raise ProfileError(f"字段 {_name(spec, path)}：{e}") from e
    return v


def _number_v(spec, path):
    def v(value):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        if spec.type == "quantity":
            return parse_quantity(value, spec.unit, dict(spec.conversions), f"字段 {_name(spec, path)}")
        return parse_number(value, f"字段 {_name(spec, path)}")
    return v


def _rate_v(spec, path):
    def v(value):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        return parse_rate(value, f"字段 {_name(spec, path)}")
    return v


def _date_v(spec, path):
    def v(value):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        return parse_date(value, f"字段 {_name(spec, path)}")
    return v


def _text_v(spec, path):
    def v(value):
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise ProfileError(f"字段 {_name(spec, path)} 应为文字。")
        s = str(value).strip()
        if len(s) > MAX_TEXT:
            raise ProfileError(f"字段 {_name(spec, path)} 过长（超过{MAX_TEXT}字）。")
        return s or None
    return v


def _option_lookup(spec) -> dict[str, str]:
    table: dict[str, str] = {}
    for oid, opt in spec.options.items():
        for word in (oid, opt.label, opt.short, *opt.aliases):
            if word:
                table[word] = oid
                table[word.removesuffix("企业")] = oid
    return table


def _choice_v(spec, path):
    table = _option_lookup(spec)

    def v(value):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        oid = table.get(str(value).strip())
        if oid is None:
            raise ProfileError(f"字段 {_name(spec, path)} 应为 {'、'.join(f'{k}（{o.label}）' for k, o in spec.options.items())}，"
                               f"收到“{str(value)[:40]}”。")
        return oid
    return v


def _titles_v(spec, path):
    table = _option_lookup(spec)
    allowed = "、".join(spec.options)

    def one(t):
        oid = table.get(str(t).strip()) or table.get(str(t).strip().removesuffix("企业"))
        if oid is None:
            raise ProfileError(f"字段 {_name(spec, path)} 中的“{str(t)[:40]}”无法识别，可用：{allowed}。")
        return oid

    def v(value):
        if value is None:
            return None
        if isinstance(value, str):
            value = [t for t in value.replace("，", ",").replace("、", ",").split(",") if t.strip()]
        if not isinstance(value, (list, tuple)):
            raise ProfileError(f"字段 {_name(spec, path)} 应为称号列表，可用：{allowed}。")
        out: list = []
        for t in value:
            if isinstance(t, dict):  # {id: provincial, date: 2023-03}: a title with the date it was won
                unknown = [k for k in t if k not in ("id", "date")]
                if unknown or "id" not in t:
                    raise ProfileError(f"字段 {_name(spec, path)} 的每一项应为称号，或 {{id: 称号, date: 获评日期}}。")
                item = {"id": one(t["id"])}
                if t.get("date") not in (None, ""):
                    item["date"] = parse_date(t["date"], f"字段 {_name(spec, path)} 的获评日期")
                if all((x if isinstance(x, str) else x["id"]) != item["id"] for x in out):
                    out.append(item)
            else:
                oid = one(t)
                if all((x if isinstance(x, str) else x["id"]) != oid for x in out):
                    out.append(oid)
        return tuple(out)
    return v


_SCHEMA = {
    "bool": {"type": "boolean"},
    "amount": {"anyOf": [{"type": "number"}, {"type": "string"}], "description": "元；也可写 1200万、一千二百万元"},
    "number": {"type": "number", "minimum": 0},
    "quantity": {"anyOf": [{"type": "number"}, {"type": "string"}]},
    "rate": {"anyOf": [{"type": "number"}, {"type": "string"}], "description": "利率，如 3.55%"},
    "date": {"type": "string", "description": "2023-03-15、2023-03 或 2023年3月"},
    "place": {"type": "string"},
    "text": {"type": "string"},
}
_VALIDATORS = {"bool": _bool_v, "amount": _amount_v, "number": _number_v, "quantity": _number_v, "rate": _rate_v,
               "date": _date_v, "place": _text_v, "text": _text_v}


def _annotated(spec, path: str, model_name: str):
    """The pydantic field type of one input, with its Chinese-speaking validator and its JSON Schema."""
    desc = spec.label + (f"（{spec.unit}）" if spec.unit else "")
    if spec.type in _VALIDATORS:
        schema = dict(_SCHEMA[spec.type], title=spec.label, description=desc)
        return Annotated[Any, BeforeValidator(_VALIDATORS[spec.type](spec, path)), WithJsonSchema(schema)]
    if spec.type == "choice":
        schema = {"type": "string", "enum": list(spec.options), "title": spec.label, "description": desc}
        return Annotated[Any, BeforeValidator(_choice_v(spec, path)), WithJsonSchema(schema)]
    if spec.type == "titles":
        schema = {"type": "array", "items": {"type": "string", "enum": list(spec.options)}, "title": spec.label,
                  "description": "；".join(f"{k}：{o.label}" for k, o in spec.options.items())}
        return Annotated[Any, BeforeValidator(_titles_v(spec, path)), WithJsonSchema(schema)]
    sub = _model(spec.fields, path, f"{model_name}_{path.replace('.', '_')}")
    if spec.type == "group":
        def group(value, spec=spec, path=path):
            if value is not None and not isinstance(value, dict):
                raise ProfileError(f"字段 {_name(spec, path)} 应为映射（键: 值）。")
            return value
        return Annotated[sub | None, BeforeValidator(group)]

    def items(value, spec=spec, path=path):
        if value is None:
            return None
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ProfileError(f"字段 {_name(spec, path)} 应为{spec.item or '项目'}列表。")
        for i, x in enumerate(value, 1):
            if not isinstance(x, dict):
                raise ProfileError(f"字段 {_name(spec, path)} 的第{i}项应为映射（键: 值）。")
        return list(value)
    return Annotated[list[sub] | None, BeforeValidator(items)]


def _model(fields: dict, prefix: str, name: str) -> type[BaseModel]:
    defs = {}
    for key, spec in fields.items():
        path = f"{prefix}.{key}" if prefix else key
        defs[key] = (_annotated(spec, path, name), None)
    return create_model(name, __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **defs)


_MODELS: dict[int, tuple] = {}


def profile_model(doc_id: str | None = None, *, pack=None) -> type[BaseModel]:
    """The pydantic model of the profile of document `doc_id` (or of `pack`); its JSON Schema:
    `.model_json_schema()`. Built once per loaded pack."""
    pack = pack or _pack(doc_id)
    hit = _MODELS.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1]
    inputs = pack.rules.inputs if pack.rules else {}
    model = _model(inputs, "", "Profile_" + "".join(ch if ch.isalnum() else "_" for ch in pack.id))
    if len(_MODELS) > 256:
        _MODELS.clear()
    _MODELS[id(pack)] = (pack, model)
    return model


def profile_schema(doc_id: str | None = None) -> dict:
    """The JSON Schema of a document's profile, for the API and the LLM tool."""
    schema = profile_model(doc_id).model_json_schema()
    schema["properties"] = {"doc": {"type": "string", "title": "文件编号"}, **schema.get("properties", {})}
    return schema


# --- the Profile ---------------------------------------------------------------------------------

def _where(pack, loc: tuple) -> str:
    """The profile part a location names, as a Chinese phrase: 企业情况 / 第2个技改项目 / 二级节点（node）."""
    if not loc:
        return "企业情况"
    fields = pack.rules.inputs if pack.rules else {}
    spec, path, index = None, [], None
    for part in loc:
        if isinstance(part, int):
            index = part + 1
            continue
        spec = fields.get(part)
        if spec is None:
            break
        path.append(part)
        fields = spec.fields
    if spec is None:
        return "企业情况"
    if spec.type == "list" and index is not None:
        return f"第{index}个{spec.label}"
    return f"{spec.label}（{'.'.join(path)}）"


def _raise_validation(pack, err: ValidationError) -> None:
    errors = err.errors()
    for e in errors:  # a validator's own Chinese message first
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, ProfileError):
            raise ProfileError(str(cause)) from None
    e = errors[0]
    loc = tuple(e["loc"])
    if e["type"] == "extra_forbidden":
        parent = loc[:-1]
        fields = pack.rules.inputs if pack.rules else {}
        for part in parent:
            if isinstance(part, str) and part in fields:
                fields = fields[part].fields
        raise ProfileError(f"{_where(pack, parent)}中有无法识别的字段：{loc[-1]}。可用字段：{'、'.join(fields)}。") from None
    if e["type"] in ("model_type", "dict_type"):
        raise ProfileError(f"{_where(pack, loc)}应为映射（键: 值）。") from None
    raise ProfileError(f"{_where(pack, loc)}的取值无效。") from None


def _plain(value):
    """The validated model as plain data: only facts stated, Decimals and DateSpans kept."""
    if isinstance(value, BaseModel):
        return {k: _plain(getattr(value, k)) for k in value.model_fields_set if getattr(value, k) is not None}
    if isinstance(value, list):
        return [_plain(x) for x in value]
    return value


def _out(value):
    if isinstance(value, dict):
        return {k: _out(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_out(x) for x in value]
    if isinstance(value, DateSpan):
        return value.text
    return value


class FactView:
    """Attribute access to a group or a list item of a profile (profile.projects[0].equipment); unset is None."""

    def __init__(self, data: dict):
        self._data = data

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return _view(self._data.get(name))

    def __getitem__(self, key):
        return self._data[key]

    def get(self, key, default=None):
        return self._data.get(key, default)

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def keys(self):
        return self._data.keys()

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __eq__(self, other):
        return self._data == (other._data if isinstance(other, FactView) else other)

    def __repr__(self) -> str:
        return f"FactView({self._data!r})"

    def to_dict(self) -> dict:
        return _out(self._data)


def _view(value):
    if isinstance(value, dict):
        return FactView(value)
    if isinstance(value, list):
        return tuple(_view(x) for x in value)
    return value


class Profile:
    """The facts stated about one enterprise for one document (`doc`; None: the default document).

    Every fact optional: None means unknown (never false); `titles=()` means 'holds none'."""

    __slots__ = ("facts", "doc")

    def __init__(self, facts: dict | None = None, doc: str | None = None):
        object.__setattr__(self, "facts", dict(facts or {}))
        object.__setattr__(self, "doc", doc)

    def __setattr__(self, name, value):
        raise AttributeError("Profile is immutable")

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return _view(self.facts.get(name))

    def get(self, path: str, default=None):
        return self.facts.get(path, default)

    def __eq__(self, other) -> bool:
        return isinstance(other, Profile) and self.to_dict() == other.to_dict() and self.doc == other.doc

    def __hash__(self) -> int:
        return hash(repr(self.to_dict()))

    def __repr__(self) -> str:
        return f"Profile(doc={self.doc!r}, {self.to_dict()!r})"

    def __bool__(self) -> bool:
        return bool(self.facts)

    @classmethod
    def from_dict(cls, d: dict | Profile | None, doc: str | None = None, *, strict: bool = True,
                  pack=None) -> Profile:
        """Validate a profile against the pack of `doc` (or d["doc"], else the default document).

        strict=False drops keys this pack does not declare (a profile written for several documents)."""
        if isinstance(d, Profile):
            if doc is None or d.doc == doc:
                return d
            d = {**d.to_dict()}
        if d is None:
            d = {}
        if not isinstance(d, dict):
            raise ProfileError("企业情况应为键值映射（YAML/JSON 对象）。")
        d = dict(d)
        named = d.pop("doc", None)
        doc_id = doc or (str(named) if named else None)
        try:
            pack = pack or _pack(doc_id)
        except Exception as e:  # noqa: BLE001 - an unknown document is the user's error
            raise ProfileError(f"找不到文件“{doc_id}”：{e}") from None
        if pack.rules is None:
            raise ProfileError(f"文件 {pack.id} 没有载入奖补规则，无法按企业情况计算。")
        if not strict:
            d = {k: v for k, v in d.items() if k in pack.rules.inputs}
        try:
            model = profile_model(pack=pack).model_validate(d)
        except ValidationError as e:
            _raise_validation(pack, e)
        return cls(_plain(model), pack.id if doc_id else None)

    @classmethod
    def from_yaml(cls, path: str | Path, doc: str | None = None) -> Profile:
        p = Path(path)
        if not p.exists():
            raise ProfileError(f"找不到企业情况文件：{p}")
        try:
            data = load_yaml_file(p, name=f"企业情况文件 {p}")
        except YamlError as e:
            raise ProfileError(str(e)) from None
        return cls.from_dict(data or {}, doc)

    def to_dict(self) -> dict:
        return _out(self.facts)

    def with_doc(self, doc: str) -> Profile:
        return Profile.from_dict(self.to_dict(), doc, strict=False)


def as_profile(profile, doc: str | None = None) -> Profile:
    """A Profile for document `doc` from a Profile, a dict or None."""
    return Profile.from_dict(profile, doc)


__all__ = ["Decimal", "FactView", "Profile", "as_profile", "profile_model", "profile_schema"]
