"""A real sandbox process for the pressure tests: `python -m sandbox` on a free port.

Over HTTP, not in-process: uvicorn parses the requests (limits on lines, headers and
bodies are its own), and the process's memory can be read from /proc. Its stderr (the
access log and uvicorn's own lines) is kept in a file so tests can check what was logged.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

PROJECT = Path(__file__).resolve().parents[2]
PERSONA = "linda.diabetes@example.com"
BASIC = ("ch_sandbox_client", "sandbox_client_secret")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, log_dir: Path, **settings: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"sandbox-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
        env.update({"SANDBOX_PORT": str(self.port), "SANDBOX_HOST": "127.0.0.1"})
        env.update({f"SANDBOX_{k.upper()}": str(v) for k, v in settings.items()})
        # stderr is the log (access lines, uvicorn's own); stdout only the start-up banner,
        # which prints the documented sandbox client on purpose.
        self._log = self.log_path.open("wb")
        self._banner = (log_dir / f"banner-{self.port}.txt").open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=PROJECT, env=env,
                                        stdout=self._banner, stderr=self._log)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not start: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")  # pragma: no cover

    def log_text(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def mint(self, email: str = PERSONA, headers: dict[str, str] | None = None,
             **extra: Any) -> dict[str, Any]:
        response = httpx.post(self.url + "/_sandbox/tokens", json={"email": email, **extra},
                              headers=headers or {}, timeout=10)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def get_json(self, path: str) -> Any:
        response = httpx.get(self.url + path, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        self._banner.close()


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """Start sandbox processes with SANDBOX_* settings; all are stopped at the end."""
    started: list[LiveServer] = []
    log_dir = tmp_path_factory.mktemp("sandbox-logs")

    def start(**settings: Any) -> LiveServer:
        server = LiveServer(log_dir, **settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def live(start_server: Callable[..., LiveServer]) -> LiveServer:
    """One auto-approve sandbox per test module (strict validation, the default)."""
    return start_server(consent_mode="auto-approve")
