"""The conversation state: Session holds the enterprise profile built up across turns and what was last talked about."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assistant.answer import Answer
from assistant.facts import tax_paid_problem
from assistant.understand import Turn
from tools.amounts import format_yuan

_PROJECT_FLAGS = ("completed", "in_national_stats", "complies_industrial_policy")
_FLAG_KEYS = ("above_scale", *_PROJECT_FLAGS, "node_passed_acceptance", "node_registered_in_longnan", "node_connected")
_NODE_FLAGS = {"node_passed_acceptance": "passed_acceptance", "node_registered_in_longnan": "registered_in_longnan",
               "node_connected": "connected"}


@dataclass
class Session:
    """One conversation: the enterprise profile built up so far (DESIGN §4a) and what was last talked about."""

    profile: dict = field(default_factory=dict)
    last_topic: str | None = None  # clause id
    last_intent: str | None = None
    last_slot: tuple | None = None  # where the last amount went, for 那如果是5000万呢
    last_answer: Answer | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    last_doc: str | None = None  # the document last answered from (several loaded): follow-ups stay on it
    pending_ref: str | None = None  # a clause number several documents have, until the user says which document
    last_condition: str | None = None  # the condition fact last stated (验收还没通过), for 现在通过了

    def to_state(self) -> dict:
        """Every field as JSON-safe data (Decimals, tuples and the last Answer tagged), for a session store."""
        return {f.name: _encode(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_state(cls, state: dict) -> Session:
        """The session `to_state` gave. Keys no field has are ignored, missing or unreadable ones take the field's
        default: a state stored by an older or newer version of this class still opens."""
        session = cls()
        if not isinstance(state, dict):
            return session
        for f in dataclasses.fields(cls):
            if f.name in state:
                try:
                    setattr(session, f.name, _decode(state[f.name]))
                except (TypeError, ValueError, KeyError, InvalidOperation):
                    pass  # keep the default
        return session

    def reset(self) -> None:
        self.profile = {}
        self.last_topic = self.last_intent = self.last_slot = self.last_answer = None
        self.last_doc = self.pending_ref = self.last_condition = None
        self.history = []

    # --- facts ------------------------------------------------------------------------------

    def _projects(self) -> list[dict]:
        return self.profile.setdefault("projects", [])

    def _set_amount(self, slot: tuple, amount: Decimal, *, new_project: bool = False, index: int | None = None) -> None:
        p = self.profile
        key = slot[0]
        if key in ("equipment", "total_investment"):
            projects = self._projects()
            if index is None:
                if new_project and projects and projects[-1].get(key) is not None:
                    base = {k: v for k, v in projects[-1].items() if k in _PROJECT_FLAGS}
                    projects.append(base)
                if not projects:
                    projects.append({})
                index = len(projects) - 1
            while len(projects) <= index:
                projects.append({k: v for k, v in (projects[-1] if projects else {}).items() if k in _PROJECT_FLAGS})
            projects[index][key] = amount
            self.last_slot = (key, index)
        elif key == "cloud":
            p.setdefault("cloud", {})[slot[1]] = amount
            self.last_slot = slot
        elif key == "node":
            p.setdefault("node", {})["investment"] = amount
            self.last_slot = slot
        elif key in ("local_tax_retained", "ganzhou_smart_award"):
            p[key] = amount
            if key == "ganzhou_smart_award":
                p["smart_recognised"] = True
            self.last_slot = (key,)

    def _amount_at(self, slot: tuple) -> Decimal | None:
        """The amount currently held at a slot (as `last_slot` names it), or None."""
        p = self.profile
        if slot[0] in ("equipment", "total_investment"):
            projects = self._projects()
            i = slot[1] if len(slot) > 1 and slot[1] is not None else len(projects) - 1
            return projects[i].get(slot[0]) if 0 <= i < len(projects) else None
        if slot[0] == "cloud":
            return (p.get("cloud") or {}).get(slot[1])
        if slot[0] == "node":
            return (p.get("node") or {}).get("investment")
        return p.get(slot[0])

    def apply(self, turn: Turn) -> list[str]:
        """Merge what the turn states into the profile; returns what could not be placed."""
        problems: list[str] = []
        p = self.profile
        amounts = [(s, v) for s, v in turn.facts if isinstance(v, Decimal)]
        flags = [(s, v) for s, v in turn.facts if not isinstance(v, Decimal)]
        stated = {s[0] for s, _ in flags}
        for slot, value in flags:
            key = slot[0]
            if key == "all_conditions":
                # 条件都满足: every condition of the rule talked about, except those the turn states itself
                if self._condition_family(turn) == "node":
                    for k, field_ in _NODE_FLAGS.items():
                        if k not in stated:
                            p.setdefault("node", {})[field_] = value
                    continue
                if "above_scale" not in stated:
                    p["above_scale"] = value
                projects = self._projects()
                if not projects:
                    projects.append({})
                for proj in (projects[-1:] if turn.new_project and len(projects) > 1 else projects):
                    for k in _PROJECT_FLAGS:
                        if k not in stated:
                            proj[k] = value
            elif key == "above_scale":
                p["above_scale"] = value
            elif key in _PROJECT_FLAGS:
                projects = self._projects()
                if not projects:
                    projects.append({})
                targets = projects[-1:] if turn.new_project and len(projects) > 1 else projects
                for proj in targets:
                    proj[key] = value
            elif key == "node_passed_acceptance" and not turn.topics and "node" not in p and self._projects() \
                    and self._condition_family(turn) == "equipment":
                # 验收完了 while a technical-upgrade project is talked about: completed; not accepted leaves it open
                if value:
                    for proj in self._projects():
                        proj["completed"] = True
            elif key in _NODE_FLAGS:
                p.setdefault("node", {})[_NODE_FLAGS[key]] = value
            elif key == "smart_recognised":
                p["smart_recognised"] = value
        if flags and flags[-1][0][0] != "all_conditions":
            self.last_condition = flags[-1][0][0]
        for amount in turn.tax_whatif:
            if p.get("local_tax_retained") is None:
                problems.append(tax_paid_problem(amount))  # no share held: the amount may be the whole tax
            else:
                self._set_amount(("local_tax_retained",), amount)
        equipment = [v for s, v in amounts if s == ("equipment",)]
        if len(equipment) > 1:
            # several equipment amounts in one turn: one project each, sharing the stated conditions
            old = self._projects()
            base = {k: v for k, v in (old[0] if old else {}).items() if k in _PROJECT_FLAGS}
            p["projects"] = [dict(base, equipment=v) for v in equipment]
            self.last_slot = ("equipment", len(equipment) - 1)
            amounts = [(s, v) for s, v in amounts if s != ("equipment",)]
        for slot, value in amounts:
            self._set_amount(slot, value, new_project=turn.new_project)
        for title, held in turn.titles:
            titles = p.setdefault("titles", [])
            if held and title not in titles:
                titles.append(title)
            elif not held and title in titles:
                titles.remove(title)
        if turn.bare_levels and not turn.titles:
            # 我们是省级的 / 那国家级呢: the level of the title family last talked about
            family = next((f for c, f in (("4.3.3", "lianghua"), ("4.3.4", "service"))
                           if c in turn.topics or (not turn.topics and self.last_topic == c)), None)
            if family is not None:
                titles = p.setdefault("titles", [])
                if turn.whatif:
                    titles[:] = [t for t in titles if not t.startswith(family + "_")]
                for level, held in turn.bare_levels:
                    tid = f"{family}_{level}"
                    if held and tid not in titles:
                        titles.append(tid)
                    elif not held and tid in titles:
                        titles.remove(tid)
        if turn.stacking:
            p["stacking"] = turn.stacking
        # 再多买300万: added to the amount talked about (the slot named, else the last one)
        for slot, amount in turn.deltas:
            where = self.last_slot if slot is None or (self.last_slot and self.last_slot[0] == slot[0]) else slot
            where = where or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
            if where is None:
                problems.append(f"没能判断增加的{format_yuan(amount)}是哪一项金额，请说明。")
                continue
            current = self._amount_at(where)
            total = max(amount + (current or Decimal("0")), Decimal("0"))
            if where[0] in ("equipment", "total_investment"):
                self._set_amount((where[0],), total, index=where[1] if len(where) > 1 else None)
            else:
                self._set_amount(where, total)
        # an amount with no keyword: a what-if on the last amount (那如果是5000万呢); 两个项目各600万呢 → one project each
        slot = self.last_slot or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
        if len(turn.unresolved_amounts) > 1 and slot is not None and slot[0] == "equipment":
            old = self._projects()
            base = {k: v for k, v in (old[0] if old else {}).items() if k in _PROJECT_FLAGS}
            p["projects"] = [dict(base, equipment=v) for v in turn.unresolved_amounts]
            self.last_slot = ("equipment", len(turn.unresolved_amounts) - 1)
            return problems
        for amount in turn.unresolved_amounts:
            slot = self.last_slot or _slot_from_topic(turn.topics or ([self.last_topic] if self.last_topic else []))
            if slot is None:
                problems.append(f"没能判断{format_yuan(amount)}指的是哪一项金额（设备投资、上云支付、二级节点投资还是地方财政实得税收），请说明。")
                continue
            if slot[0] in ("equipment", "total_investment"):
                self._set_amount((slot[0],), amount, index=slot[1] if len(slot) > 1 else None)
            else:
                self._set_amount(slot, amount)
        return problems


    def reply_condition(self, turn: Turn) -> str | None:
        """The condition a bare reply (是的 / 还没有 / 现在通过了 / 都符合) is about: the one it names, else the last
        follow-up question asked, else the condition last stated; None when nothing was talked about."""
        if not self.profile:
            return None
        asked = self._asked_condition()
        if turn.reply_all:
            return "all_conditions" if asked or self.last_topic in ("4.3.1", "4.3.6") else None
        hint = turn.reply_hint
        if hint == "node_passed_acceptance" and "node" not in self.profile and self._condition_family(turn) == "equipment":
            return "completed" if turn.reply else None
        if hint:
            return hint
        if re.search(r"现在|目前|已经|已|刚", turn.text) and self.last_condition:
            return self.last_condition  # 现在可以了: a correction of the condition just stated
        return asked or self.last_condition

    def _asked_condition(self) -> str | None:
        """The condition of the first follow-up question of the last answer (贵企业的技改项目是否已列入国家统计库？)."""
        from assistant.compose import _FOLLOWUP

        asked = {q: k.replace(".", "_") for k, q in _FOLLOWUP.items()}
        for q in (self.last_answer.followups if self.last_answer else []):
            key = asked.get(re.sub(r"第\d+个技改项目", "技改项目", q))
            if key in _FLAG_KEYS:
                return key
        return None

    def _condition_family(self, turn: Turn) -> str:
        topics = turn.topics or ([self.last_topic] if self.last_topic else [])
        if "4.3.6" in topics and "4.3.1" not in topics:
            return "node"
        return "equipment"


def _slot_from_topic(topics: list[str]) -> tuple | None:
    top = topics[0] if topics else None
    return {"4.3.1": ("equipment",), "4.3.6": ("node", "investment"), "4.3.7": ("local_tax_retained",),
            "4.3.2": ("ganzhou_smart_award",), "4.1": ("total_investment",)}.get(top)


# Tagged JSON for to_state/from_state: {"$decimal": "1200000.00"}, {"$tuple": [...]}, {"$set": [...]},
# {"$answer": {...}}, and {"$dict": [[k, v], ...]} for a mapping whose keys are not all plain strings.
_TAGS = ("$decimal", "$tuple", "$set", "$answer", "$dict")


_SCALARS = frozenset({str, int, float, bool, type(None)})  # stored as they are; checked by type: this runs per turn


def _encode(value):
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [v if type(v) in _SCALARS else _encode(v) for v in value]
    if kind is dict:
        if all(type(k) is str and k not in _TAGS for k in value):
            return {k: v if type(v) in _SCALARS else _encode(v) for k, v in value.items()}
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [v if type(v) in _SCALARS else _encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [_encode(v) for v in value]}
    if isinstance(value, Answer):
        return {"$answer": _encode(value.to_dict())}
    if isinstance(value, (bool, int, float, str)):  # subclasses (an IntEnum, a str Enum): their plain value
        return value
    if isinstance(value, (list, dict)):
        return _encode(list(value) if isinstance(value, list) else dict(value))
    raise TypeError(f"cannot store a {type(value).__name__} in a session state")


def _decode(value):
    kind = type(value)
    if kind is list:
        return [v if type(v) in _SCALARS else _decode(v) for v in value]
    if kind is not dict:
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$tuple":
            return tuple(v if type(v) in _SCALARS else _decode(v) for v in inner)
        if tag == "$set":
            return {_hashable(_decode(v)) for v in inner}
        if tag == "$dict":
            return {_hashable(_decode(k)): _decode(v) for k, v in inner}
        if tag == "$answer":
            data = _decode(inner)
            known = {f.name for f in dataclasses.fields(Answer)}
            return Answer(**{k: v for k, v in data.items() if k in known})
    return {k: v if type(v) in _SCALARS else _decode(v) for k, v in value.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key
