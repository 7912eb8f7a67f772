"""Regressions for what the fuzz runs found: spec fixes and sandbox defects.

The D tests are sandbox defects the fuzz runs found, fixed since; each stays as a
regression test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.config import Settings
from sandbox.knobs.faults import CATALOGUE
from sandbox.testing import AUTHORIZE, authorize_params
from tests.conftest import make_client
from tests.pressure.conftest import PERSONA, PROJECT


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_client(consent_mode="auto-approve") as c:
        yield c


def _pattern() -> re.Pattern[str]:
    doc = yaml.safe_load((PROJECT / "openapi" / "consolidate-health.yaml").read_text())
    return re.compile(doc["components"]["parameters"]["SandboxFault"]["schema"]["pattern"])


FAULTS = [name for name in CATALOGUE if name != "latency"]


@pytest.mark.parametrize("value", [*FAULTS, "latency=5", "latency=1-3", "server_error, latency=2",
                                   " invalid_token ,rate_limited ", "server_error,,"])
def test_fault_header_pattern_accepts_what_the_sandbox_accepts(value: str) -> None:
    assert _pattern().match(value)


@pytest.mark.parametrize("value", ["bogus", "latency", "server_error invalid_token", "latency=x",
                                   "server_errorx", "<script>"])
def test_fault_header_pattern_refuses_what_the_sandbox_refuses(value: str) -> None:
    assert not _pattern().match(value)


def test_fault_header_off_pattern_is_a_400_and_on_pattern_applies(client: TestClient) -> None:
    token = client.post("/_sandbox/tokens", json={"email": PERSONA}).json()
    url = f"/connect/api/v1/patients/{token['patient_id']}/medications"
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    bad = client.get(url, headers={**auth, "X-Sandbox-Fault": "bogus"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_request"
    assert client.get(url, headers={**auth, "X-Sandbox-Fault": "latency=1"}).status_code == 200
    assert client.get(url, headers={**auth, "X-Sandbox-Fault": "rate_limited"}).status_code == 429


def test_empty_hosted_form_reaches_the_page() -> None:
    # Before: requestBody was required, so an empty form got the contract check's JSON 400,
    # which the document did not declare for these pages.
    with make_client() as c:
        location = c.get(AUTHORIZE, params=authorize_params()).headers["location"]
        empty = c.post(location, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert empty.status_code == 400
        assert "text/html" in empty.headers["content-type"]
        unknown = c.post("/connect/api/v1/authorize/nope/verify")
        assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
        as_json = c.post(location, json={"code": "123456"})
        assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"


def test_docs_with_an_unknown_spec_is_a_declared_400(client: TestClient) -> None:
    response = client.get("/docs", params={"spec": "other"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_controls_document_is_behind_the_controls_token() -> None:
    with make_client(controls_token="s3cret") as c:
        assert c.get("/_sandbox/openapi.json").status_code == 401
        assert c.get("/_sandbox/openapi.json",
                     headers={"Authorization": "Bearer s3cret"}).status_code == 200


@pytest.mark.parametrize("query", ["client_id=", "patient_id=", "operation=", "status=42", "status=-1"])
def test_journal_filters_out_of_contract_are_400(client: TestClient, query: str) -> None:
    assert client.get(f"/_sandbox/requests?{query}").status_code == 400


@pytest.mark.parametrize("body", [{}, {"access_token": ""}, {"patient_id": "p", "client_id": "c"}])
def test_token_target_must_name_exactly_one(client: TestClient, body: dict[str, str]) -> None:
    for path in ("/_sandbox/tokens/expire", "/_sandbox/tokens/revoke"):
        assert client.post(path, json=body).status_code == 400


def test_consent_revoke_needs_non_empty_ids(client: TestClient) -> None:
    response = client.post("/_sandbox/consents/revoke", json={"client_id": "", "patient_id": "p"})
    assert response.status_code == 400


@pytest.mark.parametrize("expires_in", [-(10**12), 10**12])
def test_minted_lifetime_out_of_range_is_a_400(client: TestClient, expires_in: int) -> None:
    # Before: the contract let any integer through and the handler's expiry date overflowed
    # (a 500). The document now bounds it to 10 years either way.
    response = client.post("/_sandbox/tokens", json={"email": PERSONA, "expires_in": expires_in})
    assert response.status_code == 400
    assert client.post("/_sandbox/tokens", json={"email": PERSONA, "expires_in": -1}).status_code == 201


def _lenient_client() -> TestClient:
    return TestClient(create_app(Settings(consent_mode="auto-approve")),
                      raise_server_exceptions=False, follow_redirects=False)


def test_d1_json_body_that_is_not_utf8_is_a_400() -> None:
    """A JSON body that is not UTF-8 was an unhandled 500 (describe() decoded it)."""
    with _lenient_client() as c:
        response = c.put("/_sandbox/rate-limit", content=b"\xff\x58\x15\xfe",
                         headers={"Content-Type": "application/json"})
        assert response.status_code == 400


def test_d2_clock_out_of_range_is_a_400_and_the_sandbox_keeps_working() -> None:
    """An advance beyond the datetime range used to break the clock for every request."""
    with _lenient_client() as c:
        response = c.post("/_sandbox/clock", json={"advance": -1e300})
        assert c.get("/_sandbox/health").status_code == 200
        assert response.status_code == 400


def test_d3_integral_float_is_an_integer() -> None:
    """60.0 is an integer to JSON Schema, so the controls accept it as one."""
    with _lenient_client() as c:
        response = c.put("/_sandbox/rate-limit", json={"limit": 5, "window_seconds": 60.0})
        assert response.status_code == 200
