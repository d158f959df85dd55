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
    """One person's daily (or weekly) digest of what waited before ``before`` (ISO time);
    the scheduler now queues ``send_digest_batch``, this one stays for tasks queued before."""
    return actions.digest_send(
        user_id=user_id,
        before=datetime.fromisoformat(before),
        delivery=Delivery.WEEKLY if weekly else Delivery.DIGEST,
    )


@task()
def send_digest_batch(*, user_ids: list[int], before: str, weekly: bool = False) -> int:
    """The daily (or weekly) digests of a batch of people, of what waited before ``before``
    (ISO time): one task and a few queries for ``DIGEST_BATCH`` people."""
    return actions.digests_send(
        user_ids=user_ids,
        before=datetime.fromisoformat(before),
        delivery=Delivery.WEEKLY if weekly else Delivery.DIGEST,
    )


# People per digest task: 11,000 daily digests are 22 tasks, not 11,000, each reading its
# people's notifications in one query (a task per person spent its time on the overhead).
DIGEST_BATCH = 500


def _enqueue_digests(people: list[int], before: str, weekly: bool) -> None:
    for start in range(0, len(people), DIGEST_BATCH):
        send_digest_batch.enqueue(
            user_ids=people[start : start + DIGEST_BATCH], before=before, weekly=weekly
        )


@task()
def send_digests() -> int:
    """Queue today's digests, in batches of people; re-running finds nothing left to send."""
    before = timezone.now()
    people = actions.digest_recipients(before=before)
    _enqueue_digests(people, before.isoformat(), weekly=False)
    return len(people)


@task()
def send_weekly_digests() -> int:
    """On Mondays, queue the weekly digests in batches of people (idempotent as daily)."""
    before = timezone.now()
    if not actions.weekly_digest_due(before):
        return 0
    people = actions.digest_recipients(before=before, delivery=Delivery.WEEKLY)
    _enqueue_digests(people, before.isoformat(), weekly=True)
    return len(people)


register("notifications.digest", daily(hour=7, minute=0), send_digests)
register("notifications.weekly_digest", daily(hour=7, minute=5), send_weekly_digests)
