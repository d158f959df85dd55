"""Feedback aggregates: a coach sees their own over time; host admins see every event and
every coach of the host, with a chart and a CSV export; nobody else does."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import time_machine

from samen.events import actions, queries
from samen.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def _rated(c: Any) -> Any:
    """A workshop coached by Bram: Chloé rates it 4 (preparation 5), Dries 5 (preparation
    3, anonymously)."""
    event = make_event(c, title="Soldering")
    slot = event.occurrences.get()
    for person in (c.chloe, c.dries):
        row = actions.occurrence_register(actor=person, occurrence=slot)
        actions.registration_check_in(actor=c.bram, registration=row)
    with time_machine.travel(slot.ends_at, tick=False):
        actions.feedback_give(actor=c.chloe, occurrence=slot, rating=4, prepared=5)
        actions.feedback_give(actor=c.dries, occurrence=slot, rating=5, prepared=3, anonymous=True)
    return slot


def test_a_coach_sees_their_own_aggregate_over_time(client: Any, community: Any) -> None:
    c = community
    slot = _rated(c)
    (month,) = queries.feedback_by_month(queries.coach_feedback(c.bram))
    assert (month.count, str(month.usefulness), str(month.prepared)) == (2, "4.5", "4.0")
    client.force_login(c.bram)
    page = client.get("/events/coaching/").content.decode()
    assert 'data-testid="chart"' in page
    assert "Soldering" in page
    assert "4.5" in page
    # Another coach's page holds none of it.
    client.force_login(c.gilles)
    assert "Soldering" not in client.get("/events/coaching/").content.decode()
    assert slot.feedback.count() == 2


def test_host_admins_see_every_coach_with_a_chart_and_csv(client: Any, community: Any) -> None:
    c = community
    _rated(c)
    url = f"/events/coaching/{c.host.slug}/"
    client.force_login(c.anna)
    page = client.get(url).content.decode()
    assert 'data-testid="coaches"' in page
    assert c.bram.public_name in page
    assert 'data-testid="chart"' in page
    response = client.get(f"{url}feedback.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Date", "Event", "Coach", "Answers", "Usefulness", "Preparation"]
    assert rows[1][1:] == ["Soldering", c.bram.display_name, "2", "4.5", "4.0"]
    for person in (c.bram, c.chloe, c.eva):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.get(f"{url}feedback.csv").status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_erased_attendees_still_count_without_a_name(community: Any) -> None:
    c = community
    slot = _rated(c)
    actions.registrations_erase(actor=c.chloe)
    (coach,) = queries.feedback_per_coach(queries.host_feedback(c.host))
    assert (coach.count, str(coach.usefulness)) == (2, "4.5")
    assert slot.feedback.filter(user__isnull=True).count() == 1
