"""Tokens clicked through in Debian's chromium: create, copy, call the API, revoke (htmx)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from samen.api.models import PersonalToken

pytestmark = pytest.mark.browser


def test_create_copy_use_and_revoke_a_token(page: Any, anna: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", anna.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()

    page.goto("/settings/tokens/")
    with page.expect_navigation():
        page.get_by_role("link", name="New token").click()
    page.get_by_label("Name").fill("nightly export")
    page.get_by_label("Expires").select_option("30")
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token").input_value()
    assert secret.startswith("samen_")
    assert "shown only this once" in page.get_by_role("alert").inner_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()

    # The token works from outside the browser (no session cookie, no CSRF token).
    answer = page.request.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {secret}", "Cookie": ""}
    )
    assert answer.status == 200
    assert answer.json()["email"] == anna.email

    page.get_by_role("link", name="Done").click()
    row = page.locator("tr", has_text="nightly export")
    assert "active" in row.inner_text()
    assert secret not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    row.locator(".badge", has_text="revoked").wait_for()
    assert PersonalToken.objects.get().revoked_at is not None
    assert (
        page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status == 401
    )
