"""Scope strings: parsing and the rules of which scopes exist."""

from __future__ import annotations

from sandbox.errors import InvalidRequest, InvalidScope

READ_ALL = "patient:read-all"
OFFLINE = "offline_access"
KNOWN_SCOPES = (READ_ALL, OFFLINE)


def parse_scope(raw: str) -> tuple[str, ...]:
    """Space-delimited, order- and duplicate-insensitive (RFC 6749 §3.3), canonical order."""
    # RFC 6749 §3.3 delimits with spaces; tabs and newlines are accepted leniently.
    return tuple(sorted(set(raw.split())))


def format_scope(scopes: tuple[str, ...]) -> str:
    return " ".join(scopes)


def validate_requested(raw: str | None) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        raise InvalidRequest("scope is required: send scope=patient:read-all offline_access")
    scopes = parse_scope(raw)
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        raise InvalidScope(
            f"unknown scope {unknown[0]!r}: the scopes are {' and '.join(KNOWN_SCOPES)}"
        )
    if READ_ALL not in scopes:
        raise InvalidScope(f"scope must include {READ_ALL}")
    return scopes


def narrow(granted: tuple[str, ...], raw: str | None) -> tuple[str, ...]:
    """A refresh may ask for fewer scopes than were granted, never more (RFC 6749 §6)."""
    if raw is None:
        return granted
    asked = parse_scope(raw)
    if not asked:
        raise InvalidScope("scope is empty: omit it to keep the granted scopes")
    extra = [s for s in asked if s not in granted]
    if extra:
        raise InvalidScope(f"scope {extra[0]!r} was not granted to this refresh token")
    if READ_ALL not in asked:
        raise InvalidScope(f"scope must include {READ_ALL}")
    return asked
