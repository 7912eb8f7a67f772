"""Command line: flags -> Settings -> uvicorn."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn

from sandbox.config import Settings, SettingsError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="consolidate-sandbox",
                                description="Offline sandbox of the Consolidate Health Connect API.")
    p.add_argument("--host", help="interface to listen on (SANDBOX_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (SANDBOX_PORT, default 8000)")
    p.add_argument("--seed", type=int, help="seed of all synthetic data (SANDBOX_SEED, default 42)")
    p.add_argument("--consent-mode", choices=["interactive", "auto-approve", "auto-deny"],
                   help="hosted pages, or an immediate redirect (SANDBOX_CONSENT_MODE)")
    return p


def settings_from(argv: list[str] | None, environ: dict[str, str]) -> Settings:
    args = build_parser().parse_args(argv)
    return Settings.from_env(environ, **{k: v for k, v in vars(args).items() if v is not None})


def main(argv: list[str] | None = None) -> None:
    try:
        settings = settings_from(argv, dict(os.environ))
    except SettingsError as exc:
        print(f"consolidate-sandbox: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from sandbox.app import create_app

    app = create_app(settings)
    client = app.state.services.clients.get("ch_sandbox_client")
    print(f"Consolidate Health sandbox listening on {settings.base_url}", flush=True)
    if client is not None:
        print(f"  client_id={client.client_id} client_secret={client.client_secret} "
              f"redirect_uris={', '.join(client.redirect_uris)}", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
