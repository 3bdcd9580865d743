"""Serving benchmark: time from `python app.py` to the first page, then concurrent sessions on /api/ask.

    python benchmarks/serve.py [--load 20x60,100x30] [--workers 1] [--url http://127.0.0.1:7860]

Each load `CxS` runs C clients for S seconds. Each client states its own equipment amount, then keeps asking
能拿多少？ (and a clause question in between) and checks that every award it gets back is the one its own facts
give: any other total is a cross-session leak. Sessions live in SQLite in the data directory (the product's
store), so every turn reads and writes it. Reported per load: requests, errors, leaks, p50/p95/p99, throughput,
and the server's resident memory (all its processes) before and after. The loop is bounded by time and by a
request cap, and stops itself. Exit status 1 on any error or leak."""

from __future__ import annotations

import argparse
import os
import shutil
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


def start_app(data_dir: str, port: int, workers: int = 1) -> tuple[subprocess.Popen, float]:
    """`python app.py` on `port`; (process, seconds until the first page was served)."""
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": data_dir, "GRADIO_ANALYTICS_ENABLED": "False",
           "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    extra = ["--workers", str(workers)] if workers != 1 else []
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *extra], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def _family(pid: int) -> set[int]:
    """`pid` and all its descendants (worker processes), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    family, frontier = {pid}, [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in family]
        family.update(kids)
        frontier.extend(kids)
    return family


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MB."""
    total = 0
    for p in _family(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its descendants: unlike latency, barely moved by other
    programs competing for the same cores."""
    ticks = 0
    for p in _family(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


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
    amounts = [600 + 10 * i for i in range(sessions)]  # distinct facts → distinct totals per session
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


def _loads(text: str) -> list[tuple[int, float]]:
    out = []
    for part in text.split(","):
        clients, _, seconds = part.strip().partition("x")
        out.append((int(clients), float(seconds)))
    return out


def report(clients: int, seconds: float, stats: Stats, rss: tuple[float, float] | None, cpu: float | None) -> None:
    lat = stats.latencies
    print(f"-- {clients} 个并发会话 × {seconds:.0f} 秒（实际 {stats.elapsed:.1f} 秒）")
    print(f"   成功请求：{len(lat)}，错误：{len(stats.errors)}，串话（金额不符本会话事实）：{len(stats.leaks)}，"
          f"共核对 {stats.checked} 个金额回答")
    if lat:
        ms = [x * 1000 for x in lat]
        print(f"   吞吐：{len(lat) / stats.elapsed:.1f} 请求/秒；延迟 p50：{percentile(ms, 50):.0f} 毫秒，"
              f"p95：{percentile(ms, 95):.0f} 毫秒，p99：{percentile(ms, 99):.0f} 毫秒，平均：{statistics.mean(ms):.0f} 毫秒")
    if rss:
        print(f"   服务进程内存（RSS，含子进程）：测前 {rss[0]:.0f} MB，测后 {rss[1]:.0f} MB")
    if cpu is not None and lat:
        print(f"   服务端 CPU 时间：每请求 {cpu / len(lat) * 1000:.1f} 毫秒（共 {cpu:.1f} 秒）")
    for line in (stats.errors + stats.leaks)[:10]:
        print("   " + line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load", default="20x60,100x30", help="并发数x秒数，逗号分隔（默认 20x60,100x30）")
    ap.add_argument("--workers", type=int, default=1, help="服务进程数（app.py --workers）")
    ap.add_argument("--max-requests", type=int, default=5000, help="每个会话最多请求数（防止失控）")
    ap.add_argument("--url", help="测已在运行的服务，不启动 app.py、不测启动时间和内存")
    args = ap.parse_args(argv)

    proc = None
    url = args.url
    data_dir = None
    if not url:
        data_dir = tempfile.mkdtemp(prefix="pa-bench-serve-")
        port = free_port()
        proc, cold = start_app(data_dir, port, args.workers)
        stop_app(proc)
        port = free_port()
        proc, warm = start_app(data_dir, port, args.workers)
        url = f"http://127.0.0.1:{port}"
        print(f"启动到首个页面（首次，含构建索引）：{cold:.1f} 秒")
        print(f"启动到首个页面（索引已存在）：{warm:.1f} 秒；服务进程数：{args.workers}；会话存于 SQLite（数据目录）")
    failed = False
    try:
        for clients, seconds in _loads(args.load):
            before, cpu0 = (rss_mb(proc.pid), cpu_seconds(proc.pid)) if proc else (None, None)
            stats = load_test(url, clients, seconds, args.max_requests)
            after, cpu1 = (rss_mb(proc.pid), cpu_seconds(proc.pid)) if proc else (None, None)
            report(clients, seconds, stats, (before, after) if proc else None, cpu1 - cpu0 if proc else None)
            failed |= bool(stats.errors or stats.leaks or not stats.latencies)
    finally:
        if proc is not None:
            stop_app(proc)
    if data_dir:
        db = Path(data_dir) / "sessions.sqlite3"
        if db.is_file():
            print(f"会话库：{db.stat().st_size / 1e6:.1f} MB")
        shutil.rmtree(data_dir, ignore_errors=True)  # the index and sessions of this run only
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
