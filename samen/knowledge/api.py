"""The knowledge API: concepts and their stages, coaches and notes, the pipeline's figures,
the library and its review, newsletter subscriptions and issues.

Errors are ``{"detail", "code"}`` (docs/api.md): 401 without a person on writes (subscribing
needs none), 404 for what the caller may not see (a private concept, an item in review, an
issue of a community they do not edit), 403 ``permission_denied`` for what they see but may
not do, and the codes of ``KnowledgeErrorCode`` (422 unless said: 409 for ``same_stage``,
``already_coach``, ``not_editable``, ``not_in_review``, ``issue_sent``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.validation import render_markdown
from samen.knowledge import actions, queries
from samen.knowledge.access import (
    Need,
    access_concept,
    access_issue,
    access_item,
    access_library,
    access_newsletter,
    access_offer,
    access_pair,
    access_pipeline,
    access_season,
)
from samen.knowledge.models import (
    Concept,
    LibraryItem,
    MentoringPair,
    NewsletterIssue,
    Offer,
    OfferTake,
)

router = Router(tags=["knowledge"])

OwnerKind = Literal["collective", "host", "chapter"]
StageName = Literal["idea", "concept", "prototype", "pilot", "running", "scaling", "stopped"]
VisibilityName = Literal["public", "community", "private"]
KindName = Literal["article", "case", "template", "checklist", "link", "recording"]
AudienceName = Literal["public", "network", "community"]


class ConceptOut(Schema):
    id: int
    title: str
    pitch: str = Field(description="Markdown, as written.")
    pitch_html: str = Field(description="Rendered and sanitised.")
    stage: StageName
    stage_changed_at: datetime
    visibility: VisibilityName
    collective: str | None = Field(description="The collective's slug, if any.")
    owners: list[str] = Field(description="Public names.")
    coaches: list[str]
    needs_skills: list[str]
    needs_money: bool
    needs_contacts: bool
    needs_space: bool
    url: str

    @staticmethod
    def resolve_pitch_html(obj: Concept) -> str:
        return render_markdown(obj.pitch)

    @staticmethod
    def resolve_collective(obj: Concept) -> str | None:
        return obj.collective.slug if obj.collective else None

    @staticmethod
    def resolve_owners(obj: Concept) -> list[str]:
        return [u.public_name for u in obj.owners.all()]

    @staticmethod
    def resolve_coaches(obj: Concept) -> list[str]:
        return [u.public_name for u in obj.coaches.all()]

    @staticmethod
    def resolve_needs_skills(obj: Concept) -> list[str]:
        return [s.name for s in obj.needs_skills.all()]

    @staticmethod
    def resolve_url(obj: Concept) -> str:
        return obj.get_absolute_url()


class ConceptIn(Schema):
    title: str = Field(..., max_length=160)
    pitch: str = Field(..., max_length=5000, description="Markdown.")
    collective: str | None = Field(None, description="The slug of one of the host's collectives.")
    visibility: VisibilityName = "community"
    stage: StageName = "idea"
    needs_skills: list[str] = Field(default_factory=list, max_length=20)
    needs_money: bool = False
    needs_contacts: bool = False
    needs_space: bool = False


class MoveIn(Schema):
    stage: StageName
    reason: str = Field("", max_length=2000)


class CoachIn(Schema):
    user_id: int = Field(description="The person to add (a member of the host's community).")


class NoteIn(Schema):
    body: str = Field(..., max_length=10_000, description="Markdown.")


class NoteOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author_name)


class StageFigureOut(Schema):
    stage: StageName
    count: int
    average_days: int | None


class PipelineOut(Schema):
    stages: list[StageFigureOut]
    stale: list[int] = Field(description="Ids of active concepts with no session in 90 days.")
    unmet_skills: list[str] = Field(description="Skills needed that no member has.")


class ItemOut(Schema):
    id: int
    kind: KindName
    title: str
    summary: str
    body: str
    url: str
    language: str
    audience: AudienceName
    status: Literal["draft", "review", "published", "rejected"]
    tags: list[str]
    authors: list[str]
    published_at: datetime | None
    page: str
    file: str = Field(
        "",
        description="Where its file downloads (streamed to those who may see the item), if "
        "it has one.",
    )
    file_name: str = ""
    file_type: str = ""
    file_size: int = 0

    @staticmethod
    def resolve_file(obj: LibraryItem) -> str:
        return reverse("knowledge:item_file", args=[obj.pk]) if obj.file else ""

    @staticmethod
    def resolve_tags(obj: LibraryItem) -> list[str]:
        return [t.slug for t in obj.tags.all()]

    @staticmethod
    def resolve_authors(obj: LibraryItem) -> list[str]:
        return [u.public_name for u in obj.authors.all()]

    @staticmethod
    def resolve_page(obj: LibraryItem) -> str:
        return obj.get_absolute_url()


class ItemIn(Schema):
    kind: KindName
    title: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=1000)
    body: str = Field("", max_length=50_000, description="Markdown.")
    url: str = Field("", max_length=200)
    language: Literal["en", "nl", "fr"]
    audience: AudienceName = "public"
    tags: list[str] = Field(default_factory=list, max_length=12)


class ReviewIn(Schema):
    publish: bool
    note: str = Field("", max_length=2000)
    service_code: str = Field(
        "",
        max_length=40,
        description="Publishing: the rate-card service that pays each author (e.g. 'article').",
    )


class SubscribeIn(Schema):
    email: str = Field(..., max_length=254)
    language: Literal["en", "nl", "fr"] = "en"
    topics: list[str] = Field(
        default_factory=list, max_length=50, description="Slugs of the topics followed."
    )
    chapters: list[str] = Field(
        default_factory=list, max_length=50, description="Slugs of the chapters followed."
    )


class IssueIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50_000, description="Markdown.")
    segment: Literal["all", "community", "language", "tag", "chapter"] = Field(
        "all",
        description="Everyone, the community's members, one language's readers, the "
        "followers of a topic, or the followers and members of a chapter.",
    )
    segment_language: Literal["", "en", "nl", "fr"] = Field(
        "", description="With segment 'language'."
    )
    segment_tag: str = Field("", max_length=40, description="With segment 'tag': its slug.")
    segment_chapter: str = Field("", max_length=60, description="With segment 'chapter': its slug.")


class IssueOut(Schema):
    id: int
    subject: str
    body: str
    status: Literal["draft", "scheduled", "sending", "sent"]
    segment: str
    segment_language: str
    segment_tag: str = Field("", description="The topic's slug, with segment 'tag'.")
    segment_chapter: str = Field("", description="The chapter's slug, with segment 'chapter'.")
    scheduled_for: datetime | None
    sent_at: datetime | None
    figures: dict[str, int] = Field(description="sent, delivered, bounced, unsubscribed.")

    @staticmethod
    def resolve_figures(obj: NewsletterIssue) -> dict[str, int]:
        return queries.issue_figures(obj)

    @staticmethod
    def resolve_segment_tag(obj: NewsletterIssue) -> str:
        return obj.segment_tag.slug if obj.segment_tag else ""

    @staticmethod
    def resolve_segment_chapter(obj: NewsletterIssue) -> str:
        return obj.segment_chapter.slug if obj.segment_chapter else ""


# --- concepts -------------------------------------------------------------------------------


@router.get(
    "/hosts/{slug}/concepts", response=page_of(ConceptOut), operation_id="knowledge_concepts"
)
def concepts(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    """The host's concepts the caller may see, newest first."""
    host = access_pipeline(request.user, slug)
    return paginate(queries.visible_concepts(request.user, host), params, order=("-id",))


