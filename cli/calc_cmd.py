"""`calc`: the award calculator from the command line, for any document's pack: a profile file, the options the pack
declares (--equipment 1200万 …), `--set path=value`, `--doc`, `--all` across documents and `--as-of`."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from cli.common import console, err_console, fail, print_json

_STATE_MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}
_STATUS_STYLE = {"eligible": "green", "ineligible": "red", "unknown": "yellow"}


def pack_flags(pack) -> dict[str, tuple[str, object]]:
    """The command-line options a pack declares: option name → (input path, its spec)."""
    from corpus.packs import input_paths

    return {spec.flag: (path, spec) for path, spec in input_paths(pack.rules).items() if spec.flag}


def _squash(text: str) -> str:
    # the words people drop or add when naming a title: 企业, 级, 通过, spaces
    return re.sub(r"[\s　]|企业|级|通过", "", str(text))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def resolve_titles(names: list[str], spec) -> list[str]:
    """Titles as people name them (国家两化融合贯标, 市级服务型制造示范) → the pack's option ids; each name must
    fit exactly one of the pack's titles, by its id, label, short name or aliases, or as an abbreviation of one."""
    out = []
    for raw in names:
        words = {oid: [oid, o.label, o.short, *o.aliases] for oid, o in spec.options.items()}
        if raw in words:
            out.append(raw)
            continue
        want = _squash(raw)
        exact = [oid for oid, ws in words.items() if any(w and _squash(w) == want for w in ws)]
        found = exact or [oid for oid, ws in words.items() if want and any(w and _subsequence(want, _squash(w))
                                                                           for w in ws)]
        label = {oid: o.label or oid for oid, o in spec.options.items()}
        if len(found) == 1:
            out.append(found[0])
        elif found:
            fail(f"称号“{raw}”不够明确，可能是：{'、'.join(label[t] for t in found)}。请写全称号名称。")
        else:
            fail(f"无法识别称号“{raw}”。可用称号：{'、'.join(label.values())}。")
    return out


def _parse_extra(args: list[str], flags: dict) -> list[tuple[str, object, object]]:
    """--name value / --name=value / --name (true) / --not-name (false) → (path, spec, raw value)."""
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if not a.startswith("--"):
            fail(f"无法识别的参数“{a}”。可用 --set 字段=值，或 `policy-assistant rules inputs` 查看可用选项。")
        name, eq, value = a[2:].partition("=")
        negative = name.startswith("not-") and name[4:] in flags and name not in flags
        key = name[4:] if negative else name
        if key not in flags:
            known = "、".join(f"--{k}" for k in flags) or "（无）"
            fail(f"无法识别的选项“--{name}”。本文件可用：{known}；也可用 --set 字段=值。")
        path, spec = flags[key]
        if spec.type == "bool":
            if eq:
                out.append((path, spec, value))
            else:
                out.append((path, spec, not negative))
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                fail(f"选项 --{name} 需要一个取值。")
            value = args[i + 1]
            i += 1
        out.append((path, spec, value))
        i += 1
    return out


_YES = {"是", "有", "对", "已", "满足", "符合"}
_NO = {"否", "没有", "无", "不是", "未", "不满足", "不符合"}


def resolve_input(key: str, pack) -> tuple[str, object]:
    """`--set` names a fact by its path (green_factory) or as people do, by its label (绿色工厂, 节能设备投资额):
    (path, spec); a name fitting several labels or none is refused, listing what fits."""
    from corpus.packs import input_paths

    paths = input_paths(pack.rules)
    if key in paths:
        return key, paths[key]
    want = _squash(key)
    labels = {path: _squash(spec.label) for path, spec in paths.items() if spec.label}
    found = ([p for p, lab in labels.items() if lab == want] or [p for p, lab in labels.items() if want and lab.startswith(want)]
             or [p for p, lab in labels.items() if want and want in lab]
             or [p for p, lab in labels.items() if len(want) >= 3 and _subsequence(want, lab)])  # 在县内依法纳税
    if len(found) == 1:
        return found[0], paths[found[0]]
    if found:
        fail(f"“{key}”可能是：{'、'.join(f'{paths[p].label}（{p}）' for p in found)}。请写字段名或完整名称。")
    fail(f"企业情况中没有“{key}”这一项。字段名与名称见 policy-assistant rules inputs。")


def _set_value(spec, value: str):
    """A --set value as its input reads it: titles by their names (省级), yes/no as 是/否, the rest as YAML."""
    import yaml

    text = value.strip()
    if spec is not None and spec.type == "titles":
        names = yaml.safe_load(text) if text.startswith("[") else re.split(r"[,，、;；]", text)
        return resolve_titles([str(t).strip() for t in names or [] if str(t).strip()], spec)
    if spec is not None and spec.type == "bool" and text in _YES | _NO:
        return text in _YES
    parsed = yaml.safe_load(text) if text else None
    return parsed if isinstance(parsed, (bool, list, dict)) or parsed is None else value


