from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.config import Settings


def make_client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)), base_url="http://127.0.0.1:8000",
                      follow_redirects=False)  # type: ignore[arg-type]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c


@pytest.fixture
def auto_client() -> Iterator[TestClient]:
    with make_client(consent_mode="auto-approve") as c:
        yield c


@pytest.fixture
def services(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.services  # type: ignore[attr-defined]