@router.post(
    "/hosts/{slug}/concepts",
    response={201: ConceptOut},
    auth=api_auth,
    operation_id="knowledge_concept_create",
)
def concept_create(request: HttpRequest, slug: str, payload: ConceptIn) -> Any:
    """Register a concept (members of the host's community); the caller is its owner.
    403 for others; 422 ``title_required``, ``text_required``, ``wrong_host``."""
    host = access_pipeline(request.user, slug, Need.EDIT)
    collective = None
    if payload.collective:
        collective = host.collectives.filter(slug=payload.collective).first()
        if collective is None:
            raise Http404
    concept = actions.concept_create(
        actor=request.user,
        host=host,
        title=payload.title,
        pitch=payload.pitch,
        collective=collective,
        visibility=payload.visibility,
        stage=payload.stage,
        needs_skills=payload.needs_skills,
        needs_money=payload.needs_money,
        needs_contacts=payload.needs_contacts,
        needs_space=payload.needs_space,
    )
    return Status(201, access_concept(request.user, concept.pk))


@router.get("/concepts/{pk}", response=ConceptOut, operation_id="knowledge_concept")
def concept_get(request: HttpRequest, pk: int) -> Any:
    """A concept (404 when it is not for the caller)."""
    return access_concept(request.user, pk)


