"""Telling the people registered, and the e-mails with the date attached."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.mail import get_connection
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


#: Reminders per background task: each task loads its people in one query and sends
#: through one mail connection, so a big event is a few tasks instead of one per person.
EMAIL_CHUNK = 100


def _email_later(registration_id: int, kind: str) -> None:
    _emails_later([registration_id], kind)


def _emails_later(registration_ids: list[int], kind: str) -> None:
    from samen.events.tasks import send_registration_emails

    for start in range(0, len(registration_ids), EMAIL_CHUNK):
        chunk = registration_ids[start : start + EMAIL_CHUNK]
        enqueue_on_commit(send_registration_emails, registration_ids=chunk, kind=kind)


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
    _emails_later(ids, emails.REMINDER)
    return len(ids)


def registration_emails_send(*, registration_ids: list[int], kind: str) -> int:
    """Send the confirmation or reminder with its ``.ics`` to each of these registrations
    whose person is still going to a published date to come, loaded in one query and sent
    through one mail connection. Returns how many were sent (the others have nothing to
    send any more)."""
    now = timezone.now()
    rows = (
        Registration.objects.select_related("user", "occurrence__event")
        .filter(
            pk__in=registration_ids,
            status=RegistrationStatus.GOING,
            occurrence__starts_at__gt=now,
            occurrence__cancelled_at__isnull=True,
            occurrence__event__status=EventStatus.PUBLISHED,
        )
        .exclude(user__email="")
        .order_by("pk")
    )
    messages = emails.registration_messages(rows, kind)
    if not messages:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(messages) or 0)
