"""Where the flow asks "does a fault or a limit apply here?": one call per point."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request

from sandbox.knobs.faults import CATALOGUE, Requested, first_error, parse_names
from sandbox.services import Services

FAULT_HEADER = "x-sandbox-fault"


def carried_at(faults: tuple[str, ...], point: str) -> set[str]:
    """Email-tag faults that fire at `point`: a tag acts at the last point of the flow it
    applies to (`+server_error` breaks data calls, not authorize), so the session gets
    that far and the failure shows where a tester wants it."""
    return {f for f in faults if f in CATALOGUE and CATALOGUE[f].points[-1] == point}


def raise_carried(services: Services, faults: tuple[str, ...], point: str) -> None:
    """Faults a session carries from its email tags, checked where the grant is known."""
    if faults and services.settings.controls == "on":
        hit = first_error(carried_at(faults, point), point)
        if hit is not None:
            raise hit[1]


async def check(request: Request, point: str, ctx: dict[str, Any],
                carried: tuple[str, ...] = ()) -> set[str]:
    """Apply rate limit, latency and faults for this request at `point`.

    Raises the fault's ApiError; returns the names of faults that apply here without an
    error of their own (the caller renders those, e.g. authorize redirects). Sets
    request.state.faults (for the journal) and request.state.rate_headers.
    """
    services = Services.of(request)
    if point in ("token", "data") and ctx.get("client_id"):
        request.state.rate_headers = services.rate_limiter.hit(str(ctx["client_id"]))
    if services.settings.controls == "off":
        return set()
    wanted = Requested(carried_at(carried, point))
    header = request.headers.get(FAULT_HEADER)
    if header:
        from_header = parse_names(header, "X-Sandbox-Fault header")
        wanted.names |= from_header.names
        wanted.latency = from_header.latency
    drawn = services.faults.draw(point, {**ctx, "path": request.url.path,
                                         "method": request.method})
    wanted.names |= drawn.names
    wanted.latency = drawn.latency or wanted.latency
    if wanted.latency:
        low, high = wanted.latency
        await asyncio.sleep(services.latency_rng.uniform(low, high) / 1000)
    applied = getattr(request.state, "faults", set()) | wanted.names
    request.state.faults = applied
    if point == "authorize":  # rendered by the handler as error redirects
        return wanted.names
    hit = first_error(wanted.names, point)
    if hit is not None:
        request.state.faults = applied | {hit[0]}
        raise hit[1]
    return wanted.names
