"""The container and the wheel: what `docker run` and `pip install` give a team.

Docker cannot run in this test environment, so the Dockerfile is checked by reading it:
it runs the same command as `make run`, listens where the CLI will listen with its
environment, and its health check (run here for real) asks /_sandbox/health.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from sandbox.__main__ import settings_from
from sandbox.pytest_plugin import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def one(keyword: str) -> str:
    values = [rest for k, rest in instructions() if k == keyword]
    assert len(values) == 1, f"expected one {keyword}, found {values}"
    return values[0]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def healthcheck_command() -> list[str]:
    rest = one("HEALTHCHECK")
    command: list[str] = json.loads(rest.split(" CMD ", 1)[1])
    return command


def test_the_image_runs_the_same_command_as_make_run() -> None:
    cmd = json.loads(one("CMD"))
    assert cmd == ["consolidate-sandbox"]
    assert not [k for k, _ in instructions() if k == "ENTRYPOINT"]
    assert "consolidate-sandbox" in PYPROJECT["project"]["scripts"]
    make_run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/consolidate-sandbox\n" in make_run + "\n"


def test_the_image_listens_on_all_interfaces_at_the_exposed_port() -> None:
    settings = settings_from([], {k: v for k, v in image_env().items() if k.startswith("SANDBOX_")})
    assert settings.host == "0.0.0.0"  # noqa: S104
    assert one("EXPOSE") == str(settings.port) == "8000"


def test_the_image_is_slim_python_with_a_non_root_user() -> None:
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", one("FROM"))
    assert one("USER") not in ("root", "0")
    copied = " ".join(rest for k, rest in instructions() if k == "COPY")
    for needed in ("pyproject.toml", "sandbox", "fixtures", "openapi"):
        assert needed in copied


def test_the_health_check_asks_sandbox_health_at_the_cli_port() -> None:
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "/_sandbox/health" in command[2]
    assert "SANDBOX_PORT" in command[2] and "'8000'" in command[2]


def test_the_health_check_passes_on_a_running_sandbox_and_fails_without_one() -> None:
    from sandbox.config import Settings

    server = SandboxServer.start(Settings(port=0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    script = healthcheck_command()[2]
    try:
        port = server.url.rsplit(":", 1)[1]
        ok = subprocess.run([sys.executable, "-c", script], env={**env, "SANDBOX_PORT": port},
                            capture_output=True, timeout=30)
        assert ok.returncode == 0, ok.stderr
    finally:
        server.stop()
    down = subprocess.run([sys.executable, "-c", script], env={**env, "SANDBOX_PORT": port},
                          capture_output=True, timeout=30)
    assert down.returncode != 0


def test_the_health_check_sends_the_controls_token_when_one_is_set() -> None:
    from sandbox.config import Settings

    server = SandboxServer.start(Settings(port=0, controls_token="tok"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    port = server.url.rsplit(":", 1)[1]
    try:
        done = subprocess.run([sys.executable, "-c", healthcheck_command()[2]],
                              env={**env, "SANDBOX_PORT": port, "SANDBOX_CONTROLS_TOKEN": "tok"},
                              capture_output=True, timeout=30)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr


def test_the_dockerignore_keeps_the_venv_and_git_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


SOURCES = ("pyproject.toml", "README.md", "sandbox", "fixtures", "openapi")


def test_the_wheel_carries_the_fixtures_the_contract_and_the_entry_points(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:  # a clean copy: no stale build/ directory can leak into the wheel
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                           "-w", str(tmp_path / "dist"), "-q"],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0 and re.search(r"NewConnectionError|Could not find a version|"
                                          r"No matching distribution|Network is unreachable",
                                          done.stderr):
        pytest.skip(f"no package index to fetch the build backend from: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("consolidate_sandbox-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"sandbox/_fixtures/clients.yaml", "sandbox/_fixtures/health_systems.yaml",
                "sandbox/_openapi/consolidate-health.yaml", "sandbox/_openapi/sandbox-controls.yaml",
                "sandbox/_openapi/components/records.yaml", "sandbox/templates/landing.html",
                "sandbox/pytest_plugin.py"}
    expected |= {f"sandbox/_fixtures/personas/{p.name}"
                 for p in (ROOT / "fixtures" / "personas").glob("*.yaml")}
    assert expected <= names, sorted(expected - names)
    # Installed (here: unpacked) away from the checkout, it finds its own copies and starts.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("from sandbox.config import Settings; from sandbox.app import create_app; "
             "s = Settings(); create_app(s); print(s.fixtures_dir, s.openapi_dir)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    ran = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={**env, "PYTHONPATH": str(site)})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == [str(site / "sandbox" / "_fixtures"), str(site / "sandbox" / "_openapi")]
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "consolidate-sandbox = sandbox.__main__:main" in text
    assert "[pytest11]" in text and "sandbox.pytest_plugin" in text
