"""Races on PostgreSQL: the same move twice at once is applied once, and an issue sent by two
workers at once reaches each address once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from samen.knowledge import actions
from samen.knowledge.errors import KnowledgeError
from samen.knowledge.models import NewsletterDelivery, Stage, StageChange

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(work: Callable[[], Any], threads: int = 3) -> list[Any]:
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            outcomes.append(work())
        except KnowledgeError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return outcomes


def test_the_same_move_at_once_is_applied_once(network: Any) -> None:
    c = network.c
    outcomes = _race(
        lambda: actions.concept_move(actor=c.femke, concept=network.public, to_stage=Stage.PILOT)
    )
    assert sorted(o if isinstance(o, str) else "moved" for o in outcomes) == [
        "moved",
        "same_stage",
        "same_stage",
    ]
    assert StageChange.objects.filter(concept=network.public, to_stage=Stage.PILOT).count() == 1


def test_two_workers_send_each_address_once(network: Any) -> None:
    c = network.c
    for n in range(6):
        actions.subscription_confirm(
            subscription=actions.subscription_request(
                owner=c.host, email=f"r{n}@example.org", language="en"
            )
        )
    actions.issue_send(actor=c.anna, issue=network.issue)  # the immediate backend sends
    mail.outbox.clear()
    NewsletterDelivery.objects.all().delete()
    network.issue.refresh_from_db()
    network.issue.status = "sending"
    network.issue.save(update_fields=["status"])
    sent = _race(lambda: actions.issue_deliver(issue_id=network.issue.pk))
    assert sum(sent) == 7
    assert NewsletterDelivery.objects.filter(issue=network.issue).count() == 7
