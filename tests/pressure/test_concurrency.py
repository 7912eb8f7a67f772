"""Races against a started server: one code or one refresh token, 50 callers at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from sandbox.testing import DEFAULT_REDIRECT_URI, TOKEN, authorize_params, query_of
from tests.pressure.conftest import BASIC, PERSONA, LiveServer

CALLERS = 50


def _race(server: LiveServer, form: dict[str, str]) -> list[httpx.Response]:
    """CALLERS threads, each with its own connection, released together by a barrier."""
    barrier = threading.Barrier(CALLERS)

    def call(_: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, auth=BASIC, timeout=60) as client:
            client.get("/_sandbox/health")  # connect before the barrier
            barrier.wait()
            return client.post(TOKEN, data=form)

    with ThreadPoolExecutor(CALLERS) as pool:
        return list(pool.map(call, range(CALLERS)))


def _tally(responses: list[httpx.Response]) -> Counter[Any]:
    return Counter((r.status_code, r.json().get("error")) for r in responses)


@pytest.fixture(scope="module")
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(consent_mode="auto-approve", log_level="warning")


def test_fifty_redemptions_of_one_code_give_exactly_one_token(server: LiveServer) -> None:
    response = httpx.get(server.url + "/connect/api/v1/authorize",
                         params=authorize_params(email=PERSONA), timeout=10)
    code = query_of(response.headers["location"])["code"]
    responses = _race(server, {"grant_type": "authorization_code", "code": code,
                               "redirect_uri": DEFAULT_REDIRECT_URI})
    tally = _tally(responses)
    print("50 redemptions of one code:", dict(tally))
    assert tally == {(200, None): 1, (400, "invalid_grant"): CALLERS - 1}
    # The winner's tokens were issued before the losers' replays revoked them: the code's
    # reuse revokes what it issued, so its access token no longer works.
    winner = next(r for r in responses if r.status_code == 200).json()
    data = httpx.get(f"{server.url}/connect/api/v1/patients/{winner['patient_id']}",
                     headers={"Authorization": f"Bearer {winner['access_token']}"}, timeout=10)
    assert data.status_code == 401 and "revoked" in data.json()["error_description"]


def test_fifty_refreshes_with_one_token_give_exactly_one_new_token(server: LiveServer) -> None:
    minted = server.mint(PERSONA)
    responses = _race(server, {"grant_type": "refresh_token", "refresh_token": minted["refresh_token"]})
    tally = _tally(responses)
    print("50 refreshes of one refresh token:", dict(tally))
    assert tally == {(200, None): 1, (400, "invalid_grant"): CALLERS - 1}
    # The replays revoked the family (intended): the new refresh token is dead too.
    new = next(r for r in responses if r.status_code == 200).json()
    again = httpx.post(server.url + TOKEN, auth=BASIC, timeout=10,
                       data={"grant_type": "refresh_token", "refresh_token": new["refresh_token"]})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert server.alive()
