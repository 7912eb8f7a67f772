"""The command line: every setting has a flag with help, errors exit 2, flag > env > default."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.__main__ import HELP, banner, build_parser, env_name, flag_name, main, settings_from
from sandbox.app import create_app
from sandbox.config import Settings


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_help_explains_every_setting_with_its_flag_and_variable(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["--help"], capsys)
    assert code == 0
    text = " ".join(out.split())
    for f in fields(Settings):
        assert flag_name(f.name) in out, f.name
        assert env_name(f.name) in out, f.name
        assert " ".join(HELP[f.name].split()[:4]) in text, f.name


def test_every_setting_has_help_text() -> None:
    assert set(HELP) == {f.name for f in fields(Settings)}


def test_python_dash_m_sandbox_has_the_same_help() -> None:
    done = subprocess.run([sys.executable, "-m", "sandbox", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    assert "--consent-mode" in done.stdout and "SANDBOX_CONSENT_MODE" in done.stdout


@pytest.mark.parametrize("argv, says", [
    (["--nope"], "unrecognized arguments: --nope"),
    (["--port", "eighty"], "--port"),
    (["--port", "70000"], "port must be between 1 and 65535"),
    (["--consent-mode", "maybe"], "invalid choice: 'maybe'"),
    (["--log-format", "xml"], "invalid choice: 'xml'"),
    (["--access-token-ttl", "0"], "access_token_ttl must be a positive integer"),
    (["--fixtures-dir", "/nonexistent/fixtures"], "has no clients.yaml"),
    (["--clients-file", "/nonexistent/clients.yaml"], "does not exist"),
    (["--data-as-of", "yesterday"], "--data-as-of"),
    (["--seed"], "expected one argument"),
])
def test_bad_flags_are_clear_errors_with_status_2(argv: list[str], says: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(argv, capsys)
    assert code == 2
    assert says in err
    assert out == ""


def test_a_bad_environment_variable_is_an_error_with_status_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SANDBOX_PORT", "http")
    code, _, err = run_main([], capsys)
    assert code == 2
    assert "SANDBOX_PORT" in err


def test_unknown_flags_are_not_abbreviations(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["--consent", "auto-approve"], capsys)
    assert code == 2 and "unrecognized arguments" in err


def test_flag_beats_environment_beats_default() -> None:
    assert settings_from([], {}).port == 8000
    assert settings_from([], {"SANDBOX_PORT": "9000"}).port == 9000
    assert settings_from(["--port", "9001"], {"SANDBOX_PORT": "9000"}).port == 9001
    env = {"SANDBOX_CONSENT_MODE": "auto-deny", "SANDBOX_ROTATE_REFRESH_TOKENS": "false",
           "SANDBOX_LOG_FORMAT": "json"}
    s = settings_from(["--consent-mode", "auto-approve", "--rotate-refresh-tokens"], env)
    assert (s.consent_mode, s.rotate_refresh_tokens, s.log_format) == ("auto-approve", True, "json")
    s = settings_from(["--no-rotate-refresh-tokens", "--access-token-ttl", "60"], {})
    assert (s.rotate_refresh_tokens, s.access_token_ttl) == (False, 60)


def test_flags_cover_the_common_knobs() -> None:
    options = {a for action in build_parser()._actions for a in action.option_strings}
    for flag in ("--host", "--port", "--seed", "--consent-mode", "--clients-file",
                 "--fixtures-dir", "--access-token-ttl", "--refresh-token-ttl", "--code-ttl",
                 "--validation", "--controls", "--controls-token", "--log-format", "--log-level"):
        assert flag in options


def test_banner_shows_the_urls_the_client_and_a_ready_authorize_url() -> None:
    app = create_app(Settings(port=8123))
    text = banner(app)
    for expected in ("http://127.0.0.1:8123/connect/api/v1", "http://127.0.0.1:8123/docs",
                     "http://127.0.0.1:8123/_sandbox", "ch_sandbox_client", "sandbox_client_secret",
                     "http://localhost:3005/callback", "http://127.0.0.1:3005/callback"):
        assert expected in text
    url = next(w for w in text.split() if "/connect/api/v1/authorize?" in w)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["email"] == "linda.diabetes@example.com"
    assert query["client_id"] == "ch_sandbox_client"
    assert query["redirect_uri"] == "http://localhost:3005/callback"
    assert len(query["state"]) >= 12
    assert query["state"] not in banner(app)  # a fresh random state each time


def test_banner_leads_to_a_working_authorize_url() -> None:
    from starlette.testclient import TestClient

    app = create_app(Settings(consent_mode="auto-approve"))
    url = next(w for w in banner(app).split() if "/authorize?" in w)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        response = client.get(url, follow_redirects=False)
    assert response.status_code == 302
    assert "code=" in response.headers["location"]
