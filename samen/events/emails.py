"""The e-mails of a registration that carry the date as an ``.ics`` attachment: the
confirmation when someone is going and the reminder the day before.

They are built and sent in the background task, in the recipient's language, rather than
through ``samen.lib.mail.send_message_later`` or ``notify``: that queue carries text and
HTML only, not attachments (as invoicing's documents).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samen.events import calendars, checkin
from samen.events.models import Registration

CONFIRMATION = "confirmation"
REMINDER = "reminder"
KINDS = (CONFIRMATION, REMINDER)


def registration_message(registration: Registration, kind: str) -> EmailMessage:
    """The ``kind`` e-mail for ``registration``, with its date as ``event-<id>.ics``."""
    if kind not in KINDS:
        raise ValueError(f"unknown registration e-mail {kind!r}")
    occurrence = registration.occurrence
    event = occurrence.event
    user = registration.user
    page = f"{settings.SITE_URL}{occurrence.get_absolute_url()}"
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "occurrence": occurrence,
            "starts_at": timezone.localtime(occurrence.starts_at),
            "ends_at": timezone.localtime(occurrence.ends_at),
            "url": page,
            # The person is going: the online link is theirs (access.can_see_online_link).
            "online_url": event.online_url,
            "check_in_code": checkin.check_in_code(registration),
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
    message = EmailMessage(subject=" ".join(subject.split())[:150], body=body, to=[user.email])
    message.attach(f"event-{event.pk}.ics", ics, "text/calendar; method=PUBLISH; charset=utf-8")
    qr = checkin.check_in_qr_png(f"{settings.SITE_URL}{checkin.check_in_url(registration)}")
    message.attach("check-in.png", qr, "image/png")
    return message
