"""Helpers shared by the tests of every app: the test password and the browser steps."""

from __future__ import annotations

from typing import Any

#: The password of every user made by the ``make_user`` fixture (conftest.py).
PASSWORD = "correct horse battery staple"


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Log ``email`` in through the real login form, after logging anyone else out."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    click_and_wait(page, "main form button[type=submit]")


def click_and_wait(page: Any, selector: str) -> None:
    """Click the first element matching ``selector`` and wait for the page it loads."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def image_bomb_png(side: int = 13_000) -> bytes:
    """A real PNG of ``side`` x ``side`` black pixels: a few hundred KB on disk, 169 megapixels
    (about 500 MB once decoded as RGB) at the default size: an image bomb."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()
