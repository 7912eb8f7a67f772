"""GET /: the sandbox's home page, for a developer opening it in a browser.

Links to the docs, one ready-to-open authorize link per persona (default client, its
first redirect URI, a fresh random state), the default client's credentials, the sandbox
clock, the active faults and the last requests from the journal. Server-rendered,
autoescaped, nothing loaded from the network.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import __version__
from sandbox.pages import render
from sandbox.services import Services

RECENT = 15


def _context(services: Services) -> dict[str, Any]:
    settings = services.settings
    base = settings.base_url
    client = services.clients.default()
    personas = []
    for p in services.records.charts.personas:
        href = services.clients.authorize_link("", p.email, p.first_name, p.last_name)
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
    services = Services.of(request)
    return render("landing.html", **_context(services))


ROUTES = [Route("/", landing_page, methods=["GET"], name="landing_page")]
