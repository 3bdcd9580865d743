"""What the UI and the API call: the assistant, calculator, clause lookup, search and evals behind one object."""

from __future__ import annotations

import datetime as _dt
import errno
import logging
import os
import sqlite3
import tempfile
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.settings import Settings, load_settings
from webapp.sessions import SessionIdError, SessionStore

log = logging.getLogger("policy_assistant.webapp")


class UserError(Exception):
    """A problem the user can fix; str(e) is the Chinese message, `status` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class StorageError(UserError):
    """The data directory cannot be written (read-only, no permission, disk full): named with its cause."""

    def __init__(self, message: str):
        super().__init__(message, 503)


_CAUSES = {errno.EROFS: "只读文件系统", errno.EACCES: "没有写入权限", errno.EPERM: "操作不被允许（权限或文件属性限制）",
           errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已满", errno.ENOTDIR: "路径中有同名文件而不是目录"}


def _write_probe(folder: Path) -> OSError | None:
    """Why `folder` cannot take a new file, or None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".write-check-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as e:
        return e
    return None


def storage_problem(data_dir: Path, exc: BaseException | None = None) -> str | None:
    """A Chinese sentence naming the data directory and why it cannot be written, or None when it can (and `exc`,
    if given, is no storage failure: a network error of a language model is not the data directory's)."""
    folder = Path(data_dir)
    probe = _write_probe(folder)
    if probe is not None:
        cause = _CAUSES.get(probe.errno or 0, probe.strerror or type(probe).__name__)
    elif isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        cause = ("会话数据库文件只读" if "readonly" in text else "磁盘空间已满" if "full" in text
                 else "会话数据库被长时间锁定" if "locked" in text
                 else "会话数据库文件损坏" if "malformed" in text or "not a database" in text else "无法读写会话数据库")
    elif isinstance(exc, OSError) and exc.filename and _inside(Path(str(exc.filename)), folder):
        cause = _CAUSES.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    else:
        return None
    return (f"数据目录 {folder.resolve()} 无法写入：{cause}。会话和检索索引保存在这里，"
            "请改用可写的目录（环境变量 POLICY_ASSISTANT_DATA_DIR），或检查该目录的权限与磁盘空间。")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def friendly(exc: BaseException) -> tuple[int, str]:
    """(HTTP status, Chinese message) for any exception; unexpected ones are logged with their traceback."""
    from corpus import ClauseNotFound, CorpusError

    if isinstance(exc, UserError):
        return exc.status, str(exc)
    if isinstance(exc, OSError) and exc.errno in _CAUSES and exc.filename:
        where = Path(exc.filename)
        folder = where if where.is_dir() else where.parent
        log.warning("storage not writable: %s", exc)
        return 503, (f"无法读写 {folder}：{_CAUSES[exc.errno]}。请检查该目录的权限与磁盘空间；"
                     "如是数据目录，也可用环境变量 POLICY_ASSISTANT_DATA_DIR 改用可写的目录。")
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


def _session_state(session) -> dict:
    return session.to_state()


def _session_from_state(state: dict):
    from assistant import Session

    return Session.from_state(state)


