"""The interactive hosted flow in a real browser, end to end, as a patient clicks through it.

From the authorize URL to the app's callback page: verify the email, search and choose a
health system, a wrong password then the right one, a second portal with a one-time code,
review, then approve (and exchange the code) or deny. Every step is screenshotted into
artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import httpx

from sandbox.testing import AUTHORIZE, TOKEN, authorize_params

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Callback, Sandbox, Shots


def authorize_url(sandbox: Sandbox, state: str) -> str:
    params = authorize_params(client_id=sandbox.client_id, redirect_uri=sandbox.redirect_uri,
                              state=state)
    return f"{sandbox.base_url}{AUTHORIZE}?{urlencode(params)}"


def wait_for_path(page: Page, suffix: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path.endswith(suffix))


def on_callback(page: Page, sandbox: Sandbox) -> dict[str, str]:
    """Wait for the app's callback page and read back what it shows."""
    page.wait_for_url(lambda url: url.startswith(sandbox.redirect_uri + "?"))
    names = page.locator("dt").all_inner_texts()
    values = page.locator("dd").all_inner_texts()
    return dict(zip(names, values, strict=True))


def verify_email(page: Page, expect: Any, shots: Shots, sandbox: Sandbox, state: str) -> None:
    page.goto(authorize_url(sandbox, state))
    wait_for_path(page, "/verify")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your email")
    expect(page.locator("main")).to_contain_text("pat.sandbox@example.com")
    expect(page.locator("main")).to_contain_text(sandbox.client_name)
    shots("authorize-verify")
    # Read the code off the page, as a patient reads it from the email.
    code = page.locator(".hint code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code), code
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify", exact=True).click()
    wait_for_path(page, "/care")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where do you receive care?")
    shots("care")


def search_and_choose(page: Page, expect: Any, shots: Shots, query: str, system: str,
                      system_id: str, not_listed: str) -> None:
    page.get_by_label("Search hospitals, clinics or doctors' offices").fill(query)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(lambda url: f"q={query}" in url)
    systems = page.locator("ul.systems li")
    expect(systems.filter(has_text=system)).to_have_count(1)
    expect(systems.filter(has_text=not_listed)).to_have_count(0)
    shots(f"care-search-{query}")
    systems.filter(has_text=system).get_by_role("button", name="Connect", exact=True).click()
    wait_for_path(page, f"/connect/{system_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to")
    expect(page.locator("main")).to_contain_text(system)


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Portal username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in and connect").click()


def connect_first_portal(page: Page, expect: Any, shots: Shots) -> None:
    search_and_choose(page, expect, shots, "austin", "Riverbend Health", "riverbend-health",
                      not_listed="Summit Valley")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to MyChart")
    shots("connect-riverbend")
    sign_in(page, "patient", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password. Try again.")
    wait_for_path(page, "/connect/riverbend-health")
    shots("connect-riverbend-wrong-password")
    sign_in(page, "patient", "password")
    wait_for_path(page, "/care")
    expect(page.locator(".ok")).to_contain_text("Connected: Riverbend Health (Epic)")
    shots("care-one-connected")


def test_approve_two_portals_then_exchange_the_code(page: Page, expect: Any, shots: Shots,
                                                   sandbox: Sandbox, callback: Callback) -> None:
    state = "browser-approve-state"
    verify_email(page, expect, shots, sandbox, state)
    connect_first_portal(page, expect, shots)

    # Second portal: a one-time code read off the page.
    search_and_choose(page, expect, shots, "denver", "Summit Valley Hospital", "summit-valley",
                      not_listed="Riverbend")
    shots("connect-summit-valley")
    sign_in(page, "otp", "password")
    expect(page.get_by_label("One-time code sent to your phone")).to_be_visible()
    shots("connect-summit-valley-otp")
    otp = page.locator(".hint code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", otp), otp
    page.get_by_label("One-time code sent to your phone").fill(otp)
    page.get_by_role("button", name="Confirm").click()
    wait_for_path(page, "/care")
    expect(page.locator(".ok")).to_contain_text(
        "Connected: Riverbend Health (Epic), Summit Valley Hospital (Oracle Health (Cerner))")
    shots("care-two-connected")

    page.get_by_role("button", name="Continue to review").click()
    wait_for_path(page, "/review")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Share your records with {sandbox.client_name}?")
    items = page.locator("main ul").first.locator("li")
    expect(items).to_have_text(["Riverbend Health (Epic)",
                                "Summit Valley Hospital (Oracle Health (Cerner))"])
    expect(page.locator("main")).to_contain_text("patient:read-all")
    shots("review")

    page.get_by_role("button", name="Approve and share").click()
    shown = on_callback(page, sandbox)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Authorization code received")
    shots("callback-code")
    assert shown["state"] == state
    assert shown["code"].startswith("ac_")
    assert "error" not in shown
    assert callback.received[-1] == shown

    token = httpx.post(sandbox.base_url + TOKEN, auth=(sandbox.client_id, sandbox.client_secret),
                       data={"grant_type": "authorization_code", "code": shown["code"],
                             "redirect_uri": sandbox.redirect_uri}, timeout=10)
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["access_token"] and body["token_type"].lower() == "bearer"


def test_deny_at_review_sends_access_denied(page: Page, expect: Any, shots: Shots,
                                            sandbox: Sandbox, callback: Callback) -> None:
    state = "browser-deny-state"
    verify_email(page, expect, shots, sandbox, state)
    connect_first_portal(page, expect, shots)
    page.get_by_role("button", name="Continue to review").click()
    wait_for_path(page, "/review")
    expect(page.locator("main ul").first.locator("li")).to_have_text(["Riverbend Health (Epic)"])
    shots("review")

    page.get_by_role("button", name="Deny", exact=True).click()
    shown = on_callback(page, sandbox)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Error")
    shots("callback-denied")
    assert shown["error"] == "access_denied"
    assert shown["state"] == state
    assert "code" not in shown
    assert callback.received[-1] == shown


def test_cancel_on_the_first_page_sends_access_denied(page: Page, expect: Any, shots: Shots,
                                                      sandbox: Sandbox) -> None:
    state = "browser-cancel-state"
    page.goto(authorize_url(sandbox, state))
    wait_for_path(page, "/verify")
    shots("authorize-verify")
    page.get_by_role("button", name=f"Cancel and return to {sandbox.client_name}").click()
    shown = on_callback(page, sandbox)
    shots("callback-cancelled")
    assert shown["error"] == "access_denied"
    assert shown["state"] == state
    assert "code" not in shown
