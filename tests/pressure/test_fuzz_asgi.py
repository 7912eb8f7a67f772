"""Schemathesis in-process (ASGI) over the patient data endpoints with a valid token.

No server: `schemathesis.openapi.from_asgi` loads /openapi.json from the app and calls it
directly. Every built-in check, zero failures, bounded well under two minutes.
"""

from __future__ import annotations

import schemathesis
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.config import Settings
from tests.pressure.conftest import PERSONA
from tests.pressure.fuzzing import data_operation_ids, run_engine, without_fault_header


def test_data_endpoints_in_process() -> None:
    app = create_app(Settings(consent_mode="auto-approve"))
    with TestClient(app) as client:
        token = client.post("/_sandbox/tokens", json={"email": PERSONA}).json()
        doc = client.get("/openapi.json").json()
    data_ops = data_operation_ids(doc)
    config = schemathesis.Config.from_dict({
        "seed": 7,
        "generation": {"max-examples": 25, "database": "none"},
        # Stateful links add nothing here (the data endpoints only read); the HTTP run has them.
        "phases": {"stateful": {"enabled": False}},
        "auth": {"openapi": {"bearerAuth": {"bearer": token["access_token"]}}},
        "parameters": {"patient_id": token["patient_id"]},
        "operations": [{"include-operation-id": op_id, "enabled": op_id in data_ops}
                       for op_id in (op["operationId"] for item in doc["paths"].values()
                                     for op in item.values() if isinstance(op, dict))],
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    # The fault header is left out, as over HTTP (fuzzing.without_fault_header explains):
    # the document as served, minus that parameter, on the same ASGI app.
    stripped = schemathesis.openapi.from_dict(without_fault_header(schema.raw_schema), config=config)
    stripped.app, stripped.location = schema.app, schema.location
    schema = stripped
    report = run_engine(schema)
    print("data endpoints in-process (ASGI):", report.summary())
    assert not report.errors, "\n\n".join(report.errors)
    assert not report.failures, "\n\n".join(report.failures)
    assert report.operations == {f"GET {path}" for path in doc["paths"]
                                 if path.startswith("/connect/api/v1/patients/")}
    assert report.cases >= 200
    assert report.stop_reason.endswith("completed")
    assert report.seconds < 120
