"""What Solution Labs hold about a person, for the events app's data export and erasure
(samen/events/privacy.py): the questions they asked (with their outcomes) and the questions
they support. Erasure removes the supports and keeps the questions for the community,
shown as "Former member"'s, as news posts do: the lab's work and outcome answer them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.events.labs import actions
from samen.events.models import LabQuestion, LabSupport

if TYPE_CHECKING:
    from samen.accounts.models import User


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    questions = LabQuestion.objects.filter(author=user).select_related("call", "event")
    supports = LabSupport.objects.filter(user=user).select_related("question__call")
    return {
        "lab_questions": [
            {
                "call": q.call.title,
                "title": q.title,
                "context": q.context,
                "tried": q.tried,
                "asked_at": _when(q.created_at),
                "lab": q.event.title if q.event else None,
                "outcome": q.outcome,
                "outcome_at": _when(q.outcome_at),
            }
            for q in questions.order_by("created_at", "pk")
        ],
        "lab_supports": [
            {
                "call": s.question.call.title,
                "question": s.question.title,
                "supported_at": _when(s.created_at),
            }
            for s in supports.order_by("created_at", "pk")
        ],
    }


def erase_data(user: User) -> None:
    actions.labs_erase(actor=user)
