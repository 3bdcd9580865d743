"""`python app.py` as a newcomer runs it: serves the page and the APIs on loopback, refuses bad flags in Chinese."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from webapp.testing import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_python_app_py_serves_the_ui_and_the_api_on_loopback(data_dir):
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        deadline = time.monotonic() + 180
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert page is not None, "app.py exited or never served a page"
        assert page.status_code == 200 and "产业政策问答助手" in page.text
        health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10).json()
        assert health["documents"][0]["doc_number"] == "龙办发〔2022〕40号"
        calc = httpx.post(f"http://127.0.0.1:{port}/api/calc", timeout=30,
                          json={"above_scale": True, "projects": [{"equipment": "1200万"}]}).json()
        assert calc["total"] == 720000
        # nothing listens beyond loopback unless asked
        try:
            addrs = {i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
        except socket.gaierror:
            addrs = set()
        for addr in (a for a in addrs if not a.startswith("127.")):
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((addr, port)) != 0
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "索引就绪" in out
    assert f"http://127.0.0.1:{port}/" in out


def test_app_py_help_is_in_chinese():
    out = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert out.returncode == 0
    assert "监听地址" in out.stdout and "--port" in out.stdout


def test_app_py_refuses_a_non_numeric_port():
    out = subprocess.run([sys.executable, "app.py", "--port", "abc"], cwd=ROOT, capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "端口必须是" in out.stderr
