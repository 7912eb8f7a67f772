"""The hosted patient experience: verify email, choose care, connect portals, review.

Plain forms (no JavaScript). Every step is a GET page and a POST that answers 303 to the
next page (POST-redirect-GET); a wrong input re-renders the page with 400 and a message.
The flow id in the path is a 256-bit random secret, so one patient's flow cannot be
driven by another party.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sandbox.knobs import inject
from sandbox.oauth import consent
from sandbox.oauth.portals import (
    EMAIL_CODE,
    GOOD_PASSWORD,
    ONE_TIME_CODE,
    TEST_USERS,
    HealthSystem,
    LoginOutcome,
    login,
)
from sandbox.oauth.scopes import OFFLINE, READ_ALL
from sandbox.pages import render
from sandbox.services import Services
from sandbox.store import Flow

PREFIX = "/connect/api/v1/authorize"
FLOW_TTL = 1800  # seconds a patient has to finish the hosted flow
SCOPE_TEXT = {READ_ALL: "read all your health records",
              OFFLINE: "keep access when you are not using the app (refresh tokens)"}


class FlowGone(Exception):
    pass


def _flow(request: Request) -> Flow:
    services = Services.of(request)
    flow = services.store.get_flow(request.path_params["flow_id"])
    if flow is None or flow.created_at + FLOW_TTL <= services.clock.time():
        raise FlowGone()
    return flow


def _page(request: Request, flow: Flow, template: str, status: int = 200, **ctx: object) -> Response:
    client = Services.of(request).clients.get(flow.client_id)
    return render(template, status, flow=flow, prefix=PREFIX,
                  client_name=client.name if client else flow.client_id, **ctx)


def _go(flow: Flow, step: str) -> Response:
    return RedirectResponse(f"{PREFIX}/{flow.flow_id}/{step}", status_code=303)


def gone_page() -> Response:
    return render("error.html", 404, title="This sign-in has expired",
                  message="This sharing session does not exist or has expired.",
                  hint="Go back to the app and start connecting your records again.")


def _connected(services: Services, flow: Flow) -> list[HealthSystem]:
    return [services.health_systems[s] for s in flow.connected if s in services.health_systems]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=20)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def verify(request: Request) -> Response:
    flow = _flow(request)
    if request.method == "GET":
        return _page(request, flow, "verify.html", email_code=EMAIL_CODE)
    form = await _form(request)
    if form.get("code", "").strip() != EMAIL_CODE:
        return _page(request, flow, "verify.html", 400, email_code=EMAIL_CODE,
                     error="That code is not right. Check the code and try again.")
    flow.email_verified = True
    Services.of(request).store.put_flow(flow)
    return _go(flow, "care")


async def care(request: Request) -> Response:
    flow = _flow(request)
    services = Services.of(request)
    if not flow.email_verified:
        return _go(flow, "verify")
    if request.method == "POST":
        system_id = (await _form(request)).get("system_id", "")
        if system_id in services.health_systems:
            return _go(flow, f"connect/{system_id}")
        error = "Choose a health system from the list."
        status = 400
    else:
        error, status = "", 200
    query = request.query_params.get("q", "")[:200]
    systems = [s for s in services.health_systems.values() if s.matches(query)]
    return _page(request, flow, "care.html", status, systems=systems, query=query, error=error,
                 connected=_connected(services, flow))


def _system(request: Request) -> HealthSystem | None:
    return Services.of(request).health_systems.get(request.path_params["system_id"])


def _login_page(request: Request, flow: Flow, system: HealthSystem, status: int = 200,
                **ctx: object) -> Response:
    return _page(request, flow, "connect.html", status, system=system, test_users=TEST_USERS,
                 good_password=GOOD_PASSWORD, one_time_code=ONE_TIME_CODE, **ctx)


def _connect_done(request: Request, flow: Flow, system: HealthSystem) -> Response:
    if system.id not in flow.connected:
        flow.connected.append(system.id)
    flow.otp_pending = None
    Services.of(request).store.put_flow(flow)
    return _go(flow, "care")


async def connect(request: Request) -> Response:
    flow = _flow(request)
    system = _system(request)
    if not flow.email_verified:
        return _go(flow, "verify")
    if system is None:
        return _go(flow, "care")
    if request.method == "GET":
        return _login_page(request, flow, system)
    form = await _form(request)
    outcome = login(form.get("username", ""), form.get("password", ""))
    ctx = {"operation": "hosted_connect_submit", "client_id": flow.client_id,
           "patient_id": flow.patient.patient_id}
    if "portal_down" in await inject.check(request, "portal", ctx, flow.faults):
        outcome = LoginOutcome.PORTAL_DOWN
    if outcome is LoginOutcome.CONNECTED:
        return _connect_done(request, flow, system)
    if outcome is LoginOutcome.NEEDS_OTP:
        flow.otp_pending = system.id
        Services.of(request).store.put_flow(flow)
        return _go(flow, f"connect/{system.id}/otp")
    messages = {
        LoginOutcome.WRONG_PASSWORD: (400, "Incorrect username or password. Try again."),
        LoginOutcome.LOCKED: (400, f"This {system.portal} account is locked after too many "
                                   "attempts. Choose another health system or try later."),
        LoginOutcome.PORTAL_DOWN: (503, f"{system.portal} at {system.name} is not responding "
                                        "right now. Try again later or choose another."),
    }
    status, message = messages[outcome]
    return _login_page(request, flow, system, status, error=message,
                       username=form.get("username", "")[:200])


async def connect_otp(request: Request) -> Response:
    flow = _flow(request)
    system = _system(request)
    if system is None or flow.otp_pending != system.id:
        return _go(flow, "care")
    if request.method == "GET":
        return _login_page(request, flow, system, otp=True)
    form = await _form(request)
    if form.get("otp", "").strip() != ONE_TIME_CODE:
        return _login_page(request, flow, system, 400, otp=True,
                           error="That one-time code is not right. Try again.")
    return _connect_done(request, flow, system)


async def review(request: Request) -> Response:
    flow = _flow(request)
    services = Services.of(request)
    if not flow.email_verified:
        return _go(flow, "verify")
    if request.method == "GET":
        if not flow.connected:
            return _go(flow, "care")
        return _page(request, flow, "review.html", connected=_connected(services, flow),
                     scopes=flow.scope, scope_text=SCOPE_TEXT)
    decision = (await _form(request)).get("decision")
    if decision == "approve" and flow.connected:
        return RedirectResponse(consent.approve(services, flow), status_code=302)
    if decision == "deny":
        return RedirectResponse(consent.deny(services, flow), status_code=302)
    return _go(flow, "care")


async def cancel(request: Request) -> Response:
    flow = _flow(request)
    return RedirectResponse(consent.deny(Services.of(request), flow), status_code=302)
