"""The conversation state: the enterprise's profile per document, the document talked about, what was last asked."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from assistant.answer import Answer
from tools.facts import DateSpan, parse_date


@dataclass
class Session:
    """One conversation. `profiles` holds the facts stated for each document (DESIGN §4a shape per pack); `doc` is
    the document the conversation is about (None until one is chosen)."""

    profiles: dict[str, dict] = field(default_factory=dict)
    doc: str | None = None
    last_topic: str | None = None  # clause id
    last_intent: str | None = None
    last_slot: tuple | None = None  # (fact id, item index): where the last amount went, for 那如果是5000万呢
    last_answer: Answer | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    pending_ref: str | None = None  # a clause number several documents have, until the user says which document
    last_condition: str | None = None  # the condition fact last stated (验收还没通过), for 现在通过了
    asked: list[dict] = field(default_factory=list)  # the facts the last answer asked for, first first
    registered_place: str | None = None  # where the enterprise is registered, once said
    awaiting_place: bool = False  # the last answer asked where the enterprise is registered
    kind_named: str | None = None  # a group's kind named alone (设备资源上云那一档), for the amount said next
    unkinded: list = field(default_factory=list)  # [group fact, amount]: amounts still waiting for their kind

    @property
    def profile(self) -> dict:
        """The facts stated for the document talked about (an empty dict, kept, when none is chosen yet)."""
        return self.profiles.setdefault(self.doc or "", {})

    @profile.setter
    def profile(self, value: dict) -> None:
        self.profiles[self.doc or ""] = value

    @property
    def last_doc(self) -> str | None:
        return self.doc

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
        self.profiles = {}
        self.doc = self.last_topic = self.last_intent = self.last_slot = self.last_answer = None
        self.pending_ref = self.last_condition = self.registered_place = None
        self.asked = []
        self.awaiting_place = False
        self.history = []
        self.kind_named = None
        self.unkinded = []


# Tagged JSON for to_state/from_state: {"$decimal": "1200000.00"}, {"$tuple": [...]}, {"$set": [...]},
# {"$answer": {...}}, {"$date": "2024-05"} for a date as precise as it was given (DateSpan), {"$day": "2024-05-01"},
# and {"$dict": [[k, v], ...]} for a mapping whose keys are not all plain strings.
_TAGS = ("$decimal", "$tuple", "$set", "$answer", "$dict", "$date", "$day")


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
    if isinstance(value, DateSpan):
        return {"$date": value.text}
    if isinstance(value, date):
        return {"$day": value.isoformat()}
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
        if tag == "$date":
            return parse_date(inner)
        if tag == "$day":
            return date.fromisoformat(inner)
        if tag == "$answer":
            data = _decode(inner)
            known = {f.name for f in dataclasses.fields(Answer)}
            return Answer(**{k: v for k, v in data.items() if k in known})
    return {k: v if type(v) in _SCALARS else _decode(v) for k, v in value.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


__all__ = ["Session"]
