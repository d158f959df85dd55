"""The e-mails of a registration that carry the date as an ``.ics`` attachment: the
confirmation when someone is going and the reminder the day before.

They are built and sent in the background task, in the recipient's language, rather than
through ``samen.lib.mail.send_message_later`` or ``notify``: that queue carries text and
HTML only, not attachments (as invoicing's documents).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samen.events import calendars, checkin
from samen.events.models import Occurrence, Registration

CONFIRMATION = "confirmation"
REMINDER = "reminder"
KINDS = (CONFIRMATION, REMINDER)


#: Stands for the check-in code while a text is rendered once for every recipient of a
#: language; each message gets its own code in its place.
_CODE = "\x00check-in-code\x00"


def registration_messages(rows: Iterable[Registration], kind: str) -> list[EmailMessage]:
    """The ``kind`` e-mail for each registration in ``rows`` (their ``user`` and
    ``occurrence__event`` loaded), each in its recipient's language, with the date as
    ``event-<id>.ics`` and the person's check-in QR code. Subject, body and ``.ics`` are
    built once per date and language; only the check-in code differs per person."""
    if kind not in KINDS:
        raise ValueError(f"unknown registration e-mail {kind!r}")
    built: dict[tuple[int, str], tuple[str, str, bytes]] = {}
    messages = []
    for registration in rows:
        occurrence = registration.occurrence
        language = getattr(registration.user, "language", "") or settings.LANGUAGE_CODE
        key = (occurrence.pk, language)
        if key not in built:
            built[key] = _texts(occurrence, kind, language)
        subject, body, ics = built[key]
        code = checkin.check_in_code(registration)
        message = EmailMessage(
            subject=subject.replace(_CODE, code),
            body=body.replace(_CODE, code),
            to=[registration.user.email],
        )
        mimetype = "text/calendar; method=PUBLISH; charset=utf-8"
        message.attach(f"event-{occurrence.event.pk}.ics", ics, mimetype)
        qr = checkin.check_in_qr_png(f"{settings.SITE_URL}{checkin.check_in_url(registration)}")
        message.attach("check-in.png", qr, "image/png")
        messages.append(message)
    return messages


def _texts(occurrence: Occurrence, kind: str, language: str) -> tuple[str, str, bytes]:
    """Subject, body (with ``_CODE`` for the check-in code) and ``.ics`` of one date in
    one language."""
    event = occurrence.event
    page = f"{settings.SITE_URL}{occurrence.get_absolute_url()}"
    with translation.override(language):
        context = {
            "event": event,
            "occurrence": occurrence,
            "starts_at": timezone.localtime(occurrence.starts_at),
            "ends_at": timezone.localtime(occurrence.ends_at),
            "url": page,
            # The person is going: the online link is theirs (access.can_see_online_link).
            "online_url": event.online_url,
            "check_in_code": _CODE,
        }
        subject = render_to_string(f"events/email/{kind}_subject.txt", context)
        body = render_to_string(f"events/email/{kind}_body.txt", context)
        ics = calendars.build_calendar(
            [occurrence],
            name=event.title,
            url_of=lambda _o: page,
            show_link=lambda _o: True,
            method="PUBLISH",
        )
    return " ".join(subject.split())[:150], body, ics
