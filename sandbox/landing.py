"""GET /: the sandbox's home page, for a developer opening it in a browser.

Links to the docs, one ready-to-open authorize link per persona (default client, its
first redirect URI, a fresh random state), the default client's credentials, the sandbox
clock, the active faults and the last requests from the journal. Server-rendered,
autoescaped, nothing loaded from the network.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import __version__
from sandbox.pages import render
from sandbox.services import Services

DEFAULT_CLIENT_ID = "ch_sandbox_client"
SCOPE = "patient:read-all offline_access"
RECENT = 15


def authorize_href(base: str, client_id: str, redirect_uri: str, email: str, first_name: str,
                   last_name: str) -> str:
    query = urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "scope": SCOPE,
                       "state": secrets.token_urlsafe(12), "email": email,
                       "first_name": first_name, "last_name": last_name})
    return f"{base}/connect/api/v1/authorize?{query}"


def _context(services: Services) -> dict[str, Any]:
    settings = services.settings
    base = settings.base_url
    client = services.clients.get(DEFAULT_CLIENT_ID) or next(iter(services.clients.all()), None)
    personas = []
    for p in services.records.charts.personas:
        href = (authorize_href("", client.client_id, client.redirect_uris[0], p.email,
                               p.first_name, p.last_name)
                if client is not None and client.redirect_uris else None)
        personas.append({"name": f"{p.first_name} {p.last_name}", "email": p.email,
                         "title": p.title, "good_for": p.good_for, "href": href})
    # Faults and the journal are control data: not shown when the controls are off or
    # need a token (this page does not ask for one).
    open_controls = settings.controls == "on" and not settings.controls_token
    clock = services.clock
    return {
        "version": __version__,
        "base": base,
        "settings": settings,
        "client": client,
        "personas": personas,
        "now": clock.now().isoformat().replace("+00:00", "Z"),
        "frozen": clock.frozen,
        "offset_seconds": round(clock.offset().total_seconds()),
        "open_controls": open_controls,
        "faults": [r.view() for r in services.faults.active()] if open_controls else [],
        "requests": services.journal.entries()[:RECENT] if open_controls else [],
    }


async def landing_page(request: Request) -> Response:
    services: Services = request.app.state.services
    return render("landing.html", **_context(services))


ROUTES = [Route("/", landing_page, methods=["GET"], name="landing_page")]