@router.post(
    "/concepts/{pk}/stage", response=ConceptOut, auth=api_auth, operation_id="knowledge_move"
)
def move(request: HttpRequest, pk: int, payload: MoveIn) -> Any:
    """Move to another stage (owners, coaches, the host's admins). 422 ``bad_stage`` for a
    move the pipeline does not allow; 409 ``same_stage``."""
    concept = access_concept(request.user, pk, Need.MOVE)
    actions.concept_move(
        actor=request.user, concept=concept, to_stage=payload.stage, reason=payload.reason
    )
    return access_concept(request.user, pk)


@router.post(
    "/concepts/{pk}/coaches",
    response={201: ConceptOut},
    auth=api_auth,
    operation_id="knowledge_coach_add",
)
def coach_add(request: HttpRequest, pk: int, payload: CoachIn) -> Any:
    """Make someone of the host's community a coach (the host's admins). 404 for an unknown
    person; 422 ``not_in_community``; 409 ``already_coach``."""
    concept = access_concept(request.user, pk, Need.COACH)
    coach = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    if coach is None:
        raise Http404
    actions.concept_coach_add(actor=request.user, concept=concept, coach=coach)
    return Status(201, access_concept(request.user, pk))


@router.post(
    "/concepts/{pk}/owners",
    response={201: ConceptOut},
    auth=api_auth,
    operation_id="knowledge_owner_add",
)
def owner_add(request: HttpRequest, pk: int, payload: CoachIn) -> Any:
    """Add a co-owner from the host's community (owners, the host's admins). 404 for an
    unknown person; 422 ``not_in_community``."""
    concept = access_concept(request.user, pk, Need.EDIT)
    owner = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    if owner is None:
        raise Http404
    actions.concept_owner_add(actor=request.user, concept=concept, owner=owner)
    return Status(201, access_concept(request.user, pk))


@router.get(
    "/concepts/{pk}/notes", response=list[NoteOut], auth=api_auth, operation_id="knowledge_notes"
)
def notes(request: HttpRequest, pk: int) -> Any:
    """The coaching notes, newest first: owners and coaches only (403 for others who see
    the concept)."""
    concept = access_concept(request.user, pk, Need.NOTES)
    return queries.concept_notes(concept)


@router.post(
    "/concepts/{pk}/notes",
    response={201: NoteOut},
    auth=api_auth,
    operation_id="knowledge_note_add",
)
def note_add(request: HttpRequest, pk: int, payload: NoteIn) -> Any:
    """Add a coaching note (owners and coaches). 422 ``text_required``."""
    concept = access_concept(request.user, pk, Need.NOTES)
    return Status(
        201, actions.concept_note_add(actor=request.user, concept=concept, body=payload.body)
    )


@router.get(
    "/hosts/{slug}/pipeline",
    response=PipelineOut,
    auth=api_auth,
    operation_id="knowledge_pipeline",
)
def pipeline(request: HttpRequest, slug: str) -> Any:
    """The whole pipeline's figures (the host's admins; 403 for others)."""
    host = access_pipeline(request.user, slug, Need.REVIEW)
    figures = queries.pipeline_figures(host)
    return {
        "stages": [
            {"stage": f.stage.value, "count": f.count, "average_days": f.average_days}
            for f in figures.stages
        ],
        "stale": [c.pk for c in figures.stale],
        "unmet_skills": [s.name for s in figures.unmet_skills],
    }


# --- the library ----------------------------------------------------------------------------


@router.get("/hosts/{slug}/library", response=list[ItemOut], operation_id="knowledge_library")
def library(
    request: HttpRequest,
    slug: str,
    q: str = "",
    tag: str = "",
    kind: KindName | None = None,
    language: Literal["en", "nl", "fr"] | None = None,
) -> Any:
    """Published items the caller may read (at most 100), searched by ``q`` in each item's
    language and filtered by ``tag`` (a slug), ``kind`` and ``language``."""
    host = access_library(request.user, slug)
    return list(
        queries.library(
            request.user, host, text=q[:200], tag=tag, kind=kind or "", language=language or ""
        )[:100]
    )


@router.post(
    "/hosts/{slug}/library",
    response={201: ItemOut},
    auth=api_auth,
    operation_id="knowledge_item_create",
)
def item_create(request: HttpRequest, slug: str, payload: ItemIn) -> Any:
    """Write an item, as a draft (members of the host's community). 422
    ``summary_required``, ``link_or_text``, ``title_required``."""
    host = access_library(request.user, slug, Need.EDIT)
    item = actions.item_create(actor=request.user, host=host, **payload.dict())
    return Status(201, access_item(request.user, item.pk))


