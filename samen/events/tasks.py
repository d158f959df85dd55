"""Background work of events: thin, idempotent tasks (DESIGN rule 7)."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import hourly, register
from samen.events import actions


@task()
def send_registration_email(*, registration_id: int, kind: str) -> bool:
    """E-mail one confirmation or reminder with the date's ``.ics``."""
    return actions.registration_email_send(registration_id=registration_id, kind=kind)


@task()
def remind_tomorrow() -> int:
    """Queue the day-before reminders that are due, each once."""
    return actions.registrations_remind()


register("events.remind", hourly(minute=10), remind_tomorrow)
