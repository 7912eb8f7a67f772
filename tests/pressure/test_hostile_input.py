"""Hostile and malformed input: open redirects, forged tokens, markup, header injection,
oversized requests, guarded controls, and no secret in the logs afterwards.

Most checks run against one started server (`live`, auto-approve) so that uvicorn parses
the bytes; the last test reads that server's log for everything secret sent before it.
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from sandbox.testing import (
    AUTHORIZE,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    TOKEN,
    authorize_params,
    query_of,
)
from tests.conftest import make_client
from tests.pressure.conftest import BASIC, PERSONA, LiveServer

PATIENTS = "/connect/api/v1/patients"
MARKUP = '<script>alert("x")</script>'
# Everything secret or personal sent to `live` in this module; none may reach its log.
SECRETS: set[str] = {DEFAULT_CLIENT_SECRET, "second_client_secret", PERSONA}

# Beyond tests/oauth/test_authorize.py's NEAR_MISSES: other ways out of the registration.
ESCAPES = [
    "HTTP://localhost:3005/callback",                 # scheme case
    "http://localhost:3005/callback?",                # empty query
    "http://localhost:3005/callback#",                # empty fragment
    "http://localhost:3005/callback/.",               # dot segment
    "http://localhost:3005//callback",                # doubled slash
    "http://localhost:3005/callback;x=1",             # path parameter
    "http://localhost:3005/%63allback",               # percent-encoded letter
    "http://localhost%3A3005/callback",               # encoded port separator
    "http://localhost:3005@evil.example/callback",    # userinfo after the port
    "http://localhost:3005\\@evil.example/callback",  # backslash confusion
    "//evil.example/callback",                        # scheme-relative
    "http://localhost:03005/callback",                # leading-zero port
    "http://localhost.:3005/callback",                # trailing dot host
    "http://localhost:3005/callback\r\nLocation: http://evil.example",  # CRLF
    "http://localhost:3005/callback%0d%0aLocation:%20http://evil.example",
    " http://localhost:3005/callback",                # leading space
    "http://localhost:3005/callback\x00",             # NUL
    "JAVASCRIPT:alert(1)//http://localhost:3005/callback",
    "data:text/html,<script>alert(1)</script>",
    "http://localhost:4005/callback",                 # the other client's URI
]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_client(consent_mode="auto-approve") as c:
        yield c


@pytest.mark.parametrize("redirect_uri", ESCAPES)
def test_escaping_redirect_uris_are_never_redirected_to(client: TestClient, redirect_uri: str) -> None:
    response = client.get(AUTHORIZE, params=authorize_params(redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "<script>" not in response.text
    as_json = client.get(AUTHORIZE, params=authorize_params(redirect_uri=redirect_uri),
                         headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"


# Tokens
def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_and_foreign_tokens(live: LiveServer) -> None:
    mine = live.mint(PERSONA)
    other = live.mint("someone.hostile@example.com", client_id="ch_second_client")
    SECRETS.update({mine["access_token"], mine["refresh_token"], other["access_token"],
                    other["refresh_token"], "someone.hostile@example.com"})
    claims = jwt.decode(mine["access_token"], options={"verify_signature": False})
    header, payload, signature = mine["access_token"].split(".")
    forged = {
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "alg none, signature kept": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}",
        "HS512 header": f"{_b64({'alg': 'HS512', 'typ': 'JWT'})}.{payload}.{signature}",
        "tampered scope": f"{header}.{_b64({**claims, 'scope': 'patient:read-all admin'})}.{signature}",
        "tampered expiry": f"{header}.{_b64({**claims, 'exp': claims['exp'] + 10**6})}.{signature}",
        "wrong key": jwt.encode(claims, "k" * 48, algorithm="HS256"),
        "refresh token as bearer": mine["refresh_token"],
        "client secret as bearer": DEFAULT_CLIENT_SECRET,
        "garbage": "%%%<>{}\"\\",
        "12 KB": "a" * 12_000,
        "12 KB of dots": "." * 12_000,
        "large JWT": jwt.encode({**claims, "pad": "x" * 8_000}, "k" * 48, algorithm="HS256"),
    }
    url = f"{live.url}{PATIENTS}/{mine['patient_id']}/medications"
    for name, token in forged.items():
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 401, (name, response.status_code, response.text[:200])
        assert response.json()["error"] == "invalid_token", name
        assert 'error="invalid_token"' in response.headers["www-authenticate"], name
    # Past the header limit a token is refused before anyone reads it: 431, not a crash.
    for token in ("a" * 100_000, jwt.encode({**claims, "pad": "x" * 100_000}, "k" * 48, algorithm="HS256")):
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 431, response.status_code
    # Another client's valid token, on a patient that client was never granted: 403.
    foreign = httpx.get(url, headers={"Authorization": f"Bearer {other['access_token']}"}, timeout=10)
    assert foreign.status_code == 403 and foreign.json()["error"] == "insufficient_scope"
    # ... and another client's refresh token at this client's token endpoint: invalid_grant.
    stolen = httpx.post(live.url + TOKEN, auth=BASIC, timeout=10,
                        data={"grant_type": "refresh_token", "refresh_token": other["refresh_token"]})
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    # Expired (minted already expired) and revoked tokens.
    expired = live.mint(PERSONA, expires_in=-1)["access_token"]
    revoked = live.mint(PERSONA)["access_token"]
    SECRETS.update({expired, revoked})
    assert httpx.post(live.url + "/_sandbox/tokens/revoke", json={"access_token": revoked},
                      timeout=10).status_code == 200
    for token, reason in ((expired, "expired"), (revoked, "revoked")):
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 401 and reason in response.json()["error_description"]
    assert live.alive()


# Markup, control characters, header injection
def test_markup_in_names_and_emails_is_escaped_on_every_page() -> None:
    with make_client() as c:
        params = authorize_params(email="x+<b>@example.com", first_name=MARKUP,
                                  last_name="O'Brien & <i>Sons</i>", state=MARKUP)
        location = c.get(AUTHORIZE, params=params).headers["location"]
        base = location.rsplit("/", 1)[0]
        pages = [c.get(location)]
        c.post(location, data={"code": "123456"})
        pages.append(c.get(base + "/care", params={"q": MARKUP}))
        pages.append(c.get(base + "/connect/riverbend-health"))
        pages.append(c.post(base + "/connect/riverbend-health", data={"username": MARKUP,
                                                                      "password": "wrong"}))
        c.post(base + "/connect/riverbend-health", data={"username": "patient", "password": "password"})
        pages.append(c.get(base + "/review"))
        for page in pages:
            assert page.status_code in (200, 400), page.status_code
            assert "<script>" not in page.text and "<b>@" not in page.text and "<i>Sons" not in page.text
        final = c.post(base + "/review", data={"decision": "approve"})
        assert query_of(final.headers["location"])["state"] == MARKUP  # intact, URL-encoded
        assert "<" not in final.headers["location"]


def test_markup_in_error_echoes_is_escaped(client: TestClient) -> None:
    page = client.get(AUTHORIZE, params=authorize_params(client_id=MARKUP))
    assert page.status_code == 400 and "<script>" not in page.text
    page = client.get(AUTHORIZE, params=authorize_params(redirect_uri=f"http://x/{MARKUP}"))
    assert page.status_code == 400 and "<script>" not in page.text
    redirect = client.get(AUTHORIZE, params=authorize_params(email=MARKUP, state=MARKUP))
    assert redirect.status_code == 302
    assert query_of(redirect.headers["location"])["error"] == "invalid_request"
    assert "<" not in redirect.headers["location"] and " " not in redirect.headers["location"]


def _raw(live: LiveServer, request: bytes, limit: int = 1 << 20) -> bytes:
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while sum(map(len, chunks)) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def _head(raw: bytes) -> tuple[int, list[bytes]]:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    return int(head[0].split()[1]), head[1:]


@pytest.mark.parametrize("state", ["a%0d%0aSet-Cookie:%20pwned=1", "a%0D%0ALocation:%20http://evil.example",
                                   "a%0aX-Injected:%201", "a%E5%98%8A%E5%98%8DSet-Cookie:%20x=1"])
def test_no_header_injection_through_state(live: LiveServer, state: str) -> None:
    query = (f"client_id=ch_sandbox_client&redirect_uri={DEFAULT_REDIRECT_URI}"
             f"&scope=patient:read-all&state={state}&email=pat%40example.com&first_name=P&last_name=S")
    status, headers = _head(_raw(live, f"GET {AUTHORIZE}?{query} HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n".encode()))
    assert status == 302
    names = [h.split(b":", 1)[0].lower() for h in headers]
    assert b"set-cookie" not in names and b"x-injected" not in names
    assert names.count(b"location") == 1
    location = next(h for h in headers if h.lower().startswith(b"location:"))
    assert b"\r" not in location and b"\n" not in location
    assert location.split(b":", 1)[1].strip().startswith(DEFAULT_REDIRECT_URI.encode())


def test_crlf_in_redirect_uri_is_refused_not_reflected(live: LiveServer) -> None:
    query = (f"client_id=ch_sandbox_client&redirect_uri={DEFAULT_REDIRECT_URI}%0d%0aSet-Cookie:%20x=1"
             "&scope=patient:read-all&state=s&email=pat%40example.com&first_name=P&last_name=S")
    status, headers = _head(_raw(live, f"GET {AUTHORIZE}?{query} HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n".encode()))
    assert status == 400
    assert not any(h.lower().startswith((b"location", b"set-cookie")) for h in headers)


# Oversized requests, over the real server
OVERSIZE = (400, 413, 414, 431)


def test_two_megabyte_form_body_to_token_is_413(live: LiveServer) -> None:
    response = httpx.post(live.url + TOKEN, auth=BASIC, timeout=30,
                          content=b"grant_type=authorization_code&code=" + b"a" * 2_000_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"
    assert httpx.get(live.url + "/_sandbox/health", timeout=10).status_code == 200


def test_token_form_just_over_its_limit_is_413(live: LiveServer) -> None:
    response = httpx.post(live.url + TOKEN, auth=BASIC, timeout=30,
                          data={"grant_type": "authorization_code", "code": "a" * 20_000})
    assert response.status_code == 413


@pytest.mark.parametrize("kind", ["query", "header", "many headers"])
def test_oversized_query_and_headers_do_not_crash_the_server(live: LiveServer, kind: str) -> None:
    target = f"{PATIENTS}/pat_x/medications"
    extra = ""
    if kind == "query":
        target += "?x=" + "a" * 100_000
    elif kind == "header":
        extra = "X-Big: " + "a" * 100_000 + "\r\n"
    else:
        extra = "".join(f"X-H{i}: v\r\n" for i in range(1000))
    raw = _raw(live, f"GET {target} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n".encode())
    status, _ = _head(raw)
    # uvicorn refuses a request line this long (400); the sandbox refuses big headers (431).
    assert status in OVERSIZE if kind in ("query", "header") else status < 500, status
    assert httpx.get(live.url + "/_sandbox/health", timeout=10).status_code == 200
    assert live.alive()


def test_d4_oversized_header_is_refused(live: LiveServer) -> None:
    extra = "X-Big: " + "a" * 100_000 + "\r\n"
    status, _ = _head(_raw(live, f"GET /_sandbox/health HTTP/1.1\r\nHost: x\r\n{extra}"
                           "Connection: close\r\n\r\n".encode()))
    assert status in OVERSIZE


# Guarded and disabled controls
CONTROL_CALLS = [("GET", "/_sandbox/clock"), ("POST", "/_sandbox/reset"), ("GET", "/_sandbox/requests"),
                 ("POST", "/_sandbox/tokens"), ("GET", "/_sandbox/openapi.json"),
                 ("DELETE", "/_sandbox/faults"), ("GET", "/_sandbox/nope")]


def test_controls_token_is_required_when_set() -> None:
    with make_client(controls_token="s3cret") as c:
        for method, path in CONTROL_CALLS:
            for auth in (None, "Bearer wrong", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret"):
                headers = {"Authorization": auth} if auth else {}
                response = c.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, auth, response.status_code)
                assert response.json()["error"] == "unauthorized"
                assert response.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/_sandbox/clock", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/_sandbox/health").status_code == 200  # open, for health checks


def test_controls_off_are_unreachable_and_the_fault_header_is_ignored() -> None:
    with make_client(controls="off", consent_mode="auto-approve") as c:
        for method, path in CONTROL_CALLS:
            assert c.request(method, path).status_code == 404, (method, path)
        assert c.get("/_sandbox/health").status_code == 200  # kept for container health checks
        from sandbox.testing import run_code_flow
        tokens = run_code_flow(c, email=PERSONA)
        url = f"{PATIENTS}/{tokens['patient_id']}/medications"
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        for fault in ("server_error", "invalid_token", "rate_limited", "latency=1"):
            assert c.get(url, headers={**auth, "X-Sandbox-Fault": fault}).status_code == 200, fault


# Logs
def test_no_secret_reached_the_log(live: LiveServer) -> None:
    """Runs last in this module: everything above went through `live`."""
    # A full code flow with a state and a PKCE verifier, so codes and state are in play too.
    params = authorize_params(email=PERSONA, state="state-secret-4711")
    location = httpx.get(live.url + AUTHORIZE, params=params, timeout=10).headers["location"]
    code = query_of(location)["code"]
    tokens = httpx.post(live.url + TOKEN, auth=BASIC, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": DEFAULT_REDIRECT_URI}).json()
    httpx.post(live.url + TOKEN, auth=BASIC, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": DEFAULT_REDIRECT_URI})
    httpx.get(f"{live.url}{PATIENTS}/{tokens['patient_id']}/medications?limit=3",
              headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10)
    SECRETS.update({code, tokens["access_token"], tokens["refresh_token"], "state-secret-4711",
                    "linda.diabetes%40example.com"})
    log = live.log_text()
    assert "sandbox.access" in log, "the access log is on (it must be part of the check)"
    leaked = sorted(s[:24] for s in SECRETS if s and s in log)
    assert not leaked, f"found in the server log: {leaked}"
    # No patient record content either (a medication name of the persona).
    records = httpx.get(f"{live.url}{PATIENTS}/{tokens['patient_id']}/medications",
                        headers={"Authorization": f"Bearer {live.mint()['access_token']}"},
                        timeout=10).json()["data"]
    for record in records:
        assert record["name"] not in live.log_text()
