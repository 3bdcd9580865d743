"""`serve`: the web app and HTTP APIs, the same as `python app.py`."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option(None, "--host", help="监听地址（默认 127.0.0.1）"),
    port: int = typer.Option(None, "--port", help="端口（默认 7860，或环境变量 POLICY_ASSISTANT_PORT）"),
    workers: int = typer.Option(None, "--workers", help="进程数（默认 1；大于 1 时共用端口与会话库，只提供接口）"),
    no_warm: bool = typer.Option(False, "--no-warm", help="不预先构建索引"),
) -> None:
    """启动网页界面与接口服务（政策问答、奖补测算、条款查阅、一致性评测）。"""
    from webapp.server import main

    argv = ((["--host", host] if host else []) + (["--port", str(port)] if port else [])
            + (["--workers", str(workers)] if workers else []) + (["--no-warm"] if no_warm else []))
    main(argv)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
