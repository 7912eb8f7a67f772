"""The patient's decision: approve (consent + a code) or deny, as redirect locations."""

from __future__ import annotations

from sandbox.oauth.authorize import new_secret, with_query
from sandbox.oauth.scopes import format_scope
from sandbox.services import Services
from sandbox.store import AuthCode, Consent, Flow


def approve(services: Services, flow: Flow) -> str:
    now = services.clock.time()
    services.store.grant_consent(Consent(flow.client_id, flow.patient, now))
    code = new_secret("ac_")
    services.store.put_code(code, AuthCode(
        client_id=flow.client_id, redirect_uri=flow.redirect_uri, scope=flow.scope,
        patient=flow.patient, code_challenge=flow.code_challenge,
        expires_at=now + services.settings.code_ttl, faults=flow.faults,
    ))
    services.store.drop_flow(flow.flow_id)
    return with_query(flow.redirect_uri,
                      {"code": code, "state": flow.state, "scope": format_scope(flow.scope)})


def deny(services: Services, flow: Flow,
         description: str = "The patient declined to share their records.") -> str:
    services.store.drop_flow(flow.flow_id)
    return with_query(flow.redirect_uri, {"error": "access_denied",
                                          "error_description": description,
                                          "state": flow.state})
