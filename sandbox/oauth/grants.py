"""The token endpoint's grants, looked up in a table by `grant_type`.

Each grant validates its request and issues tokens. Refresh tokens rotate and a replayed
one revokes its family (OAuth 2.0 Security BCP §4.14); a reused code revokes what it
issued (RFC 6749 §4.1.2). Both behaviours are switchable in Settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping

from sandbox.clients import Client
from sandbox.errors import InvalidGrant, InvalidRequest
from sandbox.knobs.inject import raise_carried
from sandbox.oauth.scopes import OFFLINE, narrow
from sandbox.oauth.tokens import IssuedTokens
from sandbox.services import Services

Form = Mapping[str, str]


def _required(form: Form, name: str, why: str) -> str:
    value = form.get(name)
    if not value:
        raise InvalidRequest(f"{name} is required: {why}")
    return value


def _pkce_ok(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=")
    return hmac.compare_digest(computed, challenge.encode())


def authorization_code(services: Services, client: Client, form: Form) -> IssuedTokens:
    code = _required(form, "code", "the code your redirect URI received")
    redirect_uri = _required(form, "redirect_uri", "the same redirect_uri sent to authorize")
    store, settings = services.store, services.settings
    record, first_use = store.take_code(code)
    if record is None:
        raise InvalidGrant("The authorization code is not valid. Start again at authorize.")
    if not first_use:
        if settings.revoke_on_code_reuse and record.grant_id is not None:
            store.revoke_grants(grant_id=record.grant_id)
        raise InvalidGrant("The authorization code was already used; the tokens it issued "
                           "are revoked. Start again at authorize.")
    if record.client_id != client.client_id:
        raise InvalidGrant("The authorization code was issued to another client.")
    if record.expires_at <= services.clock.time():
        raise InvalidGrant("The authorization code expired (codes live "
                           f"{settings.code_ttl} seconds). Start again at authorize.")
    if record.redirect_uri != redirect_uri:
        raise InvalidGrant("redirect_uri does not match the one sent to authorize.")
    verifier = form.get("code_verifier")
    if record.code_challenge is None:
        if verifier is not None:
            raise InvalidGrant("code_verifier was sent but authorize had no code_challenge.")
    elif not verifier:
        raise InvalidGrant("code_verifier is required: authorize was sent a code_challenge.")
    elif not _pkce_ok(verifier, record.code_challenge):
        raise InvalidGrant("code_verifier does not match the code_challenge (S256).")
    consent = store.get_consent(client.client_id, record.patient.patient_id)
    if consent is None or not consent.active:
        raise InvalidGrant("The patient revoked sharing with this application.")
    raise_carried(services, record.faults, "token")
    grant = services.new_grant(client.client_id, record.patient, record.scope, record.faults)
    store.bind_code_grant(code, grant.grant_id)
    refresh_ttl = settings.refresh_token_ttl if OFFLINE in record.scope else None
    return services.tokens.issue(grant, record.scope, settings.access_token_ttl, refresh_ttl)


def refresh_token(services: Services, client: Client, form: Form) -> IssuedTokens:
    token = _required(form, "refresh_token", "the refresh_token from your last token response")
    store, settings = services.store, services.settings
    record = store.get_refresh(token)
    grant = store.get_grant(record.grant_id) if record is not None else None
    if record is None or grant is None:
        raise InvalidGrant("The refresh token is not valid.")
    if grant.client_id != client.client_id:
        raise InvalidGrant("The refresh token was issued to another client.")
    if grant.revoked:
        raise InvalidGrant("The refresh token was revoked. Start again at authorize.")
    consent = store.get_consent(client.client_id, grant.patient.patient_id)
    if consent is None or not consent.active:
        raise InvalidGrant("The patient revoked sharing with this application.")
    if record.expires_at <= services.clock.time():
        raise InvalidGrant("The refresh token expired. Start again at authorize.")
    raise_carried(services, grant.faults, "token")
    scope = narrow(grant.scope, form.get("scope"))
    refresh_ttl = settings.refresh_token_ttl if OFFLINE in scope else None
    if not settings.rotate_refresh_tokens:
        if record.rotated:
            raise InvalidGrant("The refresh token was already used.")
        keep = token if refresh_ttl is not None else None
        return services.tokens.issue(grant, scope, settings.access_token_ttl, None, keep)
    _, first_use = store.rotate_refresh(token)
    if not first_use:
        if settings.revoke_on_refresh_replay:
            store.revoke_grants(grant_id=grant.grant_id)
            raise InvalidGrant("The refresh token was already used (it rotates on every "
                               "refresh); every token of this grant is now revoked.")
        raise InvalidGrant("The refresh token was already used (it rotates on every refresh).")
    return services.tokens.issue(grant, scope, settings.access_token_ttl, refresh_ttl)


GRANTS: dict[str, Callable[[Services, Client, Form], IssuedTokens]] = {
    "authorization_code": authorization_code,
    "refresh_token": refresh_token,
}
