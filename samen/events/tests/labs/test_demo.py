"""The demo Solution Lab: a closed call with questions and supports, the most supported
question attached to the host's lab; it can run twice."""

from __future__ import annotations

import pytest

from samen.accounts import demo as accounts_demo
from samen.communities import demo as communities_demo
from samen.events.labs import demo, queries
from samen.events.models import EventKind, LabCall, LabQuestion, LabSupport

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent() -> None:
    accounts_demo.seed()
    communities_demo.seed()
    demo.seed()
    demo.seed()
    call = LabCall.objects.get()
    assert not call.is_open()
    assert LabQuestion.objects.count() == 4
    assert LabSupport.objects.count() == 10
    (selected,) = LabQuestion.objects.filter(event__isnull=False)
    assert selected.event is not None
    assert selected.event.kind == EventKind.SOLUTION_LAB
    top = queries.call_questions(call, None).first()
    assert top == selected
