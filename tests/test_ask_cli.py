"""`policy-assistant ask` end to end in a subprocess: JSON contract, plain text, and a light import footprint."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "policy-assistant"
DONE_Q = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？"


def run(*args, **kw):
    env = dict(os.environ, POLICY_ASSISTANT_LLM="")
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env,
                          timeout=120, **kw)


def test_ask_json_returns_720000_citing_the_equipment_clause_first():
    r = run("ask", DONE_Q, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert list(d) == ["answer", "citations", "award", "abstained", "flags", "followups"]
    assert d["award"]["total"] == 720000
    assert d["citations"][0]["clause"] == "4.3.1"


def test_ask_prints_the_answer_with_its_citations():
    r = run("ask", "上云补贴比例是多少？")
    assert r.returncode == 0, r.stderr
    assert "40%" in r.stdout and "四（三）5" in r.stdout


def test_chat_keeps_facts_between_turns_and_resets():
    r = run("chat", input="我们是规上企业，项目已竣工入统，符合产业政策，买设备花了1200万\n那如果是5000万呢\n/reset\n那如果是5000万呢\n/quit\n")
    assert r.returncode == 0, r.stderr
    assert "72万元" in r.stdout and "200万元" in r.stdout and "已清空" in r.stdout
    assert "没能判断" in r.stdout.split("已清空", 1)[1]


def test_ask_imports_neither_torch_nor_gradio():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom cli import app\n"
            f"r = CliRunner().invoke(app, ['ask', {DONE_Q!r}, '--json'])\nassert r.exit_code == 0, r.output\n"
            "bad = [m for m in ('torch', 'gradio', 'chromadb', 'sentence_transformers') if m in sys.modules]\n"
            "print('HEAVY', bad)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, POLICY_ASSISTANT_LLM=""), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout
