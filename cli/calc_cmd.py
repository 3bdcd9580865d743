"""`calc`: the award calculator from the command line, from a profile file and/or flags for single questions."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import console, fail, print_json

_STATE_MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}
_STATUS_STYLE = {"eligible": "green", "ineligible": "red", "unknown": "yellow"}


def _build_profile(profile_path, equipment, total_investment, above_scale, completed, in_stats, complies,
                   titles, local_tax, stacking, ganzhou_award):
    """The profile file (if any) with the flags laid over it; flags describe the first project."""
    import yaml

    from tools.errors import CalcError
    from tools.profile import Profile

    data: dict = {}
    if profile_path is not None:
        try:
            data = Profile.from_yaml(profile_path).to_dict()
        except CalcError as e:
            fail(str(e))
    if equipment is not None:
        from tools.amounts import parse_amount

        try:  # a zero equipment purchase asks nothing of 四（三）1: say so rather than answer 0
            parse_amount(equipment, allow_zero=False)
        except CalcError as e:
            fail(f"购买设备投资额（--equipment）：{e}")
    project_flags = {"equipment": equipment, "total_investment": total_investment, "completed": completed,
                     "in_national_stats": in_stats, "complies_industrial_policy": complies}
    project_flags = {k: v for k, v in project_flags.items() if v is not None}
    if project_flags:
        projects = list(data.get("projects") or [{}])
        projects[0] = {**projects[0], **project_flags}
        data["projects"] = projects
    if above_scale is not None:
        data["above_scale"] = above_scale
    if titles is not None:
        data["titles"] = [t.strip() for t in titles.replace("，", ",").split(",") if t.strip()]
    if local_tax is not None:
        data["local_tax_retained"] = local_tax
    if stacking is not None:
        data["stacking"] = stacking
    if ganzhou_award is not None:
        data["ganzhou_smart_award"] = ganzhou_award
    try:
        return Profile.from_dict(data)
    except CalcError as e:
        fail(str(e))
    except yaml.YAMLError as e:  # pragma: no cover - from_yaml already wraps it
        fail(str(e))


def calc(
    profile: Path = typer.Option(None, "--profile", "-p", help="企业情况 YAML 文件（DESIGN §4a 格式）"),
    equipment: str = typer.Option(None, "--equipment", help="购买设备投资额，如 1200万、一千二百万元"),
    total_investment: str = typer.Option(None, "--total-investment", help="项目总投资（用于项目库，四（一））"),
    above_scale: bool = typer.Option(None, "--above-scale/--not-above-scale", help="是否规模以上企业"),
    completed: bool = typer.Option(None, "--completed/--not-completed", help="项目是否已竣工"),
    in_stats: bool = typer.Option(None, "--in-stats/--not-in-stats", help="项目是否列入国家统计库"),
    complies: bool = typer.Option(None, "--complies-policy/--not-complies-policy", help="是否符合国家产业政策"),
    titles: str = typer.Option(None, "--titles", help="所获称号，逗号分隔，如 lianghua_national,service_city"),
    local_tax: str = typer.Option(None, "--local-tax", help="当年所缴税收地方财政实得部分，如 50万"),
    stacking: str = typer.Option(None, "--stacking", help="不同级别称号：cumulative（累加，默认）或 highest（就高）"),
    ganzhou_award: str = typer.Option(None, "--ganzhou-award", help="赣州市智能制造示范/标杆企业奖补金额"),
    doc: str = typer.Option("longnan-2022-40", "--doc", help="文件编号"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出奖补计算结果（award 对象）"),
    show_claimable: bool = typer.Option(False, "--claimable", help="与 --json 同用：输出全部奖补项目清单"),
) -> None:
    """计算企业可获奖补金额（四（三）），列出每一步计算、条件与条款依据。"""
    from corpus import CorpusError
    from tools.calculator import calculate, claimable
    from tools.errors import CalcError

    p = _build_profile(profile, equipment, total_investment, above_scale, completed, in_stats, complies,
                       titles, local_tax, stacking, ganzhou_award)
    try:
        result = calculate(p, doc_id=doc)
        rows = claimable(p, doc_id=doc)
    except (CalcError, CorpusError) as e:
        fail(str(e))
    if as_json:
        print_json(rows if show_claimable else result.to_dict())
        return
    _print_tables(result, rows)


def _print_tables(result, rows) -> None:
    from rich.table import Table

    from tools.amounts import format_yuan

    table = Table(title=f"可申请奖补一览（{result.doc_number}，{result.effective} 起）", show_lines=True)
    for col in ("条款", "项目", "状态", "金额", "条件", "责任单位"):
        table.add_column(col)
    for r in rows:
        conds = "\n".join(f"{_STATE_MARK[c['state']]} {c['text']}" for c in r["conditions"])
        style = _STATUS_STYLE[r["status"]]
        table.add_row(r["label"], r["title"], f"[{style}]{r['status_text']}[/]", r["amount_text"], conds,
                      "、".join(r["units"]))
    console.print(table)
    if not result.items:
        console.print("未提供可计算的企业情况。可用 --equipment 1200万 --above-scale 等选项，或 --profile 企业情况.yaml。")
        return
    for item in result.items:
        style = _STATUS_STYLE[item.status]
        amount = ("最高可获 " if item.maximum else "") + (format_yuan(item.paid) if item.amount is not None
                                                         or item.status == "ineligible" else "待定")
        console.print(f"[bold]{item.label} {item.title}[/]：[{style}]{item.status_text}[/] {amount}", highlight=False)
        for s in item.steps:
            console.print(f"  · {s}", highlight=False)
        for n in item.notes:
            console.print(f"  注：{n}", style="dim", highlight=False)
    for s in result.steps:
        console.print(f"· {s}", highlight=False)
    total = format_yuan(result.total)
    console.print(f"[bold]合计：{total}[/]" + ("（已按四（三）7 封顶）" if result.capped_by_tax else ""), highlight=False)
    if result.unknown_conditions:
        console.print("待确认：" + "；".join(result.unknown_conditions), style="yellow", highlight=False)
    for n in result.notes:
        console.print(f"注：{n}", style="dim", highlight=False)
    console.print(f"依据条款：{'、'.join(result.clauses)}", style="dim", highlight=False)


def register(app) -> None:
    app.command("calc")(calc)
