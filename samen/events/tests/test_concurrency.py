"""Three people taking the last place at the same moment: exactly one gets it, the others
wait in line (PostgreSQL, real threads and row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from samen.events import actions
from samen.events.models import Registration, RegistrationStatus

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
