"""Reads for the knowledge pages and API: the pipeline and its figures, the library and its
search, newsletter recipients and figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language

from samen.accounts.models import Skill
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveMembership,
    Host,
    HostMembership,
    Tag,
)
from samen.conversations.models import Owner, owner_fields
from samen.knowledge.models import (
    PIPELINE,
    Audience,
    Concept,
    ConceptNote,
    ConceptSession,
    ConceptVisibility,
    DeliveryStatus,
    ItemStatus,
    LibraryItem,
    MentoringApplication,
    MentoringPair,
    MentoringRole,
    MentoringSeason,
    NewsletterDelivery,
    NewsletterIssue,
    Offer,
    OfferStatus,
    Organisation,
    PairStatus,
    SeasonStatus,
    Segment,
    Stage,
    StageChange,
    Subscription,
    SubscriptionStatus,
)

STALE_AFTER = timedelta(days=90)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def in_host_community(user: Any, host: Host) -> bool:
    """A member of the host or of one of its collectives (any role). Cached per user."""
    if not _signed_in(user):
        return False
    cache: dict[int, bool] = user.__dict__.setdefault("_knowledge_community", {})
    if host.pk not in cache:
        cache[host.pk] = (
            HostMembership.objects.filter(user=user, host=host).exists()
            or CollectiveMembership.objects.filter(user=user, collective__host=host).exists()
        )
    return cache[host.pk]


# --- concepts -------------------------------------------------------------------------------


def concept_rows() -> QuerySet[Concept]:
    return Concept.objects.select_related("host", "collective").prefetch_related(
        "owners", "coaches", "needs_skills", "organisations__people"
    )


def owning_people(concept: Concept) -> list[Any]:
    """Everyone with an owner's rights on ``concept``: its own owners, then the people
    acting for the organisations that own it, each once."""
    people = {u.pk: u for u in concept.owners.all()}
    for organisation in concept.organisations.all():
        for person in organisation.people.all():
            people.setdefault(person.pk, person)
    return list(people.values())


def organisation_rows() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("host").prefetch_related("people")


def host_organisations(host: Host) -> QuerySet[Organisation]:
    """The organisations of the host's network, by name."""
    return organisation_rows().filter(host=host).order_by("name", "id")


def organisations_for(user: Any, host: Host) -> QuerySet[Organisation]:
    """The organisations ``user`` may name as a concept's owner: those they act for (the
    host's editors: all of the host's)."""
    from samen.knowledge.access import is_editor

    rows = host_organisations(host)
    if is_editor(user, host):
        return rows
    if not _signed_in(user):
        return rows.none()
    return rows.filter(people=user)


def organisation_concepts(user: Any, organisation: Organisation) -> QuerySet[Concept]:
    """The concepts ``organisation`` owns that ``user`` may see."""
    return visible_concepts(user, organisation.host).filter(organisations=organisation)


def visible_concepts(user: Any, host: Host) -> QuerySet[Concept]:
    """The host's concepts ``user`` may see, with what the board shows."""
    from samen.knowledge.access import is_editor

    qs = concept_rows().filter(host=host)
    if is_editor(user, host):
        return qs
    allowed = Q(visibility=ConceptVisibility.PUBLIC)
    if in_host_community(user, host):
        allowed |= Q(visibility=ConceptVisibility.COMMUNITY)
    if _signed_in(user):
        allowed |= Q(owners=user) | Q(coaches=user) | Q(organisations__people=user)
    ids = Concept.objects.filter(allowed, host=host).values("pk")
    return qs.filter(pk__in=ids)


@dataclass
class Column:
    stage: Stage
    concepts: list[Concept]


def pipeline_board(user: Any, host: Host) -> list[Column]:
    """One column per stage (the pipeline's order, then "stopped") with the concepts
    ``user`` may see."""
    by_stage: dict[str, list[Concept]] = {stage: [] for stage in Stage.values}
    for concept in visible_concepts(user, host).annotate(last_session=Max("sessions__date")):
        by_stage[concept.stage].append(concept)
    return [Column(stage=Stage(s), concepts=by_stage[s]) for s in [*PIPELINE, Stage.STOPPED]]


