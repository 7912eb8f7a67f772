"""Bounded load run against a started sandbox: data requests at N concurrent connections.

    .venv/bin/python bench/load.py                      # starts its own sandbox, 20,000 requests
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --requests 5000

Starts `python -m sandbox` with a small journal (SANDBOX_JOURNAL_SIZE=500) unless --url is
given, warms it up (fills the journal ring and the contract memo), reads the server's RSS
(/proc/<pid>/status VmRSS), runs the requests, reads RSS again, and prints and writes
(artifacts/load.json) requests, errors, 5xx, RSS before/after, p50/p99 latency, duration.
Stops by itself: a fixed number of requests and a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx

PROJECT = Path(__file__).resolve().parents[1]
PERSONA = "linda.diabetes@example.com"
RESOURCES = ("medications", "conditions", "allergies", "immunizations", "labs", "vitals",
             "procedures", "encounters", "documents", "practitioners", "coverage", "connections")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def targets(patient_id: str) -> list[str]:
    base = f"/connect/api/v1/patients/{patient_id}"
    urls = [base]
    for resource in RESOURCES:
        urls += [f"{base}/{resource}", f"{base}/{resource}?limit=5&offset=5",
                 f"{base}/{resource}?limit=100"]
    return urls


async def _run(url: str, token: str, patient_id: str, requests: int, concurrency: int,
               time_limit: float) -> dict[str, Any]:
    paths = cycle(targets(patient_id))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    sent = 0
    deadline = time.monotonic() + time_limit
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors, sent
            while sent < requests and time.monotonic() < deadline:
                sent += 1
                path = next(paths)
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        duration = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    return {"requests": len(latencies), "concurrency": concurrency, "errors": errors,
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "server_errors": sum(v for k, v in statuses.items() if k >= 500),
            "duration_s": round(duration, 2),
            "requests_per_s": round(len(latencies) / duration, 1) if duration else 0.0,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99)}


def run_load(url: str, token: str, patient_id: str, requests: int, concurrency: int = 64,
             time_limit: float = 120.0) -> dict[str, Any]:
    return asyncio.run(_run(url, token, patient_id, requests, concurrency, time_limit))


def measured_run(url: str, pid: int | None, requests: int, concurrency: int = 64, warmup: int = 2000,
                 time_limit: float = 120.0) -> dict[str, Any]:
    """Warm up, RSS, the run, RSS: the figures of one load run."""
    minted = httpx.post(url + "/_sandbox/tokens", json={"email": PERSONA}, timeout=30).json()
    token, patient_id = minted["access_token"], minted["patient_id"]
    warm = run_load(url, token, patient_id, warmup, concurrency, time_limit)
    rss_before = rss_kib(pid) if pid else 0
    result = run_load(url, token, patient_id, requests, concurrency, time_limit)
    rss_after = rss_kib(pid) if pid else 0
    result.update({"warmup_requests": warm["requests"], "warmup_server_errors": warm["server_errors"],
                   "rss_before_kib": rss_before, "rss_after_kib": rss_after,
                   "rss_growth_kib": rss_after - rss_before})
    return result


def write(result: dict[str, Any], name: str = "load.json") -> Path:
    out = PROJECT / "artifacts" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", help="a running sandbox (default: start one)")
    p.add_argument("--pid", type=int, help="its process id, for RSS (with --url)")
    p.add_argument("--requests", type=int, default=20_000)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--warmup", type=int, default=2000)
    p.add_argument("--time-limit", type=float, default=300.0)
    args = p.parse_args()
    process = None
    url, pid = args.url, args.pid
    if url is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "SANDBOX_PORT": str(port), "SANDBOX_JOURNAL_SIZE": "500",
               "SANDBOX_LOG_LEVEL": "warning"}
        process = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=PROJECT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url, pid = f"http://127.0.0.1:{port}", process.pid
        for _ in range(300):
            try:
                if httpx.get(url + "/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
    try:
        result = measured_run(url, pid, args.requests, args.concurrency, args.warmup, args.time_limit)
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(10)
    result["command"] = " ".join(sys.argv)
    print(json.dumps(result, indent=2))
    print(f"written to {write(result)}")


if __name__ == "__main__":
    main()
