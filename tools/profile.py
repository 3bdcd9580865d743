"""The enterprise profile (DESIGN §4a): what the calculator knows about an enterprise; a missing fact is unknown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from corpus.yamlsafe import YamlError, load_yaml_file
from tools.amounts import parse_amount
from tools.errors import AmountError, ProfileError

TITLE_IDS = (
    "lianghua_national", "lianghua_provincial", "lianghua_city",
    "service_national", "service_provincial", "service_city",
)
CLOUD_STAGES = ("infrastructure", "platform", "application", "equipment", "manufacturing")
STACKING = ("cumulative", "highest")

# Chinese names a caller may use for a title; the canonical id is what the calculator reads.
TITLE_ALIASES = {
    "国家两化融合管理体系贯标": "lianghua_national", "两化融合贯标": "lianghua_national",
    "省级两化深度融合示范": "lianghua_provincial", "市级两化融合示范": "lianghua_city",
    "国家服务型制造示范": "service_national", "省服务型制造示范": "service_provincial",
    "省级服务型制造示范": "service_provincial", "市服务型制造示范": "service_city",
    "市级服务型制造示范": "service_city",
}

_FIELD_NAMES = {
    "above_scale": "规模以上企业（above_scale）",
    "projects": "技改项目（projects）",
    "equipment": "购买设备投资额（equipment）",
    "total_investment": "项目总投资（total_investment）",
    "completed": "已竣工（completed）",
    "in_national_stats": "列入国家统计库（in_national_stats）",
    "complies_industrial_policy": "符合国家产业政策（complies_industrial_policy）",
    "titles": "称号（titles）",
    "ganzhou_smart_award": "赣州市智能制造奖补金额（ganzhou_smart_award）",
    "smart_recognised": "获赣州市认定智能制造示范/标杆企业（smart_recognised）",
    "cloud": "上云实际支付金额（cloud）",
    "node": "二级节点（node）",
    "investment": "二级节点实际投资额（node.investment）",
    "connected": "接入二级节点（node.connected）",
    "passed_acceptance": "通过验收（node.passed_acceptance）",
    "registered_in_longnan": "在龙南注册（node.registered_in_longnan）",
    "local_tax_retained": "当年地方财政实得税收（local_tax_retained）",
    "stacking": "称号叠加方式（stacking）",
}

_TRUE = {"true", "yes", "y", "1", "是", "对", "有", "已", "已竣工", "符合", "是的"}
_FALSE = {"false", "no", "n", "0", "否", "不是", "没有", "无", "未", "不符合"}


def _name(key: str) -> str:
    return _FIELD_NAMES.get(key, key)


def _bool(value, key: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("", "unknown", "未知", "不清楚", "不确定"):
            return None
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    raise ProfileError(f"字段 {_name(key)} 应为 是/否（true/false），收到“{value}”。")


def _amount(value, key: str, allow_zero: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        return parse_amount(value, allow_zero=allow_zero)
    except AmountError as e:
        raise ProfileError(f"字段 {_name(key)}：{e}") from e


def _check_keys(d: dict, allowed: tuple[str, ...], where: str) -> None:
    unknown = [k for k in d if k not in allowed]
    if unknown:
        raise ProfileError(f"{where}中有无法识别的字段：{'、'.join(map(str, unknown))}。可用字段：{'、'.join(allowed)}。")


@dataclass(frozen=True)
class Project:
    equipment: Decimal | None = None
    total_investment: Decimal | None = None
    completed: bool | None = None
    in_national_stats: bool | None = None
    complies_industrial_policy: bool | None = None
    name: str | None = None

    KEYS = ("equipment", "total_investment", "completed", "in_national_stats", "complies_industrial_policy", "name")

    @classmethod
    def from_dict(cls, d: dict, index: int = 1) -> Project:
        if not isinstance(d, dict):
            raise ProfileError(f"字段 {_name('projects')} 的第{index}项应为映射，例如 {{equipment: 1200万, completed: true}}。")
        _check_keys(d, cls.KEYS, f"第{index}个技改项目")
        return cls(
            equipment=_amount(d.get("equipment"), "equipment"),
            total_investment=_amount(d.get("total_investment"), "total_investment"),
            completed=_bool(d.get("completed"), "completed"),
            in_national_stats=_bool(d.get("in_national_stats"), "in_national_stats"),
            complies_industrial_policy=_bool(d.get("complies_industrial_policy"), "complies_industrial_policy"),
            name=None if d.get("name") is None else str(d["name"]),
        )

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.KEYS}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Node:
    investment: Decimal | None = None
    connected: bool | None = None  # 接入二级节点; passing acceptance of the connection implies it
    passed_acceptance: bool | None = None
    registered_in_longnan: bool | None = None

    KEYS = ("investment", "connected", "passed_acceptance", "registered_in_longnan")

    @classmethod
    def from_dict(cls, d: dict) -> Node:
        if not isinstance(d, dict):
            raise ProfileError(f"字段 {_name('node')} 应为映射，例如 {{investment: 80万, passed_acceptance: true}}。")
        _check_keys(d, cls.KEYS, "二级节点（node）")
        return cls(
            investment=_amount(d.get("investment"), "investment"),
            connected=_bool(d.get("connected"), "connected"),
            passed_acceptance=_bool(d.get("passed_acceptance"), "passed_acceptance"),
            registered_in_longnan=_bool(d.get("registered_in_longnan"), "registered_in_longnan"),
        )

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.KEYS if getattr(self, k) is not None}


@dataclass(frozen=True)
class Profile:
    """Every field optional: None means unknown (never false). `titles=None` is unknown; `()` is 'holds none'."""

    above_scale: bool | None = None
    projects: tuple[Project, ...] = ()
    titles: tuple[str, ...] | None = None
    ganzhou_smart_award: Decimal | None = None
    smart_recognised: bool | None = None
    cloud: dict[str, Decimal] | None = None
    node: Node | None = None
    local_tax_retained: Decimal | None = None
    stacking: str | None = None  # None → the default (cumulative), and the answer says it assumed so

    KEYS = ("above_scale", "projects", "titles", "ganzhou_smart_award", "smart_recognised", "cloud", "node",
            "local_tax_retained", "stacking")

    @classmethod
    def from_dict(cls, d: dict | None) -> Profile:
        if d is None:
            return cls()
        if isinstance(d, Profile):
            return d
        if not isinstance(d, dict):
            raise ProfileError("企业情况应为键值映射（YAML/JSON 对象）。")
        _check_keys(d, cls.KEYS, "企业情况")
        projects = d.get("projects")
        if projects is None:
            projects = []
        elif isinstance(projects, dict):
            projects = [projects]
        elif not isinstance(projects, list):
            raise ProfileError(f"字段 {_name('projects')} 应为项目列表。")
        titles = d.get("titles")
        if titles is not None:
            if isinstance(titles, str):
                titles = [t for t in titles.replace("，", ",").replace("、", ",").split(",") if t.strip()]
            if not isinstance(titles, list):
                raise ProfileError(f"字段 {_name('titles')} 应为称号列表，可用：{'、'.join(TITLE_IDS)}。")
            canon = []
            for t in titles:
                tid = TITLE_ALIASES.get(str(t).strip().removesuffix("企业"), str(t).strip())
                if tid not in TITLE_IDS:
                    raise ProfileError(f"字段 {_name('titles')} 中的“{t}”无法识别，可用：{'、'.join(TITLE_IDS)}。")
                if tid not in canon:
                    canon.append(tid)
            titles = tuple(canon)
        cloud = d.get("cloud")
        if cloud is not None:
            if not isinstance(cloud, dict):
                raise ProfileError(f"字段 {_name('cloud')} 应为各阶段实付金额的映射，阶段：{'、'.join(CLOUD_STAGES)}。")
            _check_keys(cloud, CLOUD_STAGES, "上云（cloud）")
            cloud = {k: a for k in CLOUD_STAGES if (a := _amount(cloud.get(k), "cloud")) is not None}
        node = d.get("node")
        stacking = d.get("stacking")
        if stacking is not None:
            stacking = {"累加": "cumulative", "叠加": "cumulative", "就高": "highest"}.get(str(stacking), str(stacking))
            if stacking not in STACKING:
                raise ProfileError(f"字段 {_name('stacking')} 应为 cumulative（累加）或 highest（就高），收到“{d['stacking']}”。")
        return cls(
            above_scale=_bool(d.get("above_scale"), "above_scale"),
            projects=tuple(Project.from_dict(p, i) for i, p in enumerate(projects, 1)),
            titles=titles,
            ganzhou_smart_award=_amount(d.get("ganzhou_smart_award"), "ganzhou_smart_award"),
            smart_recognised=_bool(d.get("smart_recognised"), "smart_recognised"),
            cloud=cloud,
            node=None if node is None else Node.from_dict(node),
            local_tax_retained=_amount(d.get("local_tax_retained"), "local_tax_retained"),
            stacking=stacking,
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Profile:
        p = Path(path)
        if not p.exists():
            raise ProfileError(f"找不到企业情况文件：{p}")
        try:
            data = load_yaml_file(p, name=f"企业情况文件 {p}")
        except YamlError as e:
            raise ProfileError(str(e)) from None
        return cls.from_dict(data or {})

    def to_dict(self) -> dict:
        out: dict = {}
        if self.above_scale is not None:
            out["above_scale"] = self.above_scale
        if self.projects:
            out["projects"] = [p.to_dict() for p in self.projects]
        if self.titles is not None:
            out["titles"] = list(self.titles)
        for k in ("ganzhou_smart_award", "smart_recognised", "local_tax_retained", "stacking"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        if self.cloud is not None:
            out["cloud"] = dict(self.cloud)
        if self.node is not None:
            out["node"] = self.node.to_dict()
        return out


__all__ = ["CLOUD_STAGES", "STACKING", "TITLE_IDS", "Node", "Profile", "Project"]
