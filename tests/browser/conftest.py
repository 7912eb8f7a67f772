"""A real browser against a real server: the sandbox under uvicorn, a local callback page,
and Debian's Chromium driven by Playwright.

Locally, a missing Chromium (or Playwright package) skips these tests with the reason;
in CI (CI set) it fails them, so the browser tests cannot silently stop running there.
"""

from __future__ import annotations

import html
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import uvicorn
import yaml

from sandbox.app import create_app
from sandbox.config import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium stalls on refused connections offline.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CLIENT_ID = "ch_browser_client"
CLIENT_SECRET = "browser_client_secret"
CLIENT_NAME = "Browser Test App"
STEP_TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where the browser tests must run."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: the browser tests must run; .ci/run installs Chromium)",
                    pytrace=False)
    pytest.skip(reason)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


# --- the app's callback page -------------------------------------------------------------

@dataclass
class Callback:
    url: str
    received: list[dict[str, str]] = field(default_factory=list)


def _callback_handler(received: list[dict[str, str]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/callback":
                self.send_error(404)
                return
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            received.append(query)
            rows = "".join(f'<dt>{html.escape(k)}</dt><dd id="{html.escape(k)}">{html.escape(v)}</dd>'
                           for k, v in query.items())
            outcome = "Error" if "error" in query else "Authorization code received"
            body = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
                    f"<title>{CLIENT_NAME} callback</title></head><body>"
                    f"<h1>{CLIENT_NAME}: {outcome}</h1><dl>{rows}</dl></body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def callback() -> Iterator[Callback]:
    received: list[dict[str, str]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _callback_handler(received))
    thread = threading.Thread(target=server.serve_forever, name="callback-server", daemon=True)
    thread.start()
    try:
        yield Callback(url=f"http://127.0.0.1:{server.server_address[1]}/callback", received=received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- the sandbox, served by uvicorn ------------------------------------------------------

@dataclass(frozen=True)
class Sandbox:
    base_url: str
    client_id: str
    client_secret: str
    client_name: str
    redirect_uri: str


@pytest.fixture(scope="module")
def sandbox(callback: Callback, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    clients_file = tmp_path_factory.mktemp("browser") / "clients.yaml"
    clients_file.write_text(yaml.safe_dump({"clients": [{
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "name": CLIENT_NAME,
        "redirect_uris": [callback.url]}]}), encoding="utf-8")
    sock = free_socket()
    port = sock.getsockname()[1]
    settings = Settings(host="127.0.0.1", port=port, consent_mode="interactive",
                        clients_file=clients_file)
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                            lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server",
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the sandbox server did not start", pytrace=False)
        time.sleep(0.02)
    try:
        yield Sandbox(settings.base_url, CLIENT_ID, CLIENT_SECRET, CLIENT_NAME, callback.url)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


# --- the browser -------------------------------------------------------------------------

# Module scope, not session: Playwright's sync API keeps an asyncio loop running on the
# main thread (through greenlets) while it is open, which breaks later tests that call
# asyncio.run and confuses CPython 3.11's recursion accounting. Close it with the module.
@pytest.fixture(scope="module")
def browser(sandbox: Sandbox, callback: Callback) -> Iterator[Browser]:
    # Depends on the servers so that Chromium is closed before they stop: a connection it
    # opens (or preconnects) while uvicorn shuts down would be left unclosed.
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-US")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def expect() -> Any:
    """Playwright's retrying assertions (imported here, after the availability check)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


class Shots:
    """Full-page screenshots of each step: artifacts/browser/<flow>/NN-<step>.png."""

    def __init__(self, page: Page, flow: str) -> None:
        self.page = page
        self.dir = ARTIFACTS / flow
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.count = 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.dir / f"{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(page: Page, request: pytest.FixtureRequest) -> Iterator[Shots]:
    name = request.node.name.removeprefix("test_")
    taker = Shots(page, name)
    yield taker
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        taker("FAILED")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