@router.get("/library/{pk}", response=ItemOut, operation_id="knowledge_item")
def item_get(request: HttpRequest, pk: int) -> Any:
    """An item (404 while in review for all but its authors and the host's editors)."""
    return access_item(request.user, pk)


@router.post(
    "/library/{pk}/submit", response=ItemOut, auth=api_auth, operation_id="knowledge_item_submit"
)
def item_submit(request: HttpRequest, pk: int) -> Any:
    """Send for review (authors). 409 ``not_editable`` when already in review or published."""
    item = access_item(request.user, pk, Need.EDIT)
    actions.item_submit(actor=request.user, item=item)
    return access_item(request.user, pk)


@router.post(
    "/library/{pk}/review", response=ItemOut, auth=api_auth, operation_id="knowledge_item_review"
)
def item_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Any:
    """Publish or send back (the host's editors). With ``service_code``, publishing books
    each author's credits through the credits app (once). 409 ``not_in_review``; 422
    ``not_payable``, ``unknown_service``; 404 ``no_scheme``: nothing is published."""
    item = access_item(request.user, pk, Need.REVIEW)
    actions.item_review(actor=request.user, item=item, **payload.dict())
    return access_item(request.user, pk)


# --- the newsletter -------------------------------------------------------------------------


@router.post(
    "/newsletter/{kind}/{slug}/subscriptions",
    response={202: None},
    operation_id="knowledge_subscribe",
)
def subscribe(request: HttpRequest, kind: OwnerKind, slug: str, payload: SubscribeIn) -> Any:
    """Ask for the newsletter with an e-mail address (no account needed): a confirmation
    link is e-mailed, and nothing else is sent before it is used. Always 202, whether or not
    the address was subscribed already; 422 ``bad_email``, ``bad_topic`` (a topic or
    chapter the newsletter does not offer)."""
    owner = access_newsletter(request.user, kind, slug)
    actions.subscription_request(owner=owner, **payload.dict())
    return Status(202, None)


@router.get(
    "/newsletter/{kind}/{slug}/issues",
    response=page_of(IssueOut),
    auth=api_auth,
    operation_id="knowledge_issues",
)
def issues(request: HttpRequest, kind: OwnerKind, slug: str, params: Query[CursorParams]) -> Any:
    """The issues with their figures (those who write the community's news; 403 others)."""
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    return paginate(queries.issues_of(owner), params, order=("-id",))


@router.post(
    "/newsletter/{kind}/{slug}/issues",
    response={201: IssueOut},
    auth=api_auth,
    operation_id="knowledge_issue_create",
)
def issue_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: IssueIn) -> Any:
    """Write an issue as a draft, for everyone or a segment. 422 ``title_required``,
    ``text_required``, ``bad_segment`` (a segment without its language, topic or chapter)."""
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    issue = actions.issue_create(actor=request.user, owner=owner, **payload.dict())
    return Status(201, issue)


@router.get(
    "/newsletter/issues/{pk}", response=IssueOut, auth=api_auth, operation_id="knowledge_issue"
)
def issue_get(request: HttpRequest, pk: int) -> Any:
    return access_issue(request.user, pk)


@router.post(
    "/newsletter/issues/{pk}/send",
    response=IssueOut,
    auth=api_auth,
    operation_id="knowledge_issue_send",
)
def issue_send(request: HttpRequest, pk: int) -> Any:
    """Send now, through the task backend; 409 ``issue_sent`` the second time."""
    issue = access_issue(request.user, pk)
    actions.issue_send(actor=request.user, issue=issue)
    return access_issue(request.user, pk)


# --- offers ---------------------------------------------------------------------------------


class OfferIn(Schema):
    title: str = Field(..., max_length=140)
    description: str = Field("", max_length=4000, description="Markdown.")
    skills: list[str] = Field(default_factory=list, max_length=20)
    availability: str = Field("", max_length=200)
    service_code: str = Field("", max_length=40, description="A peer service of the rate card.")


class OfferOut(Schema):
    id: int
    title: str
    description: str
    person: str
    skills: list[str]
    availability: str
    service_code: str
    status: Literal["open", "withdrawn"]
    created_at: datetime
    page: str

    @staticmethod
    def resolve_person(obj: Offer) -> str:
        return str(obj.person.public_name)

    @staticmethod
    def resolve_skills(obj: Offer) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_page(obj: Offer) -> str:
        return obj.get_absolute_url()


