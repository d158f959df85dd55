"""Telling the people registered, and the e-mails with the date attached."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.events import emails
from samen.events.actions._common import REGISTERED, REMIND_BEFORE, when_label
from samen.events.models import EventStatus, Occurrence, Registration, RegistrationStatus
from samen.lib.tasks import enqueue_on_commit
from samen.notifications.actions import notify


def _tell_registered(
    occurrence: Occurrence, kind: str, actor: Any, reason: str, *, dated: bool = False
) -> int:
    """Notify everyone going or waiting for ``occurrence``; ``dated`` puts the date in the
    title (the cancelled-event message names no date of its own)."""
    rows = Registration.objects.filter(
        occurrence=occurrence, status__in=REGISTERED
    ).select_related("user").order_by("pk")  # fmt: skip
    people = [row.user for row in rows]
    title = occurrence.event.title
    notify(people, kind, occurrence, actor=actor, url=occurrence.get_absolute_url(),
           data={"title": f"{title} ({when_label(occurrence)})" if dated else title,
                 "when": when_label(occurrence), "reason": reason})  # fmt: skip
    return len(people)


def _email_later(registration_id: int, kind: str) -> None:
    from samen.events.tasks import send_registration_email

    enqueue_on_commit(send_registration_email, registration_id=registration_id, kind=kind)


@transaction.atomic
def registrations_remind(*, now: datetime | None = None) -> int:
    """Queue the day-before reminder, once, for every person going to a published date
    that starts within a day. The rows are locked (skipping those another run holds) and
    stamped (``reminded_at``) in this transaction and the e-mails are queued after it
    commits, so a second run or a second scheduler sends nothing twice. Returns how many
    were queued."""
    now = now or timezone.now()
    ids = list(
        Registration.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=RegistrationStatus.GOING,
            reminded_at__isnull=True,
            occurrence__starts_at__gt=now,
            occurrence__starts_at__lte=now + REMIND_BEFORE,
            occurrence__cancelled_at__isnull=True,
            occurrence__event__status=EventStatus.PUBLISHED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Registration.objects.filter(pk__in=ids).update(reminded_at=now)
    for pk in ids:
        _email_later(pk, emails.REMINDER)
    return len(ids)


def registration_email_send(*, registration_id: int, kind: str) -> bool:
    """Send one confirmation or reminder with its ``.ics``, if the person is still going
    to a published date to come; False when there is nothing to send any more."""
    row = (
        Registration.objects.select_related("user", "occurrence__event")
        .filter(pk=registration_id, status=RegistrationStatus.GOING)
        .first()
    )
    if row is None or not row.user.email or row.occurrence.event.status != EventStatus.PUBLISHED:
        return False
    if timezone.now() >= row.occurrence.starts_at or row.occurrence.cancelled_at is not None:
        return False
    emails.registration_message(row, kind).send()
    return True
