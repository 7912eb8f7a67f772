"""The one assertion helper for OAuth errors, JSON or redirect."""

from __future__ import annotations

from typing import Any

from sandbox.testing import query_of


def assert_oauth_error(response: Any, status: int, error: str, *, state: str | None = None) -> dict[str, str]:
    """Assert an RFC 6749 error, as a JSON body or as an error redirect; return its fields."""
    assert response.status_code == status, (response.status_code, response.text[:400])
    if status in (302, 303):
        fields = query_of(response.headers["location"])
        if state is not None:
            assert fields.get("state") == state
    else:
        fields = response.json()
        assert response.headers["cache-control"] == "no-store"
    assert fields["error"] == error, fields
    assert fields["error_description"].strip(), "error_description must say what to fix"
    return fields
