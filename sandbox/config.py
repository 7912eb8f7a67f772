"""Settings: every knob of the sandbox, its default, and its SANDBOX_<NAME> variable.

One frozen object built once at start-up (`Settings.from_env`, then command-line flags on
top) and passed explicitly to `create_app`. Nothing reads the environment at import time.
Bad values fail at start-up with a `SettingsError` that names the setting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _default_fixtures_dir() -> Path:
    # A source checkout keeps fixtures/ beside the package; an installed wheel ships a copy.
    checkout = PROJECT_DIR / "fixtures"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_fixtures"


def _default_openapi_dir() -> Path:
    checkout = PROJECT_DIR / "openapi"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_openapi"


CHOICES: dict[str, tuple[str, ...]] = {
    "consent_mode": ("interactive", "auto-approve", "auto-deny"),
    "validation": ("strict", "log", "off"),
    "controls": ("on", "off"),
    "log_format": ("text", "json"),
    "log_level": ("debug", "info", "warning", "error"),
}


class SettingsError(ValueError):
    """A setting has a value the sandbox cannot start with; the message names it."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Base URL used in links the sandbox prints or renders; empty = http://host:port.
    public_url: str = ""
    seed: int = 42
    consent_mode: str = "interactive"
    fixtures_dir: Path = field(default_factory=_default_fixtures_dir)
    openapi_dir: Path = field(default_factory=_default_openapi_dir)
    # Extra clients, merged over fixtures/clients.yaml (same format).
    clients_file: Path | None = None
    validation: str = "strict"
    # Lifetimes in seconds. 21600 (6 h) is the documented access-token lifetime.
    access_token_ttl: int = 21600
    refresh_token_ttl: int = 30 * 24 * 3600
    code_ttl: int = 600
    rotate_refresh_tokens: bool = True
    revoke_on_refresh_replay: bool = True
    revoke_on_code_reuse: bool = True
    # HS256 key for access tokens; empty = a random key per process.
    signing_key: str = ""
    controls: str = "on"
    controls_token: str = ""
    # Requests per window per client; 0 = rate limiting off (the default).
    rate_limit: int = 0
    rate_limit_window: int = 60
    journal_size: int = 1000
    # Generated records are dated relative to this fixed instant so that they are
    # byte-identical across restarts and machines.
    data_as_of: datetime = datetime(2026, 11, 1, tzinfo=UTC)
    log_format: str = "text"
    log_level: str = "info"

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(
                    f"{name}: {getattr(self, name)!r} is not one of {', '.join(allowed)} "
                    f"(SANDBOX_{name.upper()})"
                )
        positive = ("access_token_ttl", "refresh_token_ttl", "code_ttl", "rate_limit_window",
                    "journal_size")
        for name in positive:
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be a positive integer (SANDBOX_{name.upper()})")
        if not 0 < self.port < 65536 and self.port != 0:
            raise SettingsError("port must be between 1 and 65535 (SANDBOX_PORT)")
        if self.rate_limit < 0:
            raise SettingsError("rate_limit must be 0 (off) or positive (SANDBOX_RATE_LIMIT)")
        if not (self.fixtures_dir / "clients.yaml").is_file():
            raise SettingsError(
                f"fixtures_dir: {self.fixtures_dir} has no clients.yaml (SANDBOX_FIXTURES_DIR)"
            )
        if self.clients_file is not None and not self.clients_file.is_file():
            raise SettingsError(f"clients_file: {self.clients_file} does not exist "
                                "(SANDBOX_CLIENTS_FILE)")

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from SANDBOX_* variables, then `overrides` (command-line flags) on top."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"SANDBOX_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = parse_value(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _field_type(name: str) -> str:
    for f in fields(Settings):
        if f.name == name:
            return str(f.type)
    raise SettingsError(f"unknown setting {name!r}")


def parse_value(name: str, raw: str) -> Any:
    """Turn the text of SANDBOX_<NAME> (or a flag) into the setting's type, or fail naming it."""
    kind = _field_type(name)
    env = f"SANDBOX_{name.upper()}"
    try:
        if kind == "int":
            return int(raw)
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if kind.startswith("Path"):
            return Path(raw).expanduser()
        if kind == "datetime":
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError as exc:
        raise SettingsError(f"{name}: {raw!r} is not valid ({exc}) ({env})") from None
    return raw
