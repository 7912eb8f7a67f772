"""pytest plugin: the sandbox as fixtures, for teams that test a client of the API.

Installed with the package (entry point `pytest11`), or enabled with `-p sandbox.pytest_plugin`.
Fixtures, all prefixed `sandbox_`:

- `sandbox_server` (session): a live sandbox, started once on a free port (uvicorn in a
  background thread), or the one at `--sandbox-url` / `SANDBOX_URL` (a container, a CI
  service). `.url` is its base URL.
- `sandbox_url` (test): that URL, after `POST /_sandbox/reset`, so each test starts clean.
- `sandbox_client` (test): an `httpx.Client` on `sandbox_url` (no redirects followed).
- `sandbox_app_client` (test): in-process instead, no socket: a `starlette.testclient.TestClient`
  over a fresh app (httpx's own `ASGITransport` is async-only; TestClient gives the same
  sync httpx interface by running the app in a worker thread).
- `sandbox_tokens`, `sandbox_clock`, `sandbox_faults`, `sandbox_journal` (test): helpers over
  `sandbox_client` (the live sandbox). For the in-process app, build them yourself:
  `SandboxControls(sandbox_app_client).faults`.
- `sandbox_settings` (session): the `Settings` of the started sandbox (from SANDBOX_*
  variables); override it in your conftest.py to change them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sandbox import testing
from sandbox.config import Settings

CONTROLS = "/_sandbox"


class SandboxError(AssertionError):
    """A sandbox control call failed; the message carries the sandbox's answer."""


def _checked(response: Any, what: str, ok: tuple[int, ...] = (200, 201, 204)) -> Any:
    if response.status_code not in ok:
        raise SandboxError(f"{what}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


class _Controls:
    def __init__(self, client: Any, controls_token: str = "") -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {controls_token}"} if controls_token else {}

    def _get(self, path: str, **params: Any) -> Any:
        return _checked(self.client.get(CONTROLS + path, headers=self.headers,
                                        params={k: v for k, v in params.items() if v is not None}),
                        f"GET {CONTROLS}{path}")

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        return _checked(self.client.post(CONTROLS + path, headers=self.headers, json=body),
                        f"POST {CONTROLS}{path}")

    def _delete(self, path: str) -> Any:
        return _checked(self.client.delete(CONTROLS + path, headers=self.headers),
                        f"DELETE {CONTROLS}{path}")


class SandboxClock(_Controls):
    """The sandbox clock: advance it instead of sleeping (tokens expire, codes time out)."""

    def now(self) -> str:
        return str(self._get("/clock")["now"])

    def state(self) -> dict[str, Any]:
        return dict(self._get("/clock"))

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0) -> dict[str, Any]:
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days
        return dict(self._post("/clock", {"advance": total}))

    def set(self, when: str) -> dict[str, Any]:
        return dict(self._post("/clock", {"set": when}))

    def freeze(self, frozen: bool = True) -> dict[str, Any]:
        return dict(self._post("/clock", {"freeze": frozen}))

    def reset(self) -> dict[str, Any]:
        return dict(self._post("/clock", {"reset": True}))


class SandboxFaults(_Controls):
    """Inject named faults (`invalid_token`, `rate_limited`, `server_error`, ...) and clear them."""

    def inject(self, fault: str, *, times: int | None = None, probability: float | None = None,
               seed: int | None = None, after: int | None = None,
               latency_ms: int | list[int] | None = None, **match: str) -> dict[str, Any]:
        """One rule; `match` narrows it (operation=, path=, method=, client_id=, patient_id=,
        resource=). Returns the rule, with its `id`."""
        body: dict[str, Any] = {"fault": fault, "match": match}
        for key, value in (("times", times), ("probability", probability), ("seed", seed),
                           ("after", after), ("latency_ms", latency_ms)):
            if value is not None:
                body[key] = value
        return dict(self._post("/faults", body))

    def once(self, fault: str, **match: Any) -> dict[str, Any]:
        return self.inject(fault, times=1, **match)

    def active(self) -> list[dict[str, Any]]:
        return list(self._get("/faults")["active"])

    def catalogue(self) -> list[dict[str, Any]]:
        return list(self._get("/faults")["catalogue"])

    def clear(self, rule_id: str | None = None) -> None:
        self._delete("/faults" if rule_id is None else f"/faults/{rule_id}")