class TakeIn(Schema):
    message: str = Field("", max_length=4000)


class DeliverIn(Schema):
    on: date
    service_code: str = Field("", max_length=40, description="When the offer names none.")
    quantity: int = Field(1, ge=1, le=100)


class TakeOut(Schema):
    id: int
    offer: int = Field(alias="offer_id")
    person: str
    message: str
    delivery: int | None = Field(alias="delivery_id")

    @staticmethod
    def resolve_person(obj: OfferTake) -> str:
        return str(obj.person.public_name)


@router.get(
    "/hosts/{slug}/offers",
    response=list[OfferOut],
    auth=api_auth,
    operation_id="knowledge_offers",
)
def offers(request: HttpRequest, slug: str, skill: str = "") -> Any:
    """The host's open offers (signed in), newest first, optionally of one skill."""
    host = access_library(request.user, slug)
    return list(queries.open_offers(host, skill=skill[:80])[:200])


@router.post(
    "/hosts/{slug}/offers",
    response={201: OfferOut},
    auth=api_auth,
    operation_id="knowledge_offer_create",
)
def offer_create(request: HttpRequest, slug: str, payload: OfferIn) -> Any:
    """Offer something (the host's community; 403 others). 422 ``title_required``,
    ``not_payable`` (a service that is not between members)."""
    host = access_library(request.user, slug, Need.EDIT)
    offer = actions.offer_create(actor=request.user, host=host, **payload.dict())
    return Status(201, access_offer(request.user, offer.pk))


@router.get("/offers/{pk}", response=OfferOut, auth=api_auth, operation_id="knowledge_offer")
def offer_get(request: HttpRequest, pk: int) -> Any:
    return access_offer(request.user, pk)


@router.get(
    "/offers/{pk}/requests",
    response=list[dict[str, Any]],
    auth=api_auth,
    operation_id="knowledge_offer_requests",
)
def offer_requests(request: HttpRequest, pk: int) -> Any:
    """Open requests of the host wanting the offer's skills, most shared first."""
    offer = access_offer(request.user, pk)
    return [
        {"id": r.pk, "title": r.title, "shared_skills": r.shared}
        for r in queries.requests_for_offer(offer)[:50]
    ]


@router.get(
    "/requests/{pk}/offers",
    response=list[OfferOut],
    auth=api_auth,
    operation_id="knowledge_request_offers",
)
def request_offers(request: HttpRequest, pk: int) -> Any:
    """People who offer what a credits request asks for (its host's members)."""
    from samen.credits.access import access_help_request

    return list(queries.offers_for_request(access_help_request(request.user, pk))[:50])


@router.post(
    "/offers/{pk}/takes", response={201: TakeOut}, auth=api_auth, operation_id="knowledge_take"
)
def offer_take(request: HttpRequest, pk: int, payload: TakeIn) -> Any:
    """ "I'd like this". 409 ``already_asked``, ``not_open``; 422 ``own_offer``."""
    offer = access_offer(request.user, pk)
    return Status(201, actions.offer_take(actor=request.user, offer=offer, **payload.dict()))


@router.post(
    "/offers/takes/{pk}/delivery",
    response=TakeOut,
    auth=api_auth,
    operation_id="knowledge_take_deliver",
)
def take_deliver(request: HttpRequest, pk: int, payload: DeliverIn) -> Any:
    """The offerer records the session given (a credits delivery the recipient confirms)."""
    take = OfferTake.objects.select_related("offer").filter(pk=pk).first()
    if take is None:
        raise Http404
    access_offer(request.user, take.offer_id)
    return actions.offer_deliver(actor=request.user, take=take, **payload.dict())


@router.post(
    "/offers/{pk}/withdraw", response=OfferOut, auth=api_auth, operation_id="knowledge_withdraw"
)
def offer_withdraw(request: HttpRequest, pk: int) -> Any:
    offer = access_offer(request.user, pk)
    actions.offer_withdraw(actor=request.user, offer=offer)
    return access_offer(request.user, pk)


# --- mentoring ------------------------------------------------------------------------------


class SeasonIn(Schema):
    name: str = Field(..., max_length=160)
    starts_on: date
    ends_on: date
    service_code: str = Field("", max_length=40, description="What a mentor's hour earns.")


class SeasonOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: Literal["open", "running", "closed"]
    service_code: str


class ApplicationIn(Schema):
    role: Literal["mentor", "mentee"]
    goals: str = Field(..., max_length=4000)
    skills: list[str] = Field(default_factory=list, max_length=20)
    language: Literal["en", "nl", "fr"] = "en"
    city: str = Field("", max_length=80)


