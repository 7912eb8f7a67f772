"""What the run-time contract check costs: the data endpoint with validation strict vs off,
and the same page served by Stoplight Prism mocking the same document.

One run does everything: installs what is missing (wrk via apt when root, Prism via npm
into bench/.prism), starts the servers as subprocesses on free ports of 127.0.0.1, gets
a token through the headless OAuth flow, warms up, loads each target with wrk
(50 connections, 2 threads, --latency), stops the servers and prints a table and the
ratios with PASS/MISS per target. It exits non-zero only when setup fails.

    .venv/bin/python bench/bench_contract.py              # ~2 minutes
    .venv/bin/python bench/bench_contract.py --duration 3 --no-prism   # quick look

Targets (issue "Performance"): off/strict <= 1.35 on the medications page; strict
serves >= 2x Prism's requests/s at 50 connections; a deep page no slower than the first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRISM_DIR = ROOT / "bench" / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
HOST = "127.0.0.1"
# The largest persona: 18 medications (a ~15 KB first page), 1,089 labs for the deep page.
PERSONA = "ruth.large@example.com"
BASE = "/connect/api/v1/patients"

SERVER_CODE = (
    "import uvicorn\n"
    "from sandbox.app import create_app\n"
    "from sandbox.config import Settings\n"
    "port = {port}\n"
    "uvicorn.run(create_app(Settings(port=port, consent_mode='auto-approve', "
    "validation={mode!r})), host='127.0.0.1', port=port, log_level='warning')\n"
)


class SetupError(RuntimeError):
    pass


def say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------------------- tools


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError("wrk is not installed; install it (Debian/Ubuntu: apt-get install -y wrk)"
                         " or run this script as root so it can")
    say("wrk not found: installing it with apt-get (running as root) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise SetupError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    found = shutil.which("wrk")
    if not found:
        raise SetupError("apt-get installed wrk but it is not on PATH")
    return found


def ensure_prism() -> Path:
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if not npm:
        raise SetupError("Prism is not installed and npm is missing (Node.js 18+ is needed); "
                         "or run with --no-prism")
    say(f"Prism not found: installing {PRISM_PACKAGE} with npm into {PRISM_DIR} ...")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR),
                           PRISM_PACKAGE], capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not PRISM_BIN.exists():
        raise SetupError(f"npm install {PRISM_PACKAGE} failed:\n{done.stderr[-2000:]}")
    return PRISM_BIN


# -------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SetupError(f"{name} exited with code {proc.returncode} before listening")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SetupError(f"{name} did not listen on {HOST}:{port} within {timeout:.0f} s")


@contextmanager
def server(name: str, cmd: list[str], port: int, log_dir: Path, timeout: float = 60.0,
           cwd: Path = ROOT) -> Any:
    log = (log_dir / f"{name}.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_listening(port, proc, name, timeout)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: only what we started
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


def sandbox_cmd(port: int, mode: str) -> list[str]:
    return [sys.executable, "-c", SERVER_CODE.format(port=port, mode=mode)]


# ----------------------------------------------------------------------------- load


@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    bytes_per_req: float
    cpu_us_per_req: float  # the server process's CPU (user+sys) per request


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
_TICK = os.sysconf("SC_CLK_TCK")


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise SetupError(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / _TICK


def _find(pattern: str, out: str) -> re.Match[str]:
    m = re.search(pattern, out, re.MULTILINE)
    if m is None:
        raise SetupError(f"cannot read wrk output ({pattern!r}):\n{out}")
    return m


def run_wrk(wrk: str, url: str, token: str, label: str, duration: float, connections: int,
            threads: int, pid: int) -> Result:
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency",
           "--timeout", "5s", "-H", f"Authorization: Bearer {token}", url]
    cpu0 = cpu_seconds(pid)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    cpu = cpu_seconds(pid) - cpu0
    out = done.stdout
    if done.returncode != 0 or "Requests/sec" not in out:
        raise SetupError(f"wrk failed on {url}:\n{out}\n{done.stderr}")
    rps = float(_find(r"^Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(_find(r"^\s+50%\s+(\S+)", out).group(1))
    p99 = _ms(_find(r"^\s+99%\s+(\S+)", out).group(1))
    reqs, size, unit = _find(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", out).groups()
    bad_m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    err_m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = int(bad_m.group(1)) if bad_m else 0
    if err_m:
        bad += sum(int(x) for x in err_m.groups())
    n = max(int(reqs), 1)
    return Result(label, rps, p50, p99, n, bad, float(size) * _SIZE[unit] / n, cpu * 1e6 / n)


def settle(pids: list[int], quiet: float = 0.05, limit: float = 15.0) -> None:
    """Wait until every server is idle again (a loaded server, Prism especially, keeps
    working through its backlog after wrk stops), so no run pays for the previous one."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = [cpu_seconds(pid) for pid in pids]
        time.sleep(0.5)
        used = [cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
        if all(u <= quiet * 0.5 for u in used if u == u):  # NaN: no /proc, skip
            return


def median_run(runs: list[Result]) -> Result:
    """The run with the median req/s (its own latencies), CPU/request as the median."""
    ordered = sorted(runs, key=lambda r: r.rps)
    mid = ordered[len(ordered) // 2]
    cpus = sorted(r.cpu_us_per_req for r in runs)
    return Result(mid.label, mid.rps, mid.p50_ms, mid.p99_ms, sum(r.requests for r in runs),
                  sum(r.bad for r in runs), mid.bytes_per_req, cpus[len(cpus) // 2])


# --------------------------------------------------------------------- the token


def get_token(port: int) -> tuple[str, str]:
    import httpx

    from sandbox.testing import run_code_flow

    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30) as client:
        token = run_code_flow(cast(Any, client), email=PERSONA)
    return str(token["access_token"]), str(token["patient_id"])


def fetch(url: str, token: str) -> tuple[int, bytes]:
    import httpx

    r = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return r.status_code, r.content


def prism_document(page: bytes, workdir: Path) -> Path:
    """The public document, bundled, with the page the sandbox serves as the example of
    list_medications' 200, so Prism answers the same bytes (not its 1-record example)."""
    from sandbox.contract import PUBLIC_SPEC, bundle

    doc = bundle(ROOT / "openapi" / PUBLIC_SPEC)
    media = doc["paths"][f"{BASE}/{{patient_id}}/medications"]["get"]["responses"]["200"][
        "content"]["application/json"]
    media.pop("examples", None)
    media["example"] = json.loads(page)
    path = workdir / "prism-consolidate-health.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ---------------------------------------------------------------- in-process cost


def check_costs(rounds: int = 2000) -> dict[str, float]:
    """Per-call cost (ms) of the checks of one medications page, in this process: a full
    openapi-core validation (what a memo miss costs) vs a memo hit (what a repeat costs)."""
    from starlette.testclient import TestClient

    from sandbox.app import create_app
    from sandbox.config import Settings
    from sandbox.contract import Contract, _Request, _Response, to_headers
    from sandbox.testing import run_code_flow

    app = create_app(Settings(consent_mode="auto-approve", validation="off"))
    with TestClient(app, base_url=f"http://{HOST}") as client:
        token = run_code_flow(cast(Any, client), email=PERSONA)
        path = f"{BASE}/{token['patient_id']}/medications"
        auth = f"Bearer {token['access_token']}"
        r = client.get(path + "?limit=20", headers={"Authorization": auth})
    contract: Contract = app.state.services.contract
    doc, op = contract.match("GET", path)
    assert op is not None and r.status_code == 200
    req_raw = [(b"host", b"127.0.0.1"), (b"authorization", auth.encode())]
    resp_raw = [(k.encode(), v.encode()) for k, v in r.headers.items()] + [
        (b"x-request-id", b"req_0123456789abcdef0123456789abcdef")]
    misses = max(rounds // 100, 5)

    def per_call(fn: Any, n: int) -> float:
        fn()
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) * 1e3 / n

    return {
        "request: openapi-core (miss)": per_call(lambda: doc.request_validator.validate(
            _Request("GET", path, "limit=20", to_headers(req_raw), b"")), misses),
        "request: memo hit": per_call(lambda: contract.check_request(
            doc, "GET", path, b"limit=20", req_raw, b""), rounds),
        "response: openapi-core (miss)": per_call(lambda: doc.response_validator.validate(
            _Request("GET", path, "", to_headers([]), b""),
            _Response(200, to_headers(resp_raw), r.content)), misses),
        "response: memo hit": per_call(lambda: contract.check_response(
            doc, op, "GET", path, 200, resp_raw, r.content), rounds),
    }


# ----------------------------------------------------------------------------- main


@dataclass
class Target:
    label: str
    url: str
    token: str
    pid: int
    runs: list[Result]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10, help="seconds per measured run (10)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per target (2)")
    p.add_argument("--rounds", type=int, default=3,
                   help="measured runs per target, interleaved; the median is reported (3)")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--deep-offset", type=int, default=1060, help="labs offset of the deep page")
    p.add_argument("--no-prism", action="store_true", help="skip the Prism comparison")
    p.add_argument("--no-deep", action="store_true", help="skip the first-vs-deep page runs")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args()

    try:
        wrk = ensure_wrk()
        prism = None if args.no_prism else ensure_prism()
    except (SetupError, subprocess.TimeoutExpired) as exc:
        say(f"setup failed: {exc}")
        return 2

    targets: list[Target] = []
    say(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine skews req/s; CPU per request much less)")
    try:
        with ExitStack() as stack:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-contract-")))
            ports = {"strict": free_port(), "off": free_port()}
            pids: dict[str, int] = {}
            for mode in ("strict", "off"):
                say(f"starting the sandbox, validation={mode}, on {HOST}:{ports[mode]} ...")
                pids[mode] = stack.enter_context(server(
                    f"sandbox-{mode}", sandbox_cmd(ports[mode], mode), ports[mode], logs)).pid
            tokens = {mode: get_token(port) for mode, port in ports.items()}
            page_bytes = b""
            for mode, port in ports.items():
                token, patient = tokens[mode]
                meds = f"http://{HOST}:{port}{BASE}/{patient}/medications?limit=20"
                status, body = fetch(meds, token)
                if status != 200:
                    raise SetupError(f"{meds} answered {status}: {body[:300]!r}")
                page_bytes = page_bytes or body
                if body != page_bytes:
                    raise SetupError("strict and off serve different pages")
                targets.append(Target(f"sandbox {mode}: medications p1", meds, token, pids[mode], []))
            count = len(json.loads(page_bytes)["data"])
            say(f"page: GET {BASE}/{{patient_id}}/medications?limit=20 -> {count} records, "
                f"{len(page_bytes)} bytes ({PERSONA})")
            if not args.no_deep:
                for mode, port in ports.items():
                    token, patient = tokens[mode]
                    labs = f"http://{HOST}:{port}{BASE}/{patient}/labs?limit=20"
                    status, body = fetch(labs + f"&offset={args.deep_offset}", token)
                    total = json.loads(body)["pagination"]["total"] if status == 200 else 0
                    if status != 200 or len(json.loads(body)["data"]) != 20:
                        raise SetupError(f"deep labs page: {status}, total {total}; "
                                         "lower --deep-offset")
                    targets.append(Target(f"sandbox {mode}: labs p1", labs, token, pids[mode], []))
                    targets.append(Target(f"sandbox {mode}: labs offset {args.deep_offset}/{total}",
                                          labs + f"&offset={args.deep_offset}", token, pids[mode], []))
            if prism is not None:
                port = free_port()
                spec = prism_document(page_bytes, logs)
                say(f"starting Prism {PRISM_PACKAGE} (mock, -v error) on {HOST}:{port} ...")
                proc = stack.enter_context(server(
                    "prism", [str(prism), "mock", "-h", HOST, "-p", str(port), "-v", "error",
                              str(spec)], port, logs, timeout=120))
                token, patient = tokens["strict"]
                url = f"http://{HOST}:{port}{BASE}/{patient}/medications?limit=20"
                status, body = fetch(url, token)
                if status != 200:
                    raise SetupError(f"Prism answered {status}: {body[:300]!r}")
                if json.loads(body) != json.loads(page_bytes):
                    raise SetupError("Prism does not serve the same page")
                say(f"Prism serves the same page ({len(body)} bytes, from the injected example)")
                targets.append(Target("prism mock: medications p1", url, token, proc.pid, []))

            say(f"load: wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency, "
                f"{args.warmup:g} s warm-up per target, {args.rounds} interleaved rounds")
            busy = sorted({t.pid for t in targets})
            for t in targets:
                run_wrk(wrk, t.url, t.token, t.label, args.warmup, args.connections, args.threads,
                        t.pid)
                settle(busy)
            for n in range(args.rounds):
                # Rotate the order each round: no target always follows the same one.
                for t in targets[n % len(targets):] + targets[:n % len(targets)]:
                    settle(busy)
                    res = run_wrk(wrk, t.url, t.token, t.label, args.duration, args.connections,
                                  args.threads, t.pid)
                    t.runs.append(res)
                    say(f"  round {n + 1}: {t.label:<34} {res.rps:>7.0f} req/s  p50 {res.p50_ms:7.2f} ms"
                        f"  p99 {res.p99_ms:7.2f} ms  {res.cpu_us_per_req:6.0f} us CPU/req  "
                        f"{res.bytes_per_req / 1024:.1f} KB"
                        f"{f'  {res.bad} NOT 2xx/errors' if res.bad else ''}")
    except (SetupError, subprocess.TimeoutExpired, OSError) as exc:
        say(f"setup failed: {exc}")
        return 2

    results = [median_run(t.runs) for t in targets]
    by = {r.label: r for r in results}
    say("")
    say(f"median of {args.rounds} rounds, {args.connections} connections:")
    say(f"{'target':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>11}")
    for r in results:
        say(f"{r.label:<36} {r.rps:>8.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.cpu_us_per_req:>11.0f}")
    say("")
    strict = by["sandbox strict: medications p1"]
    off = by["sandbox off: medications p1"]
    verdicts: list[tuple[str, float, str, bool | None]] = []
    ratio = off.rps / strict.rps
    verdicts.append(("off/strict req/s (medications)", ratio, "<= 1.35", ratio <= 1.35))
    verdicts.append(("strict/off CPU per request", strict.cpu_us_per_req / off.cpu_us_per_req,
                     "(info)", None))
    if "prism mock: medications p1" in by:
        ratio = strict.rps / by["prism mock: medications p1"].rps
        verdicts.append(("strict/prism req/s (medications)", ratio, ">= 2.00", ratio >= 2.0))
    if not args.no_deep:
        first = by["sandbox strict: labs p1"]
        deep = next(r for r in results if r.label.startswith("sandbox strict: labs offset"))
        # "No slower": within run-to-run noise (5%) of the first page.
        ratio = deep.rps / first.rps
        verdicts.append(("strict deep/first req/s (labs)", ratio, ">= 0.95", ratio >= 0.95))
        verdicts.append(("strict deep/first CPU per request", deep.cpu_us_per_req / first.cpu_us_per_req,
                         "(info)", None))
    for name, value, target, ok in verdicts:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        say(f"{name:<36} {value:>6.2f}  target {target:<8} {verdict}")
    for r in results:
        if r.bad:
            say(f"note: {r.label}: {r.bad} responses were not 2xx or failed")
    say("")
    say("in-process cost of the checks of one medications page (ms per call):")
    costs = check_costs()
    for name, ms in costs.items():
        say(f"  {name:<36} {ms:8.3f}")
    if args.json:
        args.json.write_text(json.dumps({
            "results": [r.__dict__ for r in results],
            "runs": [[r.__dict__ for r in t.runs] for t in targets],
            "ratios": {n: {"value": v, "target": t, "pass": ok} for n, v, t, ok in verdicts},
            "check_costs_ms": costs, "cpus": os.cpu_count(),
        }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
