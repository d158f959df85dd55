"""Who may see and change concepts, library items and newsletters: the one place that decides.

A concept's or item's ``access_*`` answers Http404 when the person may not see it (a private
concept, an item in review) and PermissionDenied when they see it but lack the ``need``.
Coaching notes are for the concept's owners and coaches only: not even a host admin reads
them without being a coach.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samen.communities import access as community_access
from samen.communities.models import Host
from samen.communities.queries import is_host_admin
from samen.conversations.models import Owner
from samen.knowledge import queries
from samen.knowledge.models import (
    Audience,
    Concept,
    ConceptMilestone,
    ConceptVisibility,
    ItemStatus,
    LibraryItem,
    MentoringPair,
    MentoringSeason,
    NewsletterIssue,
    Offer,
    OfferStatus,
    Organisation,
)


class Need(models.TextChoices):
    VIEW = "view", _("see")
    EDIT = "edit", _("change")
    MOVE = "move", _("move to another stage")
    NOTES = "notes", _("read and write coaching notes")
    COACH = "coach", _("assign coaches")
    REVIEW = "review", _("review")


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _superuser(user: Any) -> bool:
    return _signed_in(user) and bool(getattr(user, "is_superuser", False))


def is_editor(user: Any, host: Host) -> bool:
    """The host's editors: its admins review library items and see the whole pipeline."""
    return _superuser(user) or is_host_admin(user, host)


def _role_ids(concept: Concept) -> tuple[set[int], set[int]]:
    """The ids of the concept's owners (its people, and those acting now for an
    organisation that owns it) and of its coaches."""
    cached = concept.__dict__.get("_role_ids")
    if cached is None:
        owners = {u.pk for u in concept.owners.all()}
        owners |= {p.pk for org in concept.organisations.all() for p in org.people.all()}
        coaches = {u.pk for u in concept.coaches.all()}
        cached = concept.__dict__["_role_ids"] = (owners, coaches)
    return cached


def is_owner(user: Any, concept: Concept) -> bool:
    return _signed_in(user) and user.pk in _role_ids(concept)[0]


def is_coach(user: Any, concept: Concept) -> bool:
    return _signed_in(user) and user.pk in _role_ids(concept)[1]


def can_concept(user: Any, need: Need | str, concept: Concept) -> bool:
    """The rules, as a yes/no: see (by visibility), change (owners, host admins), move a
    stage (owners, coaches, host admins), notes (owners and coaches), coaches (host admins)."""
    need = Need(need)
    insider = is_owner(user, concept) or is_coach(user, concept)
    editor = is_editor(user, concept.host)
    if need == Need.VIEW:
        if concept.visibility == ConceptVisibility.PUBLIC or insider or editor:
            return True
        return concept.visibility == ConceptVisibility.COMMUNITY and queries.in_host_community(
            user, concept.host
        )
    if need == Need.EDIT:
        return is_owner(user, concept) or editor
    if need == Need.MOVE:
        return insider or editor
    if need == Need.NOTES:
        return insider
    if need == Need.COACH:
        return editor
    return False


def access_concept(user: Any, pk: int, need: Need | str = Need.VIEW) -> Concept:
    concept = queries.concept_rows().filter(pk=pk).first()
    if concept is None or not can_concept(user, Need.VIEW, concept):
        raise Http404
    if not can_concept(user, need, concept):
        raise PermissionDenied
    return concept


def access_milestone(user: Any, pk: int) -> ConceptMilestone:
    """A concept's milestone, to mark it reached: for those who move the concept (404 for
    whoever may not see the concept, 403 for those who see it but may not)."""
    milestone = ConceptMilestone.objects.filter(pk=pk).first()
    if milestone is None:
        raise Http404
    milestone.concept = access_concept(user, milestone.concept_id, Need.MOVE)
    return milestone