def _days(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400}天"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}小时"
    return f"{max(1, seconds // 60)}分钟"


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
        self._sessions: SessionStore | None = None
        self._corpus = None
        self._lock = threading.Lock()

    # ----- storage -----
    @property
    def sessions(self) -> SessionStore:
        """The session store in the data directory, opened on first use (StorageError when it cannot be)."""
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    s = self.settings
                    self._sessions = self._storage(lambda: SessionStore(
                        s.sessions_path, to_state=_session_state, from_state=_session_from_state,
                        ttl=s.session_ttl_seconds, max_turns=s.session_max_turns, max_bytes=s.session_max_bytes))
        return self._sessions

    def _storage(self, fn):
        """Run `fn`; a data directory that cannot be written becomes a StorageError naming it and the cause."""
        try:
            return fn()
        except (OSError, sqlite3.Error) as e:
            msg = storage_problem(self.settings.data_dir, e)
            if msg is None:
                raise
            log.warning("data directory not writable: %s", e)
            raise StorageError(msg) from None

    def check_storage(self) -> None:
        """Fail early (StorageError) when the data directory cannot be written; the server calls it at start."""
        msg = storage_problem(self.settings.data_dir)
        if msg is not None:
            raise StorageError(msg)
        _ = self.sessions

    # ----- corpus and index -----
    @property
    def corpus(self):
        if self._corpus is None:
            from assistant.pipeline import loaded_corpus

            with self._lock:
                if self._corpus is None:
                    self._corpus = loaded_corpus(self.settings)
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
        if _has_surrogate(question):
            raise UserError("问题中含有无效的字符（孤立的代理码点），请检查文字编码后重试。", 400)
        question = question.strip()
        if not question:
            raise UserError("问题不能为空，请输入您想咨询的政策问题。", 400)
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise UserError(f"问题过长（{len(question)}字），请控制在{limit}字以内。", 413)
        return question

    def ask(self, question: Any, session_id: str | None = None, with_asks: bool = False) -> tuple[str, dict]:
        """Answer in the conversation `session_id` (a new one if None): (session id, DESIGN §4 dict); WITH_ASKS adds
        what each follow-up asks (`asks`: fact and kind), for the screen's quick replies — not part of the API body.

        Only ids this server issued are accepted; one that has expired (or that the store no longer knows) starts
        a new conversation, and the answer says that the facts given before are gone."""
        question = self.check_question(question)  # before importing the assistant: cheap refusals stay cheap
        from assistant import ask

        store = self.sessions
        try:
            opened = self._storage(lambda: store.open(session_id))
        except SessionIdError:
            raise UserError("session_id 无效：会话编号由服务器分配。首次提问请不带 session_id，之后使用回答中返回的"
                            " session_id。", 400) from None
        answer = self._storage(lambda: store.update(opened.id, lambda session: ask(question, session=session)))
        out = answer.to_dict()
        if with_asks:
            out["asks"] = [dict(a) for a in answer.asks]
        if opened.status in ("expired", "unknown"):
            ttl = _days(self.settings.session_ttl_seconds)
            note = (f"会话已过期（超过{ttl}未使用），之前提供的企业情况已清除，请重新说明。" if opened.status == "expired"
                    else "会话不存在或已过期，之前提供的企业情况已清除，已开始新的会话，请重新说明。")
            out["answer"] = note + "\n" + out["answer"]
            out["flags"] = [*out["flags"], "session:expired"]
        return opened.id, out

    def ask_stateless(self, questions: list[str]) -> dict:
        """Answer the last question after replaying the earlier ones in a fresh session (OpenAI-style clients
        send the whole history each time; replaying is deterministic, so the context is the same).

        Every turn is replayed within `replay_max_chars` / `replay_max_turns`; beyond them, the turns that state
        facts are kept first, and the answer says what was left out."""
        questions = [self.check_question(q) for q in questions]
        if not questions:
            raise UserError("请求中没有用户提问（role 为 user 的消息）。", 400)
        from assistant import Session, ask

        kept, dropped, dropped_facts = self.replay_plan(questions)
        session = Session()
        for q in kept[:-1]:
            ask(q, session=session, llm=False)  # earlier turns only rebuild the state: no model call
        out = ask(kept[-1], session=session).to_dict()
        if dropped:
            note = (f"（对话较长，为控制处理量，略去了较早的{dropped}轮提问，说明企业情况的提问优先保留。）" if not dropped_facts
                    else f"（对话较长，为控制处理量，略去了较早的{dropped}轮提问，其中{dropped_facts}轮说明了企业情况，"
                         "这些情况未计入本次回答；如需按完整情况测算，请在本轮重新说明。）")
            out["answer"] = note + "\n" + out["answer"]
            out["flags"] = [*out["flags"], "history:trimmed"]
        return out

    def replay_plan(self, questions: list[str]) -> tuple[list[str], int, int]:
        """(the turns to replay, in order and ending with the last; how many were left out; how many of those
        stated facts). The last turn is always kept; then fact-stating turns, newest first; then the others."""
        budget, turns = self.settings.replay_max_chars, self.settings.replay_max_turns
        if sum(map(len, questions)) <= budget and len(questions) <= turns:
            return list(questions), 0, 0
        from assistant.understand import understand

        *earlier, last = questions
        room, slots = budget - len(last), turns - 1
        facts = [i for i, q in enumerate(earlier) if _states_facts(understand(q))]
        others = [i for i in range(len(earlier)) if i not in set(facts)]
        chosen: set[int] = set()
        for i in [*reversed(facts), *reversed(others)]:
            if slots > 0 and len(earlier[i]) <= room:
                chosen.add(i)
                room -= len(earlier[i])
                slots -= 1
        kept = [earlier[i] for i in sorted(chosen)] + [last]
        return kept, len(earlier) - len(chosen), len([i for i in facts if i not in chosen])

    def reset(self, session_id: str | None) -> None:
        if not session_id:
            return
        if not SessionStore.well_formed(session_id):
            raise UserError("session_id 无效：会话编号由服务器分配。", 400)
        store = self.sessions
        self._storage(lambda: store.reset(session_id))

    # ----- calculator -----
    def profile(self, data: Any, doc: str | None = None):
        from tools.profile import Profile

        if not isinstance(data, dict):
            raise UserError("企业情况必须是一个 JSON 对象，例如 {\"字段\": true}（字段见 policy-assistant rules inputs）。", 400)
        return Profile.from_dict(data, doc)

    def _document(self, doc: str | None) -> str | None:
        if doc is not None and doc not in self.corpus.documents:
            ids = "、".join(d.id for d in self.corpus)
            raise UserError(f"未找到文件“{doc[:60]}”。已载入：{ids}。", 404)
        return doc

    def calc(self, data: Any, doc: str | None = None, as_of=None) -> dict:
        from corpus import reading
        from tools.calculator import calculate

        with reading(self.corpus):
            doc = self._document(doc)
            profile = self.profile(data, doc)
            return calculate(profile, doc_id=doc or profile.doc, as_of=as_of).to_dict()

    def claimable(self, data: Any, doc: str | None = None, as_of=None) -> list[dict]:
        from corpus import reading
        from tools.calculator import claimable

        with reading(self.corpus):
            doc = self._document(doc)
            profile = self.profile(data, doc)
            return list(claimable(profile, doc_id=doc or profile.doc, as_of=as_of))

    def calc_all(self, data: Any, as_of=None) -> dict:
        """Every in-force document's award for the facts given (政策找企业)."""
        from corpus import reading
        from tools.calculator import calculate_all

        if not isinstance(data, dict):
            raise UserError("企业情况必须是一个 JSON 对象。", 400)
        with reading(self.corpus):
            return calculate_all(data, as_of=as_of)

    # ----- clauses -----
    def clause(self, ref: str) -> dict:
        from tools.lookup import lookup_clause

        ref = (ref or "").strip()
        if not ref:
            example = self.corpus.default_document().example_reference() if len(self.corpus) else ""
            raise UserError(f"请输入条款编号，例如 {example}。" if example else "请输入条款编号。", 400)
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

    # ----- evals -----
    def eval_suite(self, case_file: str | None = None):
        """The bundled eval suite, or an uploaded case file's: read safely, at most `max_eval_cases` items, and
        named by its own file name in every message (never by the server's upload path)."""
        from evals.schema import load_suite

        if not case_file:
            return load_suite(None, self.corpus)
        return load_suite([case_file], self.corpus, names={str(case_file): f"上传的文件 {Path(case_file).name}"},
                          max_cases=self.settings.max_eval_cases)

    # ----- stamping -----
    def stamp(self, doc_ids: list[str] | None = None, today: _dt.date | None = None) -> str:
        """The line every report carries: which document(s), their issue date, and when it was computed."""
        from assistant.compose import date_text

        docs = [d for d in self.corpus if not doc_ids or d.id in doc_ids] or list(self.corpus)
        # an added document may lack a 文号 (named by its id) or carry only an ISO date
        names = "；".join(f"{d.doc_number or d.id}《{d.title}》（{d.meta.get('issued_text') or date_text(d.meta.get('issued'))}）"
                         for d in docs)
        return f"依据：{names}；测算日期：{(today or _dt.date.today()).isoformat()}"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _states_facts(turn) -> bool:
    """Whether an understood turn states something about the enterprise (what a replay must not lose)."""
    return bool(turn.facts or turn.titles or turn.unresolved_amounts or turn.deltas or turn.bare_levels
                or turn.tax_whatif or turn.stacking or turn.reset or turn.reply is not None)


__all__ = ["Services", "StorageError", "UserError", "amount_text", "friendly", "storage_problem"]