@dataclass
class StageFigure:
    stage: Stage
    count: int
    percent: int
    average_days: int | None


@dataclass
class PipelineFigures:
    stages: list[StageFigure]
    stale: Sequence[Concept]
    unmet_skills: list[Skill]


def pipeline_figures(host: Host, *, now: datetime | None = None) -> PipelineFigures:
    """What the host sees of its whole pipeline: how many concepts per stage (the funnel),
    how long they have stayed in their stage on average, the active concepts with no session
    in 90 days, and the skills concepts need that no member of the community offers."""
    now = now or timezone.now()
    counts = dict(
        Concept.objects.filter(host=host).values_list("stage").annotate(n=Count("pk")).order_by()
    )
    largest = max(counts.values(), default=0)
    figures = []
    for stage in [*PIPELINE, Stage.STOPPED]:
        stays = [
            (left - entered).days
            for entered, left in _stays(host, stage, now)  # finished and current stays
        ]
        figures.append(
            StageFigure(
                stage=Stage(stage),
                count=counts.get(stage, 0),
                percent=round(100 * counts.get(stage, 0) / largest) if largest else 0,
                average_days=round(sum(stays) / len(stays)) if stays else None,
            )
        )
    stale = list(
        Concept.objects.filter(host=host, created_at__lt=now - STALE_AFTER)
        .exclude(stage=Stage.STOPPED)
        .annotate(last_session=Max("sessions__date"))
        .filter(
            Q(last_session__isnull=True) | Q(last_session__lt=timezone.localdate(now - STALE_AFTER))
        )
        .order_by("title")
    )
    return PipelineFigures(stages=figures, stale=stale, unmet_skills=unmet_skills(host))


def _stays(host: Host, stage: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """(entered, left) for every stay of a concept of ``host`` in ``stage``; a stay that goes
    on ends ``now``. Read from the stage history in one query."""
    changes = (
        StageChange.objects.filter(concept__host=host)
        .order_by("concept_id", "created_at", "id")
        .values_list("concept_id", "to_stage", "created_at")
    )
    stays: list[tuple[datetime, datetime]] = []
    entered: dict[int, datetime] = {}
    for concept_id, to_stage, at in changes:
        if concept_id in entered:
            stays.append((entered.pop(concept_id), at))
        if to_stage == stage:
            entered[concept_id] = at
    stays.extend((start, now) for start in entered.values())
    return stays


def unmet_skills(host: Host) -> list[Skill]:
    """Skills that active concepts of ``host`` need and no member of its community has on
    their profile."""
    members_with_skill = Q(profile__skills=OuterRef("pk")) & (
        Q(hostmembership__host=host) | Q(collectivemembership__collective__host=host)
    )
    from samen.accounts.models import User

    return list(
        Skill.objects.filter(
            pk__in=Concept.objects.filter(host=host)
            .exclude(stage=Stage.STOPPED)
            .values("needs_skills")
        )
        .exclude(Exists(User.objects.filter(members_with_skill)))
        .order_by("name")
    )


def concept_history(concept: Concept) -> QuerySet[StageChange]:
    return concept.stage_changes.select_related("actor")


def concept_sessions(concept: Concept) -> QuerySet[ConceptSession]:
    return concept.sessions.select_related("event", "delivery__service")


def host_events(host: Host) -> QuerySet[Any]:
    """The published events of the host and its collectives, newest first: what a session
    of one of its concepts may have been held at."""
    from samen.events.models import Event, EventStatus

    return (
        Event.objects.filter(Q(host=host) | Q(collective__host=host))
        .exclude(status=EventStatus.DRAFT)
        .order_by("-id")
    )


def concept_deliveries(concept: Concept) -> QuerySet[Any]:
    """The credits deliveries of the host's scheme given or received by one of the
    concept's owners or coaches, newest first: what may have paid for one of its
    sessions."""
    from samen.credits.models import Delivery

    people = [u.pk for u in owning_people(concept)] + [u.pk for u in concept.coaches.all()]
    return (
        Delivery.objects.filter(scheme__host_id=concept.host_id)
        .filter(Q(provider_id__in=people) | Q(recipient_id__in=people))
        .select_related("service", "provider", "recipient")
        .order_by("-date", "-id")
    )


def concept_notes(concept: Concept) -> QuerySet[ConceptNote]:
    return concept.notes.select_related("author")


def concepts_needing_help(host: Host) -> QuerySet[Concept]:
    """Public, active concepts that ask for something: what a newsletter lists."""
    return (
        concept_rows()
        .filter(host=host, visibility=ConceptVisibility.PUBLIC)
        .exclude(stage=Stage.STOPPED)
        .filter(
            Q(needs_money=True)
            | Q(needs_contacts=True)
            | Q(needs_space=True)
            | Q(needs_skills__isnull=False)
        )
        .distinct()
    )


def community_people(host: Host) -> QuerySet[Any]:
    """Who may be made a coach or an owner: the host's community."""
    from samen.accounts.models import User

    return (
        User.objects.filter(
            Q(hostmembership__host=host) | Q(collectivemembership__collective__host=host),
            is_active=True,
        )
        .distinct()
        .order_by("display_name", "id")
    )


# --- the library ----------------------------------------------------------------------------


def item_rows() -> QuerySet[LibraryItem]:
    return LibraryItem.objects.select_related("host").prefetch_related("authors", "tags")


def _audiences(user: Any, host: Host) -> list[str]:
    audiences = [Audience.PUBLIC.value]
    if _signed_in(user):
        audiences.append(Audience.NETWORK.value)
    if in_host_community(user, host):
        audiences.append(Audience.COMMUNITY.value)
    return audiences


def library(
    user: Any, host: Host, *, text: str = "", tag: str = "", kind: str = "", language: str = ""
) -> QuerySet[LibraryItem]:
    """The published items of ``host`` that ``user`` may read, filtered by tag, kind and
    language and, with ``text``, searched in each item's own language (PostgreSQL's
    full-text search with the Dutch, French or English dictionary; word by word elsewhere)."""
    qs = item_rows().filter(
        host=host, status=ItemStatus.PUBLISHED, audience__in=_audiences(user, host)
    )
    if tag:
        qs = qs.filter(tags__slug=tag.strip().lower())
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language=language)
    words = text.split()[:8]
    if not words:
        return qs.order_by("-published_at", "-id")
    if connection.vendor == "postgresql":
        return _search_postgres(qs, " ".join(words))
    for word in words:
        qs = qs.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return qs.order_by("-published_at", "-id")


