"""Command line: flags -> Settings -> uvicorn.

Every flag is generated from a `Settings` field: `--access-token-ttl` sets `access_token_ttl`,
parsed by the same `parse_value` that reads SANDBOX_ACCESS_TOKEN_TTL, and checked by the
same `Settings` rules. Precedence: flag > SANDBOX_* variable > default. Errors (unknown
flag, bad value, bad environment) print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import MISSING, fields
from typing import Any

from sandbox import __version__
from sandbox.config import CHOICES, Settings, SettingsError, parse_value

# What each setting does, shown by --help (and in the README's configuration table).
# A test checks that every Settings field has an entry here.
HELP: dict[str, str] = {
    "host": "interface to listen on (0.0.0.0 in the container)",
    "port": "port to listen on",
    "public_url": "base URL used in printed and rendered links; empty means http://HOST:PORT",
    "seed": "seed of all synthetic data: same seed, same patients and records",
    "consent_mode": "hosted consent pages (interactive), or an immediate redirect with a code "
                    "(auto-approve, what CI wants) or with access_denied (auto-deny)",
    "fixtures_dir": "directory with clients.yaml, health_systems.yaml and personas/",
    "openapi_dir": "directory with the OpenAPI documents requests and responses are checked against",
    "clients_file": "extra OAuth clients (same format as fixtures/clients.yaml), merged over the "
                    "fixtures; same client_id replaces",
    "validation": "OpenAPI checks: strict (a response that breaks the contract becomes a 500), "
                  "log (log it, let it through), off",
    "access_token_ttl": "access-token lifetime in seconds (the documented 6 hours)",
    "refresh_token_ttl": "refresh-token lifetime in seconds",
    "code_ttl": "authorization-code lifetime in seconds",
    "rotate_refresh_tokens": "issue a new refresh token on each refresh (the old one stops working)",
    "revoke_on_refresh_replay": "a reused (rotated) refresh token revokes its whole grant",
    "revoke_on_code_reuse": "a reused authorization code revokes the tokens it issued",
    "signing_key": "HS256 key for access tokens; empty means a random key per process "
                   "(set it to keep tokens valid across restarts)",
    "controls": "the /_sandbox controls: on, or off (they answer 404)",
    "controls_token": "when set, /_sandbox/* requires 'Authorization: Bearer TOKEN'",
    "rate_limit": "requests per window per client; 0 turns rate limiting off",
    "rate_limit_window": "rate-limit window in seconds",
    "journal_size": "how many recent requests the journal (/_sandbox/requests) keeps",
    "data_as_of": "the instant generated records are dated relative to (ISO 8601)",
    "log_format": "one line per request as text or json",
    "log_level": "log level",
}

DEFAULT_PERSONA = "linda.diabetes@example.com"


def env_name(name: str) -> str:
    return f"SANDBOX_{name.upper()}"


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def default_of(name: str) -> Any:
    f = next(f for f in fields(Settings) if f.name == name)
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    raise SettingsError(f"{name} has no default")  # pragma: no cover - every setting has one


def describe_default(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _parser_for(name: str) -> Any:
    def parse(raw: str) -> Any:
        try:
            return parse_value(name, raw)
        except SettingsError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = name  # argparse names the type in "invalid <name> value" messages
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="consolidate-sandbox",
        description="Offline sandbox of the Consolidate Health Connect API: OAuth2 authorize, "
                    "hosted consent pages, token endpoint and synthetic patient records, every "
                    "request and response checked against the OpenAPI documents.",
        epilog="Every flag has a SANDBOX_<NAME> environment variable (shown in brackets). "
               "Precedence: flag, then environment variable, then default.",
        allow_abbrev=False,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    for f in fields(Settings):
        text = (f"{HELP[f.name]} [{env_name(f.name)}; "
                f"default: {describe_default(default_of(f.name))}]")
        text = text.replace("%", "%%")
        if str(f.type) == "bool":
            p.add_argument(flag_name(f.name), dest=f.name, action=argparse.BooleanOptionalAction,
                           default=None, help=text)
        elif f.name in CHOICES:
            p.add_argument(flag_name(f.name), dest=f.name, choices=CHOICES[f.name], default=None,
                           help=text)
        else:
            p.add_argument(flag_name(f.name), dest=f.name, type=_parser_for(f.name), default=None,
                           metavar=f.name.upper(), help=text)
    return p


def settings_from(argv: list[str] | None, environ: dict[str, str]) -> Settings:
    """Flags (argv) over SANDBOX_* variables (environ) over defaults."""
    args = build_parser().parse_args(argv)
    return Settings.from_env(environ, **{k: v for k, v in vars(args).items() if v is not None})


def banner(app: Any) -> str:
    """Where everything is, the default client, and one authorize URL ready to open."""
    services = app.state.services
    settings: Settings = services.settings
    base = settings.base_url
    lines = [f"Consolidate Health sandbox {__version__} on {base}",
             f"  API       {base}/connect/api/v1",
             f"  Home      {base}/",
             f"  Docs      {base}/docs"]
    if settings.controls == "on":
        lines.append(f"  Controls  {base}/_sandbox"
                     + ("  (bearer token required)" if settings.controls_token else ""))
    lines.append(f"  Consent   {settings.consent_mode}    Seed {settings.seed}")
    client = services.clients.default()
    if client is not None:
        lines += ["Default client",
                  f"  client_id      {client.client_id}",
                  f"  client_secret  {client.client_secret}",
                  f"  redirect_uris  {', '.join(client.redirect_uris)}"]
        personas = services.records.charts.personas
        persona = next((p for p in personas if p.email == DEFAULT_PERSONA),
                       personas[0] if personas else None)
        link = persona and services.clients.authorize_link(
            base, persona.email, persona.first_name, persona.last_name)
        if persona is not None and link:
            lines += [f"Try it: sign in as {persona.first_name} {persona.last_name} "
                      f"({persona.title})", f"  {link}"]
    return "\n".join(lines)


def _exit_cleanly(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    try:
        settings = settings_from(argv, dict(os.environ))
    except SettingsError as exc:
        print(f"consolidate-sandbox: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    import uvicorn

    from sandbox.access_log import logging_config
    from sandbox.app import create_app

    try:
        app = create_app(settings)
    except SettingsError as exc:  # e.g. an unreadable clients file
        print(f"consolidate-sandbox: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print(banner(app), flush=True)
    # Uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the
    # handlers it found: make those end the process with status 0 (a clean stop, as
    # `docker stop` and CI runners expect), not a KeyboardInterrupt or a kill status.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_cleanly)
    # Uvicorn's access log stays off: it prints full query strings (codes, state, emails).
    # Our AccessLogMiddleware writes one masked line per request instead.
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False,
                log_level=settings.log_level, log_config=logging_config(settings),
                server_header=False)


if __name__ == "__main__":
    main()
