"""`policy-assistant ask` (one question, text or --json) and `policy-assistant chat` (multi-turn, rich)."""

from __future__ import annotations

import typer

from cli.common import console, fail, print_json

CHAT_HELP = "输入问题后回车；输入“重新开始”或 /reset 清空已提供的企业情况，输入“退出”、exit 或 quit 结束。"
EXIT_WORDS = {"退出", "结束", "再见", "exit", "quit", "q", "/quit", "/exit", "/q", "bye"}
RESET_WORDS = {"/reset", "重新开始", "重置", "清空"}


def _render(ans) -> None:
    from rich.panel import Panel

    console.print(Panel(ans.answer, title="回答" if not ans.abstained else "回答（文件未涉及）", expand=False), highlight=False)
    if ans.citations:
        console.print("[bold]引用条款：[/]" + "；".join(f"{c['label']}（{c['clause']}）" for c in ans.citations), highlight=False)
    # the greeting's followups are example questions (already in its text), not facts the assistant still needs
    if ans.followups and "help" not in (ans.flags or []):
        console.print("[bold]还需了解：[/]" + " ".join(ans.followups), highlight=False)


def register(app) -> None:
    @app.command("ask")
    def ask_cmd(
        question: str = typer.Argument(..., help="问题，例如：上云补贴比例是多少？"),
        as_json: bool = typer.Option(False, "--json", help="输出 DESIGN §4 的 JSON 答案对象"),
        no_llm: bool = typer.Option(False, "--no-llm", help="即使配置了大模型，也只用确定性规则回答"),
    ) -> None:
        """回答一个关于政策文件的问题（带条款引用；金额由计算器给出）。"""
        from assistant.dialogue import ask

        try:
            ans = ask(question, llm=False if no_llm else None)
        except Exception as e:  # noqa: BLE001 - a user sees a Chinese message, never a traceback
            fail(f"回答时出错：{e}")
        if as_json:
            print_json(ans.to_dict())
        else:
            _render(ans)

    @app.command("chat")
    def chat_cmd(
        no_llm: bool = typer.Option(False, "--no-llm", help="只用确定性规则回答"),
    ) -> None:
        """多轮对话：企业情况在各轮之间保留。"""
        from assistant.dialogue import Session, ask

        session = Session()
        console.print(CHAT_HELP, highlight=False)
        while True:
            try:
                question = console.input("[bold green]问：[/]")
            except (EOFError, KeyboardInterrupt):
                console.print()
                break
            q = question.strip()
            if not q:
                continue
            if q.lower().rstrip("。.!！") in EXIT_WORDS:
                break
            if q in RESET_WORDS:
                session.reset()
                console.print("已清空企业情况，可以重新开始。", highlight=False)
                continue
            try:
                ans = ask(q, session=session, llm=False if no_llm else None)
            except Exception as e:  # noqa: BLE001
                console.print(f"[red]回答时出错：{e}[/]", highlight=False)
                continue
            _render(ans)
