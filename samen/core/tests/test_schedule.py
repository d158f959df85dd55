from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django_tasks import task

from samen.core import schedule
from samen.core.models import ScheduledRun
from samen.core.schedule import Cadence, daily, hourly, monthly

BRUSSELS = ZoneInfo("Europe/Brussels")
calls: list[str] = []


@task()
def record_call(label: str = "tick") -> None:
    calls.append(label)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def _brussels(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Brussels"


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An empty job registry: other apps' real jobs must not run in these tests."""
    fresh: dict[str, Any] = {}
    monkeypatch.setattr(schedule, "_registry", fresh)
    monkeypatch.setattr(schedule, "autodiscover_modules", lambda *names: None)
    calls.clear()
    return fresh


def test_hourly_slots() -> None:
    cadence = hourly(minute=15)
    now = local(2026, 5, 4, 10, 20)
    assert cadence.latest_slot(now) == local(2026, 5, 4, 10, 15)
    assert cadence.next_slot(now) == local(2026, 5, 4, 11, 15)
    before = local(2026, 5, 4, 10, 14, 59)
    assert cadence.latest_slot(before) == local(2026, 5, 4, 9, 15)
    assert cadence.next_slot(before) == local(2026, 5, 4, 10, 15)


def test_daily_slot_boundaries() -> None:
    cadence = daily(hour=3)
    exactly = local(2026, 5, 4, 3, 0)
    assert cadence.latest_slot(exactly) == exactly
    assert cadence.next_slot(exactly) == local(2026, 5, 5, 3, 0)
    assert cadence.latest_slot(local(2026, 5, 4, 2, 59)) == local(2026, 5, 3, 3, 0)


def test_daily_keeps_local_time_across_daylight_saving() -> None:
    cadence = daily(hour=4)
    # Brussels moves from UTC+1 to UTC+2 on 29 March 2026.
    assert cadence.latest_slot(local(2026, 3, 28, 12)) == datetime(2026, 3, 28, 3, tzinfo=UTC)
    assert cadence.next_slot(local(2026, 3, 28, 12)) == datetime(2026, 3, 29, 2, tzinfo=UTC)


def test_monthly_clamps_to_the_last_day_and_crosses_years() -> None:
    end_of_month = monthly(day=31, hour=23)
    assert end_of_month.next_slot(local(2026, 2, 1)) == local(2026, 2, 28, 23)
    assert end_of_month.next_slot(local(2026, 2, 28, 23)) == local(2026, 3, 31, 23)
    mid = monthly(day=15, hour=6)
    assert mid.latest_slot(local(2026, 1, 3)) == local(2025, 12, 15, 6)
    assert mid.next_slot(local(2026, 12, 20)) == local(2027, 1, 15, 6)


def test_impossible_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="impossible"):
        Cadence("daily", hour=24)
    with pytest.raises(ValueError, match="impossible"):
        monthly(day=0)


@pytest.mark.django_db
def test_a_slot_is_enqueued_exactly_once(registry: dict[str, Any]) -> None:
    job = schedule.register("test.tick", hourly(minute=0), record_call, label="hour")
    now = local(2026, 5, 4, 10, 30)
    first = schedule.run_due(now)
    assert [(r.job, r.slot) for r in first] == [("test.tick", local(2026, 5, 4, 10))]
    assert first[0].task_result_id
    # A second scheduler (or a second pass) in the same slot finds the claim taken.
    assert schedule.run_due(local(2026, 5, 4, 10, 59)) == []
    assert calls == ["hour"]
    # The next slot runs again.
    assert len(schedule.run_due(local(2026, 5, 4, 11, 0))) == 1
    assert calls == ["hour", "hour"]
    assert ScheduledRun.objects.filter(job=job.name).count() == 2


@pytest.mark.django_db
def test_a_slot_claimed_elsewhere_is_not_enqueued(registry: dict[str, Any]) -> None:
    schedule.register("test.tick", daily(hour=2), record_call)
    ScheduledRun.objects.create(job="test.tick", slot=local(2026, 5, 4, 2))
    assert schedule.run_due(local(2026, 5, 4, 8)) == []
    assert calls == []


class _DownQueue:
    def enqueue(self, **kwargs: Any) -> None:
        raise ConnectionError("queue down")


@pytest.mark.django_db
def test_a_failed_enqueue_leaves_the_slot_unclaimed(registry: dict[str, Any]) -> None:
    schedule.register("broken", daily(hour=2), _DownQueue())  # type: ignore[arg-type]
    schedule.register("works", daily(hour=2), record_call)
    claimed = schedule.run_due(local(2026, 5, 4, 8))
    # The broken job does not stop the others, and its slot stays free for the next pass.
    assert [run.job for run in claimed] == ["works"]
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["works"]


@pytest.mark.django_db
def test_scheduler_once_command(registry: dict[str, Any], capsys: pytest.CaptureFixture) -> None:
    schedule.register("test.tick", hourly(), record_call, label="cmd")
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert calls == ["cmd"]
    out = capsys.readouterr().out
    assert "test.tick (hourly)" in out
    assert out.count("enqueued test.tick") == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_second_scheduler_refuses_while_one_holds_the_lock(registry: dict[str, Any]) -> None:
    schedule.register("test.tick", hourly(), record_call, label="second")
    with schedule.scheduler_lock() as first:
        assert first()
        with pytest.raises(CommandError, match="another scheduler is running"):
            call_command("scheduler", "--once")
        assert calls == []
        assert not ScheduledRun.objects.exists()
    # The first one stopped (its connection closed): the next one runs.
    call_command("scheduler", "--once")
    assert calls == ["second"]


def test_next_due_is_the_earliest_job(registry: dict[str, Any]) -> None:
    schedule.register("a", daily(hour=5), record_call)
    schedule.register("b", hourly(minute=45), record_call)
    assert schedule.next_due(local(2026, 5, 4, 10, 0)) == local(2026, 5, 4, 10, 45)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_enqueue_once(registry: dict[str, Any]) -> None:
    """Real threads on PostgreSQL: both insert the same claim at the same moment."""
    from django.db import connections

    schedule.register("test.tick", hourly(), record_call, label="race")
    now = local(2026, 5, 4, 10, 30)
    barrier = threading.Barrier(4)
    claimed: list[int] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            claimed.append(len(schedule.run_due(now)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(claimed) == [0, 0, 0, 1]
    assert calls == ["race"]
    assert ScheduledRun.objects.count() == 1
