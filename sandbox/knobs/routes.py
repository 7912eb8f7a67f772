"""The /_sandbox control endpoints: thin handlers over the services' knobs."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.errors import InvalidRequest, InvalidToken, NotFound
from sandbox.identity import PatientRef
from sandbox.knobs.faults import CATALOGUE, MAX_LATENCY_MS, Match, Rule
from sandbox.oauth.scopes import OFFLINE, validate_requested
from sandbox.oauth.tokens import AccessClaims
from sandbox.record_view import CONNECTION_STATUSES
from sandbox.services import Services
from sandbox.store import Consent

MAX_BODY = 16 * 1024


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    if len(raw) > MAX_BODY:
        raise InvalidRequest(f"The JSON body is larger than {MAX_BODY} bytes.")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise InvalidRequest(f"The body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The body must be a JSON object.")
    return body


def _get(body: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = body.get(name, default)
    if value is None:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if int in kinds and isinstance(value, float) and value.is_integer():
        value = int(value)  # 60.0 is an integer to JSON Schema, so it is one here too
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise InvalidRequest(f"{name} must be {' or '.join(k.__name__ for k in kinds)}")
    return value


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


# Clock
# Far enough for any test, and safely inside what datetime can represent.
CLOCK_MIN = datetime(1971, 1, 1, tzinfo=UTC).timestamp()
CLOCK_MAX = datetime(9000, 1, 1, tzinfo=UTC).timestamp()


def _check_in_range(timestamp: float) -> None:
    if not CLOCK_MIN <= timestamp <= CLOCK_MAX:
        raise InvalidRequest("the sandbox time must stay between 1971-01-01 and 9000-01-01; "
                             "the clock was not changed")


def _clock_view(services: Services) -> dict[str, Any]:
    return {"now": services.clock.now().isoformat().replace("+00:00", "Z"),
            "frozen": services.clock.frozen,
            "offset_seconds": round(services.clock.offset().total_seconds(), 3)}


async def clock(request: Request) -> Response:
    """Validate every key first, then apply them (reset, set, advance, freeze), so a bad
    request changes nothing."""
    services = Services.of(request)
    if request.method == "POST":
        body = await _body(request)
        if not any(k in body for k in ("reset", "set", "advance", "freeze")):
            raise InvalidRequest("Send one of advance (seconds), set (ISO 8601 time), "
                                 "freeze (true/false) or reset (true).")
        reset = bool(_get(body, "reset", bool, False))
        when = _parse_set(body["set"]) if "set" in body else None
        seconds = _get(body, "advance", (int, float), 0)
        freeze = _get(body, "freeze", bool)
        start = when.timestamp() if when else (time.time() if reset else services.clock.time())
        _check_in_range(start + float(seconds))
        if reset:
            services.clock.reset()
        if when is not None:
            services.clock.set(when)
        services.clock.advance(float(seconds))
        if freeze is not None:
            services.clock.freeze() if freeze else services.clock.unfreeze()
    return JSONResponse(_clock_view(services))


def _parse_set(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest("set must be an ISO 8601 date-time, e.g. 2027-01-01T00:00:00Z") from None
    if when.tzinfo is None:
        raise InvalidRequest("set must carry a time zone, e.g. a trailing Z")
    try:
        _check_in_range(when.timestamp())
    except OverflowError:
        _check_in_range(0)
    return when


# Faults
def _latency(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        low = high = value
    elif (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        low, high = value
    else:
        raise InvalidRequest("latency_ms must be milliseconds or [min, max]")
    if not 0 <= low <= high <= MAX_LATENCY_MS:
        raise InvalidRequest(f"latency_ms must satisfy 0 <= min <= max <= {MAX_LATENCY_MS}")
    return low, high


async def faults(request: Request) -> Response:
    services = Services.of(request)
    if request.method == "DELETE":
        services.faults.clear()
        return JSONResponse({"cleared": True})
    if request.method == "GET":
        return JSONResponse({
            "catalogue": [{"name": f.name, "points": list(f.points), "description": f.description}
                          for f in CATALOGUE.values()],
            "active": [rule.view() for rule in services.faults.active()]})
    body = await _body(request)
    name = _get(body, "fault", str)
    if name not in CATALOGUE:
        raise InvalidRequest(f"fault must be one of {', '.join(CATALOGUE)}")
    raw_match = _get(body, "match", dict, {})
    unknown = set(raw_match) - set(vars(Match()))
    if unknown:
        raise InvalidRequest(f"match has unknown keys {sorted(unknown)}; use {sorted(vars(Match()))}")
    if not all(isinstance(v, str) for v in raw_match.values()):
        raise InvalidRequest("match values must be strings")
    times = _get(body, "times", int)
    after = _get(body, "after", int, 0)
    probability = _get(body, "probability", (int, float))
    seed = _get(body, "seed", int, 0)
    if times is not None and times < 1:
        raise InvalidRequest("times must be at least 1 (omit it for 'until removed')")
    if after < 0:
        raise InvalidRequest("after must be 0 or more")
    if probability is not None and not 0 <= probability <= 1:
        raise InvalidRequest("probability must be between 0 and 1")
    latency = _latency(body.get("latency_ms"))
    if name == "latency" and latency is None:
        raise InvalidRequest("the latency fault needs latency_ms")
    rule = services.faults.add(Rule(name, Match(**raw_match), times, probability, seed, after,
                                    latency))
    return JSONResponse(rule.view(), status_code=201)


async def fault_delete(request: Request) -> Response:
    if not Services.of(request).faults.remove(request.path_params["fault_id"]):
        raise NotFound(f"No active fault {request.path_params['fault_id']!r}.")
    return JSONResponse({"cleared": True})


# Tokens
def _patient(services: Services, body: dict[str, Any]) -> PatientRef:
    email = _get(body, "email", str)
    patient_id = _get(body, "patient_id", str)
    if bool(email) == bool(patient_id):
        raise InvalidRequest("Send exactly one of email or patient_id.")
    if email:
        return PatientRef.from_email(services.settings.seed, email,
                                     _get(body, "first_name", str, ""), _get(body, "last_name", str, ""))
    return services.store.patient(patient_id) or PatientRef(patient_id)


async def mint(request: Request) -> Response:
    services = Services.of(request)
    body = await _body(request)
    client_id = _get(body, "client_id", str, "ch_sandbox_client")
    if services.clients.get(client_id) is None:
        raise InvalidRequest(f"client_id {client_id!r} is not a registered client")
    scope = validate_requested(_get(body, "scope", str, "patient:read-all offline_access"))
    ttl = _get(body, "expires_in", int, services.settings.access_token_ttl)
    want_refresh = _get(body, "refresh_token", bool, OFFLINE in scope)
    patient = _patient(services, body)
    services.store.grant_consent(Consent(client_id, patient, services.clock.time()))
    grant = services.new_grant(client_id, patient, scope)
    refresh_ttl = services.settings.refresh_token_ttl if want_refresh else None
    issued = services.tokens.issue(grant, scope, ttl, refresh_ttl)
    out = issued.response_body()
    out["expires_at"] = _iso(issued.claims.expires_at)
    return JSONResponse(out, status_code=201)


def _token_target(body: dict[str, Any]) -> tuple[str, str]:
    given = [k for k in ("access_token", "refresh_token", "patient_id", "client_id") if body.get(k)]
    if len(given) != 1:
        raise InvalidRequest("Send exactly one of access_token, refresh_token, patient_id, client_id.")
    key = given[0]
    value = _get(body, key, str)
    return key, value


def _claims(services: Services, token: str) -> AccessClaims:
    try:
        return services.tokens.decode(token)
    except InvalidToken as exc:  # a bad target is a bad control request, not a 401
        raise InvalidRequest(f"access_token: {exc.description}") from None


def _grants_of(services: Services, key: str, value: str) -> list[str]:
    if key == "access_token":
        return [_claims(services, value).grant_id]
    if key == "refresh_token":
        record = services.store.get_refresh(value)
        if record is None:
            raise NotFound("No such refresh token.")
        return [record.grant_id]
    return [g.grant_id for g in services.store.grants()
            if (g.client_id if key == "client_id" else g.patient.patient_id) == value]


async def expire(request: Request) -> Response:
    services = Services.of(request)
    key, value = _token_target(await _body(request))
    now = services.clock.time()
    if key == "access_token":
        services.store.expire_access(_claims(services, value).jti)
        return JSONResponse({"expired": 1})
    if key == "refresh_token":
        count = services.store.expire_refresh(token=value, at=now)
        return JSONResponse({"expired": count})
    grants = _grants_of(services, key, value)
    for grant_id in grants:
        services.store.expire_grant(grant_id, now)
    return JSONResponse({"expired": len(grants)})


async def revoke(request: Request) -> Response:
    services = Services.of(request)
    key, value = _token_target(await _body(request))
    if key == "access_token":
        services.store.revoke_access(_claims(services, value).jti)
        return JSONResponse({"revoked": 1})
    count = sum(services.store.revoke_grants(grant_id=g) for g in _grants_of(services, key, value))
    return JSONResponse({"revoked": count})


# Consent and connections
async def consents(request: Request) -> Response:
    services = Services.of(request)
    return JSONResponse({"data": [
        {"client_id": c.client_id, "patient_id": c.patient.patient_id, "active": c.active,
         "granted_at": _iso(c.granted_at), "revoked_at": _iso(c.revoked_at) if c.revoked_at else None}
        for c in services.store.consents()]})


async def revoke_consent(request: Request) -> Response:
    services = Services.of(request)
    body = await _body(request)
    client_id, patient_id = _get(body, "client_id", str), _get(body, "patient_id", str)
    if not client_id or not patient_id:
        raise InvalidRequest("Send client_id and patient_id.")
    if not services.store.revoke_consent(client_id, patient_id, services.clock.time()):
        raise NotFound(f"No active consent of patient {patient_id!r} for client {client_id!r}.")
    services.store.revoke_grants(client_id=client_id, patient_id=patient_id)
    return JSONResponse({"revoked": True})


async def connection(request: Request) -> Response:
    services = Services.of(request)
    patient_id = request.path_params["patient_id"]
    connection_id = request.path_params["connection_id"]
    status = _get(await _body(request), "status", str)
    if status not in CONNECTION_STATUSES:
        raise InvalidRequest(f"status must be one of {', '.join(CONNECTION_STATUSES)}")
    patient = services.store.patient(patient_id) or PatientRef(patient_id)
    known = [c["id"] for c in services.records.chart(patient).records.get("connections", ())]
    if connection_id not in known:
        raise NotFound(f"Patient {patient_id!r} has no connection {connection_id!r} "
                       f"(connections: {', '.join(known) or 'none'}).")
    services.records.set_connection_status(patient_id, connection_id, status)
    ids, blobs = services.records.records(patient, "connections")
    return JSONResponse({"data": json.loads(blobs[ids.index(connection_id)])})


# Rate limit, journal, reset
async def rate_limit(request: Request) -> Response:
    services = Services.of(request)
    if request.method == "PUT":
        body = await _body(request)
        limit = _get(body, "limit", int)
        window = _get(body, "window_seconds", int, services.rate_limiter.window)
        if limit is None or limit < 0 or window < 1:
            raise InvalidRequest("Send limit (0 = off) and optionally window_seconds (>= 1).")
        services.rate_limiter.configure(limit, window)
    return JSONResponse(services.rate_limiter.view())


async def requests(request: Request) -> Response:
    services = Services.of(request)
    if request.method == "DELETE":
        services.journal.clear()
        return JSONResponse({"cleared": True})
    q = request.query_params
    status = q.get("status")
    if status is not None and not status.isdigit():
        raise InvalidRequest("status must be an HTTP status code")
    limit = int(q.get("limit", "100")) if q.get("limit", "100").isdigit() else 0
    if not 1 <= limit <= 1000:
        raise InvalidRequest("limit must be between 1 and 1000")
    entries = services.journal.entries(client_id=q.get("client_id"), patient_id=q.get("patient_id"),
                                       operation=q.get("operation"),
                                       status=int(status) if status else None)
    return JSONResponse({"data": entries[:limit], "total": len(entries)})


async def reset(request: Request) -> Response:
    Services.of(request).reset()
    return JSONResponse({"reset": True})


ROUTES = [
    Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
    Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/_sandbox/faults/{fault_id}", fault_delete, methods=["DELETE"]),
    Route("/_sandbox/tokens", mint, methods=["POST"]),
    Route("/_sandbox/tokens/expire", expire, methods=["POST"]),
    Route("/_sandbox/tokens/revoke", revoke, methods=["POST"]),
    Route("/_sandbox/consents", consents, methods=["GET"]),
    Route("/_sandbox/consents/revoke", revoke_consent, methods=["POST"]),
    Route("/_sandbox/patients/{patient_id}/connections/{connection_id}", connection, methods=["PUT"]),
    Route("/_sandbox/rate-limit", rate_limit, methods=["GET", "PUT"]),
    Route("/_sandbox/requests", requests, methods=["GET", "DELETE"]),
    Route("/_sandbox/reset", reset, methods=["POST"]),
]
