"""Schemathesis against a started sandbox process, over HTTP, both OpenAPI documents.

Each document gets its own server (strict validation: a response off the contract is a
500, which the runner flags). Every phase of schemathesis's runner (examples, coverage,
fuzzing, stateful) and every built-in check; zero failures allowed.

Credentials come from hooks: the data API's bearer token is minted by an auth provider
(`POST /_sandbox/tokens`, minted again if a 401 says it stopped working), HTTP Basic for
the token endpoint and the controls token for /_sandbox from the runner's auth config.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from schemathesis import AuthContext, Case

from tests.pressure.conftest import BASIC, PERSONA, LiveServer
from tests.pressure.fuzzing import (
    SEMANTIC_400,
    data_operation_ids,
    run_engine,
    with_token_links,
    without_fault_header,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# Examples per operation and phase: enough for ~1,200 public and ~500 controls cases in
# about a minute each on two cores.
MAX_EXAMPLES = 10


def _config(server: LiveServer, **extra: Any) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": 20261203,
        "base-url": server.url,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "request-timeout": 30,
        **extra,
    })


def _save(name: str, report: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"fuzz-{name}.json").write_text(json.dumps({
        "cases": report.cases, "per_phase": dict(report.per_phase),
        "operations": len(report.operations), "failures": len(report.failures),
        "errors": len(report.errors), "seconds": round(report.seconds, 1),
        "checks": sorted(report.checks)}, indent=2))


def test_public_api_over_http(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(consent_mode="auto-approve", journal_size=200)
    doc = httpx.get(server.url + "/openapi.json", timeout=10).json()
    data_ops = data_operation_ids(doc)
    # A separate grant whose refresh token seeds the token examples (a replay during the
    # run revokes that grant only, never the hook's).
    seed_tokens = server.mint()
    doc = with_token_links(without_fault_header(doc), seed_tokens["refresh_token"])
    config = _config(server, **{
        "auth": {"openapi": {"basicAuth": {"username": BASIC[0], "password": BASIC[1]}}},
        # Real records: every data call is for the hook's patient, so response schemas
        # are checked against generated records, not only against 403/404 bodies.
        "parameters": {"patient_id": seed_tokens["patient_id"]},
        "operations": [{"include-operation-id": op_id, "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", 400, 401, 403, 404, 409, 429]}}}
            for op_id in SEMANTIC_400],
    })
    schema = schemathesis.openapi.from_dict(doc, config=config)
    minted: list[str] = []

    @schema.auth(refresh_interval=600).apply_to(operation_id=data_ops)
    class MintedBearer:
        """The hook: a bearer token for the persona, from the sandbox controls."""

        def get(self, case: Case, context: AuthContext) -> str:
            token = server.mint(PERSONA)
            minted.append(token["patient_id"])
            return str(token["access_token"])

        def set(self, case: Case, data: str, context: AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    report = run_engine(schema)
    _save("public-http", report)
    print("public API over HTTP:", report.summary())
    assert not report.errors, "\n\n".join(report.errors)
    assert not report.failures, "\n\n".join(report.failures)
    assert minted and set(minted) == {seed_tokens["patient_id"]}
    assert report.cases >= 500
    assert {"not_a_server_error", "status_code_conformance", "content_type_conformance",
            "response_schema_conformance", "response_headers_conformance"} <= report.checks
    assert len(report.operations) == sum(m in item for item in doc["paths"].values()
                                         for m in ("get", "post", "put", "delete"))
    assert server.alive()


def test_sandbox_controls_over_http(start_server: Callable[..., LiveServer]) -> None:
    # Its own server: the controls change global state (faults, reset, revocations), which
    # here disturbs nothing else. No controls token: with one, the guard answers 401 before
    # routing, so schemathesis's unsupported-method probes (TRACE without credentials) get
    # 401 rather than 405; the token itself is tested in test_hostile_input.py.
    server = start_server(consent_mode="auto-approve")
    doc = httpx.get(server.url + "/_sandbox/openapi.json", timeout=10).json()
    config = _config(server, **{
        # Rules no schema states: a known client_id and scope, exactly one of email or
        # patient_id (mint); latency needs latency_ms (faults); an access_token this sandbox
        # signed (expire, revoke); a resulting time between 1971 and 9000 (clock).
        "operations": [{"include-operation-id": op_id, "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", 400, 401, 404]}}}
            for op_id in ("tokens_mint", "faults_add", "tokens_expire", "tokens_revoke", "clock_change")],
    })
    schema = schemathesis.openapi.from_dict(doc, config=config)
    report = run_engine(schema)
    _save("controls-http", report)
    print("sandbox controls over HTTP:", report.summary())
    assert not report.errors, "\n\n".join(report.errors)
    assert not report.failures, "\n\n".join(report.failures)
    assert report.cases >= 200
    assert server.alive()