def _search_postgres(qs: QuerySet[LibraryItem], text: str) -> QuerySet[LibraryItem]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = Case(
        When(language="nl", then=Value("dutch")),
        When(language="fr", then=Value("french")),
        default=Value("english"),
    )
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    query = SearchQuery(text, search_type="websearch", config=config)
    return (
        qs.annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .order_by("-rank", "-published_at")
    )


def review_queue(host: Host) -> QuerySet[LibraryItem]:
    return item_rows().filter(host=host, status=ItemStatus.REVIEW).order_by("updated_at", "id")


def my_items(user: Any, host: Host) -> QuerySet[LibraryItem]:
    """The author's own items that are not published (drafts, in review, sent back)."""
    if not _signed_in(user):
        return LibraryItem.objects.none()
    return (
        item_rows()
        .filter(host=host, authors=user)
        .exclude(status=ItemStatus.PUBLISHED)
        .order_by("-updated_at")
    )


def related_items(user: Any, concept: Concept, limit: int = 5) -> list[LibraryItem]:
    """Published items of the concept's host whose tags name a skill the concept needs."""
    return _tagged(user, concept.host, _skill_names(concept.needs_skills.all()), limit)


def _skill_names(skills: Any) -> list[str]:
    # Every name of each skill, so a tag in Dutch or French finds it too.
    return [name.lower() for skill in skills for name in skill.names()]


def _tagged(user: Any, host: Host, names: list[str], limit: int) -> list[LibraryItem]:
    """Published items of ``host`` for ``user`` with a tag named (or slugged) as one of
    ``names``."""
    if not names:
        return []
    return list(
        library(user, host)
        .annotate(lname=Lower("tags__name"))
        .filter(Q(lname__in=names) | Q(tags__slug__in=names))
        .distinct()[:limit]
    )


