"""Builds the FastAPI app (APIs + gradio UI at /) and runs it with uvicorn, in one process or several sharing the
port (`serve --workers N`); `python app.py` lands here."""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
import time

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant.settings import Settings, load_settings
from webapp.services import Services

log = logging.getLogger("policy_assistant.webapp")


UI_SINGLE_PROCESS = ("<!doctype html><meta charset='utf-8'><title>产业政策问答助手</title>"
                     "<p>本服务以多进程方式运行（--workers），只提供接口：POST /api/ask、POST /api/calc、"
                     "POST /v1/chat/completions。网页界面请以单进程方式启动（不加 --workers）。</p>")


def create_app(settings: Settings | None = None, services: Services | None = None, ui: bool = True) -> FastAPI:
    """The whole web app: /api/*, /v1/* and (with `ui`) the gradio UI mounted at /."""
    from webapp import api

    services = services or Services(settings)
    settings = services.settings
    app = FastAPI(title="产业政策问答助手 API", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.services = services
    api.install(app, services)  # before the mount: "/" would otherwise swallow /api and /v1
    if not ui:
        app.add_api_route("/", lambda: HTMLResponse(UI_SINGLE_PROCESS), include_in_schema=False)
        return app
    import gradio as gr

    from webapp.ui import build_ui, mount_options

    blocks = build_ui(services)
    key = settings.api_key
    # with an API key the UI asks for it too: its uploads (eval cases) and writes are as protected as the API
    auth = (lambda _user, password: api.key_matches(password or "", key)) if key else None
    return gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host, server_port=settings.port,
                               ssr_mode=False, max_file_size="2mb", show_error=False, auth=auth,
                               auth_message="本服务已设置访问密钥：用户名任填，密码填写访问密钥（POLICY_ASSISTANT_API_KEY）。",
                               **mount_options(services))


def worker_app() -> FastAPI:
    """The app of one `--workers` process (uvicorn imports it by name): the APIs, sessions shared through SQLite.

    gradio keeps each browser's event stream in the memory of one process, so the UI needs a single process."""
    import os

    services = Services(load_settings())
    services.warm()
    app = create_app(services=services, ui=False)
    pid = str(os.getpid())

    @app.middleware("http")
    async def served_by(request, call_next):
        response = await call_next(request)
        response.headers["X-Policy-Assistant-Worker"] = pid  # which process answered, for operators and tests
        return response

    return app


def warm_up(services: Services, out=sys.stderr) -> float:
    """Load the corpus and build the search index if needed, printing progress; seconds taken."""
    t0 = time.perf_counter()
    last = [""]
    stages = {"embed": "计算向量", "vectors": "写入向量库", "bm25": "构建关键词索引"}

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        text = f"{stages.get(stage, stage)} {done}/{total}" if total else stages.get(stage, stage)
        if text != last[0]:
            last[0] = text
            print(f"  索引：{text}", file=out, flush=True)

    print("正在加载政策文件并准备检索索引（首次运行需构建索引，请稍候）…", file=out, flush=True)
    services.warm(progress)
    took = time.perf_counter() - t0
    print(f"索引就绪，用时 {took:.1f} 秒。", file=out, flush=True)
    return took


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"端口必须是 1–65535 之间的整数，收到“{text}”")
    return int(text)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"进程数必须是 1–64 之间的整数，收到“{text}”")
    return int(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="app.py", description="产业政策问答助手：网页界面与接口服务。")
    p.add_argument("--host", default=None, help="监听地址（默认 127.0.0.1；对外开放须显式指定，如 0.0.0.0）")
    p.add_argument("--port", type=_port, default=None, help="端口（默认 7860，或环境变量 POLICY_ASSISTANT_PORT）")
    p.add_argument("--workers", type=_workers, default=None,
                   help="进程数（默认 1；大于 1 时多个进程共用端口与会话库，只提供接口、不提供网页界面）")
    p.add_argument("--no-warm", action="store_true", help="不预先构建索引（首次提问时再构建）")
    return p.parse_args(argv)


class PortBusy(Exception):
    """The port is taken; str(e) says so in Chinese and how to choose another."""


def bind_port(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound before anything is announced; PortBusy when it is taken."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a port in TIME_WAIT is free
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PortBusy(f"端口 {port} 已被占用（可能已有一个服务在运行）。请换一个端口，例如 "
                           f"python app.py --port {port + 1 if port < 65535 else 7861}（或 policy-assistant serve --port …），"
                           "也可设置环境变量 POLICY_ASSISTANT_PORT。") from None
        if e.errno == errno.EACCES:
            raise PortBusy(f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限），请用 --port 换一个端口。") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise PortBusy(f"本机没有地址 {host}，请检查 --host（例如 127.0.0.1 或 0.0.0.0）。") from None
        raise
    sock.listen(2048)
    sock.set_inheritable(True)  # worker processes accept on it
    return sock


def _fail(msg: str) -> None:
    print(f"启动失败：{msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from assistant.settings import SettingsError
    from webapp.services import friendly

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(host=args.host, port=args.port, workers=args.workers)
    except SettingsError as e:
        _fail(str(e))
    try:
        sock = bind_port(settings.host, settings.port)  # first: a busy port is said before any slow work
    except PortBusy as e:
        _fail(str(e))
    services = Services(settings)
    try:
        services.check_storage()
        if not args.no_warm:
            warm_up(services)
        app = create_app(services=services) if settings.workers == 1 else None
    except Exception as e:  # noqa: BLE001 - a startup failure is a Chinese sentence, not a traceback
        sock.close()
        _fail(friendly(e)[1])
    where = f"http://{settings.host}:{settings.port}/"
    if settings.workers == 1:
        print(f"已启动：{where}  （接口：/api/ask、/api/calc、/v1/chat/completions）", file=sys.stderr, flush=True)
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    print(f"已启动：{where}  （{settings.workers} 个进程，共用会话库 {settings.sessions_path}；只提供接口："
          "/api/ask、/api/calc、/v1/chat/completions）", file=sys.stderr, flush=True)
    config = uvicorn.Config("webapp.server:worker_app", factory=True, workers=settings.workers, log_level="warning")
    Multiprocess(config, sockets=[sock]).run()


class BackgroundServer:
    """The app served by uvicorn in a daemon thread on 127.0.0.1 and a free port (tests, benchmarks)."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1"):
        import socket
        import threading

        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))  # port 0: the OS picks a free one, no race with other agents
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("网页服务未能启动")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
