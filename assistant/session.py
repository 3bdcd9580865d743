"""The conversation state: the enterprise's profile per document, the document talked about, what was last asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Answer


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

    def reset(self) -> None:
        self.profiles = {}
        self.doc = self.last_topic = self.last_intent = self.last_slot = self.last_answer = None
        self.pending_ref = self.last_condition = self.registered_place = None
        self.asked = []
        self.awaiting_place = False
        self.history = []

    def apply(self, turn) -> list[str]:
        """Merge what a turn states into the profile of its document; returns what could not be placed."""
        from assistant.decide.state import apply_turn
        from assistant.understand.lexicon import lexicon_for
        from corpus import default_corpus

        doc = default_corpus().document(turn.doc or self.doc)
        return apply_turn(self, turn, lexicon_for(doc))


__all__ = ["Session"]
