"""Reviewing a draft pack: each rule's review status (待审核 / 采纳 / 修改 / 不采纳), and accepting the reviewed draft —
validated as a pack (models, source words in their clauses, its own tests, the boundary table) and installed whole
into the corpus folder, or refused with a Chinese message and nothing installed."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from corpus import CorpusError, parse_text
from corpus.packs import PackError, load_pack
from corpus.store import BUNDLED_DIR, document_dirs, is_draft
from tools.drafting.model import PENDING
from tools.drafting.writer import RULES_HEADER, dump_yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# the office may write a status in Chinese or English; each maps to one meaning
STATUSES = {
    "待审核": "pending", "pending": "pending", "draft": "pending",
    "采纳": "accepted", "已采纳": "accepted", "通过": "accepted", "accepted": "accepted", "accept": "accepted",
    "修改": "edited", "已修改": "edited", "修改后采纳": "edited", "edited": "edited", "edit": "edited",
    "不采纳": "rejected", "拒绝": "rejected", "驳回": "rejected", "rejected": "rejected", "reject": "rejected",
}
STATUS_TEXT = {"pending": PENDING, "accepted": "采纳", "edited": "修改", "rejected": "不采纳"}
COPIED = ("lexicon.yaml", "interpretations.yaml")


class DraftError(CorpusError):
    """A draft that cannot be read, reviewed or accepted; str(e) is Chinese and names the file (and line)."""


@dataclass
class AcceptResult:
    doc_id: str
    folder: Path
    rules: list[str]  # installed rule ids
    rejected: list[str]
    pending: list[str]  # rules still 待审核, accepted as drafted
    questions: int  # open questions recorded in review.yaml
    tests: int = 0
    replaced: bool = False
    boundaries: int = 0
    notes: list[str] = field(default_factory=list)


def suggest_id(stem: str, doc_number: str = "") -> str:
    """A document id from a file name (anyuan-2021-9.txt) or, failing that, from the 文号's year and number."""
    s = re.sub(r"[^a-z0-9_-]+", "-", stem.strip().lower()).strip("-_")
    if s and ID_RE.match(s) and re.search(r"[a-z]", s):
        return s
    m = re.search(r"(\d{4})\D+(\d+)号", doc_number or "")
    return f"draft-{m.group(1)}-{m.group(2)}" if m else f"draft-{date.today():%Y%m%d}"


def check_id(doc_id: str) -> str:
    if not ID_RE.match(doc_id or ""):
        raise DraftError(f"文件编号“{doc_id}”不合法：只能用小写字母、数字、- 和 _，例如 ganzhou-2023-12。")
    return doc_id


