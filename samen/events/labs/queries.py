"""Reads for the Solution Lab pages and the API. Lists annotate their counts, so a page
reads a fixed number of queries whatever the number of questions and supports."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, Exists, Min, OuterRef, QuerySet, Value
from django.utils import timezone

from samen.communities.models import Host
from samen.events.labs.access import signed_in
from samen.events.models import (
    Event,
    EventKind,
    EventStatus,
    LabCall,
    LabQuestion,
    LabSupport,
)


def calls_of(host: Host) -> QuerySet[LabCall]:
    """A host's calls, the latest deadline first, with how many questions each has."""
    return (
        LabCall.objects.filter(host=host)
        .annotate(question_count=Count("questions"))
        .order_by("-deadline", "-id")
    )


def open_calls(host: Host) -> QuerySet[LabCall]:
    """The calls of ``host`` still taking questions, the soonest deadline first."""
    return LabCall.objects.filter(host=host, deadline__gt=timezone.now()).order_by("deadline", "id")


def _annotated(rows: QuerySet[LabQuestion], user: Any) -> QuerySet[LabQuestion]:
    """Each question with its number of supporters and whether ``user`` is one of them."""
    mine: Any = Value(False, output_field=BooleanField())
    if signed_in(user):
        mine = Exists(LabSupport.objects.filter(question=OuterRef("pk"), user=user))
    return rows.select_related("author", "event", "call").annotate(
        supporters=Count("supports", distinct=True), supported=mine
    )


def call_questions(call: LabCall, user: Any) -> QuerySet[LabQuestion]:
    """The questions of a call, the most supported first (then the oldest)."""
    return _annotated(LabQuestion.objects.filter(call=call), user).order_by(
        "-supporters", "created_at", "id"
    )


def question_detail(question: LabQuestion, user: Any) -> LabQuestion:
    """One question with its counts, as the lists show it."""
    return _annotated(LabQuestion.objects.filter(pk=question.pk), user).get()


def supporters(question: LabQuestion) -> QuerySet[LabSupport]:
    """Who supports a question (names for the community, oldest first)."""
    return (
        LabSupport.objects.filter(question=question)
        .select_related("user")
        .order_by("created_at", "id")
    )


def lab_events(host: Host) -> QuerySet[Event]:
    """The host's published Solution Labs that a question can be attached to, with their
    first date, the soonest first."""
    return (
        Event.objects.filter(host=host, kind=EventKind.SOLUTION_LAB, status=EventStatus.PUBLISHED)
        .annotate(first_date=Min("occurrences__starts_at"))
        .order_by("first_date", "id")
    )


def event_questions(event: Event) -> QuerySet[LabQuestion]:
    """The questions attached to a Solution Lab event, with their call."""
    return (
        LabQuestion.objects.filter(event=event)
        .select_related("author", "call")
        .order_by("selected_at", "id")
    )
