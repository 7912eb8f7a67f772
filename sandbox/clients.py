"""Registered OAuth clients, loaded from fixtures/clients.yaml plus an optional user file."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
