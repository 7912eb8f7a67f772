"""The pytest plugin, used as a team would: a throwaway project run by pytest's pytester."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]


def plugin_args() -> list[str]:
    """`-p sandbox.pytest_plugin` unless the installed entry point loads it already.

    schemathesis's plugin (our own test dependency, not a user's) is turned off: it
    costs seconds at every pytest start-up."""
    installed = any(ep.value == "sandbox.pytest_plugin" for ep in entry_points(group="pytest11"))
    return ["-p", "no:schemathesis", "-p", "no:cacheprovider",
            *([] if installed else ["-p", "sandbox.pytest_plugin"])]


README_EXAMPLE = '''
import httpx

def fetch_medications(api, tokens, refresh):
    """The client under test: on a 401 it refreshes once and retries."""
    url = f"/patients/{tokens['patient_id']}/medications"
    response = api.get(url, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    if response.status_code == 401:
        tokens.update(refresh(tokens["refresh_token"]))
        response = api.get(url, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    return response

def test_client_refreshes_on_401(sandbox_server, sandbox_tokens, sandbox_faults, sandbox_journal):
    tokens = sandbox_tokens("linda.diabetes@example.com")
    sandbox_faults.inject("invalid_token", times=1, operation="list_medications")
    with httpx.Client(base_url=sandbox_server.api_url) as api:
        response = fetch_medications(api, tokens, sandbox_tokens.refresh)
    assert response.status_code == 200
    assert sandbox_journal.operations()[-3:] == ["list_medications", "token", "list_medications"]
    assert [e["status"] for e in sandbox_journal.calls()[-3:]] == [401, 200, 200]
'''

MORE_TESTS = '''
import httpx
from sandbox.pytest_plugin import SandboxControls

SEEN = []

def test_the_clock_expires_tokens(sandbox_client, sandbox_tokens, sandbox_clock, sandbox_server):
    SEEN.append(sandbox_server)
    tokens = sandbox_tokens("linda.diabetes@example.com")
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    path = f"/connect/api/v1/patients/{tokens['patient_id']}"
    assert sandbox_client.get(path, headers=auth).status_code == 200
    sandbox_clock.advance(hours=6, seconds=1)
    response = sandbox_client.get(path, headers=auth)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

def test_state_is_reset_between_tests_part_1(sandbox_faults, sandbox_clock, sandbox_server):
    SEEN.append(sandbox_server)
    sandbox_faults.inject("server_error")
    sandbox_clock.advance(days=3)
    assert len(sandbox_faults.active()) == 1

def test_state_is_reset_between_tests_part_2(sandbox_faults, sandbox_clock, sandbox_journal,
                                             sandbox_server):
    SEEN.append(sandbox_server)
    assert sandbox_faults.active() == []
    assert sandbox_clock.state()["offset_seconds"] < 60
    assert sandbox_journal.calls() == []

def test_one_server_for_the_session():
    assert len({id(s) for s in SEEN}) == 1

def test_the_url_is_live(sandbox_url):
    assert httpx.get(sandbox_url + "/_sandbox/health").json()["status"] == "ok"
    assert httpx.get(sandbox_url + "/").status_code == 200

def test_in_process_client_with_the_same_helpers(sandbox_app_client):
    sandbox = SandboxControls(sandbox_app_client)
    tokens = sandbox.tokens("linda.diabetes@example.com")
    sandbox.faults.once("rate_limited", operation="token")
    response = sandbox_app_client.post("/connect/api/v1/token",
                                       auth=("ch_sandbox_client", "sandbox_client_secret"),
                                       data={"grant_type": "refresh_token",
                                             "refresh_token": tokens["refresh_token"]})
    assert response.status_code == 429
    assert sandbox.tokens.refresh(tokens["refresh_token"])["access_token"]
    assert sandbox.journal.operations()[-2:] == ["token", "token"]

def test_minted_tokens_and_faults_by_header(sandbox_client, sandbox_tokens):
    tokens = sandbox_tokens.mint("linda.diabetes@example.com")
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    path = f"/connect/api/v1/patients/{tokens['patient_id']}/labs"
    assert sandbox_client.get(path, headers=auth).status_code == 200
    assert sandbox_client.get(path, headers={**auth, "X-Sandbox-Fault": "server_error"}).status_code == 500
'''


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    return pytester


def test_a_team_gets_the_fixtures_and_the_readme_example_passes(project: pytest.Pytester) -> None:
    project.makepyfile(test_refresh=README_EXAMPLE, test_more=MORE_TESTS)
    result = project.runpytest_subprocess(*plugin_args(), "-v")
    result.assert_outcomes(passed=8)


def test_the_fixtures_and_the_option_are_listed_with_their_help(project: pytest.Pytester) -> None:
    text = project.runpytest_subprocess(*plugin_args(), "--fixtures").stdout.str()
    for name in ("sandbox_server", "sandbox_url", "sandbox_client", "sandbox_app_client",
                 "sandbox_tokens", "sandbox_clock", "sandbox_faults", "sandbox_journal",
                 "sandbox_settings"):
        assert name in text, name
    assert "--sandbox-url" in project.runpytest_subprocess(*plugin_args(), "--help").stdout.str()


def test_settings_come_from_the_environment(project: pytest.Pytester,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_CONSENT_MODE", "auto-approve")
    project.makepyfile('''
def test_auto_approve(sandbox_client, sandbox_settings):
    assert sandbox_settings.consent_mode == "auto-approve"
    response = sandbox_client.get("/_sandbox/health")
    assert response.json()["consent_mode"] == "auto-approve"
''')
    project.runpytest_subprocess(*plugin_args()).assert_outcomes(passed=1)


def test_an_external_sandbox_by_url(project: pytest.Pytester) -> None:
    from sandbox.config import Settings
    from sandbox.pytest_plugin import SandboxServer

    server = SandboxServer.start(Settings(port=0))
    try:
        project.makepyfile(f'''
def test_uses_the_given_sandbox(sandbox_server, sandbox_tokens):
    assert sandbox_server.url == "{server.url}"
    assert sandbox_server.app is None
    assert sandbox_tokens()["token_type"] == "Bearer"
''')
        project.runpytest_subprocess(*plugin_args(), "--sandbox-url", server.url).assert_outcomes(passed=1)
    finally:
        server.stop()
