"""Builds the FastAPI app (APIs + gradio UI at /) and runs it with uvicorn; `python app.py` lands here."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from fastapi import FastAPI

from assistant.settings import Settings, load_settings
from webapp.services import Services

log = logging.getLogger("policy_assistant.webapp")


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The whole web app: /api/*, /v1/* and the gradio UI mounted at /."""
    import gradio as gr

    from webapp import api
    from webapp.ui import build_ui, mount_options

    services = services or Services(settings)
    settings = services.settings
    app = FastAPI(title="产业政策问答助手 API", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.services = services
    api.install(app, services)  # before the mount: "/" would otherwise swallow /api and /v1
    blocks = build_ui(services)
    return gr.mount_gradio_app(app, blocks, path="/", server_name=settings.host, server_port=settings.port,
                               ssr_mode=False, max_file_size="2mb", show_error=False, **mount_options(services))


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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="app.py", description="产业政策问答助手：网页界面与接口服务。")
    p.add_argument("--host", default=None, help="监听地址（默认 127.0.0.1；对外开放须显式指定，如 0.0.0.0）")
    p.add_argument("--port", type=_port, default=None, help="端口（默认 7860）")
    p.add_argument("--no-warm", action="store_true", help="不预先构建索引（首次提问时再构建）")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings(host=args.host, port=args.port)
    services = Services(settings)
    try:
        if not args.no_warm:
            warm_up(services)
        app = create_app(services=services)
    except Exception as e:  # noqa: BLE001 - a startup failure is a Chinese sentence, not a traceback
        from webapp.services import friendly

        _, msg = friendly(e)
        print(f"启动失败：{msg}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"已启动：http://{settings.host}:{settings.port}/  （接口：/api/ask、/api/calc、/v1/chat/completions）",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


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
