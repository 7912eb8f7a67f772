"""POST /token: transport rules, client authentication, then the grant table."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.clients import Client, ClientRegistry
from sandbox.errors import (
    ApiError,
    InvalidClient,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedGrantType,
    render_error,
)
from sandbox.knobs import inject
from sandbox.oauth.grants import GRANTS, Form
from sandbox.services import Services

MAX_BODY = 16 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_DUMMY = Client("", "dummy-secret-for-constant-time", "", ())


async def read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        shown = media or "no Content-Type"
        raise InvalidRequest(f"The token endpoint takes application/x-www-form-urlencoded "
                             f"fields, not {shown}.")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(f"The form body is larger than {MAX_BODY} bytes.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InvalidRequest("The form body is not valid UTF-8.") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 §3.2: parameters MUST NOT be repeated
            raise InvalidRequest(f"{name} is given more than once; send it once.")
        form[name] = value
    return form


def authenticate(request: Request, form: Form, clients: ClientRegistry) -> Client:
    header = request.headers.get("authorization")
    if header:
        if "client_secret" in form:
            raise InvalidRequest("Use one client authentication method: HTTP Basic or "
                                 "client_secret in the form, not both.")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise InvalidClient("Client authentication must use HTTP Basic "
                                "(client_id:client_secret).")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidClient("The Basic credentials are not valid base64 of "
                                "client_id:client_secret.") from None
        if ":" not in decoded:
            raise InvalidClient("The Basic credentials must be client_id:client_secret.")
        raw_id, _, raw_secret = decoded.partition(":")
        # RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if form.get("client_id", client_id) != client_id:
            raise InvalidRequest("client_id in the form differs from the Basic credentials.")
    elif "client_secret" in form:
        client_id, secret = form.get("client_id", ""), form["client_secret"]
    else:
        raise InvalidClient("Client authentication is required: send HTTP Basic "
                            "client_id:client_secret.")
    client = clients.get(client_id)
    # Compare against a dummy for unknown clients so timing does not reveal which exist.
    if not (client or _DUMMY).secret_matches(secret) or client is None:
        raise InvalidClient("Client authentication failed: unknown client_id or wrong secret.")
    return client


async def token(request: Request) -> Response:
    services = Services.of(request)
    try:
        form = await read_form(request)
        client = authenticate(request, form, services.clients)
        request.state.client_id = client.client_id
        await inject.check(request, "token", {"operation": "token", "client_id": client.client_id})
        grant_type = form.get("grant_type")
        if not grant_type:
            raise InvalidRequest("grant_type is required: authorization_code or refresh_token.")
        grant = GRANTS.get(grant_type)
        if grant is None:
            raise UnsupportedGrantType(f"grant_type {grant_type!r} is not supported; use "
                                       f"{' or '.join(GRANTS)}.")
        issued = grant(services, client, form)
    except ApiError as exc:
        return render_error(exc, NO_STORE)
    return JSONResponse(issued.response_body(), headers=NO_STORE)
