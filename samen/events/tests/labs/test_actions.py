"""The rules of Solution Labs, through the actions: the deadline, one support per person,
selection for a lab of the host only, one notice per lab in the author's language, and the
outcome after the lab."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samen.events import actions as event_actions
from samen.events.labs import actions, kinds
from samen.events.labs.errors import LabError
from samen.events.labs.errors import LabErrorCode as Code
from samen.events.models import EventKind, LabCall, LabQuestion, LabSupport
from samen.events.tests.conftest import make_event
from samen.events.tests.labs.world import Labs, ask, close, make_lab
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _refused(code: Code, action: Any, **kwargs: Any) -> LabError:
    with pytest.raises(LabError) as caught:
        action(**kwargs)
    assert caught.value.code == code
    return caught.value


def test_a_call_needs_a_title_and_a_deadline_to_come(community: Any) -> None:
    c = community
    now = timezone.now()
    create = actions.lab_call_create
    error = _refused(Code.DEADLINE_PAST, create, actor=c.anna, host=c.host, title="Call",
                     deadline=now - timedelta(minutes=1))  # fmt: skip
    assert error.field == "deadline"
    _refused(Code.DEADLINE_FAR, create, actor=c.anna, host=c.host, title="Call",
             deadline=now + timedelta(days=800))  # fmt: skip
    error = _refused(Code.TITLE_MISSING, create, actor=c.anna, host=c.host, title="  ",
                     deadline=now + timedelta(days=1))  # fmt: skip
    assert error.field == "title"
    with pytest.raises(PermissionDenied):  # a member does not run the host's calls
        create(actor=c.chloe, host=c.host, title="Call", deadline=now + timedelta(days=1))
    assert not LabCall.objects.exists()


def test_questions_come_from_the_community_until_the_deadline(labs: Labs) -> None:
    c = labs.c
    submit = actions.lab_question_submit
    error = _refused(Code.TITLE_MISSING, submit, actor=c.chloe, call=labs.open_call, title="",
                     context="Why")  # fmt: skip
    assert error.field == "title"
    error = _refused(Code.CONTEXT_MISSING, submit, actor=c.chloe, call=labs.open_call,
                     title="Why", context=" ")  # fmt: skip
    assert error.field == "context"
    with pytest.raises(PermissionDenied):  # Eva is not in the host's community
        submit(actor=c.eva, call=labs.open_call, title="Why", context="Because")
    _refused(Code.CALL_CLOSED, submit, actor=c.chloe, call=labs.closed_call, title="Late",
             context="Too late")  # fmt: skip
    question = submit(actor=c.bram, call=labs.open_call, title=" Heat   the cellar ",
                      context="<script>x</script> It is **cold**.")  # fmt: skip
    assert question.title == "Heat the cellar"
    assert LabQuestion.objects.filter(call=labs.closed_call).count() == 2


def test_one_support_per_person_withdrawable_until_the_close(labs: Labs) -> None:
    c, question = labs.c, labs.open_question
    actions.lab_support_add(actor=c.chloe, question=question)
    _refused(Code.ALREADY_SUPPORTED, actions.lab_support_add, actor=c.chloe, question=question)
    _refused(Code.OWN_QUESTION, actions.lab_support_add, actor=c.gilles, question=question)
    actions.lab_support_add(actor=c.anna, question=question)
    assert LabSupport.objects.filter(question=question).count() == 2
    actions.lab_support_withdraw(actor=c.chloe, question=question)
    _refused(Code.NOT_SUPPORTED, actions.lab_support_withdraw, actor=c.chloe, question=question)
    close(labs.open_call)
    question.refresh_from_db()
    _refused(Code.CALL_CLOSED, actions.lab_support_add, actor=c.bram, question=question)
    _refused(Code.CALL_CLOSED, actions.lab_support_withdraw, actor=c.anna, question=question)
    assert list(LabSupport.objects.filter(question=question).values_list("user", flat=True)) == [
        c.anna.pk
    ]


def test_only_a_published_lab_of_the_host_takes_a_question(labs: Labs) -> None:
    c, question = labs.c, labs.gilles_question
    select = actions.lab_question_select
    workshop = make_lab(c, kind=EventKind.WORKSHOP, title="Workshop")
    draft = make_lab(c, publish=False, title="Draft lab")
    collective_lab = make_event(c, kind=EventKind.SOLUTION_LAB, title="Brewery lab")
    for wrong in (workshop, draft, collective_lab, None):
        error = _refused(Code.NOT_A_LAB, select, actor=c.anna, question=question, event=wrong)
        assert error.field == "event"
    with pytest.raises(PermissionDenied):
        select(actor=c.chloe, question=question, event=labs.lab)
    open_question = labs.open_question
    _refused(Code.CALL_OPEN, select, actor=c.anna, question=open_question, event=labs.lab)
    question.refresh_from_db()
    assert question.event_id is None


def test_the_author_hears_once_per_lab_in_their_language(
    labs: Labs, django_capture_on_commit_callbacks: Any
) -> None:
    c, question = labs.c, labs.gilles_question
    with django_capture_on_commit_callbacks(execute=True):
        actions.lab_question_select(actor=c.anna, question=question, event=labs.lab)
        actions.lab_question_select(actor=c.anna, question=question, event=labs.lab)
    told = Notification.objects.filter(kind=kinds.SELECTED, recipient=c.gilles)
    assert told.count() == 1
    (message,) = [m for m in mail.outbox if m.to == [c.gilles.email]]
    assert "Comment trouver une cave" in message.subject
    assert "retenue" in message.subject  # Gilles reads French
    question.refresh_from_db()
    assert (question.event, question.selected_by) == (labs.lab, c.anna)
    later = make_lab(c, days=7, title="Second lab")
    with django_capture_on_commit_callbacks(execute=True):
        actions.lab_question_select(actor=c.anna, question=question, event=later)
    assert told.count() == 2


def test_unselect_and_the_outcome_after_the_lab(labs: Labs) -> None:
    c, question = labs.c, labs.chloe_question
    record = actions.lab_outcome_record
    _refused(Code.LAB_NOT_HELD, record, actor=c.chloe, question=question, outcome="Soon")
    with pytest.raises(PermissionDenied):
        record(actor=c.bram, question=question, outcome="Not mine")
    _refused(Code.NOT_SELECTED, record, actor=c.gilles, question=labs.gilles_question,
             outcome="Nothing")  # fmt: skip
    date = labs.lab.occurrences.get()
    with time_machine.travel(date.ends_at + timedelta(minutes=5), tick=False):
        error = _refused(Code.OUTCOME_MISSING, record, actor=c.chloe, question=question,
                         outcome="  ")  # fmt: skip
        assert error.field == "outcome"
        record(actor=c.chloe, question=question, outcome="A van-sharing **calendar**.")
        record(actor=c.chloe, question=question, outcome="A shared calendar and a key box.")
    question.refresh_from_db()
    assert question.outcome == "A shared calendar and a key box."
    _refused(Code.OUTCOME_GIVEN, actions.lab_question_unselect, actor=c.anna, question=question)
    gilles = labs.gilles_question
    actions.lab_question_select(actor=c.anna, question=gilles, event=labs.lab)
    actions.lab_question_unselect(actor=c.anna, question=gilles)
    gilles.refresh_from_db()
    assert (gilles.event, gilles.selected_at) == (None, None)
    _refused(Code.NOT_SELECTED, actions.lab_question_unselect, actor=c.anna, question=gilles)


def test_a_cancelled_lab_was_not_held(labs: Labs) -> None:
    c, question = labs.c, labs.chloe_question
    event_actions.event_cancel(actor=c.anna, event=labs.lab, reason="Ill")
    date = labs.lab.occurrences.get()
    with time_machine.travel(date.ends_at + timedelta(days=1), tick=False):
        _refused(Code.LAB_NOT_HELD, actions.lab_outcome_record, actor=c.chloe,
                 question=question, outcome="Nothing")  # fmt: skip


def test_questions_of_a_member_who_left_stay(labs: Labs) -> None:
    c = labs.c
    kept = ask(c.chloe, labs.open_call, "Another question")
    assert actions.labs_erase(actor=c.chloe) == 1  # her support of Gilles's question
    kept.refresh_from_db()
    assert kept.author is None
    assert kept.author_name == "Former member"
    assert not LabSupport.objects.filter(user=c.chloe).exists()
