"""What the knowledge app holds about a person, for their data export and erasure
(docs/privacy.md, discovered by samen.accounts.privacy).

The export has the concepts they own or coach (with their own notes), the organisations
they act for, their library items,
their offers and what they asked for, their mentoring applications, pairs, check-ins and
feedback, and the newsletter subscriptions of their account's address. Erasure takes them off every
concept: a co-owned concept stays with its other owners, a concept they alone owned is
deleted with its history and notes. Their library items stay (published knowledge belongs
to the network) without their name; their subscriptions and notes' authorship go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from samen.knowledge.models import (
    CheckIn,
    Concept,
    ConceptMilestone,
    ConceptNote,
    ConceptSession,
    LibraryItem,
    MentoringApplication,
    MentoringFeedback,
    MentoringPair,
    Offer,
    OfferTake,
    Organisation,
    StageChange,
    Subscription,
)

if TYPE_CHECKING:
    from samen.accounts.models import User


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    return {
        "concepts_owned": [
            {"id": c.pk, "title": c.title, "stage": c.stage, "pitch": c.pitch}
            for c in Concept.objects.filter(owners=user).order_by("pk")
        ],
        "organisations_acting_for": [
            {
                "id": o.pk,
                "name": o.name,
                "website": o.website,
                "vat_number": o.vat_number,
                "concepts_owned": [c.pk for c in o.concepts.order_by("pk")],
            }
            for o in Organisation.objects.filter(people=user).order_by("pk")
        ],
        "concepts_coached": [
            {"id": c.pk, "title": c.title}
            for c in Concept.objects.filter(coaches=user).order_by("pk")
        ],
        "concept_milestones_set": [
            {
                "concept": m.concept_id,
                "title": m.title,
                "due_on": _when(m.due_on),
                "reached_on": _when(m.reached_on),
            }
            for m in ConceptMilestone.objects.filter(created_by=user).order_by("pk")
        ],
        "coaching_notes": [
            {"concept": n.concept_id, "body": n.body, "created_at": _when(n.created_at)}
            for n in ConceptNote.objects.filter(author=user).order_by("pk")
        ],
        "library_items": [
            {
                "id": i.pk,
                "title": i.title,
                "status": i.status,
                "created_at": _when(i.created_at),
                "file": {"name": i.file_name, "type": i.file_type, "size": i.file_size}
                if i.file
                else None,
            }
            for i in LibraryItem.objects.filter(authors=user).order_by("pk")
        ],
        **_offers_and_mentoring(user),
        "newsletter_subscriptions": [
            {
                "email": s.email,
                "status": s.status,
                "created_at": _when(s.created_at),
                "topics": [tag.name for tag in s.tags.all()],
                "chapters": [chapter.name for chapter in s.chapters.all()],
            }
            for s in Subscription.objects.filter(email=user.email.lower())
            .prefetch_related("tags", "chapters")
            .order_by("pk")
        ],
    }


def _offers_and_mentoring(user: User) -> dict[str, Any]:
    return {
        "offers": [
            {"id": o.pk, "title": o.title, "status": o.status, "availability": o.availability}
            for o in Offer.objects.filter(person=user).order_by("pk")
        ],
        "offers_asked_for": [
            {"offer": t.offer_id, "message": t.message, "created_at": _when(t.created_at)}
            for t in OfferTake.objects.filter(person=user).order_by("pk")
        ],
        "mentoring_applications": [
            {"season": a.season_id, "role": a.role, "goals": a.goals, "city": a.city}
            for a in MentoringApplication.objects.filter(person=user).order_by("pk")
        ],
        "mentoring_pairs": [
            {"season": p.season_id, "mentor": p.mentor_id == user.pk, "status": p.status}
            for p in MentoringPair.objects.filter(Q(mentor=user) | Q(mentee=user)).order_by("pk")
        ],
        "mentoring_checkins": [
            {"pair": c.pair_id, "month": _when(c.month), "progress": c.progress, "hours": c.hours}
            for c in CheckIn.objects.filter(author=user).order_by("pk")
        ],
        "mentoring_feedback": [
            {"pair": f.pair_id, "rating": f.rating, "text": f.text}
            for f in MentoringFeedback.objects.filter(author=user).order_by("pk")
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    owned = list(Concept.objects.filter(owners=user).values_list("pk", flat=True))
    # Counted apart from the filter on the person: a join on both would count only them. A
    # concept an organisation owns too stays with it.
    sole = (
        Concept.objects.filter(pk__in=owned)
        .annotate(n=Count("owners", distinct=True), orgs=Count("organisations", distinct=True))
        .filter(n=1, orgs=0)
    )
    Concept.objects.filter(pk__in=list(sole.values_list("pk", flat=True))).delete()
    for concept in Concept.objects.filter(owners=user):
        concept.owners.remove(user)
    for concept in Concept.objects.filter(coaches=user):
        concept.coaches.remove(user)
    # They stop acting for every organisation; one they alone acted for stays (its name is
    # an organisation's, not theirs) and a host's editor names its next people.
    user.knowledge_organisations.clear()
    Organisation.objects.filter(created_by=user).update(created_by=None)
    for item in LibraryItem.objects.filter(authors=user):
        item.authors.remove(user)
    ConceptNote.objects.filter(author=user).update(author=None)
    StageChange.objects.filter(actor=user).update(actor=None)
    ConceptMilestone.objects.filter(created_by=user).update(created_by=None)
    ConceptSession.objects.filter(recorded_by=user).update(recorded_by=None)
    Subscription.objects.filter(email=user.email.lower()).delete()
    # Offers, requests for them and mentoring records are the person's own: they go (a
    # pair goes with either of its people; the credits its hours earned stay in the
    # credits app, which keeps deliveries for the books).
    Offer.objects.filter(person=user).delete()
    OfferTake.objects.filter(person=user).delete()
    MentoringPair.objects.filter(mentor=user).delete()
    MentoringPair.objects.filter(mentee=user).delete()
    MentoringApplication.objects.filter(person=user).delete()