def acts_for(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` acts for ``organisation`` now (its people, prefetched or not)."""
    return _signed_in(user) and any(p.pk == user.pk for p in organisation.people.all())


def can_organisation(user: Any, need: Need | str, organisation: Organisation) -> bool:
    """See: everyone (its name, website, people and the concepts meant for the viewer).
    Change it, its people, and name it an owner of a concept: those acting for it and the
    host's editors."""
    if Need(need) == Need.VIEW:
        return True
    return acts_for(user, organisation) or is_editor(user, organisation.host)


def access_organisation(user: Any, pk: int, need: Need | str = Need.VIEW) -> Organisation:
    organisation = queries.organisation_rows().filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not can_organisation(user, need, organisation):
        raise PermissionDenied
    return organisation


def access_pipeline(user: Any, slug: str, need: Need | str = Need.VIEW) -> Host:
    """A host's pipeline board: everyone sees it (with the concepts meant for them);
    REVIEW (the figures per stage, stale concepts, unmet needs) for its editors; EDIT (add a
    concept) for its community."""
    host = community_access.access_host(user, slug)
    need = Need(need)
    if need == Need.REVIEW and not is_editor(user, host):
        raise PermissionDenied
    if need == Need.EDIT and not (queries.in_host_community(user, host) or is_editor(user, host)):
        raise PermissionDenied
    return host


def can_item(user: Any, need: Need | str, item: LibraryItem) -> bool:
    """See: a published item by its audience; otherwise its authors and the host's editors.
    Change: its authors while a draft or sent back, and the editors. Review: the editors."""
    need = Need(need)
    editor = is_editor(user, item.host)
    author = _signed_in(user) and any(a.pk == user.pk for a in item.authors.all())
    if need == Need.VIEW:
        if author or editor:
            return True
        if item.status != ItemStatus.PUBLISHED:
            return False
        if item.audience == Audience.PUBLIC:
            return True
        if item.audience == Audience.NETWORK:
            return _signed_in(user)
        return queries.in_host_community(user, item.host)
    if need == Need.EDIT:
        return editor or author
    if need == Need.REVIEW:
        return editor
    return False


def access_item(user: Any, pk: int, need: Need | str = Need.VIEW) -> LibraryItem:
    item = queries.item_rows().filter(pk=pk).first()
    if item is None or not can_item(user, Need.VIEW, item):
        raise Http404
    if not can_item(user, need, item):
        raise PermissionDenied
    return item


def access_item_file(user: Any, pk: int) -> LibraryItem:
    """An item's file, for exactly those who may see the item: while it waits for review
    or is meant for the network or the community, nobody else (404, as for the item), and
    an item without a file answers 404 too. Library files have no public URL; this is the
    only way to them."""
    item = access_item(user, pk)
    if not item.file:
        raise Http404
    return item


def access_library(user: Any, slug: str, need: Need | str = Need.VIEW) -> Host:
    """A host's library: everyone reads it; EDIT (write an item) for its community;
    REVIEW (the review queue) for its editors."""
    return access_pipeline(user, slug, need)


def access_newsletter(user: Any, kind: str, slug: str, need: Need | str = Need.VIEW) -> Owner:
    """A collective's, host's or chapter's newsletter: anyone may subscribe; EDIT (write and
    send issues, read the figures) for those who write its news."""
    owner = community_access.access_news_owner(user, kind, slug)
    if Need(need) != Need.VIEW and not community_access.can_write_news(user, owner):
        raise PermissionDenied
    return owner


def access_issue(user: Any, pk: int) -> NewsletterIssue:
    """An issue, for its community's editors only (others: 404, sent or not)."""
    issue = (
        NewsletterIssue.objects.select_related("collective__host", "host", "chapter")
        .filter(pk=pk)
        .first()
    )
    if issue is None or not community_access.can_write_news(user, issue.owner):
        raise Http404
    return issue


def access_offer(user: Any, pk: int) -> Offer:
    """An open offer is seen by everyone signed in (offers are for the network, and the
    person's name is on it); a withdrawn one by its author and the host's editors."""
    offer = queries.offer_rows().filter(pk=pk).first()
    if offer is None or not _signed_in(user):
        raise Http404
    if offer.status != OfferStatus.OPEN and not (
        user.pk == offer.person_id or is_editor(user, offer.host)
    ):
        raise Http404
    return offer


def access_season(user: Any, pk: int, need: Need | str = Need.VIEW) -> MentoringSeason:
    """A mentoring season is public; REVIEW (propose and confirm pairs) for the host's
    editors, its organisers."""
    season = MentoringSeason.objects.select_related("host", "collective").filter(pk=pk).first()
    if season is None:
        raise Http404
    if Need(need) != Need.VIEW and not is_editor(user, season.host):
        raise PermissionDenied
    return season


def access_pair(user: Any, pk: int, need: Need | str = Need.VIEW) -> MentoringPair:
    """A pair is seen by its mentor, its mentee and the organisers (404 for anyone else);
    REVIEW (confirm it) by the organisers."""
    pair = (
        MentoringPair.objects.select_related("season__host", "mentor", "mentee")
        .filter(pk=pk)
        .first()
    )
    if pair is None or not _signed_in(user):
        raise Http404
    organiser = is_editor(user, pair.season.host)
    if not organiser and user.pk not in (pair.mentor_id, pair.mentee_id):
        raise Http404
    if Need(need) == Need.REVIEW and not organiser:
        raise PermissionDenied
    return pair


def register_readers() -> None:
    """Notices about a concept or a library item stay with those who may still see it."""
    from samen.notifications.registry import register_reader

    register_reader(Concept, lambda user, concept: can_concept(user, Need.VIEW, concept))
    register_reader(LibraryItem, lambda user, item: can_item(user, Need.VIEW, item))
