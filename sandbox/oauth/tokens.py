"""Access tokens (signed JWTs), refresh tokens (opaque), and the bearer check.

Access tokens carry client, patient, scope, expiry, token id (`jti`) and grant family
(`gid`). Expiry is judged by the sandbox clock, not the wall clock, so moving the clock
expires them. Revocation is checked against the store on every call.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import jwt

from sandbox.clock import Clock
from sandbox.errors import InsufficientScope, InvalidToken, MissingToken
from sandbox.oauth.scopes import READ_ALL, format_scope, parse_scope
from sandbox.store import Grant, RefreshRecord, Store

ISSUER = "consolidate-sandbox"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    client_id: str
    patient_id: str
    scope: tuple[str, ...]
    expires_at: int
    jti: str
    grant_id: str
    issued_at: float = 0.0


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str | None
    scope: tuple[str, ...]
    patient_id: str
    claims: AccessClaims

    def response_body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": format_scope(self.scope),
            "patient_id": self.patient_id,
        }
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        return body


class TokenService:
    def __init__(self, key: str, clock: Clock, store: Store) -> None:
        self._key = key
        self._clock = clock
        self._store = store

    def issue(self, grant: Grant, scope: tuple[str, ...], access_ttl: int,
              refresh_ttl: int | None, refresh_token: str | None = None) -> IssuedTokens:
        """Sign an access token; mint a refresh token when `refresh_ttl` is given, unless
        `refresh_token` (an existing one, when rotation is off) is passed through."""
        exact = self._clock.time()
        now = int(exact)
        jti = uuid.uuid4().hex
        claims = AccessClaims(grant.client_id, grant.patient.patient_id, scope,
                              now + access_ttl, jti, grant.grant_id, exact)
        token = jwt.encode(
            # iat keeps sub-second precision so "expire every token issued so far" is exact
            {"iss": ISSUER, "sub": claims.patient_id, "cid": claims.client_id,
             "scope": format_scope(scope), "iat": round(exact, 6), "exp": claims.expires_at,
             "jti": jti, "gid": grant.grant_id},
            self._key, algorithm=ALGORITHM,
        )
        if refresh_token is None and refresh_ttl is not None:
            refresh_token = "rt_" + secrets.token_urlsafe(32)
            self._store.put_refresh(refresh_token, RefreshRecord(grant.grant_id, now + refresh_ttl))
        return IssuedTokens(token, access_ttl, refresh_token, scope, claims.patient_id, claims)

    def decode(self, token: str) -> AccessClaims:
        """Signature and shape only; raises InvalidToken saying what is wrong."""
        try:
            payload = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], issuer=ISSUER,
                options={"verify_exp": False, "verify_iat": False,
                         "require": ["exp", "sub", "cid", "jti", "gid", "scope"]},
            )
            return AccessClaims(str(payload["cid"]), str(payload["sub"]),
                                parse_scope(str(payload["scope"])), int(payload["exp"]),
                                str(payload["jti"]), str(payload["gid"]),
                                float(payload.get("iat", 0)))
        except jwt.InvalidSignatureError:
            raise InvalidToken("The access token signature is invalid.") from None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise InvalidToken("The access token is malformed.") from None

    def verify(self, authorization: str | None) -> AccessClaims:
        """The RFC 6750 bearer check for the data API."""
        if not authorization:
            raise MissingToken()
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("The Authorization header must be 'Bearer <access_token>'.")
        claims = self.decode(token.strip())
        grant = self._store.get_grant(claims.grant_id)
        if grant is None or grant.revoked or self._store.is_access_revoked(claims.jti):
            raise InvalidToken("The access token was revoked.")
        if (claims.expires_at <= self._clock.time() or self._store.is_access_expired(claims.jti)
                or claims.issued_at < grant.expired_before):
            raise InvalidToken("The access token expired; refresh it and retry once.")
        consent = self._store.get_consent(claims.client_id, claims.patient_id)
        if consent is None or not consent.active:
            raise InvalidToken("The patient revoked sharing with this application.")
        if READ_ALL not in claims.scope:
            raise InsufficientScope(f"The access token lacks the {READ_ALL} scope.")
        return claims
