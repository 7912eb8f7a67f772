from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.testing import run_code_flow

PATIENTS = "/connect/api/v1/patients"


class Api:
    """A logged-in data client: the token response and helpers for data calls."""

    def __init__(self, client: TestClient, tokens: dict[str, Any]) -> None:
        self.client = client
        self.tokens = tokens
        self.patient_id: str = tokens["patient_id"]

    def get(self, suffix: str = "", token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token or self.tokens['access_token']}",
                   **kwargs.pop("headers", {})}
        return self.client.get(f"{PATIENTS}/{self.patient_id}{suffix}", headers=headers, **kwargs)


@pytest.fixture
def api(auto_client: TestClient) -> Api:
    return Api(auto_client, run_code_flow(auto_client, email="linda.diabetes@example.com"))
