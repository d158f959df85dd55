"""The demo seed builds upcoming and past events of several kinds, with a waiting list,
check-ins, feedback and a comment, and can run twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samen.accounts import demo as accounts_demo
from samen.communities import demo as communities_demo
from samen.conversations.models import Post
from samen.events import demo
from samen.events.models import Event, Feedback, Occurrence, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent() -> None:
    accounts_demo.seed()
    communities_demo.seed()
    demo.seed()
    demo.seed()
    assert Event.objects.count() == 6  # with the Solution Lab (samen/events/labs/demo.py)
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert kinds == {"meetup", "webinar", "workshop", "solution_lab"}
    now = timezone.now()
    assert Occurrence.objects.filter(starts_at__gt=now).count() == 4
    assert Occurrence.objects.filter(ends_at__lt=now).count() == 2
    statuses = Registration.objects.filter(occurrence__event__title=demo.MARK)
    assert statuses.filter(status=RegistrationStatus.WAITING).count() == 2
    assert Registration.objects.filter(status=RegistrationStatus.ATTENDED).count() == 4
    assert Feedback.objects.count() == 4
    assert Post.objects.filter(topic__target_type__model="event").count() == 1