def prepare_output(folder: Path) -> Path:
    """A folder the draft may be written to: new, empty, or an earlier draft (never an installed pack)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DraftError(f"{folder} 不是目录。")
    if folder.is_dir() and any(folder.iterdir()):
        if (folder / "meta.yaml").is_file() and is_draft(folder):
            return folder
        raise DraftError(f"{folder} 已有内容且不是草案目录，不会覆盖；请换一个输出目录（-o）。")
    return folder


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DraftError(f"无法读取 {path.name}：{e}") from e
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" 第{mark.line + 1}行" if mark else ""
        raise DraftError(f"{path.name}{where}不是有效的 YAML：{getattr(e, 'problem', '') or e}") from e
    if not isinstance(data, dict):
        raise DraftError(f"{path.name} 应为键值映射。")
    return data


def status_of(rule: dict) -> str:
    """pending / accepted / edited / rejected, from a rule's review.status (a missing review counts as accepted:
    the office wrote or rewrote the rule itself)."""
    review = rule.get("review")
    if not isinstance(review, dict):
        return "accepted"
    raw = str(review.get("status", PENDING)).strip()
    status = STATUSES.get(raw) or STATUSES.get(raw.lower())
    if status is None:
        allowed = "、".join(dict.fromkeys(STATUS_TEXT.values()))
        raise DraftError(f"rules.yaml 规则 {rule.get('id', '?')} 的 review.status“{raw}”无法识别，可用：{allowed}。")
    return status


@dataclass
class DraftFolder:
    folder: Path
    meta: dict
    rules: dict

    @property
    def doc_id(self) -> str:
        return str(self.meta.get("id") or self.folder.name)

    def rule_status(self) -> dict[str, str]:
        return {str(r.get("id")): status_of(r) for r in self.rules.get("rules") or [] if isinstance(r, dict)}


def read_draft(folder: Path) -> DraftFolder:
    folder = Path(folder)
    if not folder.is_dir():
        raise DraftError(f"找不到草案目录：{folder}")
    for name in ("source.txt", "meta.yaml", "rules.yaml"):
        if not (folder / name).is_file():
            raise DraftError(f"草案目录 {folder} 中缺少 {name}。")
    return DraftFolder(folder, _read_yaml(folder / "meta.yaml"), _read_yaml(folder / "rules.yaml"))


def set_rule_status(folder: Path, rule_id: str, status: str, rule_yaml: str | None = None) -> dict:
    """Mark one rule 采纳 / 修改 / 不采纳 (optionally replacing its YAML with the office's edit); rules.yaml is
    rewritten only if the edited rule still validates as part of the pack."""
    d = read_draft(folder)
    rules = d.rules.get("rules") or []
    idx = next((i for i, r in enumerate(rules) if isinstance(r, dict) and str(r.get("id")) == rule_id), None)
    if idx is None:
        raise DraftError(f"草案中没有规则 {rule_id}。")
    key = STATUSES.get(status) or STATUSES.get(str(status).lower())
    if key is None:
        raise DraftError(f"审核结论“{status}”无法识别，可用：采纳、修改、不采纳。")
    rule = dict(rules[idx])
    if rule_yaml is not None:
        try:
            edited = yaml.safe_load(rule_yaml)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise DraftError(f"修改后的规则{f' 第{mark.line + 1}行' if mark else ''}不是有效的 YAML："
                             f"{getattr(e, 'problem', '') or e}") from e
        if not isinstance(edited, dict):
            raise DraftError("修改后的规则应为键值映射（id、clause、kind …）。")
        edited.setdefault("review", rule.get("review") or {})
        rule = edited
    review = dict(rule.get("review") or {})
    review["status"] = STATUS_TEXT[key]
    review["reviewed"] = date.today()
    rule["review"] = review
    rules = list(rules)
    rules[idx] = rule
    data = dict(d.rules)
    data["rules"] = rules
    text = dump_yaml(data, RULES_HEADER)
    _validate_text(d, text)
    (Path(folder) / "rules.yaml").write_text(text, encoding="utf-8")
    return rule


def _document(d: DraftFolder):
    try:
        source = (d.folder / "source.txt").read_text(encoding="utf-8")
        return parse_text(source, d.doc_id, {k: v for k, v in d.meta.items() if k not in ("status", "review")})
    except (OSError, UnicodeDecodeError) as e:
        raise DraftError(f"无法读取 source.txt：{e}") from e


def _validate_text(d: DraftFolder, rules_text: str) -> None:
    """The draft's rules.yaml (as it would be written) validated as a pack, with its real line numbers."""
    with tempfile.TemporaryDirectory(prefix="pa-draft-check-") as tmp:
        t = Path(tmp)
        shutil.copy(d.folder / "source.txt", t / "source.txt")
        shutil.copy(d.folder / "meta.yaml", t / "meta.yaml")
        (t / "rules.yaml").write_text(rules_text, encoding="utf-8")
        try:
            load_pack(t, _document(d))
        except PackError as e:
            raise DraftError(str(e)) from e


def validate_draft(folder: Path):
    """The draft folder as it stands, validated as a pack (review sections allowed): the Pack, or DraftError naming
    file, field and line."""
    d = read_draft(folder)
    d.rule_status()
    try:
        return load_pack(d.folder, _document(d))
    except PackError as e:
        raise DraftError(str(e)) from e


# --- cleaning a reviewed draft into a pack ------------------------------------------------------------

def _walk_refs(obj, params: set[str], inputs: set[str], pnames: set[str], inames: set[str]) -> None:
    """Every parameter and input name a structure mentions (as a value)."""
    if isinstance(obj, dict):
        for v in obj.values():
            _walk_refs(v, params, inputs, pnames, inames)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _walk_refs(v, params, inputs, pnames, inames)
    elif isinstance(obj, str):
        if obj in pnames:
            params.add(obj)
        head = obj.split(".", 1)[0]
        if head in inames:
            inputs.add(head)


def clean_pack(meta: dict, rules: dict) -> tuple[dict, dict, dict]:
    """(meta, rules, review record) of the accepted pack: rejected rules dropped with what only they used, review
    sections removed, the meta's draft status replaced by the validity the text states."""
    kept, rejected, pending, record = [], [], [], []
    for r in rules.get("rules") or []:
        if not isinstance(r, dict):
            continue
        st = status_of(r)
        review = dict(r.get("review") or {})
        record.append({"id": r.get("id"), "clause": str(r.get("clause", "")), "status": STATUS_TEXT[st],
                       **{k: review[k] for k in ("confidence", "questions", "reasons") if k in review}})
        if st == "rejected":
            rejected.append(str(r.get("id")))
            continue
        if st == "pending":
            pending.append(str(r.get("id")))
        kept.append({k: v for k, v in r.items() if k != "review"})
    kept_ids = {str(r.get("id")) for r in kept}
    out = {k: v for k, v in rules.items() if k not in ("review", "rules")}
    out["rules"] = kept
    out["budgets"] = [b for b in out.get("budgets") or [] if not b.get("rule") or b.get("rule") in kept_ids]
    if not out["budgets"]:
        out.pop("budgets")
    pnames = set((out.get("parameters") or {}).keys())
    inames = set((out.get("inputs") or {}).keys())
    used_p: set[str] = set()
    used_i: set[str] = set()
    refs = {k: out.get(k) for k in ("rules", "eligibility", "document_cap", "budgets", "classifications")}
    _walk_refs(refs, used_p, used_i, pnames, inames)
    if any(isinstance(r.get("stacking"), dict) and len(r["stacking"].get("allowed") or []) > 1 for r in kept):
        used_i.add("stacking")
    out["parameters"] = {k: v for k, v in (out.get("parameters") or {}).items() if k in used_p}
    out["inputs"] = {k: v for k, v in (out.get("inputs") or {}).items() if k in used_i}
    review_doc = rules.get("review") if isinstance(rules.get("review"), dict) else {}
    new_meta = {k: v for k, v in meta.items() if k not in ("review",)}
    new_meta["status"] = str(meta.get("validity") or "文件未规定有效期")
    new_meta.pop("validity", None)
    new_meta["reviewed"] = date.today()
    open_questions = list(review_doc.get("questions") or [])
    open_questions += [q for r in record if r["status"] != STATUS_TEXT["rejected"] for q in r.get("questions") or []]
    record_doc = {"accepted": date.today(), "rules": record, "rejected": rejected, "accepted_as_drafted": pending,
                  "questions": open_questions,
                  "unparsed": list(review_doc.get("unparsed") or [])}
    return new_meta, out, record_doc


def bundled_ids() -> set[str]:
    return {p.name for p in document_dirs(BUNDLED_DIR)}


def accept_draft(folder: Path, corpus_dir: Path, *, replace: bool = False) -> AcceptResult:
    """Validate the reviewed draft in `folder` and install it as `<corpus_dir>/<id>/`; nothing is installed on error."""
    from tools.errors import CalcError
    from tools.packtests import load_cases, run_case
    from tools.params import parse_parameters
    from tools.rulecheck import boundary_table

    d = read_draft(folder)
    doc_id = d.doc_id
    if not ID_RE.match(doc_id):
        raise DraftError(f"meta.yaml 的 id“{doc_id}”不合法：只能用小写字母、数字、- 和 _，例如 ganzhou-2023-12。")
    if not is_draft(d.folder):
        raise DraftError(f"{d.folder} 的 meta.yaml 不是草案（缺少 status: draft），无需再次审核安装。")
    if doc_id in bundled_ids():
        raise DraftError(f"文件编号 {doc_id} 已被内置文件使用，请在 meta.yaml 中改用另一个 id。")
    corpus_dir = Path(corpus_dir)
    target = corpus_dir / doc_id
    exists = target.exists()
    if exists and not replace:
        raise DraftError(f"数据目录中已有文件 {doc_id}（{target}）。如要替换，请加 --replace。")
    if exists and is_draft(target):
        raise DraftError(f"{target} 是一份草案，不能作为安装目标。")
    validate_draft(d.folder)  # the draft as the office sees it: errors name its own lines
    meta, rules, record = clean_pack(d.meta, d.rules)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".accept-{doc_id}-", dir=corpus_dir.parent))
    try:
        shutil.copy(d.folder / "source.txt", staging / "source.txt")
        (staging / "meta.yaml").write_text(dump_yaml(meta, f"# {doc_id}：由规则草案审核通过后安装（{date.today()}）。\n"),
                                           encoding="utf-8")
        (staging / "rules.yaml").write_text(dump_yaml(rules, "# 审核通过的奖补规则（词汇见 docs/packs.md）。\n"),
                                            encoding="utf-8")
        (staging / "review.yaml").write_text(dump_yaml(record, "# 审核记录：采纳情况、置信度和当时的待确认问题。\n"),
                                             encoding="utf-8")
        for name in COPIED:
            if (d.folder / name).is_file():
                shutil.copy(d.folder / name, staging / name)
        if (d.folder / "tests").is_dir():
            shutil.copytree(d.folder / "tests", staging / "tests")
        doc = parse_text((staging / "source.txt").read_text(encoding="utf-8"), doc_id, meta)
        doc.meta["folder"] = str(staging)
        try:
            pack = load_pack(staging, doc)
        except PackError as e:
            raise DraftError(f"整理后的政策包未通过校验：{e}") from e
        n_tests = 0
        boundaries = 0
        if pack.rules is not None:
            P = parse_parameters(yaml.safe_load((staging / "rules.yaml").read_text(encoding="utf-8")), doc_id)
            try:
                cases = load_cases(staging, doc_id)
            except CalcError as e:
                raise DraftError(str(e)) from e
            failures = []
            for c in cases:
                o = run_case(c, pack, P)
                if not o.ok:
                    failures.append(f"{c.file}：{c.name}：{'；'.join(o.problems)}")
            if failures:
                raise DraftError("包内测试未通过：" + "；".join(failures[:5]) + (f"；另有 {len(failures) - 5} 条" if len(failures) > 5 else ""))
            n_tests = len(cases)
            try:
                boundaries = len(boundary_table(pack, P))
            except (CalcError, KeyError, ValueError, TypeError) as e:
                raise DraftError(f"规则无法计算（边界表出错）：{e}") from e
        old = None
        if exists:
            old = Path(tempfile.mkdtemp(prefix=f".replaced-{doc_id}-", dir=corpus_dir.parent))
            old.rmdir()
            target.rename(old)
        try:
            staging.rename(target)
        except OSError:
            if old is not None:
                old.rename(target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return AcceptResult(doc_id, target, [str(r.get("id")) for r in rules["rules"]], record["rejected"],
                        record["accepted_as_drafted"], len(record["questions"]), n_tests, exists, boundaries)


__all__ = ["STATUSES", "STATUS_TEXT", "AcceptResult", "DraftError", "DraftFolder", "accept_draft", "check_id",
           "clean_pack", "prepare_output", "read_draft", "set_rule_status", "status_of", "suggest_id", "validate_draft"]
