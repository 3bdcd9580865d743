"""Award parameters of a document, read from its pack's rules.yaml (rates, amounts, caps, thresholds, each sourced)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from corpus.yamlsafe import YamlError, load_yaml_file
from tools.errors import ParameterError


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Decimal
    unit: str  # 元 or 比例
    clause: str
    source: str  # the document's words for the value, verbatim: "6%", "200 万元"
    quote: str  # a longer verbatim phrase around it
    label: str
    effective: date

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "clause": self.clause,
                "source": self.source, "quote": self.quote, "label": self.label, "effective": self.effective}


@dataclass(frozen=True)
class Parameters:
    doc_id: str
    effective: date
    items: dict[str, Parameter]
    labels: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.items[name]
        except KeyError:
            raise ParameterError(f"文件 {self.doc_id} 的奖补参数中没有“{name}”。") from None

    def __contains__(self, name: str) -> bool:
        return name in self.items

    def __iter__(self):
        return iter(self.items.values())

    def value(self, name: str) -> Decimal:
        return self[name].value

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


def _folder(doc_id: str) -> Path:
    """The document's pack folder, wherever the loaded corpus found it (bundled or imported)."""
    from corpus import CorpusError, default_corpus

    try:
        folder = default_corpus().document(doc_id).meta.get("folder")
    except CorpusError as e:
        raise ParameterError(f"未找到文件 {doc_id} 的奖补参数：{e}") from e
    if not folder:
        raise ParameterError(f"未找到文件 {doc_id} 的奖补参数。")
    return Path(folder)


def _as_date(v, where: str) -> date:
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError as e:
        raise ParameterError(f"{where} 的生效日期“{v}”不是 YYYY-MM-DD 格式。") from e


def parse_parameters(data: dict, doc_id: str, where: str = "parameters.yaml") -> Parameters:
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        raise ParameterError(f"{where} 应包含 parameters 映射。")
    effective = _as_date(data.get("effective"), where)
    items: dict[str, Parameter] = {}
    for name, p in data["parameters"].items():
        if not isinstance(p, dict):
            raise ParameterError(f"{where} 中参数 {name} 应为映射。")
        missing = [k for k in ("value", "unit", "clause", "source") if p.get(k) in (None, "")]
        if missing:
            raise ParameterError(f"{where} 中参数 {name} 缺少字段：{'、'.join(missing)}。")
        raw = p["value"]
        if isinstance(raw, float):
            raise ParameterError(f"{where} 中参数 {name} 的值请写成带引号的小数（如 \"0.06\"），避免浮点误差。")
        try:
            value = Decimal(str(raw))
        except InvalidOperation as e:
            raise ParameterError(f"{where} 中参数 {name} 的值“{raw}”不是数字。") from e
        if str(p["unit"]) == "元":
            value = value.quantize(Decimal("0.01"))  # amounts carry fen like every calculator amount
        items[name] = Parameter(
            name=str(name), value=value, unit=str(p["unit"]), clause=str(p["clause"]), source=str(p["source"]),
            quote=str(p.get("quote") or p["source"]), label=str(p.get("label") or name),
            effective=_as_date(p.get("effective", effective), where),
        )
    labels = {str(k): str(v) for k, v in (data.get("labels") or {}).items()}
    return Parameters(doc_id=str(data.get("doc") or doc_id), effective=effective, items=items, labels=labels)


@lru_cache(maxsize=64)
def load_parameters(doc_id: str | None = None) -> Parameters:
    """The document's parameters (cached: read-only data); the default document when none is named."""
    if doc_id is None:
        from corpus import default_corpus, default_document_id

        doc_id = default_document_id(default_corpus())
    path = _folder(doc_id) / "rules.yaml"
    if not path.is_file():
        raise ParameterError(f"文件 {doc_id} 没有载入奖补规则（{path.name}），无法计算奖补。")
    try:
        data = load_yaml_file(path, name=f"{doc_id}/{path.name}") or {}
    except YamlError as e:
        raise ParameterError(str(e)) from None
    return parse_parameters(data, doc_id, str(path))


def __getattr__(name: str):
    # DEFAULT_DOC: the library's default document, named in data (corpus/library.yaml), not in code
    if name == "DEFAULT_DOC":
        from corpus import default_corpus, default_document_id

        return default_document_id(default_corpus())
    raise AttributeError(name)


__all__ = ["Parameter", "Parameters", "load_parameters", "parse_parameters"]
