"""Eval case files (DESIGN §6): loading, validation and the Case / Group / Suite model.

Every problem becomes an EvalCaseError naming the file, the case and the field, so the policy
office can fix a file it wrote without reading a traceback."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from corpus import normalise_reference
from corpus.yamlsafe import YamlError, brief, load_yaml_file

BUNDLED_CASES = Path(__file__).resolve().parent / "cases"
MAX_PROBLEMS = 50  # a file with thousands of bad cases is reported by its first problems

TOP_FIELDS = ("cases", "groups")
CASE_FIELDS = ("id", "question", "turns", "expect", "tags", "note")
EXPECT_FIELDS = ("cites", "cites_any", "award_total", "includes", "excludes", "abstain")
GROUP_FIELDS = ("id", "questions", "tags", "note")
_ABSENT = object()


class EvalCaseError(Exception):
    """A case file that cannot be used; the message lists every problem found, one per line."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Expect:
    cites: tuple[str, ...] = ()
    cites_any: tuple[str, ...] = ()
    # _ABSENT: not checked; None: the answer must carry no award; Decimal: award.total to the fen
    award_total: object = _ABSENT
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    abstain: bool | None = None

    @property
    def checks_award(self) -> bool:
        return self.award_total is not _ABSENT

    def to_dict(self) -> dict:
        d: dict = {}
        for name in ("cites", "cites_any", "includes", "excludes"):
            if getattr(self, name):
                d[name] = list(getattr(self, name))
        if self.checks_award:
            d["award_total"] = self.award_total
        if self.abstain is not None:
            d["abstain"] = self.abstain
        return d


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]
    expect: Expect
    tags: tuple[str, ...] = ()
    file: str = ""
    note: str = ""

    @property
    def question(self) -> str:
        """The question the expectations apply to (the last turn)."""
        return self.turns[-1]


@dataclass(frozen=True)
class Group:
    id: str
    questions: tuple[str, ...]
    tags: tuple[str, ...] = ()
    file: str = ""
    note: str = ""


@dataclass
class Suite:
    cases: list[Case] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def filter_tags(self, tags: list[str] | None) -> Suite:
        """Cases carrying any of `tags`; groups likewise (every group also carries the tag `group`)."""
        if not tags:
            return self
        want = set(tags)
        return Suite(
            cases=[c for c in self.cases if want & set(c.tags)],
            groups=[g for g in self.groups if want & (set(g.tags) | {"group", "groups"})],
            files=list(self.files),
        )


# --- loading ------------------------------------------------------------------------------


def case_files(paths: list[str | Path] | None) -> list[Path]:
    """Every YAML file named, or found (sorted) under each directory named; default: the bundled cases."""
    roots = [Path(p) for p in (paths or [BUNDLED_CASES])]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise EvalCaseError(f"{root}：目录中没有 .yaml 用例文件（no case files in this directory）。")
            files.extend(found)
        elif root.is_file():
            files.append(root)
        else:
            raise EvalCaseError(f"{root}：文件或目录不存在（no such file or directory）。")
    return files


def load_suite(paths: list[str | Path] | None = None, corpus=None, *, names: dict[str, str] | None = None,
               max_cases: int | None = None) -> Suite:
    """Load and validate case files. With a corpus, every cited clause must exist in it.

    `names` maps a path to how messages call it (an upload's own file name: a server-side path is never shown);
    `max_cases` bounds the cases and groups of all files together (an upload's limit)."""
    problems: list[str] = []
    suite = Suite()
    seen_cases: dict[str, str] = {}
    seen_groups: dict[str, str] = {}
    count = 0
    for path in case_files(paths):
        name = (names or {}).get(str(path)) or str(path)
        suite.files.append(name)
        v = _FileValidator(name, corpus, problems)
        try:
            data = load_yaml_file(path, name=name)
        except YamlError as e:
            problems.append(str(e))
            continue
        if max_cases is not None and isinstance(data, dict):
            count += sum(len(data[k]) for k in TOP_FIELDS if isinstance(data.get(k), list))
            if count > max_cases:
                problems.append(f"{name}：用例和分组共 {count} 个，超过单次上限 {max_cases} 个，请拆分成几个文件分别运行。")
                break
        for case in v.cases(data):
            if case.id in seen_cases:
                v.error(case.id, "id", f"用例编号重复，已在 {seen_cases[case.id]} 中使用（duplicate case id）")
            else:
                seen_cases[case.id] = name
                suite.cases.append(case)
        for group in v.groups(data):
            if group.id in seen_groups:
                v.error(group.id, "id", f"分组编号重复，已在 {seen_groups[group.id]} 中使用（duplicate group id）", kind="分组")
            else:
                seen_groups[group.id] = name
                suite.groups.append(group)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS] + [f"……另有 {len(problems) - MAX_PROBLEMS} 个问题未列出。"]
        raise EvalCaseError(problems)
    if not suite.cases and not suite.groups:
        raise EvalCaseError("所给文件中没有任何用例或分组（no cases or groups found）。")
    return suite