class SandboxJournal(_Controls):
    """What the sandbox saw: assert which calls your client made, in order."""

    def entries(self, *, client_id: str | None = None, patient_id: str | None = None,
                operation: str | None = None, status: int | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
        """Newest first, as the sandbox returns them."""
        return list(self._get("/requests", client_id=client_id, patient_id=patient_id,
                              operation=operation, status=status, limit=limit)["data"])

    def calls(self, **filters: Any) -> list[dict[str, Any]]:
        """Oldest first, without the sandbox's own control calls."""
        return [e for e in reversed(self.entries(**filters))
                if not str(e.get("path", "")).startswith(CONTROLS)]

    def operations(self, **filters: Any) -> list[str]:
        """The operation ids of `calls()`, e.g. ['authorize', 'token', 'list_medications']."""
        return [str(e.get("operation")) for e in self.calls(**filters)]

    def clear(self) -> None:
        self._delete("/requests")


class SandboxTokens(_Controls):
    """Tokens for a persona: through the real flow (headless), or minted directly."""

    def __call__(self, email: str = "linda.diabetes@example.com", *,
                 client_id: str = testing.DEFAULT_CLIENT_ID,
                 client_secret: str = testing.DEFAULT_CLIENT_SECRET,
                 redirect_uri: str = testing.DEFAULT_REDIRECT_URI,
                 scope: str = testing.DEFAULT_SCOPE,
                 portals: tuple[str, ...] = ("riverbend-health",), **params: str) -> dict[str, Any]:
        """Authorize as the persona with `email` (hosted pages walked when interactive), then
        exchange the code: the token response (access_token, refresh_token, patient_id, ...)."""
        callback = testing.get_code(self.client, email, portals, client_id=client_id,
                                    redirect_uri=redirect_uri, scope=scope, **params)
        response = testing.exchange_code(self.client, callback["code"], redirect_uri=redirect_uri,
                                         client_id=client_id, client_secret=client_secret)
        return dict(_checked(response, "token exchange", ok=(200,)))

    for_persona = __call__

    def refresh(self, refresh_token: str, **extra: Any) -> dict[str, Any]:
        response = testing.refresh(self.client, refresh_token, **extra)
        return dict(_checked(response, "refresh", ok=(200,)))

    def mint(self, email: str = "linda.diabetes@example.com", **body: Any) -> dict[str, Any]:
        """A token response straight from the controls (no flow); expires_in<=0: expired."""
        return dict(self._post("/tokens", {"email": email, **body}))

    def expire(self, **which: str) -> None:
        self._post("/tokens/expire", which)

    def revoke(self, **which: str) -> None:
        self._post("/tokens/revoke", which)


class SandboxControls(_Controls):
    """All helpers over one client (live httpx.Client, or the in-process TestClient)."""

    def __init__(self, client: Any, controls_token: str = "") -> None:
        super().__init__(client, controls_token)
        self.clock = SandboxClock(client, controls_token)
        self.faults = SandboxFaults(client, controls_token)
        self.journal = SandboxJournal(client, controls_token)
        self.tokens = SandboxTokens(client, controls_token)

    def reset(self) -> None:
        self._post("/reset", {})


@dataclass
class SandboxServer:
    """A running sandbox: `url`, and (when started by the plugin) the app and its settings."""

    url: str
    controls_token: str = ""
    app: Any = None
    settings: Settings | None = None
    _server: Any = None
    _thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return self.url + "/connect/api/v1"

    @property
    def services(self) -> Any:
        return None if self.app is None else self.app.state.services

    def reset(self) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.controls_token}"} if self.controls_token else {}
        _checked(httpx.post(self.url + CONTROLS + "/reset", headers=headers, timeout=10),
                 "POST /_sandbox/reset")

    @classmethod
    def start(cls, settings: Settings, timeout: float = 30) -> SandboxServer:
        """Serve `create_app(settings)` on a socket bound now (so its port is known and free)."""
        import uvicorn

        from sandbox.app import create_app

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((settings.host, settings.port))
        settings = settings.replace(port=sock.getsockname()[1])
        app = create_app(settings)
        # log_config=None: leave the user's logging (and pytest's capture) alone.
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                                  name="consolidate-sandbox", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.02)
        return cls(settings.base_url, settings.controls_token, app, settings, server, thread)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("consolidate-sandbox", "Consolidate Health sandbox")
    group.addoption("--sandbox-url", default=None,
                    help="use the sandbox already running at this URL (a container, a CI "
                         "service) instead of starting one in-process [env SANDBOX_URL]")


