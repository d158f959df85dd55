"""The personal feed behind a secret address: the dates the person is going to, members-only
ones included for them only; a new address makes the old one a 404."""

from __future__ import annotations

from typing import Any

import pytest

from samen.events import actions
from samen.events.calendars import occurrence_uid
from samen.events.models import CalendarFeed
from samen.events.tests.conftest import read_ics

pytestmark = pytest.mark.django_db


def _uids(client: Any, token: str) -> set[str]:
    response = client.get(f"/events/my/{token}/calendar.ics")
    assert response.status_code == 200
    calendar = read_ics(response.content)
    return {str(item["UID"]) for item in calendar.walk("VEVENT")}


def test_my_feed_lists_my_dates_and_resets(client: Any, agenda: Any) -> None:
    c = agenda.c
    actions.occurrence_register(actor=c.chloe, occurrence=agenda.slot)
    actions.occurrence_register(actor=c.chloe, occurrence=agenda.members_slot)
    actions.occurrence_register(actor=c.gilles, occurrence=agenda.slot)
    assert client.get("/events/my/calendar/").status_code == 302  # anonymous: log in
    client.force_login(c.chloe)
    assert client.post("/events/my/calendar/").status_code == 302
    token = CalendarFeed.objects.get(user=c.chloe).token
    assert token in client.get("/events/my/calendar/").content.decode()
    client.logout()  # calendar apps send no cookie: the token is the key
    mine = {occurrence_uid(agenda.slot), occurrence_uid(agenda.members_slot)}
    assert _uids(client, token) == mine
    assert b"meet.example/repair" in client.get(f"/events/my/{token}/calendar.ics").content
    gilles = actions.calendar_feed_reset(actor=c.gilles).token
    assert _uids(client, gilles) == {occurrence_uid(agenda.slot)}  # not the members' night
    client.force_login(c.chloe)
    client.post("/events/my/calendar/")
    assert client.get(f"/events/my/{token}/calendar.ics").status_code == 404
    new = CalendarFeed.objects.get(user=c.chloe).token
    assert new != token
    assert _uids(client, new) == mine
