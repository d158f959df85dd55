"""Votes at the same moment on PostgreSQL: one latest stance per person, every change kept."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from samen.decisions import actions
from samen.decisions.models import Stance
from samen.decisions.queries import poll_results
from samen.decisions.tests.conftest import option

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_three_votes_at_once_leave_one_latest_stance_per_person(world):
    c, poll = world.c, world.proposal
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    ballots = [(c.chloe, "disagree"), (c.chloe, "abstain"), (c.bram, "agree")]
    barrier = threading.Barrier(len(ballots))
    errors: list[BaseException] = []

    def vote(person: Any, key: str) -> None:
        try:
            barrier.wait()
            actions.stance_cast(actor=person, poll=poll, choices=[(option(poll, key), 1)])
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=ballot) for ballot in ballots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    latest = Stance.objects.filter(poll=poll, latest=True)
    assert {s.participant_id for s in latest} == {c.bram.pk, c.chloe.pk}
    assert latest.count() == 2
    assert Stance.objects.filter(poll=poll, participant=c.chloe).count() == 3
    chloe_now = latest.get(participant=c.chloe).choices.get().option.key
    assert chloe_now in ("disagree", "abstain")
    counts = {r.option.key: r.count for r in poll_results(poll).options}
    assert counts["agree"] == 1
    assert counts["disagree"] + counts["abstain"] == 1
