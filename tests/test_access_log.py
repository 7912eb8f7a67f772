"""One line per request, never a secret: no token, client secret, code, state, email or flow id."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from sandbox import testing
from sandbox.access_log import AccessLogMiddleware, JsonFormatter, logging_config
from sandbox.app import create_app
from sandbox.config import Settings
from sandbox.redact import safe_target

PATIENTS = "/connect/api/v1/patients"


def logged_app(**settings: Any) -> Any:
    """The app with the access log, whether or not create_app registers it already."""
    s = Settings(**settings)
    app = create_app(s)
    if not any(m.cls is AccessLogMiddleware for m in app.user_middleware):
        app.user_middleware.insert(0, Middleware(AccessLogMiddleware, settings=s))
    return app


@pytest.fixture
def logged_client() -> Iterator[TestClient]:
    with TestClient(logged_app(), base_url="http://127.0.0.1:8000", follow_redirects=False) as c:
        yield c


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sandbox.access"]


def test_one_line_per_request_with_method_path_status_latency_and_request_id(
        logged_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sandbox")
    response = logged_client.get("/_sandbox/health", headers={"X-Request-Id": "req-abc"})
    logged_client.get("/no/such/path")
    first, second = access_lines(caplog)
    assert response.headers["X-Request-Id"] == "req-abc"
    assert (first.method, first.path, first.status, first.request_id) == (  # type: ignore[attr-defined]
        "GET", "/_sandbox/health", 200, "req-abc")
    assert first.latency_ms >= 0  # type: ignore[attr-defined]
    assert first.getMessage().startswith("GET /_sandbox/health 200 ")
    assert first.getMessage().endswith(" req-abc")
    assert second.status == 404  # type: ignore[attr-defined]


def test_a_full_flow_logs_no_token_secret_code_or_personal_data(
        logged_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    email = "linda.diabetes@example.com"
    sent = testing.authorize_params(email=email, first_name="Linda", last_name="Okafor")
    start = logged_client.get(testing.AUTHORIZE, params=sent)
    flow_location = start.headers["location"]
    flow_id = flow_location.split("/authorize/")[1].split("/")[0]
    callback = testing.query_of(testing.walk_hosted(logged_client, flow_location))
    code = callback["code"]
    tokens = testing.exchange_code(logged_client, code).json()
    refreshed = testing.refresh(logged_client, tokens["refresh_token"]).json()
    for token in (tokens["access_token"], refreshed["access_token"]):
        assert logged_client.get(f"{PATIENTS}/{tokens['patient_id']}/medications",
                                 params={"limit": 5},
                                 headers={"Authorization": f"Bearer {token}"}).status_code in (200, 401)
    record = logged_client.get(f"{PATIENTS}/{tokens['patient_id']}",
                               headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert record.status_code == 200
    # a client that puts a token where it does not belong is not logged verbatim either
    logged_client.get(f"{PATIENTS}/{tokens['patient_id']}/labs",
                      params={"access_token": refreshed["access_token"], "code": code})

    lines = access_lines(caplog)
    assert len(lines) >= 10
    # Everything the server side logged (the test's own HTTP client, httpx2, logs full URLs).
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    everything = "\n".join(f"{r.getMessage()} {json.dumps(vars(r), default=str)}"
                           for r in server_side)
    secrets = {"access token": tokens["access_token"], "refresh token": tokens["refresh_token"],
               "new access token": refreshed["access_token"],
               "new refresh token": refreshed["refresh_token"], "code": code,
               "client secret": testing.DEFAULT_CLIENT_SECRET, "state": sent["state"],
               "flow id": flow_id, "email": email, "email (encoded)": "linda.diabetes%40",
               "record": record.json()["data"]["last_name"]}
    for what, value in secrets.items():
        assert value not in everything, f"the {what} is in the log"
    paths = [r.path for r in lines]  # type: ignore[attr-defined]
    assert any(p.startswith("/connect/api/v1/authorize?client_id=ch_sandbox_client&") for p in paths)
    assert "/connect/api/v1/token" in paths
    assert any(p == f"{PATIENTS}/{tokens['patient_id']}/medications?limit=5" for p in paths)


def test_safe_target_masks_query_values_and_secret_path_segments() -> None:
    assert safe_target("/x", "") == "/x"
    assert safe_target("/x", "limit=5&code=abc&state=s") == "/x?limit=5&code=***&state=***"
    shown = safe_target("/connect/api/v1/authorize/FLOW123/verify", "", {"flow_id": "FLOW123"})
    assert "FLOW123" not in shown and shown.endswith("/verify")
    assert safe_target("/p/pat_1/labs", "", {"patient_id": "pat_1", "resource": "labs"}) == "/p/pat_1/labs"


def test_json_format_is_one_object_per_line_with_the_access_fields() -> None:
    record = logging.LogRecord("sandbox.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    for key, value in {"method": "GET", "path": "/x", "status": 200, "latency_ms": 1.5,
                       "request_id": "req_1"}.items():
        setattr(record, key, value)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "GET /x"
    assert (parsed["status"], parsed["request_id"], parsed["level"]) == (200, "req_1", "info")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_logging_config_is_valid_and_silences_uvicorn_access(fmt: str) -> None:
    config = logging_config(Settings(log_format=fmt, log_level="warning"))
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert config["loggers"]["sandbox"]["level"] == "WARNING"
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level,
                    logging.getLogger(name).propagate)
             for name in ("sandbox", "uvicorn", "uvicorn.error", "uvicorn.access")}
    try:
        logging.config.dictConfig(config)
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def test_log_level_above_info_turns_the_access_lines_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sandbox")
    with TestClient(logged_app(log_level="warning"), base_url="http://127.0.0.1:8000") as client:
        client.get("/_sandbox/health")
    assert access_lines(caplog) == []
