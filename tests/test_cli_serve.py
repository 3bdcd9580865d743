"""`policy-assistant serve` is the same server as `python app.py`, with the same checks on its flags."""

from __future__ import annotations

import subprocess
import sys


def test_serve_refuses_an_impossible_port_with_a_chinese_message():
    r = subprocess.run([sys.executable, "-m", "cli", "serve", "--port", "99999"], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "端口必须是" in r.stderr and "Traceback" not in r.stderr