def _place(data: dict, path: str, value, pack) -> None:
    """Put one value at an input path; a list field goes to the first item (flags describe the first project)."""
    from corpus.packs import input_paths

    paths = input_paths(pack.rules)
    head, _, rest = path.partition(".")
    spec = paths.get(head)
    if spec is not None and spec.type == "list" and rest:
        items = list(data.get(head) or [{}])
        items[0] = {**items[0], rest: value}
        data[head] = items
    elif rest:
        data[head] = {**(data.get(head) or {}), rest: value}
    else:
        data[head] = value


def _build_profile(pack, profile_path: Path | None, sets: list[str], extra: list[str]) -> dict:

    from corpus.yamlsafe import YamlError, load_yaml_file
    from tools.amounts import parse_amount
    from tools.errors import CalcError

    data: dict = {}
    if profile_path is not None:
        if not Path(profile_path).exists():
            fail(f"找不到企业情况文件：{profile_path}")
        try:
            raw = load_yaml_file(profile_path, name=f"企业情况文件 {profile_path}") or {}
        except YamlError as e:
            fail(str(e))
        if not isinstance(raw, dict):
            fail("企业情况文件应为键值映射（YAML 对象）。")
        data = raw
    flags = pack_flags(pack)
    for path, spec, value in _parse_extra(extra, flags):
        if spec.type == "amount" and spec.positive:
            try:  # a zero purchase asks nothing of the rule: say so rather than answer 0
                parse_amount(value, allow_zero=False)
            except CalcError as e:
                fail(f"{spec.label}（--{spec.flag}）：{e}")
        if spec.type == "titles" and isinstance(value, str):
            value = resolve_titles([t.strip() for t in re.split(r"[,，、;；]", value) if t.strip()], spec)
        _place(data, path, value, pack)
    for item in sets or []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            fail(f"--set 应写成 字段=值（字段名见 policy-assistant rules inputs），例如 --set 某字段=1200万，收到“{item}”。")
        path, spec = resolve_input(key.strip(), pack)
        _place(data, path, _set_value(spec, value), pack)
    return data


def _as_of(value: str | None):
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of 应为 YYYY-MM-DD 格式的日期，收到“{value}”。")


