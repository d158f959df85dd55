"""Three people taking the last place at the same moment: exactly one gets it, the others
wait in line (PostgreSQL, real threads and row locks); with guests, the same."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from samen.events import actions
from samen.events.models import Registration, RegistrationStatus
from samen.events.tests.conftest import make_event

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_three_people_for_the_last_place(agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    actions.occurrence_register(actor=c.bram, occurrence=slot)  # one of two places left
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def register(person: Any) -> None:
        try:
            barrier.wait()
            outcomes.append(actions.occurrence_register(actor=person, occurrence=slot).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in (c.chloe, c.dries, c.eva)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["going", "waiting", "waiting"]
    rows = Registration.objects.filter(occurrence=slot)
    assert rows.filter(status=RegistrationStatus.GOING).count() == 2
    waiting = rows.filter(status=RegistrationStatus.WAITING).order_by("position")
    assert [r.position for r in waiting] == [1, 2]


def test_guests_count_in_the_race_for_the_last_places(community: Any) -> None:
    """Two places left and three people, each with a guest, at once: one pair goes, the
    others wait in arrival order, and the capacity is never passed."""
    c = community
    slot = make_event(c, capacity=3, plus_one_allowed=True).occurrences.get()
    actions.occurrence_register(actor=c.bram, occurrence=slot)
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def register(person: Any) -> None:
        try:
            barrier.wait()
            row = actions.occurrence_register(actor=person, occurrence=slot, guests=1)
            outcomes.append(row.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in (c.chloe, c.dries, c.eva)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["going", "waiting", "waiting"]
    going = Registration.objects.filter(occurrence=slot, status=RegistrationStatus.GOING)
    assert sum(row.places for row in going) == 3
    waiting = Registration.objects.filter(occurrence=slot, status=RegistrationStatus.WAITING)
    assert [r.position for r in waiting.order_by("position")] == [1, 2]