def related_to_request(user: Any, help_request: Any, limit: int = 5) -> list[LibraryItem]:
    """Items of the request's host whose tags name a skill it asks for: on the request's
    page, beside the people who offer those skills."""
    return _tagged(user, help_request.scheme.host, _skill_names(help_request.skills.all()), limit)


def related_to_event(user: Any, event: Any, limit: int = 5) -> list[LibraryItem]:
    """Items of the event's host whose tags are those of the collective holding it, or of
    the event's kind (a workshop, a Solution Lab, a webinar: in any of the three names)."""
    collective = event.collective
    host = event.host or (collective.host if collective is not None else None)
    if host is None:
        return []
    names = [tag.name.lower() for tag in collective.tags.all()] if collective else []
    names += [str(event.get_kind_display()).lower(), event.kind.replace("_", "-")]
    return _tagged(user, host, names, limit)


def upcoming_events(owner: Owner, limit: int = 5) -> list[Any]:
    """The next dates of the public, published events of ``owner`` (a host's: its own and
    its collectives'), soonest first: what a newsletter lists."""
    from samen.events.models import EventStatus, EventVisibility, Occurrence

    if isinstance(owner, Host):
        whose = Q(event__host=owner) | Q(event__collective__host=owner)
    else:
        whose = Q(**{f"event__{key}": value for key, value in owner_fields(owner).items()})
    return list(
        Occurrence.objects.filter(
            whose,
            event__status=EventStatus.PUBLISHED,
            event__visibility=EventVisibility.PUBLIC,
            ends_at__gte=timezone.now(),
            cancelled_at__isnull=True,
        )
        .select_related("event")
        .order_by("starts_at", "id")[:limit]
    )


def recent_items(host: Host, limit: int = 5) -> QuerySet[LibraryItem]:
    """Newest public items: what a newsletter lists."""
    return library(None, host)[:limit]


# --- the newsletter -------------------------------------------------------------------------


def _member_emails(issue: NewsletterIssue) -> QuerySet[Any]:
    """The lower-cased addresses of the members of the issue's community (a host's: its
    own members and those of its collectives; a chapter's: its members)."""
    if issue.host_id is not None:
        people = Q(
            pk__in=HostMembership.objects.filter(host_id=issue.host_id).values("user_id")
        ) | Q(
            pk__in=CollectiveMembership.objects.filter(collective__host_id=issue.host_id).values(
                "user_id"
            )
        )
    elif issue.collective_id is not None:
        people = Q(
            pk__in=CollectiveMembership.objects.filter(collective_id=issue.collective_id).values(
                "user_id"
            )
        )
    else:
        people = Q(
            pk__in=Chapter.members.through.objects.filter(chapter=issue.chapter).values("user_id")
        )
    users = get_user_model().objects.filter(people, is_active=True)
    return users.annotate(address=Lower("email")).values("address")


def _following(through: Any, **target: Any) -> Exists:
    return Exists(through.objects.filter(subscription_id=OuterRef("pk"), **target))


def _chapter_segment(chapter_id: int) -> Q:
    """A chapter's segment: those who chose the chapter, and the chapter's own members."""
    members = get_user_model().objects.filter(
        pk__in=Chapter.members.through.objects.filter(chapter_id=chapter_id).values("user_id"),
        is_active=True,
    )
    return Q(_following(Subscription.chapters.through, chapter_id=chapter_id)) | Q(
        email__in=members.annotate(address=Lower("email")).values("address")
    )


def newsletter_topics(owner: Owner) -> QuerySet[Tag]:
    """The topics a reader of ``owner``'s newsletter may follow: the tags of its host's
    published library items and of its host's collectives (a chapter's: of every
    published item)."""
    host = owner if isinstance(owner, Host) else getattr(owner, "host", None)
    items = LibraryItem.objects.filter(status=ItemStatus.PUBLISHED)
    collectives = Collective.objects.all()
    if host is not None:
        items, collectives = items.filter(host=host), collectives.filter(host=host)
    in_use = Q(pk__in=items.values("tags")) | Q(pk__in=collectives.values("tags"))
    return Tag.objects.filter(in_use).order_by("name")