def calc(
    ctx: typer.Context,
    profile: Path = typer.Option(None, "--profile", "-p", help="企业情况 YAML 文件"),
    doc: str = typer.Option(None, "--doc", help="文件编号（缺省为默认文件，或企业情况中的 doc）"),
    every: bool = typer.Option(False, "--all", help="按全部现行有效的文件测算（政策找企业）"),
    as_of: str = typer.Option(None, "--as-of", help="测算日期 YYYY-MM-DD（缺省为今天）：按该日有效的文件测算"),
    sets: list[str] = typer.Option(None, "--set", help="设置一项企业情况：字段=值（字段名见 rules inputs），列表字段写作 列表.字段=值"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出奖补计算结果（award 对象）"),
    show_claimable: bool = typer.Option(False, "--claimable", help="与 --json 同用：输出全部奖补项目清单"),
    pdf: Path = typer.Option(None, "--pdf", help="同时生成可打印的测算单 PDF，如 --pdf 测算单.pdf"),
) -> None:
    """计算企业可获奖补金额，列出每一步计算、条件与条款依据。

    文件的政策包还声明了各自的选项（如龙南文件的 --equipment 1200万 --above-scale）：
    用 `policy-assistant rules inputs 文件编号` 查看。"""
    from corpus import CorpusError
    from tools.calculator import calculate, calculate_all, claimable
    from tools.errors import CalcError

    day = _as_of(as_of)
    corpus = _corpus()
    try:
        pack = _pack(corpus, doc, profile)
    except (CalcError, CorpusError) as e:
        fail(str(e))
    data = _build_profile(pack, profile, sets, list(ctx.args))
    try:
        if every:
            result = calculate_all(data, as_of=day)
            if as_json:
                print_json(result)
            else:
                _print_all(result)
            return
        result = calculate(data, doc_id=pack.id, as_of=day)
        rows = claimable(data, doc_id=pack.id, as_of=day)
    except (CalcError, CorpusError) as e:
        fail(str(e))
    award = result.to_dict()
    if pdf is not None:
        _write_sheet(pdf, pack, data, award, rows, day)
    if as_json:
        print_json(rows if show_claimable else award)
    else:
        _print_tables(award, rows)
    if pdf is not None:
        err_console.print(f"已生成测算单：{pdf}", highlight=False)


def _write_sheet(path: Path, pack, data: dict, award: dict, rows: list[dict], day) -> None:
    """The printable 测算单 of this calculation (A4 PDF), from the award dict: nothing recomputed."""
    from tools import sheet
    from tools.profile import Profile

    facts = sheet.pack_facts(Profile.from_dict(data, doc=pack.id).to_dict(), pack.id)
    try:
        sheet.write_pdf(path, award, rows, facts, today=day)
    except sheet.SheetError as e:
        fail(str(e))


def _corpus():
    from cli.common import load_corpus_for_cli

    return load_corpus_for_cli()


def _pack(corpus, doc: str | None, profile_path: Path | None):
    """The pack the command is about: --doc, else the profile's `doc`, else the default document."""
    from corpus.packs import pack_for
    from corpus.yamlsafe import YamlError, load_yaml_file
    from tools.errors import ParameterError

    if doc is None and profile_path is not None and Path(profile_path).is_file():
        try:
            raw = load_yaml_file(profile_path)
        except YamlError:
            raw = None  # _build_profile reports it
        if isinstance(raw, dict) and raw.get("doc"):
            doc = str(raw["doc"])
    pack = pack_for(corpus.document(doc))
    if pack.rules is None:
        raise ParameterError(f"文件 {pack.id} 没有载入奖补规则，只能查阅条款，无法测算金额。")
    return pack


def _print_tables(award: dict, rows: list[dict]) -> None:
    """The claimable list, then each computed item with its steps, the caps and the headline (from the award dict)."""
    from rich.table import Table

    from tools import sheet

    if sheet.doc_status(award):
        console.print(f"[bold red]{sheet.doc_status(award)}[/]，按本文件不予奖补。", highlight=False)
    table = Table(title=f"可申请奖补一览（{award.get('doc_number') or award.get('doc')}，{award.get('effective')} 起）",
                  show_lines=True)
    for col in ("条款", "项目", "状态", "金额", "条件", "责任单位"):
        table.add_column(col)
    for r in rows:
        conds = "\n".join(f"{_STATE_MARK.get(c['state'], '?')} {c['text']}" for c in r["conditions"])
        style = _STATUS_STYLE.get(r["status"], "yellow")
        table.add_row(r["label"], r["title"], f"[{style}]{r['status_text']}[/]", sheet.amount_cell(r), conds,
                      "、".join(r.get("units") or []))
    console.print(table)
    if not sheet.has_input(award):
        console.print("未提供可计算的企业情况。可用 --profile 企业情况.yaml，或本文件声明的选项"
                      "（policy-assistant rules inputs 查看）。", highlight=False)
        return
    for item in award["items"]:
        style = _STATUS_STYLE.get(item["status"], "yellow")
        console.print(f"[bold]{item['label']} {item['title']}[/]：[{style}]{item['status_text']}[/] "
                      f"{sheet.amount_cell(item)}", highlight=False)
        for s in item.get("steps") or []:
            console.print(f"  · {s}", highlight=False)
        for n in item.get("notes") or []:
            console.print(f"  注：{n}", style="dim", highlight=False)
    for line in sheet.cap_lines(award)[:-1]:
        console.print(f"· {line}", highlight=False)
    if sheet.library_line(award):
        console.print(f"· {sheet.library_line(award)}", highlight=False)
    console.print(f"[bold]{sheet.headline(award)}[/]", highlight=False)
    if award.get("unknown_conditions"):
        console.print("待确认：" + "；".join(dict.fromkeys(award["unknown_conditions"])), style="yellow", highlight=False)
    for n in award.get("notes") or []:
        console.print(f"注：{n}", style="dim", highlight=False)
    console.print("依据条款：" + "、".join(sheet.clause_labels(award, rows)), style="dim", highlight=False)


def _print_all(result: dict) -> None:
    from rich.table import Table

    from tools.amounts import format_yuan

    table = Table(title=f"现行有效文件可申请奖补（测算日期 {result['as_of']}）", show_lines=True)
    for col in ("文件", "适用地区", "合计", "待确认"):
        table.add_column(col)
    for d in result["documents"]:
        a = d["award"]
        table.add_row(f"{a['doc_number'] or d['doc']}\n{a['doc_title']}", d["place"], format_yuan(a["total"]),
                      "；".join(dict.fromkeys(a["unknown_conditions"]))[:200])
    console.print(table)
    for s in result["skipped"]:
        console.print(f"未测算 {s['doc']}：{s['reason']}", style="dim", highlight=False)
    if result["total"] is not None:
        console.print(f"[bold]合计：{format_yuan(result['total'])}[/]", highlight=False)
    if result["note"]:
        console.print(result["note"], style="yellow", highlight=False)


def register(app) -> None:
    app.command("calc", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(calc)
