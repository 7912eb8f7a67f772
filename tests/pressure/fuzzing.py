"""Schemathesis runs, shared by the HTTP and ASGI fuzz tests.

`run_engine` drives schemathesis's own runner (the one behind `schemathesis run`: examples,
coverage, fuzzing and stateful phases, every built-in check enabled) and returns what it
did: cases sent per phase and every failed check, described well enough to reproduce.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

FAULT_PARAMETER = "#/components/parameters/SandboxFault"
# Operations whose schema-valid requests may still be refused with a 400 by design, so
# `positive_data_acceptance` must accept 400 there:
# - authorize: an unknown client_id or an unregistered or missing redirect_uri is a 400 page
#   (never a redirect, RFC 6749 §4.1.2.1); the parameters are optional in the document on
#   purpose, so any string is schema-valid.
# - token: RFC 6749 §5.2 answers a code or refresh token that is not live with a 400
#   invalid_grant; no schema can say "a code issued a minute ago".
SEMANTIC_400 = ("authorize", "token")


@dataclass
class FuzzReport:
    cases: int = 0
    per_phase: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checks: set[str] = field(default_factory=set)
    stop_reason: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.cases} cases ({dict(self.per_phase)}) over {len(self.operations)} "
                f"operations in {self.seconds:.1f}s, {len(self.failures)} failures, "
                f"{len(self.errors)} errors, stop: {self.stop_reason}")


def run_engine(schema: BaseSchema) -> FuzzReport:
    report = FuzzReport()
    seen: set[tuple[str, str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            report.cases += len(recorder.cases)
            report.per_phase[event.phase.value] += len(recorder.cases)
            for node in recorder.cases.values():
                report.operations.add(node.value.operation.label)
            for checks in recorder.checks.values():
                for check in checks:
                    report.checks.add(check.name)
                    info = check.failure_info
                    if info is None:
                        continue
                    key = (str(event.label), check.name, info.failure.title)
                    if key not in seen:
                        seen.add(key)
                        report.failures.append(f"{key}: {info.failure.message[:400]}\n"
                                               f"{info.code_sample[:1500]}")
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()[:1500]}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            report.stop_reason = str(event.stop_reason)
            report.seconds = event.running_time
    return report


def without_fault_header(doc: dict[str, Any]) -> dict[str, Any]:
    """The document minus the X-Sandbox-Fault header parameter.

    Not fuzzed: a value from the catalogue injects a fault on purpose (a 500, 502, 503,
    401, 429 that every check would rightly flag), and any other value is a 400 the
    pattern in the document already declares. The header has its own tests
    (tests/pressure/test_spec_regressions.py, the knobs tests).
    """
    doc = copy.deepcopy(doc)
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [p for p in op["parameters"] if p.get("$ref") != FAULT_PARAMETER]
    return doc


def data_operation_ids(doc: dict[str, Any]) -> list[str]:
    return [op["operationId"] for path, item in doc["paths"].items()
            if path.startswith("/connect/api/v1/patients/")
            for op in item.values() if isinstance(op, dict) and "operationId" in op]


def with_token_links(doc: dict[str, Any], refresh_token: str) -> dict[str, Any]:
    """Add OpenAPI links token -> data (patient_id) and token -> token (refresh), and a token
    request example carrying a live refresh token, so the runner gets real 200s from /token
    and walks from them: refresh rotation and data reads with the patient_id it returned.

    (authorize -> token cannot be a link: the code travels in the Location header's query,
    which no runtime expression can reach; the state machine test covers that path.)"""
    doc = copy.deepcopy(doc)
    token = doc["paths"]["/connect/api/v1/token"]["post"]
    links: dict[str, Any] = {
        "Refresh": {"operationId": "token",
                    "requestBody": {"grant_type": "refresh_token",
                                    "refresh_token": "$response.body#/refresh_token"}},
    }
    for op_id in data_operation_ids(doc):
        links[f"Read_{op_id}"] = {"operationId": op_id,
                                  "parameters": {"path.patient_id": "$response.body#/patient_id"}}
    token["responses"]["200"]["links"] = links
    media = token["requestBody"]["content"]["application/x-www-form-urlencoded"]
    media["examples"]["live_refresh_token"] = {
        "value": {"grant_type": "refresh_token", "refresh_token": refresh_token}}
    return doc
