"""Plus-ones, the organisers' questions, approval of registrations, and a waiting list
whose promotion re-checks everything a registration checks (issue 14, "Registration")."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from samen.accounts.privacy import build_export
from samen.communities.actions import member_add
from samen.communities.models import HostRole
from samen.credits.actions import credit_limit_set
from samen.credits.tests.factories import make_scheme
from samen.events import actions, kinds
from samen.events.errors import EventError
from samen.events.models import Registration, RegistrationStatus
from samen.events.tests.conftest import make_event
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

GOING, WAITING = RegistrationStatus.GOING, RegistrationStatus.WAITING
PENDING, REFUSED = RegistrationStatus.PENDING, RegistrationStatus.REFUSED
QUESTIONS = "What do you want to repair?\nDiet? | none | vegetarian | vegan"


def _code(refused: Any) -> str:
    return str(refused.value.code)


def _statuses(occurrence: Any) -> dict[str, str]:
    return dict(occurrence.registrations.values_list("user__display_name", "status"))


# --- plus-ones ---------------------------------------------------------------------------------


def test_a_guest_takes_a_place_and_the_waiting_list_keeps_its_order(community: Any) -> None:
    c = community
    event = make_event(c, capacity=3, plus_one_allowed=True)
    slot = event.occurrences.get()
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot, guests=1)
    assert (chloe.status, chloe.guests, chloe.places) == (GOING, 1, 2)
    # One place left: a person with a guest waits; a person alone behind them waits too
    # (nobody jumps the line), although one place is free.
    dries = actions.occurrence_register(actor=c.dries, occurrence=slot, guests=1)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    assert (dries.status, dries.position, eva.status, eva.position) == (WAITING, 1, WAITING, 2)
    # Chloé and her guest leave: Dries and his guest take two of the three places, Eva the last.
    actions.registration_cancel(actor=c.chloe, registration=chloe)
    assert _statuses(slot) == {"Chloé": "cancelled", "Dries": GOING, "Eva": GOING}
    # The capacity counts the guest: three places are taken.
    with pytest.raises(EventError) as refused:
        actions.occurrence_set_capacity(actor=c.bram, occurrence=slot, capacity=2)
    assert _code(refused) == "below_going"
    assert Notification.objects.filter(kind=kinds.PROMOTED).count() == 2


def test_the_first_waiting_with_a_guest_is_not_overtaken(community: Any) -> None:
    c = community
    slot = make_event(c, capacity=2, plus_one_allowed=True).occurrences.get()
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.eva, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot, guests=1)
    actions.occurrence_register(actor=c.gilles, occurrence=slot)
    actions.registration_cancel(actor=c.chloe, registration=chloe)  # one place frees
    assert _statuses(slot)["Dries"] == WAITING
    assert _statuses(slot)["Gilles"] == WAITING
    actions.occurrence_set_capacity(actor=c.bram, occurrence=slot, capacity=4)
    assert _statuses(slot) == {"Chloé": "cancelled", "Eva": GOING, "Dries": GOING,
                               "Gilles": GOING}  # fmt: skip


def test_guests_only_where_allowed_and_only_one(community: Any, agenda: Any) -> None:
    c = community
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=agenda.slot, guests=1)
    assert (_code(refused), refused.value.field) == ("plus_one_not_allowed", "guests")
    slot = make_event(c, plus_one_allowed=True).occurrences.get()
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=slot, guests=2)
    assert _code(refused) == "guests_invalid"
    assert not Registration.objects.filter(user=c.chloe).exists()
    with pytest.raises(EventError) as refused:
        make_event(c, plus_one_allowed=True, price_kind="euros", price_cents=500)
    assert (_code(refused), refused.value.field) == ("plus_one_priced", "plus_one_allowed")


# --- questions --------------------------------------------------------------------------------


def test_questions_are_answered_and_kept_with_the_registration(community: Any) -> None:
    c = community
    event = make_event(c, questions=QUESTIONS)
    assert event.questions == [
        {"text": "What do you want to repair?", "choices": []},
        {"text": "Diet?", "choices": ["none", "vegetarian", "vegan"]},
    ]
    slot = event.occurrences.get()
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=slot, answers=["  ", "vegan"])
    assert (_code(refused), refused.value.field) == ("answer_missing", "answer_0")
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=slot, answers=["A lamp", "meat"])
    assert (_code(refused), refused.value.field) == ("answer_invalid", "answer_1")
    assert not Registration.objects.filter(user=c.chloe).exists()
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot, answers=[" A lamp ", "vegan"])
    assert row.answers == [
        {"question": "What do you want to repair?", "answer": "A lamp"},
        {"question": "Diet?", "answer": "vegan"},
    ]
    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        exported = json.loads(archive.read("apps/events.json"))
    assert exported["registrations"][0]["answers"] == row.answers


@pytest.mark.parametrize(
    "questions", ["Diet? | vegan", "Diet? | vegan | vegan", [{"text": "x", "choices": ["a"]}]]
)
def test_a_choice_question_needs_two_choices(community: Any, questions: Any) -> None:
    with pytest.raises(EventError) as refused:
        make_event(community, questions=questions)
    assert (_code(refused), refused.value.field) == ("questions_invalid", "questions")


# --- approval ----------------------------------------------------------------------------------


def test_pending_people_hold_no_place_until_approved(
    community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = community
    slot = make_event(c, capacity=1, requires_approval=True).occurrences.get()
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    gilles = actions.occurrence_register(actor=c.gilles, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    assert {chloe.status, gilles.status, eva.status} == {PENDING}
    with pytest.raises(PermissionDenied):
        actions.registration_approve(actor=c.chloe, registration=gilles)
    with django_capture_on_commit_callbacks(execute=True):
        approved = actions.registration_approve(actor=c.bram, registration=gilles)
    assert approved.status == GOING
    # In Gilles's language, once: the approval and the confirmation with the date.
    texts = [f"{m.subject} {m.body}" for m in mail.outbox if m.to == [c.gilles.email]]
    assert any("« Repair café »" in text and "accepté" in text for text in texts)
    assert len(texts) == 2
    # The only place is taken: the next one approved waits in line.
    second = actions.registration_approve(actor=c.anna, registration=chloe)
    assert (second.status, second.position) == (WAITING, 1)
    assert Notification.objects.filter(kind=kinds.APPROVED_WAITING, recipient=c.chloe).exists()
    declined = actions.registration_decline(actor=c.bram, registration=eva)
    assert declined.status == REFUSED
    assert Notification.objects.filter(kind=kinds.DECLINED, recipient=c.eva).count() == 1
    for decided in (gilles, eva):
        with pytest.raises(EventError) as refused:
            actions.registration_decline(actor=c.bram, registration=decided)
        assert (_code(refused), refused.value.status) == ("not_pending", 409)
    with pytest.raises(EventError):
        actions.occurrence_register(actor=c.eva, occurrence=slot)  # declined stays declined


def test_a_pending_person_may_withdraw(community: Any) -> None:
    c = community
    slot = make_event(c, requires_approval=True).occurrences.get()
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    assert actions.registration_cancel(actor=c.chloe, registration=row).status == "cancelled"
    with pytest.raises(EventError) as refused:
        actions.registration_approve(actor=c.bram, registration=row)
    assert _code(refused) == "not_pending"


# --- the waiting list re-checks the credit limit -------------------------------------------


def test_promotion_skips_who_can_no_longer_afford_it_and_tells_them(community: Any) -> None:
    c = community
    scheme = make_scheme(c, limit=2000)
    slot = make_event(
        c, price_kind="credits", credit_service="bootcamp", kind="bootcamp", capacity=1
    ).occurrences.get()  # 3 SIF
    credit_limit_set(actor=c.anna, scheme=scheme, user=c.bram, limit=5000)
    credit_limit_set(actor=c.anna, scheme=scheme, user=c.chloe, limit=5000)
    member_add(actor=c.anna, owner=c.host, user=c.dries, role=HostRole.MEMBER)
    credit_limit_set(actor=c.anna, scheme=scheme, user=c.dries, limit=5000)
    first = actions.occurrence_register(actor=c.bram, occurrence=slot)
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    dries = actions.occurrence_register(actor=c.dries, occurrence=slot)
    assert (chloe.status, dries.status) == (WAITING, WAITING)
    # Meanwhile Chloé's limit went down: 3 SIF no longer fit.
    credit_limit_set(actor=c.anna, scheme=scheme, user=c.chloe, limit=1000)
    actions.registration_cancel(actor=c.bram, registration=first)
    chloe.refresh_from_db()
    dries.refresh_from_db()
    assert (chloe.status, chloe.position) == ("cancelled", None)
    assert dries.status == GOING
    assert Notification.objects.filter(kind=kinds.SKIPPED, recipient=c.chloe).count() == 1
    assert Notification.objects.filter(kind=kinds.PROMOTED, recipient=c.dries).count() == 1
    assert not Notification.objects.filter(kind=kinds.PROMOTED, recipient=c.chloe).exists()


def test_approval_checks_the_credit_limit(community: Any) -> None:
    c = community
    scheme = make_scheme(c, limit=5000)
    slot = make_event(
        c, price_kind="credits", credit_service="bootcamp", kind="bootcamp",
        requires_approval=True,
    ).occurrences.get()  # fmt: skip
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    credit_limit_set(actor=c.anna, scheme=scheme, user=c.chloe, limit=1000)
    with pytest.raises(EventError) as refused:
        actions.registration_approve(actor=c.bram, registration=row)
    assert _code(refused) == "over_limit"
    row.refresh_from_db()
    assert row.status == PENDING
