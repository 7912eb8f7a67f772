"""The docs page and the landing page render in a real browser, with no network."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Sandbox, Shots


def test_docs_page_renders_both_documents(page: Page, sandbox: Sandbox, shots: Shots) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{sandbox.base_url}/docs")
    page.get_by_text("Consolidate Health Connect API (sandbox emulation)").first.wait_for()
    assert page.get_by_text("/connect/api/v1/token").count() >= 1
    shots("01-docs-public")
    page.goto(f"{sandbox.base_url}/docs?spec=controls")
    page.get_by_text("Consolidate Health sandbox controls").first.wait_for()
    assert page.get_by_text("/_sandbox/faults").count() >= 1
    shots("02-docs-controls")
    assert errors == []


def test_landing_page_links_start_the_flow(page: Page, sandbox: Sandbox, shots: Shots) -> None:
    page.goto(f"{sandbox.base_url}/")
    shots("01-home")
    page.get_by_role("link", name="Authorize").first.click()
    page.wait_for_url(lambda url: url.endswith("/verify"))
    assert "Verify your email" in page.content()
