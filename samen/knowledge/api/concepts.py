"""Concepts through the API: their stages, coaches, owners, notes and sessions, and the
host's pipeline figures."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.models import Collective, Host
from samen.communities.validation import render_markdown
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_concept, access_milestone, access_pipeline
from samen.knowledge.api._common import StageName, VisibilityName, router
from samen.knowledge.models import Concept, StageChange


class OwnerOrganisationOut(Schema):
    id: int
    name: str
    website: str
    people: list[str] = Field(description="The public names of the people acting for it.")

    @staticmethod
    def resolve_people(obj: Any) -> list[str]:
        return [person.public_name for person in obj.people.all()]


class ConceptOut(Schema):
    id: int
    title: str
    pitch: str = Field(description="Markdown, as written.")
    pitch_html: str = Field(description="Rendered and sanitised.")
    impact: str = Field(description="The impact note, Markdown.")
    stage: StageName
    stage_changed_at: datetime
    visibility: VisibilityName
    collective: str | None = Field(description="The collective's slug, if any.")
    owners: list[str] = Field(description="Public names of the people owning it directly.")
    organisations: list[OwnerOrganisationOut] = Field(
        description="The organisations owning it, with the people acting for each."
    )
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


class ConceptUpdateIn(Schema):
    """The whole description and needs, as the edit form sends them."""

    title: str = Field(..., max_length=160)
    pitch: str = Field(..., max_length=5000, description="Markdown.")
    impact: str = Field("", max_length=5000, description="Markdown.")
    collective: str | None = Field(None, description="The slug of one of the host's collectives.")
    visibility: VisibilityName = "community"
    needs_skills: list[str] = Field(default_factory=list, max_length=20)
    needs_money: bool = False
    needs_contacts: bool = False
    needs_space: bool = False


class StageChangeOut(Schema):
    from_stage: StageName | Literal[""]
    to_stage: StageName
    actor: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: StageChange) -> str:
        return str(obj.actor_name)


class SessionIn(Schema):
    kind: Literal["session", "workshop", "solution_lab"]
    date: dt.date
    summary: str = Field("", max_length=300)
    event_id: int | None = Field(None, description="The event of the host it was held at.")
    delivery_id: int | None = Field(
        None, description="The credits delivery of the host's scheme that paid for it."
    )


class SessionOut(Schema):
    id: int
    kind: Literal["session", "workshop", "solution_lab"]
    date: dt.date
    summary: str
    event_id: int | None
    delivery_id: int | None


class MilestoneIn(Schema):
    title: str = Field(..., max_length=200)
    due_on: dt.date | None = None


class ReachedIn(Schema):
    on: dt.date | None = Field(None, description="Today when left out.")


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    reached_on: dt.date | None


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
    concept = actions.concept_create(
        actor=request.user,
        host=host,
        title=payload.title,
        pitch=payload.pitch,
        collective=_collective(host, payload.collective),
        visibility=payload.visibility,
        stage=payload.stage,
        needs_skills=payload.needs_skills,
        needs_money=payload.needs_money,
        needs_contacts=payload.needs_contacts,
        needs_space=payload.needs_space,
    )
    return Status(201, access_concept(request.user, concept.pk))


def _collective(host: Host, slug: str | None) -> Collective | None:
    """One of the host's collectives by its slug (404 for any other)."""
    if not slug:
        return None
    collective = host.collectives.filter(slug=slug).first()
    if collective is None:
        raise Http404
    return collective


@router.get("/concepts/{pk}", response=ConceptOut, operation_id="knowledge_concept")
def concept_get(request: HttpRequest, pk: int) -> Any:
    """A concept (404 when it is not for the caller)."""
    return access_concept(request.user, pk)


@router.put(
    "/concepts/{pk}", response=ConceptOut, auth=api_auth, operation_id="knowledge_concept_update"
)
def concept_update(request: HttpRequest, pk: int, payload: ConceptUpdateIn) -> Any:
    """Update the description and needs (owners, the host's admins; 403 others who see it).
    422 ``title_required``, ``text_required``; 404 for a collective not of the host."""
    concept = access_concept(request.user, pk, Need.EDIT)
    data = payload.dict()
    data["collective"] = _collective(concept.host, data["collective"])
    actions.concept_update(actor=request.user, concept=concept, **data)
    return access_concept(request.user, pk)


@router.get(
    "/concepts/{pk}/history",
    response=list[StageChangeOut],
    operation_id="knowledge_concept_history",
)
def history(request: HttpRequest, pk: int) -> Any:
    """Every change of stage, oldest first: who, when and why."""
    return list(queries.concept_history(access_concept(request.user, pk)))


@router.get("/concepts/{pk}/sessions", response=list[SessionOut], operation_id="knowledge_sessions")
def sessions(request: HttpRequest, pk: int) -> Any:
    """The sessions, workshops and Solution Labs it went through, newest first."""
    return list(access_concept(request.user, pk).sessions.all())


@router.post(
    "/concepts/{pk}/sessions",
    response={201: SessionOut},
    auth=api_auth,
    operation_id="knowledge_session_record",
)
def session_record(request: HttpRequest, pk: int, payload: SessionIn) -> Any:
    """Record a session, workshop or Solution Lab (its owners and coaches, the host's
    admins; 403 others who see the concept)."""
    concept = access_concept(request.user, pk)
    event: Any = None
    delivery: Any = None
    if payload.event_id is not None:
        event = queries.host_events(concept.host).filter(pk=payload.event_id).first()
        if event is None:
            raise Http404
    if payload.delivery_id is not None:
        delivery = queries.concept_deliveries(concept).filter(pk=payload.delivery_id).first()
        if delivery is None:
            raise Http404
    session = actions.concept_session_record(
        actor=request.user,
        concept=concept,
        kind=payload.kind,
        on=payload.date,
        summary=payload.summary,
        event=event,
        delivery=delivery,
    )
    return Status(201, session)


@router.get(
    "/concepts/{pk}/milestones", response=list[MilestoneOut], operation_id="knowledge_milestones"
)
def milestones(request: HttpRequest, pk: int) -> Any:
    """The milestones its people set, in the order they were set."""
    return list(access_concept(request.user, pk).milestones.all())


@router.post(
    "/concepts/{pk}/milestones",
    response={201: MilestoneOut},
    auth=api_auth,
    operation_id="knowledge_milestone_add",
)
def milestone_add(request: HttpRequest, pk: int, payload: MilestoneIn) -> Any:
    """Set a milestone (owners, coaches, the host's admins; 403 others). 422
    ``title_required``."""
    concept = access_concept(request.user, pk, Need.MOVE)
    return Status(
        201, actions.concept_milestone_add(actor=request.user, concept=concept, **payload.dict())
    )


@router.post(
    "/concepts/milestones/{pk}/reached",
    response=MilestoneOut,
    auth=api_auth,
    operation_id="knowledge_milestone_reached",
)
def milestone_reached(request: HttpRequest, pk: int, payload: ReachedIn) -> Any:
    """Mark it reached (as above). 409 ``already_reached``."""
    milestone = access_milestone(request.user, pk)
    return actions.concept_milestone_reach(actor=request.user, milestone=milestone, on=payload.on)


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
