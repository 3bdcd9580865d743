"""Starting the service: a busy port, a data directory that cannot be written, a bad setting or flag each end
with a Chinese sentence that says what to do, a non-zero exit and no traceback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.settings import load_settings
from webapp.services import Services
from webapp.testing import start_server

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env={**os.environ, **(env or {})})


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made unwritable for this process: no write permission, or (as root, who ignores permissions)
    the immutable attribute."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    immutable = False
    try:
        if os.access(folder, os.W_OK):  # root
            subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
            immutable = True
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
        folder.chmod(0o755)


@pytest.mark.parametrize("entry", [["app.py"], ["-m", "cli", "serve"]])
def test_a_busy_port_is_said_in_chinese_with_how_to_choose_another(entry):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = run([*entry, "--port", str(port)], timeout=60)
    out = r.stderr + r.stdout
    assert r.returncode != 0
    assert f"端口 {port} 已被占用" in out and "--port" in out and "POLICY_ASSISTANT_PORT" in out
    assert "已启动" not in out and "Traceback" not in out and "address already in use" not in out.lower()


def test_a_read_only_data_directory_stops_the_start_naming_it_and_the_cause(tmp_path):
    with read_only(tmp_path / "ro") as folder:
        r = run(["app.py", "--port", str(_free_port())],
                env={"POLICY_ASSISTANT_DATA_DIR": str(folder)}, timeout=120)
    out = r.stderr + r.stdout
    assert r.returncode != 0
    assert f"数据目录 {folder.resolve()} 无法写入" in out and ("权限" in out or "只读" in out)
    assert "Traceback" not in out and "服务内部出错" not in out and "已启动" not in out


def test_a_request_on_a_read_only_data_directory_gets_a_503_naming_it(tmp_path):
    with read_only(tmp_path / "ro") as folder:
        services = Services(load_settings(data_dir=folder))
        with pytest.raises(Exception) as e:
            services.ask("上云补贴比例是多少？")
        assert getattr(e.value, "status", None) == 503 and str(folder.resolve()) in str(e.value)
        srv = start_server(services, warm=False)
        try:
            r = httpx.post(srv.url + "/api/ask", json={"question": "上云补贴比例是多少？"}, timeout=60)
        finally:
            srv.stop()
    assert r.status_code == 503
    message = r.json()["error"]["message"]
    assert f"数据目录 {folder.resolve()} 无法写入" in message and "POLICY_ASSISTANT_DATA_DIR" in message
    assert "服务内部出错" not in message


def test_a_malformed_setting_is_named_at_start():
    r = run(["app.py"], env={"POLICY_ASSISTANT_SESSION_TTL_SECONDS": "seven days"}, timeout=60)
    assert r.returncode != 0
    assert "POLICY_ASSISTANT_SESSION_TTL_SECONDS" in r.stderr and "Traceback" not in r.stderr


def test_an_impossible_worker_count_is_refused_in_chinese():
    r = run(["app.py", "--workers", "0"], timeout=60)
    assert r.returncode != 0 and "进程数必须是" in r.stderr and "Traceback" not in r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
