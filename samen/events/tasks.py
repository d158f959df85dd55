"""Background work of events: thin, idempotent tasks (DESIGN rule 7)."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import hourly, register
from samen.events import actions


@task()
def send_registration_emails(*, registration_ids: list[int], kind: str) -> int:
    """E-mail a chunk of confirmations or reminders, each with the date's ``.ics``."""
    return actions.registration_emails_send(registration_ids=registration_ids, kind=kind)


@task()
def remind_tomorrow() -> int:
    """Queue the day-before reminders that are due, each once."""
    return actions.registrations_remind()


register("events.remind", hourly(minute=10), remind_tomorrow)