def newsletter_chapters(owner: Owner) -> QuerySet[Chapter]:
    """The chapters a reader of a host's newsletter may follow (a collective's or a
    chapter's newsletter has none to choose)."""
    if not isinstance(owner, Host):
        return Chapter.objects.none()
    return Chapter.objects.order_by("name")


def pending_recipients(issue: NewsletterIssue) -> QuerySet[Subscription]:
    """Confirmed subscriptions of the issue's community, in its segment, that it has not
    been sent to yet."""
    rows = Subscription.objects.filter(
        status=SubscriptionStatus.CONFIRMED, **owner_fields(issue.owner)
    )
    if issue.segment == Segment.COMMUNITY:
        rows = rows.filter(email__in=_member_emails(issue))
    elif issue.segment == Segment.LANGUAGE:
        rows = rows.filter(language=issue.segment_language)
    elif issue.segment == Segment.TAG:
        rows = rows.filter(_following(Subscription.tags.through, tag_id=issue.segment_tag_id))
    elif issue.segment == Segment.CHAPTER:
        rows = rows.filter(_chapter_segment(issue.segment_chapter_id or 0))
    return rows.exclude(
        Exists(NewsletterDelivery.objects.filter(issue=issue, subscription=OuterRef("pk")))
    ).order_by("pk")


def issues_of(owner: Owner) -> QuerySet[NewsletterIssue]:
    return NewsletterIssue.objects.filter(**owner_fields(owner)).order_by("-created_at", "-id")


def subscriber_count(owner: Owner) -> int:
    return Subscription.objects.filter(
        status=SubscriptionStatus.CONFIRMED, **owner_fields(owner)
    ).count()


def issue_figures(issue: NewsletterIssue) -> dict[str, int]:
    """Sent, delivered, bounced and unsubscribed (addresses it reached that unsubscribed
    since): no tracking pixels, only what the mail provider and the links tell."""
    rows = NewsletterDelivery.objects.filter(issue=issue)
    figures = rows.aggregate(
        sent=Count("pk"),
        bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
        unsubscribed=Count(
            "pk",
            filter=Q(
                subscription__status=SubscriptionStatus.UNSUBSCRIBED,
                subscription__stopped_at__gte=issue.sent_at or timezone.now(),
            ),
        ),
    )
    figures["delivered"] = figures["sent"] - figures["bounced"]
    return figures


def due_issues(now: datetime) -> QuerySet[NewsletterIssue]:
    from samen.knowledge.models import IssueStatus

    return NewsletterIssue.objects.filter(status=IssueStatus.SCHEDULED, scheduled_for__lte=now)


# --- offers ---------------------------------------------------------------------------------


def offer_rows() -> QuerySet[Offer]:
    return Offer.objects.select_related("host", "person").prefetch_related("skills")


def open_offers(host: Host, *, skill: str = "") -> QuerySet[Offer]:
    """The host's open offers, newest first, optionally of one skill (by any of its names,
    in any language, as the shared skills list finds it)."""
    from samen.accounts.queries import skill_ids_named

    rows = offer_rows().filter(host=host, status=OfferStatus.OPEN)
    if skill:
        rows = rows.filter(skills__in=skill_ids_named([skill])).distinct()
    return rows.order_by("-created_at", "-id")


def offers_for_request(help_request: Any) -> QuerySet[Offer]:
    """ "People who offer what you asked for": open offers in the request's host whose skills
    meet the skills it wants, most shared first (the requester's own left out)."""
    wanted = help_request.skills.values("pk")
    return (
        offer_rows()
        .filter(host_id=help_request.scheme.host_id, status=OfferStatus.OPEN, skills__in=wanted)
        .exclude(person_id=help_request.requester_id)
        .annotate(shared=Count("skills", distinct=True))
        .order_by("-shared", "-created_at", "-id")
    )


