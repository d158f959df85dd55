"""Feedback after a session: ratings and a comment, changeable for 14 days."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.events import access
from samen.events.actions._common import MAX_FEEDBACK
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    FEEDBACK_CHANGE_WINDOW,
    Feedback,
    Occurrence,
    Registration,
    RegistrationStatus,
)


def _clean_rating(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise EventError(Code.BAD_RATING, field=field)
    return value


@transaction.atomic
def feedback_give(
    *,
    actor: Any,
    occurrence: Occurrence,
    rating: int,
    text: str = "",
    prepared: int | None = None,
    anonymous: bool = False,
) -> Feedback:
    """An attendee rates a session from its start on: how useful it was (1-5), how well
    the coach or organiser was prepared (1-5), a comment, optionally anonymous to the
    organisers. One answer per person, which they may change for 14 days."""
    access.require(access.signed_in(actor))
    attended = Registration.objects.filter(
        occurrence=occurrence, user=actor, status=RegistrationStatus.ATTENDED
    ).exists()
    if not attended:
        raise EventError(Code.NOT_ATTENDED)
    if timezone.now() < occurrence.starts_at:
        raise EventError(Code.TOO_EARLY)
    values = {
        "rating": _clean_rating(rating, "rating"),
        "prepared": None if prepared is None else _clean_rating(prepared, "prepared"),
        "text": (text or "").replace("\x00", "").strip()[:MAX_FEEDBACK],
        "anonymous": bool(anonymous),
    }
    given = Feedback.objects.select_for_update().filter(occurrence=occurrence, user=actor).first()
    if given is not None:
        if timezone.now() - given.created_at > FEEDBACK_CHANGE_WINDOW:
            raise EventError(Code.FEEDBACK_CLOSED)
        for name, value in values.items():
            setattr(given, name, value)
        given.save(update_fields=[*values, "updated_at"])
        audit_record(actor=actor, action="events.feedback.change", target=occurrence,
                     host=host_of(occurrence.event.owner))  # fmt: skip
        return given
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(occurrence=occurrence, user=actor, **values)
    except IntegrityError:  # the same person twice at once: the other one counted
        raise EventError(Code.FEEDBACK_GIVEN) from None
    audit_record(actor=actor, action="events.feedback.give", target=occurrence,
                 host=host_of(occurrence.event.owner))  # fmt: skip
    return feedback
