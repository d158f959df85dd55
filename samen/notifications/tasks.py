"""Background work of notifications: thin tasks that call an action (DESIGN rule 7)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from samen.core.schedule import daily, register
from samen.notifications import actions
from samen.notifications.registry import Delivery


@task()
def email_notifications(*, ids: list[int]) -> int:
    """E-mail these notifications, each at most once however often this runs."""
    return actions.notifications_email(ids=ids)


@task()
def send_digest(*, user_id: int, before: str, weekly: bool = False) -> int:
    """One person's daily (or weekly) digest of what waited before ``before`` (ISO time)."""
    return actions.digest_send(
        user_id=user_id,
        before=datetime.fromisoformat(before),
        delivery=Delivery.WEEKLY if weekly else Delivery.DIGEST,
    )


@task()
def send_digests() -> int:
    """Queue today's digests, one task per person; re-running finds nothing left to send."""
    before = timezone.now()
    people = actions.digest_recipients(before=before)
    for user_id in people:
        send_digest.enqueue(user_id=user_id, before=before.isoformat())
    return len(people)


@task()
def send_weekly_digests() -> int:
    """On Mondays, queue the weekly digests, one task per person (idempotent as daily)."""
    before = timezone.now()
    if not actions.weekly_digest_due(before):
        return 0
    people = actions.digest_recipients(before=before, delivery=Delivery.WEEKLY)
    for user_id in people:
        send_digest.enqueue(user_id=user_id, before=before.isoformat(), weekly=True)
    return len(people)


register("notifications.digest", daily(hour=7, minute=0), send_digests)
register("notifications.weekly_digest", daily(hour=7, minute=5), send_weekly_digests)
