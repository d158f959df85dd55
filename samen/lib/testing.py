"""Helpers shared by the tests of every app: the test password and the browser steps."""

from __future__ import annotations

from typing import Any

#: The password of every user made by the ``make_user`` fixture (conftest.py).
PASSWORD = "correct horse battery staple"

#: Brussels moments where the UTC date is not the local one (the year's ends, either side of
#: the March and October daylight-saving changes), each with the local date every page,
#: export and document must show. Date-sensitive tests run at each (time-machine).
BRUSSELS_EDGES = [
    ("2026-01-01T00:30:00+01:00", "2026-01-01"),
    ("2026-12-31T23:30:00+01:00", "2026-12-31"),
    ("2026-03-29T00:30:00+01:00", "2026-03-29"),  # DST starts at 02:00 that night
    ("2026-03-29T03:30:00+02:00", "2026-03-29"),
    ("2026-10-25T00:30:00+02:00", "2026-10-25"),  # DST ends at 03:00 that night
    ("2026-10-25T23:30:00+01:00", "2026-10-25"),
]


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


def require(available: bool, what: str) -> None:
    """Skip the calling test when ``what`` is missing on a developer's checkout; under
    ``CI=true``, which always has it, fail instead, so a missing tool never passes silently."""
    import os

    import pytest

    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and CI=true never skips a test for that")
    pytest.skip(f"{what} is missing (under CI=true this is a failure)")


#: The lines of an EPC QR payload (EPC069-12), in order.
EPC_FIELDS = (
    "service",
    "version",
    "charset",
    "identification",
    "bic",
    "name",
    "iban",
    "amount",
    "purpose",
    "reference",
    "text",
)


def epc_payload(qr: Any) -> dict[str, str]:
    """Read a rendered EPC QR code back, as a banking app's camera would, into its fields."""
    import io

    import zxingcpp
    from PIL import Image

    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=4, border=4)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(buffer.getvalue())))
    lines = found.text.split("\n")
    assert len(lines) <= len(EPC_FIELDS) + 1, lines
    lines += [""] * (len(EPC_FIELDS) - len(lines))
    return dict(zip(EPC_FIELDS, lines, strict=False))


def duplicate_ids(html: str) -> list[str]:
    """The element ids that ``html`` uses more than once, read by an HTML5 parser as a
    browser reads the page (a repeated id breaks labels, anchors and htmx targets)."""
    from collections import Counter

    import tinyhtml5

    tree = tinyhtml5.parse(html)
    ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
    return sorted(name for name, count in ids.items() if count > 1)