def requests_for_offer(offer: Offer) -> QuerySet[Any]:
    """The other way round: open requests of the offer's host that want the offer's skills,
    most shared first (the offerer's own left out)."""
    from samen.credits.models import HelpRequest, RequestStatus

    return (
        HelpRequest.objects.filter(
            scheme__host_id=offer.host_id,
            status=RequestStatus.OPEN,
            skills__in=offer.skills.values("pk"),
        )
        .exclude(requester_id=offer.person_id)
        .annotate(shared=Count("skills", distinct=True))
        .select_related("requester")
        .order_by("-shared", "-created_at", "-id")
    )


# --- mentoring ------------------------------------------------------------------------------


def match_score(mentor: MentoringApplication, mentee: MentoringApplication) -> int:
    """Why a pair fits: 4 points per shared skill, 2 for the same language, 1 for the same
    city (a shared skill outweighs both)."""
    mentor_skills = {s.pk for s in mentor.skills.all()}
    mentee_skills = {s.pk for s in mentee.skills.all()}
    score = 4 * len(mentor_skills & mentee_skills)
    score += 2 if mentor.language == mentee.language else 0
    same_city = mentor.city and mentor.city.casefold() == mentee.city.casefold()
    return score + (1 if same_city else 0)


def proposed_pairs(season: MentoringSeason) -> list[tuple[int, int, int]]:
    """(mentor id, mentee id, score) for each mentee without a confirmed pair: the best
    pairs first, each mentor and mentee at most once (a greedy matching: good enough for a
    season of a few dozen people, and the organisers confirm or change each pair)."""
    applications = list(season.applications.prefetch_related("skills"))
    paired = set(
        season.pairs.filter(status=PairStatus.CONFIRMED).values_list("mentee_id", "mentor_id")
    )
    busy_mentees = {mentee for mentee, _mentor in paired}
    busy_mentors = {mentor for _mentee, mentor in paired}
    mentors = [a for a in applications if a.role == MentoringRole.MENTOR]
    mentees = [a for a in applications if a.role == MentoringRole.MENTEE]
    candidates = sorted(
        (
            (match_score(mentor, mentee), mentor.person_id, mentee.person_id)
            for mentor in mentors
            for mentee in mentees
            if mentor.person_id != mentee.person_id
            and mentee.person_id not in busy_mentees
            and mentor.person_id not in busy_mentors
        ),
        key=lambda row: (-row[0], row[1], row[2]),
    )
    pairs = []
    for score, mentor_id, mentee_id in candidates:
        if mentor_id in busy_mentors or mentee_id in busy_mentees:
            continue
        busy_mentors.add(mentor_id)
        busy_mentees.add(mentee_id)
        pairs.append((mentor_id, mentee_id, score))
    return pairs


def seasons_of(host: Host) -> QuerySet[MentoringSeason]:
    return MentoringSeason.objects.filter(host=host).select_related("collective")


def open_seasons(host: Host) -> QuerySet[MentoringSeason]:
    """The host's seasons taking applications: the pick-list of the application form."""
    return seasons_of(host).filter(status=SeasonStatus.OPEN)


def season_applications(season: MentoringSeason) -> QuerySet[MentoringApplication]:
    return season.applications.select_related("person").prefetch_related("skills")


def applicants(season: MentoringSeason, role: str) -> QuerySet[Any]:
    """The people who applied to ``season`` as ``role``: a pick-list of the pair form."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=season.applications.filter(role=role).values("person_id"), is_active=True
        )
        .order_by("display_name", "id")
    )


def season_pairs(season: MentoringSeason) -> QuerySet[MentoringPair]:
    return season.pairs.select_related("mentor", "mentee").prefetch_related("checkins", "feedback")


def rate_card_services(host: Host, *, peer: bool) -> list[tuple[str, str]]:
    """The services of the host's rate card in force today, as (code, name) pairs for a
    pick-list: those a member gives another member (``peer``, for offers), or those the
    host pays its members for (an article, a case: for library items). None when the host
    runs no credit scheme."""
    from samen.credits.models import CreditScheme, Direction
    from samen.credits.queries import current_rate_card, services_of

    scheme = CreditScheme.objects.filter(host=host).first()
    if scheme is None:
        return []
    language = get_language()
    return [
        (service.code, service.name_in(language))
        for service in services_of(current_rate_card(scheme))
        if service.is_peer == peer and (peer or service.direction == Direction.EARNS)
    ]
