"""Registered OAuth clients, loaded from fixtures/clients.yaml plus an optional user file."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import yaml

from sandbox.config import SettingsError


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]

    def secret_matches(self, presented: str) -> bool:
        return hmac.compare_digest(self.client_secret.encode(), presented.encode())

    def allows_redirect(self, uri: str) -> bool:
        # Exact, byte-for-byte match (RFC 6749 §3.1.2.3, OAuth Security BCP §4.1.3).
        return any(hmac.compare_digest(uri.encode(), r.encode()) for r in self.redirect_uris)


def _read(path: Path) -> Iterable[Client]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in doc.get("clients", []):
            yield Client(
                client_id=str(entry["client_id"]),
                client_secret=str(entry["client_secret"]),
                name=str(entry.get("name", entry["client_id"])),
                redirect_uris=tuple(str(u) for u in entry["redirect_uris"]),
            )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise SettingsError(f"clients file {path}: cannot be read ({exc!r})") from None


DEFAULT_CLIENT_ID = "ch_sandbox_client"


class ClientRegistry:
    def __init__(self, files: Iterable[Path]) -> None:
        self._clients: dict[str, Client] = {}
        for path in files:
            for client in _read(path):
                self._clients[client.client_id] = client

    def get(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def all(self) -> list[Client]:
        return list(self._clients.values())

    def default(self) -> Client | None:
        """The client the banner and the home page show: ch_sandbox_client, else the first."""
        return self._clients.get(DEFAULT_CLIENT_ID) or next(iter(self._clients.values()), None)

    def authorize_link(self, base: str, email: str, first_name: str, last_name: str) -> str | None:
        """A ready-to-open authorize URL for a patient, with the default client and a fresh
        random state; None when no client has a redirect URI."""
        client = self.default()
        if client is None or not client.redirect_uris:
            return None
        query = urlencode({"client_id": client.client_id, "redirect_uri": client.redirect_uris[0],
                           "scope": "patient:read-all offline_access",
                           "state": secrets.token_urlsafe(12), "email": email,
                           "first_name": first_name, "last_name": last_name})
        return f"{base}/connect/api/v1/authorize?{query}"
