"""Serving benchmark: time from `python app.py` to the first page, then N concurrent sessions on /api/ask.

    python benchmarks/serve.py [--sessions 20] [--seconds 30] [--url http://127.0.0.1:7860]

Each session states its own equipment amount, then keeps asking 能拿多少？ (and a clause question in
between) and checks that every award it gets back is the one its own facts give: any other total is a
cross-session leak. The loop is bounded by time and by a request cap, and stops itself. Exit status 1 on
any error or leak."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx

from webapp.testing import free_port

ROOT = Path(__file__).resolve().parents[1]
FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了{}万"
ASK_AMOUNT = "能拿多少？"
ASK_CLAUSE = "上云补贴比例是多少？"


def start_app(data_dir: str, port: int) -> tuple[subprocess.Popen, float]:
    """`python app.py` on `port`; (process, seconds until the first page was served)."""
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": data_dir, "GRADIO_ANALYTICS_ENABLED": "False",
           "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = t0 + 300
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py 退出，返回码 {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return proc, time.perf_counter() - t0
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("app.py 在 300 秒内未能提供页面")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def expected_total(wan: int) -> Decimal:
    """What this session's own facts give, from the calculator (never a literal here)."""
    from tools.calculator import calculate

    profile = {"above_scale": True, "projects": [{"equipment": f"{wan}万", "completed": True,
                                                  "in_national_stats": True, "complies_industrial_policy": True}]}
    return calculate(profile).total


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.leaks: list[str] = []
        self.checked = 0
        self.elapsed = 0.0


def session_worker(url: str, wan: int, want: Decimal, deadline: float, max_requests: int, stats: Stats) -> None:
    sid = None
    n = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.perf_counter() < deadline and n < max_requests:
            question = FACTS.format(wan) if n == 0 else (ASK_CLAUSE if n % 3 == 2 else ASK_AMOUNT)
            t0 = time.perf_counter()
            try:
                r = client.post("/api/ask", json={"question": question, **({"session_id": sid} if sid else {})})
                took = time.perf_counter() - t0
                if r.status_code != 200:
                    raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
                body = r.json()
            except Exception as e:  # noqa: BLE001 - every failure is counted, none stops the run
                with stats.lock:
                    stats.errors.append(f"{wan}万 #{n}: {e}")
                n += 1
                continue
            sid = sid or body["session_id"]
            leak = None
            if body["session_id"] != sid:
                leak = f"会话编号变了：{sid} → {body['session_id']}"
            elif question != ASK_CLAUSE:
                got = (body.get("award") or {}).get("total")
                if got is None or Decimal(str(got)) != want:
                    leak = f"{wan}万 的会话得到 {got}，应为 {want}"
            with stats.lock:
                stats.latencies.append(took)
                if question != ASK_CLAUSE:
                    stats.checked += 1
                if leak:
                    stats.leaks.append(leak)
            n += 1


def percentile(values: list[float], p: float) -> float:
    """Nearest rank (this script runs with benchmarks/ first on sys.path, where evals.py shadows the package)."""
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * p // 100)) - 1]


def load_test(url: str, sessions: int, seconds: float, max_requests: int) -> Stats:
    amounts = [600 + 100 * i for i in range(sessions)]  # distinct facts → distinct totals per session
    wants = {w: expected_total(w) for w in amounts}
    assert len(set(wants.values())) == len(amounts), "每个会话的应得金额必须互不相同，才能发现串话"
    stats = Stats()
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=session_worker, args=(url, w, wants[w], deadline, max_requests, stats),
                                daemon=True) for w in amounts]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 180)
    stats.elapsed = time.perf_counter() - t0
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--max-requests", type=int, default=2000, help="每个会话最多请求数（防止失控）")
    ap.add_argument("--url", help="测已在运行的服务，不启动 app.py、不测启动时间")
    args = ap.parse_args(argv)

    proc = None
    url = args.url
    if not url:
        data_dir = tempfile.mkdtemp(prefix="pa-bench-serve-")
        port = free_port()
        proc, cold = start_app(data_dir, port)
        stop_app(proc)
        port = free_port()
        proc, warm = start_app(data_dir, port)
        url = f"http://127.0.0.1:{port}"
        print(f"启动到首个页面（首次，含构建索引）：{cold:.1f} 秒")
        print(f"启动到首个页面（索引已存在）：{warm:.1f} 秒")
    try:
        stats = load_test(url, args.sessions, args.seconds, args.max_requests)
    finally:
        if proc is not None:
            stop_app(proc)
    lat = stats.latencies
    print(f"并发会话：{args.sessions}，时长：{stats.elapsed:.1f} 秒，成功请求：{len(lat)}")
    if lat:
        print(f"吞吐：{len(lat) / stats.elapsed:.1f} 请求/秒")
        ms = [x * 1000 for x in lat]
        print(f"延迟 p50：{percentile(ms, 50):.0f} 毫秒，p95：{percentile(ms, 95):.0f} 毫秒，"
              f"平均：{statistics.mean(ms):.0f} 毫秒")
    print(f"错误：{len(stats.errors)}；串话（金额不符本会话事实）：{len(stats.leaks)}，共核对 {stats.checked} 个金额回答")
    for line in (stats.errors + stats.leaks)[:10]:
        print("  " + line)
    return 1 if stats.errors or stats.leaks or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
