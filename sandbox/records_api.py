"""The patient data endpoints: bearer check, the resource table, paging.

Thin handlers: authenticate, pick the chart, slice a page. Records come from the
RecordView, serialized once per chart; pages are joined from those bytes, so a deep page
costs what the first one does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.data.resources import RESOURCES
from sandbox.errors import InsufficientScope, InvalidRequest, NotFound
from sandbox.identity import PatientRef
from sandbox.knobs import inject
from sandbox.oauth.tokens import AccessClaims
from sandbox.record_view import dumps
from sandbox.services import Services

BASE = "/connect/api/v1/patients"
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
DATA_HEADERS = {"Cache-Control": "no-store"}


async def authenticate(request: Request) -> tuple[Services, AccessClaims, PatientRef]:
    services = Services.of(request)
    claims = services.tokens.verify(request.headers.get("authorization"))
    patient_id = request.path_params["patient_id"]
    request.state.client_id = claims.client_id
    request.state.patient_id = claims.patient_id
    if claims.patient_id != patient_id:
        raise InsufficientScope("This access token is for another patient; use the patient_id "
                                "from your token response.")
    grant = services.store.get_grant(claims.grant_id)
    carried = grant.faults if grant is not None and services.settings.controls == "on" else ()
    ctx = {"operation": request.scope.get("state", {}).get("operation"),
           "client_id": claims.client_id, "patient_id": patient_id,
           "resource": request.path_params.get("resource")}
    await inject.check(request, "data", ctx, carried)
    patient = services.store.patient(patient_id) or PatientRef(patient_id)
    return services, claims, patient


def _int_param(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    # The contract check answers bad paging first; this keeps SANDBOX_VALIDATION=off safe.
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"query parameter {name!r}: {raw!r} is not an integer") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidRequest(f"query parameter {name!r}: must be {bound}, got {value}")
    return value


def _json(request: Request, body: bytes) -> Response:
    headers = {**DATA_HEADERS, **getattr(request.state, "rate_headers", {})}
    return Response(body, media_type="application/json", headers=headers)


async def get_patient(request: Request) -> Response:
    services, _, patient = await authenticate(request)
    return _json(request, b'{"data":' + dumps(services.records.chart(patient).patient) + b"}")


def _resource(request: Request) -> str:
    resource = request.path_params["resource"]
    if resource not in RESOURCES:
        raise NotFound(f"No resource {resource!r}; the resources are {', '.join(RESOURCES)}.")
    return resource


async def list_records(request: Request) -> Response:
    resource = _resource(request)
    services, _, patient = await authenticate(request)
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, None)
    _, blobs = services.records.records(patient, resource)
    total = len(blobs)
    nxt = (f"{BASE}/{patient.patient_id}/{resource}?limit={limit}&offset={offset + limit}"
           if offset + limit < total else None)
    page = b",".join(blobs[offset:offset + limit])
    pagination = dumps({"limit": limit, "offset": offset, "total": total, "next": nxt})
    return _json(request, b'{"data":[' + page + b'],"pagination":' + pagination + b"}")


async def get_record(request: Request) -> Response:
    resource = _resource(request)
    services, _, patient = await authenticate(request)
    record_id = request.path_params["record_id"]
    ids, blobs = services.records.records(patient, resource)
    try:
        index = ids.index(record_id)
    except ValueError:
        raise NotFound(f"No {resource} record {record_id!r} for this patient.") from None
    return _json(request, b'{"data":' + blobs[index] + b"}")


ROUTES = [
    Route(BASE + "/{patient_id}", get_patient, methods=["GET"]),
    Route(BASE + "/{patient_id}/{resource}", list_records, methods=["GET"]),
    Route(BASE + "/{patient_id}/{resource}/{record_id}", get_record, methods=["GET"]),
]
