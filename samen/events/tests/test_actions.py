"""The rules of events, through the actions: bounds, capacity, the waiting list, check-in,
feedback and cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from samen.audit.models import AuditEntry
from samen.events import actions, kinds, queries
from samen.events.errors import EventError
from samen.events.models import CheckIn, EventStatus, Feedback, RegistrationStatus
from samen.events.tests.conftest import make_event, next_week
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

GOING, WAITING = RegistrationStatus.GOING, RegistrationStatus.WAITING


def _code(error: pytest.ExceptionInfo[EventError]) -> str:
    return str(error.value.code)


@pytest.mark.parametrize(
    ("shift", "length", "code"),
    [
        (timedelta(0), timedelta(hours=-1), "end_before_start"),
        (timedelta(0), timedelta(0), "end_before_start"),
        (timedelta(0), timedelta(days=15), "too_long"),
        (timedelta(days=-8), timedelta(hours=1), "out_of_range"),
        (timedelta(days=800), timedelta(hours=1), "out_of_range"),
    ],
)
def test_dates_out_of_bounds_are_refused(community: Any, shift: Any, length: Any, code: str):
    starts = next_week() + shift
    with pytest.raises(EventError) as refused:
        make_event(community, starts_at=starts, ends_at=starts + length)
    assert _code(refused) == code
    assert not AuditEntry.objects.filter(action="events.event.create").exists()


def test_naive_times_capacity_and_place_are_checked(community: Any):
    starts = next_week()
    with pytest.raises(EventError) as refused:
        make_event(community, starts_at=starts.replace(tzinfo=None),
                   ends_at=(starts + timedelta(hours=1)).replace(tzinfo=None))  # fmt: skip
    assert _code(refused) == "naive_time"
    with pytest.raises(EventError) as refused:
        make_event(community, capacity=0)
    assert _code(refused) == "capacity_invalid"
    with pytest.raises(EventError) as refused:
        make_event(community, place=" ", online_url="")
    assert _code(refused) == "place_missing"


def test_only_organisers_create_and_publish(community: Any):
    c = community
    starts = next_week()
    for stranger in (c.chloe, c.eva, c.gilles):
        with pytest.raises(PermissionDenied):
            actions.event_create(actor=stranger, owner=c.collective, kind="meetup", title="X",
                                 place="Here", starts_at=starts,
                                 ends_at=starts + timedelta(hours=1))  # fmt: skip
    # the host's admin organises for a hosted collective
    event = actions.event_create(actor=c.anna, owner=c.collective, kind="meetup", title="Host",
                                 place="Here", starts_at=starts,
                                 ends_at=starts + timedelta(hours=1))  # fmt: skip
    actions.event_publish(actor=c.anna, event=event)
    assert event.status == EventStatus.PUBLISHED
    with pytest.raises(EventError) as refused:
        actions.event_publish(actor=c.anna, event=event)
    assert _code(refused) == "not_draft"


def test_full_workshop_fills_the_waiting_list_in_order(agenda: Any):
    c, slot = agenda.c, agenda.slot
    first = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    second = actions.occurrence_register(actor=c.dries, occurrence=slot)
    third = actions.occurrence_register(actor=c.eva, occurrence=slot)
    fourth = actions.occurrence_register(actor=c.gilles, occurrence=slot)
    assert [first.status, second.status] == [GOING, GOING]
    assert (third.status, third.position) == (WAITING, 1)
    assert (fourth.status, fourth.position) == (WAITING, 2)
    assert queries.waiting_place(fourth) == 2
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.eva, occurrence=slot)
    assert _code(refused) == "already_registered"
    assert AuditEntry.objects.filter(action="events.registration.create").count() == 4


def test_a_freed_place_goes_to_the_first_waiting_who_is_told(agenda: Any):
    c, slot = agenda.c, agenda.slot
    going = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    gilles = actions.occurrence_register(actor=c.gilles, occurrence=slot)
    actions.registration_cancel(actor=c.chloe, registration=going)
    eva.refresh_from_db()
    gilles.refresh_from_db()
    assert (eva.status, eva.position) == (GOING, None)
    assert queries.waiting_place(gilles) == 1
    told = Notification.objects.get(kind=kinds.PROMOTED)
    assert told.recipient == c.eva
    assert told.data["title"] == "Repair café"
    assert not Notification.objects.filter(kind=kinds.PROMOTED, recipient=c.gilles).exists()
    # cancelling from the waiting list frees no place and promotes nobody
    actions.registration_cancel(actor=c.gilles, registration=gilles)
    assert Notification.objects.filter(kind=kinds.PROMOTED).count() == 1
    # and one cannot cancel twice, nor someone else's registration
    with pytest.raises(EventError):
        actions.registration_cancel(actor=c.gilles, registration=gilles)
    with pytest.raises(PermissionDenied):
        actions.registration_cancel(actor=c.chloe, registration=eva)


def test_cancelled_person_registers_again_at_the_back(agenda: Any):
    c, slot = agenda.c, agenda.slot
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    actions.occurrence_register(actor=c.eva, occurrence=slot)
    actions.registration_cancel(actor=c.chloe, registration=chloe)
    again = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    assert again.pk == chloe.pk
    assert (again.status, again.position) == (WAITING, 1)


def test_refused_registration_frees_the_place(agenda: Any):
    c, slot = agenda.c, agenda.slot
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    with pytest.raises(PermissionDenied):
        actions.registration_refuse(actor=c.dries, registration=chloe)
    actions.registration_refuse(actor=c.bram, registration=chloe)
    eva.refresh_from_db()
    assert eva.status == GOING
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=slot)
    assert _code(refused) == "not_open"


def test_drafts_cancelled_and_started_dates_take_no_registrations(agenda: Any):
    c = agenda.c
    with pytest.raises(PermissionDenied):  # a stranger does not even see the draft
        actions.occurrence_register(actor=c.eva, occurrence=agenda.draft.occurrences.get())
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.bram, occurrence=agenda.draft.occurrences.get())
    assert _code(refused) == "not_open"
    with pytest.raises(PermissionDenied):  # members only
        actions.occurrence_register(actor=c.eva, occurrence=agenda.members_slot)
    assert actions.occurrence_register(actor=c.chloe, occurrence=agenda.members_slot)
    moment = agenda.slot.starts_at + timedelta(minutes=1)
    with time_machine.travel(moment, tick=False), pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=agenda.slot)
    assert _code(refused) == "started"


def test_check_in_is_idempotent_and_only_for_people_going(agenda: Any):
    c, slot = agenda.c, agenda.slot
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    with pytest.raises(PermissionDenied):
        actions.registration_check_in(actor=c.chloe, registration=chloe)
    first = actions.registration_check_in(actor=c.bram, registration=chloe)
    again = actions.registration_check_in(actor=c.anna, registration=chloe)
    assert first.pk == again.pk
    assert CheckIn.objects.count() == 1
    chloe.refresh_from_db()
    assert chloe.status == RegistrationStatus.ATTENDED
    assert AuditEntry.objects.filter(action="events.registration.check_in").count() == 1
    with pytest.raises(EventError) as refused:
        actions.registration_check_in(actor=c.bram, registration=eva)
    assert _code(refused) == "not_going"


def test_feedback_only_from_attendees_after_the_start_once_changed_for_14_days(agenda: Any):
    c, slot = agenda.c, agenda.slot
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    actions.registration_check_in(actor=c.bram, registration=chloe)
    with pytest.raises(EventError) as refused:
        actions.feedback_give(actor=c.chloe, occurrence=slot, rating=5)
    assert _code(refused) == "too_early"
    with time_machine.travel(slot.starts_at + timedelta(hours=3), tick=False):
        with pytest.raises(EventError) as refused:
            actions.feedback_give(actor=c.dries, occurrence=slot, rating=5)
        assert _code(refused) == "not_attended"
        for bad in (0, 6, True):
            with pytest.raises(EventError) as refused:
                actions.feedback_give(actor=c.chloe, occurrence=slot, rating=bad)
            assert _code(refused) == "bad_rating"
        actions.feedback_give(actor=c.chloe, occurrence=slot, rating=2, text="Fixed my lamp")
        # Within 14 days a second answer changes the first one.
        actions.feedback_give(actor=c.chloe, occurrence=slot, rating=4, prepared=5,
                              text="Fixed my lamp")  # fmt: skip
    with time_machine.travel(slot.starts_at + timedelta(days=15), tick=False):
        with pytest.raises(EventError) as refused:
            actions.feedback_give(actor=c.chloe, occurrence=slot, rating=1)
        assert _code(refused) == "feedback_closed"
    given = Feedback.objects.get()
    assert (given.rating, given.prepared, given.text) == (4, 5, "Fixed my lamp")
    summary = queries.feedback_summary(slot)
    assert (summary.count, str(summary.average)) == (1, "4.0")


def test_average_is_exact_to_one_decimal(agenda: Any):
    c, slot = agenda.c, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    for reg in slot.registrations.all():
        actions.registration_check_in(actor=c.bram, registration=reg)
    with time_machine.travel(slot.ends_at, tick=False):
        actions.feedback_give(actor=c.chloe, occurrence=slot, rating=4)
        actions.feedback_give(actor=c.dries, occurrence=slot, rating=5)
    summary = queries.feedback_summary(slot)
    assert (summary.count, str(summary.average)) == (2, "4.5")


def test_cancelling_an_event_tells_everyone_registered(agenda: Any):
    c, slot = agenda.c, agenda.slot
    for person in (c.chloe, c.dries, c.eva):
        actions.occurrence_register(actor=person, occurrence=slot)
    withdrawn = actions.occurrence_register(actor=c.gilles, occurrence=slot)
    actions.registration_cancel(actor=c.gilles, registration=withdrawn)
    with pytest.raises(PermissionDenied):
        actions.event_cancel(actor=c.chloe, event=agenda.workshop)
    actions.event_cancel(actor=c.bram, event=agenda.workshop, reason="The hall is flooded.")
    told = set(
        Notification.objects.filter(kind=kinds.CANCELLED).values_list("recipient_id", flat=True)
    )
    assert told == {c.chloe.pk, c.dries.pk, c.eva.pk}
    assert AuditEntry.objects.get(action="events.event.cancel").data["told"] == 3
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.gilles, occurrence=slot)
    assert _code(refused) == "cancelled"
    with pytest.raises(EventError):
        actions.event_cancel(actor=c.bram, event=agenda.workshop)


def test_a_series_has_dates_with_their_own_places(agenda: Any):
    c, first = agenda.c, agenda.slot
    starts = next_week() + timedelta(days=7)
    second = actions.occurrence_add(actor=c.bram, event=agenda.workshop, starts_at=starts,
                                    ends_at=starts + timedelta(hours=2), capacity=1)  # fmt: skip
    actions.occurrence_register(actor=c.chloe, occurrence=second)
    assert actions.occurrence_register(actor=c.dries, occurrence=second).status == WAITING
    assert actions.occurrence_register(actor=c.dries, occurrence=first).status == GOING
    with pytest.raises(EventError):
        actions.occurrence_add(actor=c.bram, event=agenda.workshop, starts_at=starts,
                               ends_at=starts, capacity=None)  # fmt: skip
    assert make_event(c, capacity=None).occurrences.get().capacity is None


def test_the_promoted_person_gets_an_email_in_their_language(
    agenda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    c, slot = agenda.c, agenda.slot
    going = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    actions.occurrence_register(actor=c.gilles, occurrence=slot)  # gilles reads French
    with django_capture_on_commit_callbacks(execute=True):
        actions.registration_cancel(actor=c.chloe, registration=going)
    (message,) = mail.outbox
    assert message.to == ["gilles@example.org"]
    text = f"{message.subject} {message.body}"
    assert "« Repair café »" in text
    assert actions.when_label(slot) in text


def test_capacity_never_below_going_and_more_places_promote(agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    for person in (c.chloe, c.dries, c.eva, c.gilles):
        actions.occurrence_register(actor=person, occurrence=slot)
    with pytest.raises(PermissionDenied):
        actions.occurrence_set_capacity(actor=c.chloe, occurrence=slot, capacity=10)
    with pytest.raises(EventError) as refused:
        actions.occurrence_set_capacity(actor=c.bram, occurrence=slot, capacity=1)
    assert _code(refused) == "below_going"
    actions.occurrence_set_capacity(actor=c.bram, occurrence=slot, capacity=3)
    statuses = dict(slot.registrations.values_list("user__display_name", "status"))
    assert statuses == {"Chloé": GOING, "Dries": GOING, "Eva": GOING, "Gilles": WAITING}
    actions.occurrence_set_capacity(actor=c.anna, occurrence=slot, capacity=None)
    assert slot.registrations.filter(status=WAITING).count() == 0
    assert Notification.objects.filter(kind=kinds.PROMOTED).count() == 2


def test_nobody_is_promoted_to_a_cancelled_event(agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    going = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    actions.event_cancel(actor=c.bram, event=agenda.workshop)
    actions.registration_cancel(actor=c.chloe, registration=going)
    eva.refresh_from_db()
    assert eva.status == WAITING
    assert not Notification.objects.filter(kind=kinds.PROMOTED).exists()
