from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.testing import run_code_flow
from tests.conftest import make_client

PATIENTS = "/connect/api/v1/patients"
LINDA = "linda.diabetes@example.com"


class Sandbox:
    """An auto-approve sandbox with helpers for controls and data calls."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.services: Any = client.app.state.services  # type: ignore[attr-defined]

    def control(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.request(method, "/_sandbox" + path, json=body, **kwargs)

    def login(self, email: str = LINDA) -> dict[str, Any]:
        return run_code_flow(self.client, email=email)

    def data(self, tokens: dict[str, Any], suffix: str = "/medications", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {tokens['access_token']}", **kwargs.pop("headers", {})}
        return self.client.get(f"{PATIENTS}/{tokens['patient_id']}{suffix}", headers=headers, **kwargs)


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with make_client(consent_mode="auto-approve") as client:
        yield Sandbox(client)
