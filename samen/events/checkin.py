"""The personal check-in code of a registration: ``<registration id>-<10 characters>``,
an HMAC of the registration and its date under the site's secret, so nobody can make one
for someone else, and a code read at another date's check-in is refused rather than
checking the wrong person in. Shown to the attendee as a QR code (segno) that holds the
organisers' check-in address with the code, so the phone's own camera opens it."""

from __future__ import annotations

import base64
import hmac
import io

import segno
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode

from samen.events.models import Registration

SALT = "samen.events.check-in"


def _signature(registration_id: int, occurrence_id: int) -> str:
    digest = salted_hmac(SALT, f"{registration_id}:{occurrence_id}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:10]


def check_in_code(registration: Registration) -> str:
    return f"{registration.pk}-{_signature(registration.pk, registration.occurrence_id)}"


def read_code(code: str) -> int | None:
    """The registration id a well-formed code names, before its signature is checked."""
    head, _, _tail = " ".join((code or "").split()).upper().partition("-")
    return int(head) if head.isdigit() and len(head) < 19 else None


def code_matches(registration: Registration, code: str) -> bool:
    """Whether ``code`` is this registration's, for this registration's date."""
    given = "".join((code or "").split()).upper()
    return hmac.compare_digest(given.encode(), check_in_code(registration).encode())


def check_in_url(registration: Registration) -> str:
    """The organisers' check-in page of the date, with the code filled in."""
    page = reverse("events:check_in_code", args=[registration.occurrence_id])
    return f"{page}?{urlencode({'code': check_in_code(registration)})}"


def check_in_qr_png(absolute_url: str) -> bytes:
    """The same QR code as a PNG, for the e-mails (mail programs drop inline SVG)."""
    out = io.BytesIO()
    segno.make(absolute_url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def check_in_qr_svg(registration: Registration, absolute_url: str) -> str:
    """The QR code of ``absolute_url`` (the check-in address) as inline SVG markup."""
    qr = segno.make(absolute_url, error="m")
    return str(qr.svg_inline(scale=4, border=2, title=check_in_code(registration)))