def pytest_configure(config: pytest.Config) -> None:
    # The contract declares allowEmptyValue on the authorize parameters (deprecated, still
    # valid OpenAPI 3.1), and openapi-core warns each time it reads one: keep that from
    # failing suites that turn warnings into errors (the sandbox runs in the test process).
    config.addinivalue_line(
        "filterwarnings", "ignore:Use of allowEmptyValue property is deprecated:DeprecationWarning")


@pytest.fixture(scope="session")
def sandbox_settings() -> Settings:
    """Settings of the sandbox the plugin starts: SANDBOX_* variables, on 127.0.0.1, any free port."""
    return Settings.from_env(os.environ, host="127.0.0.1", port=0, public_url="")


@pytest.fixture(scope="session")
def sandbox_server(request: pytest.FixtureRequest,
                   sandbox_settings: Settings) -> Iterator[SandboxServer]:
    external = request.config.getoption("sandbox_url") or os.environ.get("SANDBOX_URL")
    if external:
        yield SandboxServer(external.rstrip("/"), os.environ.get("SANDBOX_CONTROLS_TOKEN", ""))
        return
    server = SandboxServer.start(sandbox_settings)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox_url(sandbox_server: SandboxServer) -> str:
    """The live sandbox's base URL, reset for this test (tokens, faults, clock, journal)."""
    sandbox_server.reset()
    return sandbox_server.url


@pytest.fixture
def sandbox_client(sandbox_url: str) -> Iterator[Any]:
    """An httpx.Client on the live sandbox; redirects are not followed (the flow is checked)."""
    import httpx

    with httpx.Client(base_url=sandbox_url, follow_redirects=False, timeout=30) as client:
        yield client


@pytest.fixture
def sandbox_app_client(sandbox_settings: Settings) -> Iterator[Any]:
    """In-process: a TestClient over a fresh app (no socket, no thread of ours, no reset needed)."""
    from starlette.testclient import TestClient

    from sandbox.app import create_app

    settings = sandbox_settings.replace(port=8000)
    with TestClient(create_app(settings), base_url=settings.base_url,
                    follow_redirects=False) as client:
        yield client


@pytest.fixture
def sandbox_controls(sandbox_client: Any, sandbox_server: SandboxServer) -> SandboxControls:
    return SandboxControls(sandbox_client, sandbox_server.controls_token)


@pytest.fixture
def sandbox_tokens(sandbox_controls: SandboxControls) -> SandboxTokens:
    return sandbox_controls.tokens


@pytest.fixture
def sandbox_clock(sandbox_controls: SandboxControls) -> SandboxClock:
    return sandbox_controls.clock


@pytest.fixture
def sandbox_faults(sandbox_controls: SandboxControls) -> SandboxFaults:
    return sandbox_controls.faults


@pytest.fixture
def sandbox_journal(sandbox_controls: SandboxControls) -> SandboxJournal:
    return sandbox_controls.journal
