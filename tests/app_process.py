"""The real server as a subprocess for tests: `python app.py` or `policy-assistant serve` on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from webapp.testing import free_port


class AppProcess:
    """`python app.py` (or `-m cli serve`) as a subprocess on a free loopback port, until `stop()`.

    `args` are extra flags (["--workers", "2"]); `env` extra environment (POLICY_ASSISTANT_DATA_DIR …)."""

    def __init__(self, args: list[str] | None = None, env: dict | None = None, port: int | None = None,
                 cwd=None, serve: bool = False):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        root = Path(cwd or Path(__file__).resolve().parents[1])
        cmd = [sys.executable, "-m", "cli", "serve"] if serve else [sys.executable, "app.py"]
        full_env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
                    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
        # a file, not a pipe: a chatty server never blocks on a full pipe nobody reads
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.proc = subprocess.Popen([*cmd, "--port", str(self.port), *(args or [])], cwd=root, env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        """Everything the process printed so far."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def wait_ready(self, timeout: float = 300) -> AppProcess:
        """Until /api/health answers; RuntimeError (with the output) if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"服务进程已退出（返回码 {self.proc.returncode}）：{self.output[-2000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=5).status_code in (200, 401):
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"服务在 {timeout} 秒内未就绪：{self.output[-2000:]}")

    def __enter__(self) -> AppProcess:
        return self.wait_ready()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self, timeout: float = 30) -> str:
        """Terminate (SIGTERM, then SIGKILL), and return everything the process printed."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        return self.output
