"""Events of the demo communities, through the actions: a Brussels chapter meet-up that is
full with a waiting list, a free webinar of the host, a members-only brewing night of the
Brasserie with a comment, a plus-one and a question, and two past sessions (a host
workshop and a chapter meet-up) with check-ins and feedback. Idempotent: nothing is added
when the demo events exist.

The actions refuse dates in the past, so a past session is made the way it happened: it is
created, published, registered for and checked in a week ahead, then its date is moved
back, and the attendees rate it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samen.accounts.demo import person
from samen.communities.models import Chapter, Collective, Host
from samen.conversations.actions import comment_add
from samen.events import actions
from samen.events.labs import demo as labs_demo
from samen.events.models import Event, EventKind, EventVisibility, Occurrence

HOST_SLUG = "brussels-commons"
MARK = "Neighbourhood meet-up: what are you working on?"


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localtime() + dt.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _event(
    actor: Any, owner: Any, *, days: int, hour: int = 19, hours: int = 2, **fields: Any
) -> Event:
    starts = _at(days, hour)
    event = actions.event_create(
        actor=actor,
        owner=owner,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        **fields,
    )
    return actions.event_publish(actor=actor, event=event)


def _register(occurrence: Occurrence, emails: list[str]) -> None:
    for email in emails:
        actions.occurrence_register(actor=person(email), occurrence=occurrence)


def _past(organiser: Any, event: Event, ratings: dict[str, tuple[int, str]]) -> None:
    """Check the people in, move the date a fortnight back, and let them rate it."""
    occurrence = event.occurrences.get()
    for row in occurrence.registrations.select_related("user").order_by("pk"):
        if row.user.email in ratings:
            actions.registration_check_in(actor=organiser, registration=row)
    shift = dt.timedelta(days=21)
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=occurrence.starts_at - shift, ends_at=occurrence.ends_at - shift
    )
    occurrence.refresh_from_db()
    for email, (rating, text) in ratings.items():
        actions.feedback_give(actor=person(email), occurrence=occurrence, rating=rating, text=text)


def seed() -> None:
    labs_demo.seed()
    if Event.objects.filter(title=MARK).exists():
        return
    host = Host.objects.get(slug=HOST_SLUG)
    brussels = Chapter.objects.get(slug="brussels")
    brewery = Collective.objects.get(slug="brasserie-zinneke")
    anna, karim, bram = (
        person("anna@samen.test"),
        person("karim@samen.test"),
        person("bram@samen.test"),
    )

    meetup = _event(
        karim,
        brussels,
        days=9,
        kind=EventKind.MEETUP,
        title=MARK,
        capacity=3,
        place="Pianofabriek, Rue du Fort 35, 1060 Saint-Gilles",
        description="Five minutes each: your project, and one question for the room.",
    )
    _register(
        meetup.occurrences.get(),
        [
            "chloe@samen.test",
            "hanne@samen.test",
            "dries@samen.test",
            "ilias@samen.test",
            "lotte@samen.test",
        ],
    )
    webinar = _event(
        anna,
        host,
        days=12,
        hour=12,
        hours=1,
        kind=EventKind.WEBINAR,
        title="Crowdfunding basics (free webinar)",
        online_url="https://meet.jit.si/samen-crowdfunding-basics",
        description="How a campaign on Samen works, from the first tier to the payout.",
    )
    _register(webinar.occurrences.get(), ["gilles@samen.test", "eva@samen.test"])
    brewing = _event(
        bram,
        brewery,
        days=5,
        kind=EventKind.MEETUP,
        title="Brewing night",
        visibility=EventVisibility.MEMBERS,
        place="Brasserie Zinneke, the cellar",
        capacity=12,
        plus_one_allowed=True,
        questions="What would you like to taste? | a blonde | a stout | no alcohol, please",
    )
    actions.occurrence_register(actor=person("chloe@samen.test"),
                                occurrence=brewing.occurrences.get(), guests=1,
                                answers=["a stout"])  # fmt: skip
    comment_add(
        actor=person("chloe@samen.test"),
        target=brewing,
        body="I can bring the bottles from last time.",
    )

    workshop = _event(
        anna,
        host,
        days=7,
        hour=14,
        hours=3,
        kind=EventKind.WORKSHOP,
        title="Workshop: a budget for your collective",
        capacity=10,
        place="Brussels Commons, Rue Haute 1, 1000 Brussels",
    )
    _register(
        workshop.occurrences.get(),
        ["bram@samen.test", "gilles@samen.test", "chloe@samen.test", "hanne@samen.test"],
    )
    _past(
        anna,
        workshop,
        {
            "bram@samen.test": (5, "Clear, and the template saves us hours."),
            "gilles@samen.test": (4, "Très utile ; un peu rapide sur la TVA."),
            "chloe@samen.test": (4, ""),
        },
    )
    past_meetup = _event(
        karim,
        brussels,
        days=7,
        kind=EventKind.MEETUP,
        title="Chapter meet-up: repair cafés",
        place="Pianofabriek",
    )
    _register(past_meetup.occurrences.get(), ["hanne@samen.test", "dries@samen.test"])
    _past(karim, past_meetup, {"hanne@samen.test": (5, "Lovely evening.")})
