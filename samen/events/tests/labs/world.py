"""A Solution Lab world on the test community (``samen.communities.testing``), built
through the actions: the host's published lab, an open call with Gilles's question, and a
closed call with Chloé's and Gilles's questions and their supports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from samen.communities.testing import Community
from samen.events import actions as event_actions
from samen.events.labs import actions
from samen.events.models import Event, EventKind, LabCall, LabQuestion
from samen.events.tests.conftest import next_week


@dataclass
class Labs:
    """Anna (host admin) runs the calls; Chloé, Bram and Gilles belong to the host's
    community through its collectives; Eva and Dries do not."""

    c: Community
    lab: Event
    open_call: LabCall
    open_question: LabQuestion
    closed_call: LabCall
    chloe_question: LabQuestion
    gilles_question: LabQuestion


def make_lab(c: Community, *, days: int = 0, publish: bool = True, **fields: Any) -> Event:
    starts = next_week(14) + timedelta(days=days)
    values: dict[str, Any] = {
        "kind": EventKind.SOLUTION_LAB,
        "title": "Solution Lab",
        "place": "Rue Haute 1, 1000 Brussels",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        **fields,
    }
    owner = values.pop("owner", c.host)
    actor = values.pop("actor", c.anna)
    event = event_actions.event_create(actor=actor, owner=owner, **values)
    if publish:
        event_actions.event_publish(actor=actor, event=event)
    return event


def close(call: LabCall) -> LabCall:
    """Move the deadline back (the actions refuse one in the past)."""
    LabCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(hours=1))
    call.refresh_from_db()
    return call


def ask(actor: Any, call: LabCall, title: str) -> LabQuestion:
    return actions.lab_question_submit(
        actor=actor, call=call, title=title, context="We *tried*.", tried="Asking around."
    )


def build_labs(c: Community) -> Labs:
    lab = make_lab(c)
    deadline = timezone.now() + timedelta(days=3)
    open_call = actions.lab_call_create(
        actor=c.anna, host=c.host, title="Autumn call", deadline=deadline
    )
    open_question = ask(c.gilles, open_call, "Where do we grow in winter?")
    closed_call = actions.lab_call_create(
        actor=c.anna, host=c.host, title="Spring call", deadline=deadline
    )
    chloe_question = ask(c.chloe, closed_call, "How do we share a van?")
    gilles_question = ask(c.gilles, closed_call, "Comment trouver une cave ?")
    actions.lab_support_add(actor=c.bram, question=chloe_question)
    actions.lab_support_add(actor=c.gilles, question=chloe_question)
    actions.lab_support_add(actor=c.chloe, question=gilles_question)
    close(closed_call)
    chloe_question.call = closed_call
    actions.lab_question_select(actor=c.anna, question=chloe_question, event=lab)
    return Labs(c, lab, open_call, open_question, closed_call, chloe_question, gilles_question)


def labs_of(world: Any) -> Labs:
    """The labs of a test world (built once, on first use, and kept on it)."""
    found = getattr(world, "labs", None)
    if found is None:
        found = world.labs = build_labs(world.c)
    return found