def _suggest(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(name)[:40], known, n=1, cutoff=0.5)
    hint = f"，是否应为 {close[0]}？" if close else ""
    return f"未知字段{hint}可用字段：{', '.join(known)}（unknown field）"


class _FileValidator:
    """Checks one file's data, appending "file：用例 X，字段 Y：problem" lines to `problems`."""

    def __init__(self, name: str, corpus, problems: list[str]):
        self.name, self.corpus, self.problems = name, corpus, problems

    def error(self, item_id: str | None, field_name: str | None, msg: str, kind: str = "用例") -> None:
        where = [self.name]
        if item_id is not None:
            where.append(f"{kind} {brief(item_id, 40)}")
        if field_name:
            where.append(f"字段 {brief(field_name, 40)}")
        self.problems.append("，".join(where) + "：" + msg)

    def _items(self, data, key: str) -> list:
        if data is None:
            self.error(None, None, "文件为空（empty file）")
            return []
        if not isinstance(data, dict):
            if key == "cases":
                self.error(None, None, "顶层应为映射，包含 cases 和/或 groups（top level must be a mapping）")
            return []
        if key == "cases":
            for k in data:
                if k not in TOP_FIELDS:
                    self.error(None, str(k), _suggest(k, TOP_FIELDS))
            if not any(k in data for k in TOP_FIELDS):
                self.error(None, None, "文件中没有 cases 或 groups（no cases or groups）")
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.error(None, key, "应为列表（must be a list）")
            return []
        return items

    def _id(self, raw, index: int, kind: str) -> str | None:
        if not isinstance(raw, dict):
            self.error(f"#{index + 1}", None, "应为映射（must be a mapping with id, …）", kind=kind)
            return None
        cid = raw.get("id")
        if not isinstance(cid, (str, int)) or not str(cid).strip():
            self.error(f"#{index + 1}", "id", "缺少编号或编号为空（missing id）", kind=kind)
            return None
        return str(cid).strip()

    def _strings(self, cid: str, fname: str, value, kind: str = "用例") -> tuple[str, ...] | None:
        """A list of non-empty strings; a single string is taken as a one-item list."""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.error(cid, fname, f"应为字符串列表，实际为 {type(value).__name__}（must be a list of strings）", kind=kind)
            return None
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                self.error(cid, f"{fname}[{i}]", f"应为非空字符串，实际为 {brief(item)}（must be a non-empty string）", kind=kind)
                return None
            out.append(str(item).strip())
        return tuple(out)

    def _clauses(self, cid: str, fname: str, refs: tuple[str, ...]) -> tuple[str, ...]:
        if self.corpus is None:
            return refs
        out = []
        for i, ref in enumerate(refs):
            try:
                clause = self.corpus.clause(ref)
            except Exception as e:  # ClauseNotFound / CorpusError carry Chinese messages with suggestions
                bare = normalise_reference(ref)
                if "#" not in ref and any(d.find(bare) is not None for d in self.corpus):
                    out.append(bare)  # several documents have it: a bare id matches any of them (DESIGN §3)
                    continue
                self.error(cid, f"{fname}[{i}]", f"条款 {ref} 不存在（unknown clause）：{e}")
                continue
            out.append(clause.citation)
        return tuple(out)

    def cases(self, data) -> list[Case]:
        out = []
        for index, raw in enumerate(self._items(data, "cases")):
            cid = self._id(raw, index, "用例")
            if cid is None:
                continue
            before = len(self.problems)
            for k in raw:
                if k not in CASE_FIELDS:
                    self.error(cid, str(k), _suggest(k, CASE_FIELDS))
            turns = self._turns(cid, raw)
            expect = self._expect(cid, raw.get("expect", _ABSENT))
            tags = self._strings(cid, "tags", raw.get("tags", [])) or ()
            if len(self.problems) == before and turns is not None and expect is not None:
                out.append(Case(cid, turns, expect, tags, self.name, str(raw.get("note") or "")))
        return out

    def _turns(self, cid: str, raw: dict) -> tuple[str, ...] | None:
        has_q, has_t = "question" in raw, "turns" in raw
        if has_q == has_t:
            self.error(cid, "question", "须且只须给出 question 或 turns 之一（exactly one of question / turns）")
            return None
        if has_q:
            q = raw["question"]
            if not isinstance(q, (str, int, float)) or isinstance(q, bool) or not str(q).strip():
                self.error(cid, "question", "应为非空字符串（must be a non-empty string）")
                return None
            return (str(q).strip(),)
        turns = self._strings(cid, "turns", raw["turns"])
        if turns is not None and not turns:
            self.error(cid, "turns", "至少要有一轮提问（must not be empty）")
            return None
        return turns

    def _expect(self, cid: str, raw) -> Expect | None:
        if raw is _ABSENT or raw is None:
            self.error(cid, "expect", "缺少 expect（missing expectations）")
            return None
        if not isinstance(raw, dict):
            self.error(cid, "expect", "应为映射（must be a mapping）")
            return None
        ok = True
        for k in raw:
            if k not in EXPECT_FIELDS:
                self.error(cid, f"expect.{k}", _suggest(k, EXPECT_FIELDS))
                ok = False
        if not raw:
            self.error(cid, "expect", "至少需要一项期望（at least one expectation）")
            return None
        kw: dict = {}
        for name in ("cites", "cites_any", "includes", "excludes"):
            if name in raw:
                vals = self._strings(cid, f"expect.{name}", raw[name])
                if vals is None:
                    ok = False
                    continue
                if name in ("cites", "cites_any"):
                    vals = self._clauses(cid, f"expect.{name}", vals)
                kw[name] = vals
        if "award_total" in raw:
            total = parse_amount(raw["award_total"])
            if total is False:
                self.error(cid, "expect.award_total", f"应为以元计的金额或 null，实际为 {brief(raw['award_total'])}（must be yuan or null）")
                ok = False
            else:
                kw["award_total"] = total
        if "abstain" in raw:
            if not isinstance(raw["abstain"], bool):
                self.error(cid, "expect.abstain", f"应为 true 或 false，实际为 {brief(raw['abstain'])}（must be a boolean）")
                ok = False
            else:
                kw["abstain"] = raw["abstain"]
        return Expect(**kw) if ok else None

    def groups(self, data) -> list[Group]:
        out = []
        for index, raw in enumerate(self._items(data, "groups")):
            gid = self._id(raw, index, "分组")
            if gid is None:
                continue
            before = len(self.problems)
            for k in raw:
                if k not in GROUP_FIELDS:
                    self.error(gid, str(k), _suggest(k, GROUP_FIELDS), kind="分组")
            qs = self._strings(gid, "questions", raw.get("questions"), kind="分组") if "questions" in raw else None
            if "questions" not in raw:
                self.error(gid, "questions", "缺少 questions（missing questions）", kind="分组")
            elif qs is not None and len(qs) < 2:
                self.error(gid, "questions", "一个分组至少要有两种问法（at least two paraphrases）", kind="分组")
            tags = self._strings(gid, "tags", raw.get("tags", []), kind="分组") or ()
            if len(self.problems) == before and qs:
                out.append(Group(gid, qs, tags, self.name, str(raw.get("note") or "")))
        return out


def parse_amount(value) -> Decimal | None | bool:
    """Yuan from a YAML scalar (720000, 1999999.98, "720000") to the fen; None stays None; False if not an amount."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return False
    if not d.is_finite():
        return False
    return d.quantize(Decimal("0.01"))
