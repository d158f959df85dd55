"""What decisions holds about a person, for their data export and erasure
(docs/privacy.md, discovered by samen.accounts.privacy).

The export has the polls and surveys they started, every stance they took (changed ones
too, with their choices, reasons and written survey answers) and the outcomes they wrote.
Erasure keeps every count: their stances stay and show "Former member" (the participant is
set to nobody), as do their polls and outcomes. Nothing here is an accounting record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.decisions.models import NamedPerson, Outcome, Poll, Stance

if TYPE_CHECKING:
    from samen.accounts.models import User


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    stances = (
        Stance.objects.filter(participant=user)
        .select_related("poll")
        .prefetch_related("choices__option")
        .order_by("created_at", "pk")
    )
    return {
        "polls": [
            {"id": p.pk, "title": p.title, "kind": p.kind, "opened_at": _when(p.opened_at)}
            for p in Poll.objects.filter(author=user).order_by("pk")
        ],
        "stances": [
            {
                "poll": s.poll.title,
                "latest": s.latest,
                "reason": s.reason,
                "choices": [
                    {"option": c.option.display, "score": c.score, "text": c.text}
                    for c in s.choices.all()
                ],
                "created_at": _when(s.created_at),
            }
            for s in stances
        ],
        "named": [
            {"poll": n.poll.title, "role": n.role}
            for n in NamedPerson.objects.filter(person=user).select_related("poll").order_by("pk")
        ],
        "outcomes": [
            {"poll": o.poll.title, "statement": o.statement, "created_at": _when(o.created_at)}
            for o in Outcome.objects.filter(author=user).select_related("poll").order_by("pk")
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    """Stances, polls and outcomes stay, without the name: the counts do not change."""
    Stance.objects.filter(participant=user).update(participant=None)
    Poll.objects.filter(author=user).update(author=None)
    Outcome.objects.filter(author=user).update(author=None)
    NamedPerson.objects.filter(person=user).update(person=None)
