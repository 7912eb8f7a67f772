"""GET /authorize: validate in the documented order, then start the hosted flow.

Order (RFC 6749 §4.1.2.1): an unknown client or an unregistered redirect URI is answered
with a 400 page and never redirected to (that would be an open redirect); every other
problem is an error redirect to the (now trusted) redirect URI carrying `state`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.datastructures import QueryParams

from sandbox.clients import Client, ClientRegistry
from sandbox.errors import ApiError, InvalidRequest, UnsupportedResponseType
from sandbox.identity import PatientRef
from sandbox.knobs.faults import split_email_tags
from sandbox.oauth.scopes import validate_requested

# Deliberately simple: one @, no spaces, a dot in the domain. Real address validation
# belongs to the email-verification step.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters; allow the 43..128 range.
CHALLENGE_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
MAX_PARAM = 2048


class ClientRejected(Exception):
    """The client or redirect URI cannot be trusted: answer 400 here, never redirect."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class RedirectError(Exception):
    """An OAuth error to deliver to the client's redirect URI."""

    def __init__(self, error: ApiError, redirect_uri: str, state: str | None) -> None:
        super().__init__(error.description)
        self.error = error
        self.redirect_uri = redirect_uri
        self.state = state

    @property
    def location(self) -> str:
        params = {"error": self.error.error, "error_description": self.error.description}
        if self.state:
            params["state"] = self.state
        return with_query(self.redirect_uri, params)


@dataclass(frozen=True)
class AuthorizeRequest:
    client: Client
    redirect_uri: str
    state: str
    scope: tuple[str, ...]
    patient: PatientRef
    code_challenge: str | None
    faults: tuple[str, ...] = ()


def with_query(uri: str, params: dict[str, str]) -> str:
    """Add parameters to a registered redirect URI, keeping its own query (RFC 6749 §3.1.2)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _single(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise InvalidRequest(f"{name} is given {len(values)} times; send it once")
    if values and len(values[0]) > MAX_PARAM:
        raise InvalidRequest(f"{name} is longer than {MAX_PARAM} characters")
    return values[0] if values else None


def _client_and_redirect(params: QueryParams, clients: ClientRegistry) -> tuple[Client, str]:
    try:
        client_id = _single(params, "client_id")
        redirect_uri = _single(params, "redirect_uri")
    except InvalidRequest as exc:
        raise ClientRejected(exc.description) from None
    if not client_id:
        raise ClientRejected("client_id is missing. Add the client_id you were issued.")
    client = clients.get(client_id)
    if client is None:
        raise ClientRejected(f"client_id {client_id!r} is not a registered client.")
    if not redirect_uri:
        raise ClientRejected("redirect_uri is missing. Send one of the URIs registered "
                             "for this client, URL-encoded.")
    if not client.allows_redirect(redirect_uri):
        raise ClientRejected(
            f"redirect_uri {redirect_uri!r} is not registered for client {client_id!r}. "
            "It must match a registered URI exactly, byte for byte "
            f"(registered: {', '.join(client.redirect_uris)})."
        )
    return client, redirect_uri


def parse_authorize(params: QueryParams, clients: ClientRegistry, seed: int) -> AuthorizeRequest:
    client, redirect_uri = _client_and_redirect(params, clients)
    raw_state = params.get("state")
    state = raw_state if raw_state and len(raw_state) <= MAX_PARAM else None
    try:
        response_type = _single(params, "response_type")
        if response_type is not None and response_type != "code":
            raise UnsupportedResponseType(
                f"response_type {response_type!r} is not supported; omit it or send 'code'")
        state = _single(params, "state")
        if not state:
            raise InvalidRequest("state is required: send a random value and check it "
                                 "when the patient comes back")
        scope = validate_requested(_single(params, "scope"))
        email = _single(params, "email")
        if not email:
            raise InvalidRequest("email is required: the patient's email address")
        if not EMAIL_RE.match(email) or len(email) > 254:
            raise InvalidRequest("email is not a valid email address")
        email, faults = split_email_tags(email)
        names = {}
        for name in ("first_name", "last_name"):
            value = _single(params, name)
            if not value or not value.strip():
                raise InvalidRequest(f"{name} is required: the patient's {name.replace('_', ' ')}")
            names[name] = value.strip()
        challenge = _pkce(params)
    except ApiError as exc:
        raise RedirectError(exc, redirect_uri, state) from None
    patient = PatientRef.from_email(seed, email, names["first_name"], names["last_name"])
    return AuthorizeRequest(client, redirect_uri, state, scope, patient, challenge, faults)


def _pkce(params: QueryParams) -> str | None:
    challenge = _single(params, "code_challenge")
    method = _single(params, "code_challenge_method")
    if challenge is None:
        if method is not None:
            raise InvalidRequest("code_challenge_method was sent without code_challenge")
        return None
    # RFC 7636 §4.3 defaults to "plain"; the Security BCP forbids it, so S256 is required.
    if method != "S256":
        raise InvalidRequest("code_challenge_method must be S256 (plain is not accepted)")
    if not CHALLENGE_RE.match(challenge):
        raise InvalidRequest("code_challenge must be 43 to 128 characters of "
                             "[A-Za-z0-9-._~] (BASE64URL of the SHA-256 of the verifier)")
    return challenge


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)
