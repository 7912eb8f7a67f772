"""Headless helpers to walk the OAuth flow, for our tests and for users' (pytest plugin).

They take any client with the httpx interface (httpx.Client, starlette's TestClient)
whose base URL is the sandbox, and never follow redirects themselves blindly: each step
checks where it is sent, so a broken flow fails loudly at the step that broke.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

DEFAULT_CLIENT_ID = "ch_sandbox_client"
DEFAULT_CLIENT_SECRET = "sandbox_client_secret"  # noqa: S105 - the documented sandbox client
DEFAULT_REDIRECT_URI = "http://localhost:3005/callback"
DEFAULT_SCOPE = "patient:read-all offline_access"
AUTHORIZE = "/connect/api/v1/authorize"
TOKEN = "/connect/api/v1/token"  # noqa: S105 - a path


class HttpClient(Protocol):
    def get(self, url: str, **kwargs: Any) -> Any: ...
    def post(self, url: str, **kwargs: Any) -> Any: ...


class FlowError(AssertionError):
    """The sandbox did not answer a flow step as a working flow would."""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_params(email: str = "pat.sandbox@example.com", **overrides: str) -> dict[str, str]:
    params = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI,
              "scope": DEFAULT_SCOPE, "state": secrets.token_urlsafe(16), "email": email,
              "first_name": "Pat", "last_name": "Sandbox"}
    params.update(overrides)
    return params


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _expect_redirect(response: Any, step: str) -> str:
    if response.status_code not in (302, 303):
        raise FlowError(f"{step}: expected a redirect, got {response.status_code}: "
                        f"{response.text[:300]}")
    location: str = response.headers["location"]
    return location


def walk_hosted(client: HttpClient, location: str, portals: tuple[str, ...] = ("riverbend-health",),
                decision: str = "approve") -> str:
    """From the hosted verify page to the final redirect; returns the redirect location."""
    verify = _path(location)
    if not verify.endswith("/verify"):
        raise FlowError(f"authorize did not lead to the hosted pages but to {location}")
    base = verify.rsplit("/", 1)[0]
    _expect_redirect(client.post(verify, data={"code": "123456"}), "verify email")
    for system in portals:
        _expect_redirect(client.post(base + "/care", data={"system_id": system}), "choose care")
        _expect_redirect(client.post(f"{base}/connect/{system}",
                                     data={"username": "patient", "password": "password"}),
                         f"connect {system}")
    return _expect_redirect(client.post(base + "/review", data={"decision": decision}), "review")


def authorize(client: HttpClient, **params: str) -> Any:
    return client.get(AUTHORIZE, params=authorize_params(**params), follow_redirects=False)


def get_code(client: HttpClient, email: str = "pat.sandbox@example.com",
             portals: tuple[str, ...] = ("riverbend-health",), **params: str) -> dict[str, str]:
    """Run authorize (any consent mode) and return the callback's query (code, state, scope)."""
    sent = authorize_params(email=email, **params)
    location = _expect_redirect(client.get(AUTHORIZE, params=sent, follow_redirects=False),
                                "authorize")
    if urlsplit(location).path.startswith(AUTHORIZE):
        location = walk_hosted(client, location, portals)
    callback = query_of(location)
    if "code" not in callback:
        raise FlowError(f"the flow ended without a code: {callback}")
    if callback.get("state") != sent["state"]:
        raise FlowError("the callback state does not match the state sent")
    return callback


def exchange_code(client: HttpClient, code: str, redirect_uri: str = DEFAULT_REDIRECT_URI,
                  client_id: str = DEFAULT_CLIENT_ID, client_secret: str = DEFAULT_CLIENT_SECRET,
                  headers: dict[str, str] | None = None, **extra: str) -> Any:
    """POST the code to /token; `extra` are more form fields (e.g. code_verifier)."""
    return client.post(TOKEN, auth=(client_id, client_secret), headers=headers,
                       data={"grant_type": "authorization_code", "code": code,
                             "redirect_uri": redirect_uri, **extra})


def refresh(client: HttpClient, refresh_token: str, client_id: str = DEFAULT_CLIENT_ID,
            client_secret: str = DEFAULT_CLIENT_SECRET, headers: dict[str, str] | None = None,
            **extra: str) -> Any:
    """POST a refresh to /token; `extra` are more form fields (e.g. scope)."""
    return client.post(TOKEN, auth=(client_id, client_secret), headers=headers,
                       data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                             **extra})


def run_code_flow(client: HttpClient, email: str = "pat.sandbox@example.com",
                  **params: str) -> dict[str, Any]:
    """The whole journey, headless: authorize, hosted pages (if interactive), exchange."""
    callback = get_code(client, email, ("riverbend-health",), **params)
    response = exchange_code(client, callback["code"],
                             redirect_uri=params.get("redirect_uri", DEFAULT_REDIRECT_URI))
    if response.status_code != 200:
        raise FlowError(f"token exchange failed: {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body
