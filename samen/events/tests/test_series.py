"""Series: repeat a date weekly or monthly at the same Brussels hour across the
daylight-saving change; move or call off one date and tell the people registered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from samen.events import actions
from samen.events.errors import EventError, EventErrorCode
from samen.events.models import Occurrence
from samen.events.tests.conftest import make_event
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _local(moment: datetime) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=BRUSSELS), tick=False)
def test_weekly_series_keeps_the_local_hour_across_summer_time(community: Any) -> None:
    c = community
    start = datetime(2026, 3, 18, 19, tzinfo=BRUSSELS)  # summer time begins 29 March
    event = make_event(c, starts_at=start)
    made = actions.series_extend(actor=c.bram, event=event, every="weekly", count=3, capacity=5)
    local = [o.starts_at.astimezone(BRUSSELS) for o in made]
    assert [(d.day, d.hour) for d in local] == [(25, 19), (1, 19), (8, 19)]
    assert [d.utcoffset() for d in local] == [timedelta(hours=1), *[timedelta(hours=2)] * 2]
    monthly = actions.series_extend(actor=c.bram, event=event, every="monthly", count=1)
    assert monthly[0].starts_at.astimezone(BRUSSELS).date().isoformat() == "2026-05-08"


def test_bad_series_changes_nothing(community: Any) -> None:
    c = community
    event = make_event(c)
    for every, count in [("daily", 3), ("weekly", 0), ("monthly", 30)]:  # 30 months: too far
        with pytest.raises(EventError) as refused:
            actions.series_extend(actor=c.bram, event=event, every=every, count=count)
        assert refused.value.code in (EventErrorCode.SERIES_INVALID, EventErrorCode.OUT_OF_RANGE)
    assert Occurrence.objects.filter(event=event).count() == 1


def test_cancel_and_move_one_date(client: Any, agenda: Any) -> None:
    c, first = agenda.c, agenda.slot
    (second,) = actions.series_extend(actor=c.bram, event=agenda.workshop, every="weekly", count=1)
    actions.occurrence_register(actor=c.chloe, occurrence=second)
    client.force_login(c.bram)
    later = second.starts_at + timedelta(hours=1)
    change = {"starts_at": _local(later), "ends_at": _local(later + timedelta(hours=2))}
    client.post(f"/events/dates/{second.pk}/change/", change)
    second.refresh_from_db()
    assert second.starts_at == later
    assert Notification.objects.filter(recipient=c.chloe, kind="events.changed").exists()
    assert client.post(f"/events/dates/{second.pk}/cancel/", {"reason": "Flu"}).status_code == 302
    second.refresh_from_db()
    assert second.cancelled_at is not None
    told = Notification.objects.get(recipient=c.chloe, kind="events.cancelled")
    assert told.data["reason"] == "Flu"
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.dries, occurrence=second)
    assert refused.value.code == EventErrorCode.DATE_CANCELLED
    # the first date goes on
    assert actions.occurrence_register(actor=c.dries, occurrence=first).status == "going"
    client.force_login(c.chloe)
    assert client.post(f"/events/dates/{second.pk}/cancel/").status_code == 403
