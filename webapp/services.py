"""What the UI and the API call: the assistant, calculator, clause lookup, search and evals behind one object."""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from decimal import Decimal
from typing import Any

from assistant.settings import Settings, load_settings
from webapp.sessions import SessionStore

log = logging.getLogger("policy_assistant.webapp")


class UserError(Exception):
    """A problem the user can fix; str(e) is the Chinese message, `status` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def friendly(exc: BaseException) -> tuple[int, str]:
    """(HTTP status, Chinese message) for any exception; unexpected ones are logged with their traceback."""
    from corpus import ClauseNotFound, CorpusError

    if isinstance(exc, UserError):
        return exc.status, str(exc)
    if isinstance(exc, ClauseNotFound):
        return 404, str(exc)
    if isinstance(exc, CorpusError):
        return 400, str(exc)
    try:
        from tools.errors import CalcError
    except ImportError:  # calculator not installed yet
        CalcError = ()  # noqa: N806
    if CalcError and isinstance(exc, CalcError):
        return 400, str(exc)
    log.exception("unexpected error while serving a request", exc_info=exc)
    return 500, "服务内部出错，已记录日志。请稍后重试，或换一种问法。"


def _new_session():
    from assistant import Session

    return Session()


def amount_text(value: Any) -> str:
    """An amount as an official would write it (72万元); tolerant of what the calculator hands back."""
    if value is None:
        return "—"
    try:
        from tools.amounts import format_yuan

        return format_yuan(Decimal(str(value)))
    except Exception:  # noqa: BLE001 - display only: fall back to plain yuan
        return f"{value}元"


class Services:
    """One per server. Heavy parts (index, assistant) load on first use or in `warm()`."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or load_settings()
        self.sessions = SessionStore(_new_session, self.settings.max_sessions, self.settings.session_ttl_seconds)
        self._corpus = None
        self._lock = threading.Lock()

    # ----- corpus and index -----
    @property
    def corpus(self):
        if self._corpus is None:
            from corpus import load_corpus

            with self._lock:
                if self._corpus is None:
                    self._corpus = load_corpus([self.settings.corpus_dir])
        return self._corpus

    def index(self, progress=None):
        from assistant.index import get_index

        return get_index(settings=self.settings, progress=progress)

    def warm(self, progress=None) -> None:
        """Load the corpus and build the search index if needed, so the first question is fast."""
        _ = self.corpus
        self.index(progress)

    # ----- questions -----
    def check_question(self, question: Any) -> str:
        if not isinstance(question, str):
            raise UserError("问题必须是文字。", 400)
        question = question.strip()
        if not question:
            raise UserError("问题不能为空，请输入您想咨询的政策问题。", 400)
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise UserError(f"问题过长（{len(question)}字），请控制在{limit}字以内。", 413)
        return question

    def ask(self, question: Any, session_id: str | None = None) -> tuple[str, dict]:
        """Answer in the conversation `session_id` (a new one if None): (session id, DESIGN §4 dict)."""
        question = self.check_question(question)  # before importing the assistant: cheap refusals stay cheap
        from assistant import ask

        sid, entry, _ = self.sessions.get(session_id)
        with entry.lock:
            answer = ask(question, session=entry.session)
        return sid, answer.to_dict()

    def ask_stateless(self, questions: list[str]) -> dict:
        """Answer the last question after replaying the earlier ones in a fresh session (OpenAI-style clients
        send the whole history each time; replaying is deterministic, so the context is the same)."""
        questions = [self.check_question(q) for q in questions]
        if not questions:
            raise UserError("请求中没有用户提问（role 为 user 的消息）。", 400)
        from assistant import Session, ask

        session = Session()
        for q in questions[:-1]:
            ask(q, session=session)
        return ask(questions[-1], session=session).to_dict()

    def reset(self, session_id: str | None) -> None:
        if session_id:
            self.sessions.drop(session_id)

    # ----- calculator -----
    def profile(self, data: Any):
        from tools.profile import Profile

        if not isinstance(data, dict):
            raise UserError("企业情况必须是一个 JSON 对象，例如 {\"above_scale\": true}。", 400)
        return Profile.from_dict(data)

    def calc(self, data: Any) -> dict:
        from tools.calculator import calculate

        return calculate(self.profile(data)).to_dict()

    def claimable(self, data: Any) -> list[dict]:
        from tools.calculator import claimable

        return list(claimable(self.profile(data)))

    # ----- clauses -----
    def clause(self, ref: str) -> dict:
        from tools.lookup import lookup_clause

        ref = (ref or "").strip()
        if not ref:
            raise UserError("请输入条款编号，例如 4.3.5 或 四（三）5。", 400)
        return lookup_clause(self.corpus, ref)

    def outline(self) -> list[dict]:
        from tools.lookup import outline

        return outline(self.corpus)

    def search(self, query: str, k: int = 5) -> list[dict]:
        query = (query or "").strip()
        if not query:
            raise UserError("请输入要搜索的关键词。", 400)
        if len(query) > self.settings.max_question_chars:
            raise UserError(f"搜索内容过长，请控制在{self.settings.max_question_chars}字以内。", 413)
        hits = self.index().search(query, k)
        out = []
        for h in hits:
            out.append({
                "doc": h.doc, "clause": h.clause, "label": h.label, "score": float(h.score), "text": h.text,
                "heading_path": list(getattr(h, "heading_path", []) or []), "units": list(getattr(h, "units", []) or []),
            })
        return out

    # ----- stamping -----
    def stamp(self, doc_ids: list[str] | None = None, today: _dt.date | None = None) -> str:
        """The line every report carries: which document(s), their issue date, and when it was computed."""
        from assistant.compose import date_text

        docs = [d for d in self.corpus if not doc_ids or d.id in doc_ids] or list(self.corpus)
        # an added document may lack a 文号 (named by its id) or carry only an ISO date
        names = "；".join(f"{d.doc_number or d.id}《{d.title}》（{d.meta.get('issued_text') or date_text(d.meta.get('issued'))}）"
                         for d in docs)
        return f"依据：{names}；测算日期：{(today or _dt.date.today()).isoformat()}"


__all__ = ["Services", "UserError", "amount_text", "friendly"]
