"""Users' 👍/👎 on answers, kept in SQLite in the data directory, and the 👎 ones exported as draft eval cases.

The export is the eval case format (docs/eval-cases.md): each draft has its question (or the conversation's turns)
filled in, and the expectations left for the policy office to write, with what the assistant said shown beside."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

MAX_COMMENT_CHARS = 1000
MAX_TURNS = 10  # the conversation a draft replays: the facts stated in the last few turns


def feedback_path(data_dir: str | Path) -> Path:
    """Where the ratings live: one SQLite file in the data directory (shared by every server worker)."""
    return Path(data_dir) / "feedback.sqlite3"


class FeedbackStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("""CREATE TABLE IF NOT EXISTS feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created TEXT NOT NULL,
                rating INTEGER NOT NULL,
                turns TEXT NOT NULL,
                answer TEXT NOT NULL,
                citations TEXT NOT NULL,
                award_total TEXT,
                abstained INTEGER NOT NULL DEFAULT 0,
                comment TEXT NOT NULL DEFAULT ''
            )""")
            db.commit()
            self._db = db
        return self._db

    def add(self, rating: int, turns: list[str], answer: dict, comment: str = "",
            now: _dt.datetime | None = None) -> int:
        """Record a rating (+1 or -1) of `answer`, the reply to the last of `turns`; its id."""
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        turns = [str(t) for t in turns if str(t).strip()][-MAX_TURNS:]
        if not turns:
            raise ValueError("a rated answer needs its question")
        citations = [{"ref": f"{c.get('doc')}#{c.get('clause')}" if c.get("doc") else str(c.get("clause")),
                      "label": str(c.get("label") or c.get("clause"))} for c in answer.get("citations") or []]
        award = answer.get("award") or {}
        total = award.get("total") if isinstance(award, dict) else None
        created = (now or _dt.datetime.now()).isoformat(timespec="seconds")
        with self._lock:
            db = self._conn()
            cur = db.execute(
                "INSERT INTO feedback (created, rating, turns, answer, citations, award_total, abstained, comment) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (created, rating, json.dumps(turns, ensure_ascii=False), str(answer.get("answer") or ""),
                 json.dumps(citations, ensure_ascii=False), None if total is None else str(total),
                 int(bool(answer.get("abstained"))), comment[:MAX_COMMENT_CHARS]))
            db.commit()
            return int(cur.lastrowid)

    def update(self, fid: int, rating: int | None = None, comment: str | None = None) -> bool:
        sets, args = [], []
        if rating is not None:
            if rating not in (1, -1):
                raise ValueError("rating must be 1 or -1")
            sets.append("rating = ?")
            args.append(rating)
        if comment is not None:
            sets.append("comment = ?")
            args.append(comment[:MAX_COMMENT_CHARS])
        if not sets:
            return False
        with self._lock:
            db = self._conn()
            cur = db.execute(f"UPDATE feedback SET {', '.join(sets)} WHERE id = ?", (*args, fid))
            db.commit()
            return cur.rowcount == 1

    def records(self, rating: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            db = self._conn()
            q = "SELECT id, created, rating, turns, answer, citations, award_total, abstained, comment FROM feedback"
            rows = db.execute(q + (" WHERE rating = ?" if rating is not None else "") + " ORDER BY id",
                              (() if rating is None else (rating,))).fetchall()
        return [{"id": r[0], "created": r[1], "rating": r[2], "turns": json.loads(r[3]), "answer": r[4],
                 "citations": json.loads(r[5]), "award_total": r[6], "abstained": bool(r[7]), "comment": r[8]}
                for r in rows]

    def count(self, rating: int | None = None) -> int:
        return len(self.records(rating))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _comment(text: str, limit: int = 300) -> str:
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"


def drafts_yaml(records: list[dict[str, Any]], today: _dt.date | None = None) -> str:
    """The 👎 records as a case file for the policy office: questions filled, `expect` to be written."""
    from tools.amounts import format_yuan

    today = today or _dt.date.today()
    lines = [
        f"# 由问答反馈中标为“回答有问题”（👎）的回答生成的评测用例草稿，共 {len(records)} 条，导出于 {today.isoformat()}。",
        "# 每条已填好提问（多轮对话填 turns，期望针对最后一轮）。请按本办口径补全 expect（至少一项），",
        "# 去掉不需要的注释，再放入评测用例文件运行。格式说明见 docs/eval-cases.md。",
        "cases:",
    ]
    for r in records:
        turns = r["turns"]
        lines.append(f"  - id: feedback-{r['id']}")
        if len(turns) == 1:
            lines.append(f"    question: {_q(turns[0])}")
        else:
            lines.append("    turns:")
            lines += [f"      - {_q(t)}" for t in turns]
        lines.append(f"    # 反馈时间：{r['created'].replace('T', ' ')}" + (f"；反馈说明：{_comment(r['comment'])}"
                                                                            if r.get("comment") else ""))
        lines.append(f"    # 当时的回答：{_comment(r['answer'])}")
        cites = "、".join(c["label"] for c in r["citations"]) or "无"
        total = format_yuan(r["award_total"]) if r.get("award_total") is not None else "无"
        lines.append(f"    # 当时引用：{cites}；金额：{total}；{'拒答' if r['abstained'] else '未拒答'}")
        lines.append("    expect:")
        first = _q(r["citations"][0]["ref"]) if r["citations"] else ""
        lines += [
            f"      # cites: [{first}]   # 应引用的条款（首条为最相关的）",
            "      # award_total: 0                # 应得金额（元）；不涉及金额写 null",
            "      # includes: [\"…\"]               # 回答中应出现的文字",
            "      # excludes: [\"…\"]               # 回答中不应出现的文字",
            f"      # abstain: {'true' if r['abstained'] else 'false'}                 # 文件未涉及、应当拒答时为 true",
        ]
        lines.append("    tags: [feedback]")
    if not records:
        lines[-1] = "cases: []"
    return "\n".join(lines) + "\n"


__all__ = ["FeedbackStore", "drafts_yaml", "feedback_path"]
