"""Periodic jobs: a registry that apps fill and ``manage.py scheduler`` runs (docs/tasks.md).

An app registers its jobs at import time of its ``tasks.py`` (autodiscovered)::

    from samen.core.schedule import daily, register

    @task()
    def seal_ledgers() -> None: ...

    register("ledger.seal", daily(hour=2, minute=30), seal_ledgers)

Cadences are wall-clock times in ``settings.TIME_ZONE``. Each due time is a *slot*; the
scheduler enqueues a slot's task once, claimed by inserting a ``ScheduledRun`` row with a
unique (job, slot). Only the latest missed slot is caught up after a pause, so tasks must
be idempotent and work out for themselves what is outstanding (DESIGN rule 7).
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from samen.core.models import ScheduledRun

log = logging.getLogger(__name__)

Kind = Literal["hourly", "daily", "monthly"]


@dataclass(frozen=True)
class Cadence:
    """When a job is due: every hour at ``minute``, every day at ``hour:minute``, or every
    month on ``day`` (clamped to the month's last day) at ``hour:minute``."""

    kind: Kind
    minute: int = 0
    hour: int = 0
    day: int = 1

    def __post_init__(self) -> None:
        if not (0 <= self.minute < 60 and 0 <= self.hour < 24 and 1 <= self.day <= 31):
            raise ValueError(f"impossible cadence {self}")

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent due time at or before ``now`` (aware, UTC)."""
        local = now.astimezone(_zone())
        candidate = self._slot_in_period(local)
        if candidate > now:
            candidate = self._slot_in_period(self._previous_period(local))
        return candidate

    def next_slot(self, now: datetime) -> datetime:
        """The first due time strictly after ``now`` (aware, UTC)."""
        local = now.astimezone(_zone())
        candidate = self._slot_in_period(local)
        if candidate <= now:
            candidate = self._slot_in_period(self._next_period(local))
        return candidate

    def _slot_in_period(self, local: datetime) -> datetime:
        """The due time within the hour, day or month that contains ``local``."""
        if self.kind == "hourly":
            at = local.replace(minute=self.minute, second=0, microsecond=0)
        elif self.kind == "daily":
            at = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        else:
            last = calendar.monthrange(local.year, local.month)[1]
            at = local.replace(
                day=min(self.day, last),
                hour=self.hour,
                minute=self.minute,
                second=0,
                microsecond=0,
            )
        # Rebuild from the wall-clock fields so the UTC offset is the one of that moment
        # (a daily job keeps its local time across daylight-saving changes).
        wall = datetime(at.year, at.month, at.day, at.hour, at.minute, tzinfo=_zone())
        return wall.astimezone(UTC)

    def _previous_period(self, local: datetime) -> datetime:
        if self.kind == "hourly":
            return local - timedelta(hours=1)
        if self.kind == "daily":
            return local - timedelta(days=1)
        return local.replace(day=1) - timedelta(days=1)

    def _next_period(self, local: datetime) -> datetime:
        if self.kind == "hourly":
            return local + timedelta(hours=1)
        if self.kind == "daily":
            return local + timedelta(days=1)
        return local.replace(day=28) + timedelta(days=4)  # always lands in the next month


def hourly(*, minute: int = 0) -> Cadence:
    return Cadence("hourly", minute=minute)


def daily(*, hour: int = 0, minute: int = 0) -> Cadence:
    return Cadence("daily", minute=minute, hour=hour)


def monthly(*, day: int = 1, hour: int = 0, minute: int = 0) -> Cadence:
    return Cadence("monthly", minute=minute, hour=hour, day=day)


@dataclass(frozen=True)
class Job:
    """A named periodic job: enqueue ``task`` with ``kwargs`` at every slot of ``cadence``."""

    name: str
    cadence: Cadence
    task: Task[Any, Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, Job] = {}


def register(name: str, cadence: Cadence, task: Task[Any, Any], **kwargs: Any) -> Job:
    """Add a job; registering the same name again replaces it (module reloads)."""
    job = Job(name=name, cadence=cadence, task=task, kwargs=kwargs)
    _registry[name] = job
    return job


def jobs() -> list[Job]:
    """Every registered job, after importing each installed app's ``tasks`` module."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.name)


def claim_and_enqueue(job: Job, slot: datetime) -> ScheduledRun | None:
    """Enqueue ``job`` for ``slot`` unless another scheduler already did; return the claim.

    The insert and the enqueue share a transaction: with the database task backend either
    both happen or neither; with RQ a failed commit after the enqueue can at worst run the
    (idempotent) task a second time, never skip it.
    """
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=job.name, slot=slot)
            result = job.task.enqueue(**job.kwargs)
            run.task_result_id = str(result.id)[:64]
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return None
    log.debug("scheduler: enqueued %s for %s", job.name, slot.isoformat())
    return run


def run_due(now: datetime | None = None, only: Iterable[Job] | None = None) -> list[ScheduledRun]:
    """Claim and enqueue every job whose latest slot has no run yet; return the new claims."""
    now = now or timezone.now()
    claimed = []
    for job in jobs() if only is None else only:
        try:
            run = claim_and_enqueue(job, job.cadence.latest_slot(now))
        except Exception:
            # One job's broken queue must not stop the others; its slot stays unclaimed,
            # so the next pass tries again.
            log.exception("scheduler: could not enqueue %s", job.name)
            continue
        if run is not None:
            claimed.append(run)
    return claimed


def next_due(now: datetime | None = None, only: Iterable[Job] | None = None) -> datetime | None:
    now = now or timezone.now()
    slots = [job.cadence.next_slot(now) for job in (jobs() if only is None else only)]
    return min(slots, default=None)


#: The PostgreSQL advisory lock that the running scheduler holds ("Samen" in ASCII).
SCHEDULER_LOCK = 0x53616D656E


@contextmanager
def scheduler_lock() -> Iterator[Callable[[], bool]]:
    """Keep one scheduler active however many are started: yields ``acquire()``, which
    returns whether this process now holds the installation's scheduler lock.

    On PostgreSQL the lock is a session advisory lock on a connection of its own (Django's
    connection is closed and reopened between passes, which would release it), so a second
    scheduler on another machine stands by and takes over when the first one's connection
    ends: a stopped process, a dead machine. The lock is per database, so test and bench
    databases on the same server do not see each other's. With SQLite, which serves one
    machine only, there is no lock; the unique claim of each slot keeps a job from being
    enqueued twice either way (``claim_and_enqueue``).
    """
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql":
        yield lambda: True
        return
    raw = database.get_new_connection(database.get_connection_params())
    raw.autocommit = True

    def acquire() -> bool:
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK])
            row = cursor.fetchone()
        return bool(row and row[0])

    try:
        yield acquire
    finally:
        raw.close()


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)
