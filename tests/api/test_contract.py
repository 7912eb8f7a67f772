"""The contract documents, and proof that the run-time checks really run."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
from starlette.routing import Route

from sandbox.config import Settings
from sandbox.contract import CONTROLS_SPEC, PUBLIC_SPEC, bundle
from tests.api.conftest import Api
from tests.conftest import make_client
from tests.oauth_asserts import assert_oauth_error


@pytest.mark.parametrize("name", [PUBLIC_SPEC, CONTROLS_SPEC])
def test_documents_pass_openapi_spec_validator(name: str) -> None:
    path = Settings().openapi_dir / name
    spec_dict, base_uri = read_from_filename(str(path))
    validate(spec_dict, base_uri=base_uri)   # as written, with its file references
    validate(bundle(path))                   # as served, self-contained


def _sample(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", template)


def test_every_operation_has_a_route_and_every_route_is_in_the_spec() -> None:
    with make_client() as client:
        app = client.app
        contract = app.state.services.contract  # type: ignore[attr-defined]
        routes = [r for r in app.routes if isinstance(r, Route)]  # type: ignore[attr-defined]
        for doc in (contract.public, contract.controls):
            for op in doc.operations():
                path = _sample(op.template)
                assert any(r.matches({"type": "http", "path": path, "method": op.method})[0].name == "FULL"
                           for r in routes), f"no route for {op.method} {op.template}"
        for route in routes:
            path = _sample(route.path)
            for method in route.methods or ():
                if method == "HEAD":
                    continue
                _, op = contract.match(method, path)
                if op is None and "{resource}" in route.path:
                    # the generic data route serves exactly the resources the spec lists
                    from sandbox.data.resources import RESOURCES
                    for resource in RESOURCES:
                        _, op = contract.match(method, route.path.replace("{resource}", resource)
                                               .replace("{patient_id}", "p").replace("{record_id}", "r"))
                        assert op is not None, f"{method} {resource} not in the spec"
                    continue
                assert op is not None, f"route {method} {route.path} is not in the spec"


def test_every_resource_of_the_table_is_in_the_spec() -> None:
    from sandbox.data.resources import RESOURCES
    with make_client() as client:
        contract = client.app.state.services.contract  # type: ignore[attr-defined]
        ops = {op.operation_id for op in contract.public.operations()}
    for name in RESOURCES:
        assert f"list_{name}" in ops and f"get_{name}_record" in ops


def _break_records(api: Api) -> None:
    view = api.client.app.state.services.records  # type: ignore[attr-defined]
    def broken(patient, resource):  # type: ignore[no-untyped-def]
        return ["x"], [b'{"id": "x", "unexpected": true}']
    view.records = broken


def test_off_contract_response_becomes_a_500_in_strict_mode(api: Api) -> None:
    _break_records(api)
    fields = assert_oauth_error(api.get("/medications"), 500, "server_error")
    assert "list_medications" in fields["error_description"]
    assert "contract" in fields["error_description"]


@pytest.mark.parametrize("mode", ["log", "off"])
def test_log_and_off_modes_let_the_response_through(mode: str) -> None:
    from sandbox.testing import run_code_flow
    with make_client(consent_mode="auto-approve", validation=mode) as client:
        api = Api(client, run_code_flow(client))
        _break_records(api)
        response = api.get("/medications")
        assert response.status_code == 200 and "unexpected" in response.text


def test_request_breaking_the_contract_never_reaches_the_handler(api: Api) -> None:
    calls = []
    view = api.client.app.state.services.records  # type: ignore[attr-defined]
    original = view.records
    view.records = lambda *a: calls.append(a) or original(*a)
    assert api.get("/labs", params={"limit": 500}).status_code == 400
    assert calls == []


def test_documents_are_served(api: Api) -> None:
    c = api.client
    public = c.get("/openapi.json").json()
    assert public["openapi"].startswith("3.1") and "/connect/api/v1/token" in public["paths"]
    assert "$ref" not in str(public["components"]["schemas"]["Medication"])[:20]
    assert c.get("/openapi.yaml").text.startswith("openapi:")
    assert "/_sandbox/health" in c.get("/_sandbox/openapi.json").json()["paths"]


def test_docs_page_works_without_network(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text):
        assert api.client.get(asset).status_code == 200
    assert "cdn" not in page.text.lower() and "//unpkg" not in page.text
    assert_oauth_error(api.client.get("/docs/assets/../../etc/passwd"), 404, "not_found")
