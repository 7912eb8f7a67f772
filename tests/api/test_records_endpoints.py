"""The data endpoints: every resource, single records, paging, errors, headers."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.data.resources import RESOURCES
from tests.api.conftest import Api
from tests.oauth_asserts import assert_oauth_error


def test_patient_demographics(api: Api) -> None:
    response = api.get()
    assert response.status_code == 200
    assert response.json()["data"]["id"] == api.patient_id
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_every_resource_lists_with_the_envelope(api: Api, resource: str) -> None:
    response = api.get(f"/{resource}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "pagination"}
    page = body["pagination"]
    assert page["limit"] == 20 and page["offset"] == 0
    assert page["total"] >= len(body["data"])
    assert all(r["patient_id"] == api.patient_id for r in body["data"])
    if body["data"]:
        one = api.get(f"/{resource}/{body['data'][0]['id']}")
        assert one.status_code == 200 and one.json() == {"data": body["data"][0]}


def test_documented_example_medications_limit_20(api: Api) -> None:
    response = api.get("/medications", params={"limit": 20}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert len(response.json()["data"]) <= 20


@pytest.mark.parametrize(("params", "name"), [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "abc"}, "limit"),
    ({"offset": -1}, "offset"), ({"offset": "1.5"}, "offset"),
])
def test_bad_paging_values_are_400_naming_the_parameter(api: Api, params: dict, name: str) -> None:  # type: ignore[type-arg]
    fields = assert_oauth_error(api.get("/labs", params=params), 400, "invalid_request")
    assert name in fields["error_description"]


def test_limit_above_maximum_says_the_rule(api: Api) -> None:
    fields = assert_oauth_error(api.get("/labs", params={"limit": 101}), 400, "invalid_request")
    assert "100" in fields["error_description"]


def test_unknown_resource_and_record_are_404(api: Api) -> None:
    assert_oauth_error(api.get("/vaccinations"), 404, "not_found")
    assert_oauth_error(api.get("/medications/med_doesnotexist"), 404, "not_found")


def test_anything_not_in_the_spec_is_a_404_with_the_error_body(api: Api) -> None:
    response = api.client.get("/connect/api/v2/whatever")
    assert_oauth_error(response, 404, "not_found")
    assert response.headers["x-request-id"]


def test_incoming_request_id_is_echoed_when_safe(api: Api) -> None:
    assert api.get(headers={"X-Request-Id": "trace-42"}).headers["x-request-id"] == "trace-42"
    assert api.get(headers={"X-Request-Id": "bad id\x7f"}).headers["x-request-id"].startswith("req_")


def test_offset_past_the_end_is_an_empty_page(api: Api) -> None:
    body = api.get("/encounters", params={"offset": 10_000}).json()
    assert body["data"] == [] and body["pagination"]["next"] is None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(min_value=1, max_value=100))
def test_following_next_yields_every_record_once_in_order(api: Api, limit: int) -> None:
    full = api.get("/labs", params={"limit": 100}).json()
    expected_total = full["pagination"]["total"]
    seen: list[str] = []
    url: str | None = f"/connect/api/v1/patients/{api.patient_id}/labs?limit={limit}"
    while url:
        body = api.client.get(url, headers={"Authorization": f"Bearer {api.tokens['access_token']}"}).json()
        assert body["pagination"]["total"] == expected_total
        seen.extend(r["id"] for r in body["data"])
        url = body["pagination"]["next"]
    assert len(seen) == len(set(seen)) == expected_total
    every = []
    offset = 0
    while offset < expected_total:
        every.extend(r["id"] for r in api.get("/labs", params={"limit": 100, "offset": offset}).json()["data"])
        offset += 100
    assert seen == every


def test_nothing_dated_after_the_sandbox_clock_is_served(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    everything = api.get("/labs", params={"limit": 100}).json()
    dates = sorted(r["created_at"] for r in everything["data"])
    middle = dates[len(dates) // 2]
    services.clock.set(datetime.fromisoformat(middle.replace("Z", "+00:00")))
    services.clock.freeze()
    shown = api.get("/labs", params={"limit": 100})
    assert shown.status_code == 200
    kept = shown.json()["data"]
    assert kept and all(r["created_at"] <= middle for r in kept)
    assert shown.json()["pagination"]["total"] < everything["pagination"]["total"]