class PairOut(Schema):
    id: int
    mentor: str
    mentee: str
    status: Literal["proposed", "confirmed"]
    score: int

    @staticmethod
    def resolve_mentor(obj: MentoringPair) -> str:
        return str(obj.mentor.public_name)

    @staticmethod
    def resolve_mentee(obj: MentoringPair) -> str:
        return str(obj.mentee.public_name)


class PairIn(Schema):
    mentor_id: int
    mentee_id: int


class CheckInIn(Schema):
    month: date
    progress: str = Field(..., max_length=4000)
    hours: int = Field(0, ge=0, le=200)


class FeedbackIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=4000)


@router.get("/hosts/{slug}/mentoring", response=list[SeasonOut], operation_id="knowledge_seasons")
def seasons(request: HttpRequest, slug: str) -> Any:
    return list(queries.seasons_of(access_library(request.user, slug)))


@router.post(
    "/hosts/{slug}/mentoring",
    response={201: SeasonOut},
    auth=api_auth,
    operation_id="knowledge_season_create",
)
def season_create(request: HttpRequest, slug: str, payload: SeasonIn) -> Any:
    """Open a season (the host's admins). 422 ``bad_dates``, ``not_payable``."""
    host = access_library(request.user, slug, Need.REVIEW)
    return Status(201, actions.season_create(actor=request.user, host=host, **payload.dict()))


@router.post(
    "/mentoring/{pk}/applications",
    response={201: None},
    auth=api_auth,
    operation_id="knowledge_apply",
)
def season_apply(request: HttpRequest, pk: int, payload: ApplicationIn) -> Any:
    """Apply as mentor or mentee (the host's community). 409 ``already_applied``,
    ``not_open``."""
    season = access_season(request.user, pk)
    actions.application_create(actor=request.user, season=season, **payload.dict())
    return Status(201, None)


@router.get(
    "/mentoring/{pk}/pairs", response=list[PairOut], auth=api_auth, operation_id="knowledge_pairs"
)
def pairs(request: HttpRequest, pk: int) -> Any:
    """The season's pairs (organisers; 403 others)."""
    return list(queries.season_pairs(access_season(request.user, pk, Need.REVIEW)))


@router.post(
    "/mentoring/{pk}/proposals",
    response=list[PairOut],
    auth=api_auth,
    operation_id="knowledge_propose",
)
def propose(request: HttpRequest, pk: int) -> Any:
    """Replace the proposals by the best pairs by skills, language and city (organisers)."""
    season = access_season(request.user, pk, Need.REVIEW)
    return actions.pairs_propose(actor=request.user, season=season)


@router.post(
    "/mentoring/{pk}/pairs",
    response={201: PairOut},
    auth=api_auth,
    operation_id="knowledge_pair_confirm",
)
def pair_confirm(request: HttpRequest, pk: int, payload: PairIn) -> Any:
    """Confirm a pair (organisers). 422 ``not_applied``; 409 ``already_paired``."""
    season = access_season(request.user, pk, Need.REVIEW)
    people = get_user_model().objects.in_bulk([payload.mentor_id, payload.mentee_id])
    if payload.mentor_id not in people or payload.mentee_id not in people:
        raise Http404
    pair = actions.pair_confirm(
        actor=request.user,
        season=season,
        mentor=people[payload.mentor_id],
        mentee=people[payload.mentee_id],
    )
    return Status(201, pair)


@router.post(
    "/mentoring/pairs/{pk}/checkins",
    response={201: None},
    auth=api_auth,
    operation_id="knowledge_checkin",
)
def checkin(request: HttpRequest, pk: int, payload: CheckInIn) -> Any:
    """The month's check-in (the pair's mentor or mentee; 404 others). 409
    ``already_checked_in``."""
    pair = access_pair(request.user, pk)
    actions.checkin_record(actor=request.user, pair=pair, **payload.dict())
    return Status(201, None)


@router.post(
    "/mentoring/pairs/{pk}/feedback",
    response={201: None},
    auth=api_auth,
    operation_id="knowledge_feedback",
)
def feedback(request: HttpRequest, pk: int, payload: FeedbackIn) -> Any:
    """End-of-season feedback. 422 ``season_not_over``; 409 ``already_given``."""
    pair = access_pair(request.user, pk)
    actions.feedback_give(actor=request.user, pair=pair, **payload.dict())
    return Status(201, None)
