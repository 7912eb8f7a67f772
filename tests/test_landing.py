"""GET /: the sandbox's home page, rendered server-side and autoescaped."""

from __future__ import annotations

import html
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from starlette.testclient import TestClient

from sandbox.config import Settings
from sandbox.data.personas import load_personas
from tests.conftest import make_client

PERSONAS = load_personas(Settings().fixtures_dir)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def authorize_links(html: str) -> dict[str, dict[str, str]]:
    parser = Links()
    parser.feed(html)  # unescapes &amp; in attribute values, as a browser does
    links = {}
    for href in parser.hrefs:
        if urlsplit(href).path == "/connect/api/v1/authorize":
            query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
            links[query["email"]] = query
    return links


@pytest.fixture
def home(client: TestClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["X-Request-Id"]
    return response.text


def test_every_persona_has_a_ready_authorize_link(home: str) -> None:
    links = authorize_links(home)
    assert len(PERSONAS) >= 9
    for persona in PERSONAS:
        query = links[persona.email]
        assert query["client_id"] == "ch_sandbox_client"
        assert query["redirect_uri"] == "http://localhost:3005/callback"
        assert query["scope"] == "patient:read-all offline_access"
        assert (query["first_name"], query["last_name"]) == (persona.first_name, persona.last_name)
        assert len(query["state"]) >= 12
        assert persona.title in html.unescape(home)


def test_authorize_links_are_html_escaped(home: str) -> None:
    assert 'href="/connect/api/v1/authorize?client_id=ch_sandbox_client&amp;redirect_uri=' in home
    assert "&redirect_uri=" not in home


def test_a_persona_link_starts_the_flow(client: TestClient, home: str) -> None:
    query = authorize_links(home)["linda.diabetes@example.com"]
    response = client.get("/connect/api/v1/authorize", params=query)
    assert response.status_code == 302
    assert response.headers["location"].endswith("/verify")


def test_home_shows_docs_client_clock_faults_and_recent_requests(client: TestClient) -> None:
    client.post("/_sandbox/clock", json={"set": "2027-01-02T03:04:05Z"})
    client.post("/_sandbox/clock", json={"freeze": True})
    client.post("/_sandbox/faults", json={"fault": "rate_limited", "match": {"operation": "token"},
                                          "times": 2})
    client.get("/connect/api/v1/patients/pat_nobody/labs")
    page = client.get("/").text
    for expected in ('href="/docs"', "ch_sandbox_client", "sandbox_client_secret",
                     "http://localhost:3005/callback", "http://127.0.0.1:3005/callback",
                     "2027-01-02T03:04:05", "(frozen)", "rate_limited", "operation=token",
                     "/connect/api/v1/patients/pat_nobody/labs", "401"):
        assert expected in page, expected


def test_faults_and_requests_are_hidden_when_the_controls_need_a_token() -> None:
    with make_client(controls_token="s3cret-controls") as client:
        client.get("/connect/api/v1/patients/pat_nobody/labs")
        page = client.get("/").text
    assert "protected by a token" in page
    assert "pat_nobody" not in page
    assert "s3cret-controls" not in page
    assert "linda.diabetes@example.com" in page


def test_text_from_fixtures_is_escaped(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(Settings().fixtures_dir, fixtures)
    path = fixtures / "personas" / "linda-okafor.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["title"] = "<script>alert('x')</script> & co"
    path.write_text(yaml.safe_dump(doc))
    with make_client(fixtures_dir=fixtures) as client:
        page = client.get("/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page
