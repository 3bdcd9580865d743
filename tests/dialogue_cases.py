"""Shared plumbing for the table-driven dialogue tests: ask a conversation, guard every turn, check a case."""

from __future__ import annotations

import unicodedata

import pytest

from assistant import Session, ask
from assistant.dialogue import check_answer

NO_AWARD = "no-award"  # the answer must carry no award object


def normalise(s: str) -> str:
    """Full-width forms folded (single characters only, so ％ → % but not ㎡ → m2) and white space dropped."""
    s = "".join(unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in s)
    return "".join(s.split())


def asked(*turns: str):
    """Ask each turn in one new session (deterministic mode); every answer must pass the guard."""
    s = Session()
    ans = None
    for q in turns:
        ans = ask(q, session=s, llm=False)
        g = check_answer(ans)
        assert g.ok, (q, ans.answer, g.problems)
    return ans, s


def case(cid, turns, *, first=None, cites=(), notcites=(), total=None, abstain=False, inc=(), exc=(), flags=(),
         cites_prefix=False, **extra):
    """One parametrised case; `cites_prefix` lets a cited child (4.3.1) stand for its parent (4.3)."""
    return pytest.param(
        {"turns": [turns] if isinstance(turns, str) else list(turns), "first": first, "cites": list(cites),
         "notcites": list(notcites), "total": total, "abstain": abstain, "inc": list(inc), "exc": list(exc),
         "flags": list(flags), "cites_prefix": cites_prefix, **extra},
        id=cid,
    )


def check_case(c: dict):
    """Run a case built by `case` and assert every expectation it states; returns the last answer."""
    ans, _ = asked(*c["turns"])
    text = normalise(ans.answer)
    got = [x["clause"] for x in ans.citations]
    ctx = (c["turns"][-1], ans.answer, got, ans.award and ans.award["total"])
    if c["first"] is not None:
        assert got and got[0] == c["first"], ctx
    for cid in c["cites"]:
        assert cid in got or (c["cites_prefix"] and any(g.startswith(cid + ".") for g in got)), ctx
    for cid in c["notcites"]:
        assert cid not in got, ctx
    if c["total"] is NO_AWARD:
        assert ans.award is None, ctx
    elif c["total"] is not None:
        assert ans.award is not None and ans.award["total"] == c["total"], ctx
    assert ans.abstained is c["abstain"], ctx
    for s in c["inc"]:
        assert normalise(s) in text, (s, *ctx)
    for s in c["exc"]:
        assert normalise(s) not in text, (s, *ctx)
    for f in c["flags"]:
        assert f in ans.flags, (f, *ctx)
    return ans
