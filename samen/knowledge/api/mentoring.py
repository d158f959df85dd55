"""Mentoring through the API: seasons, applications, pairs, check-ins and feedback."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_pair, access_season
from samen.knowledge.api._common import router
from samen.knowledge.models import MentoringApplication, MentoringPair, MentoringSeason


class SeasonIn(Schema):
    name: str = Field(..., max_length=160)
    starts_on: date
    ends_on: date
    collective: str | None = Field(
        None, description="The slug of one of the host's collectives, for its own programme."
    )
    service_code: str = Field(
        "", max_length=40, description="The rate-card service a mentor's hour earns."
    )


class SeasonOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: Literal["open", "running", "closed"]
    collective: str | None = Field(description="The collective's slug, if it is its programme.")
    service_code: str

    @staticmethod
    def resolve_collective(obj: MentoringSeason) -> str | None:
        return obj.collective.slug if obj.collective else None


class SeasonStatusIn(Schema):
    status: Literal["open", "running", "closed"]


class MentoringApplicationIn(Schema):
    role: Literal["mentor", "mentee"]
    goals: str = Field(..., max_length=4000)
    skills: list[str] = Field(default_factory=list, max_length=20)
    language: Literal["en", "nl", "fr"] = "en"
    city: str = Field("", max_length=80)


class MentoringApplicationOut(Schema):
    id: int
    person: str
    person_id: int
    role: Literal["mentor", "mentee"]
    goals: str
    skills: list[str]
    language: str
    city: str

    @staticmethod
    def resolve_person(obj: MentoringApplication) -> str:
        return str(obj.person.public_name)

    @staticmethod
    def resolve_skills(obj: MentoringApplication) -> list[str]:
        return [s.name for s in obj.skills.all()]


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


class MentoringFeedbackIn(Schema):
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
    data = payload.dict()
    slug_of_collective = data.pop("collective")
    collective = None
    if slug_of_collective:
        collective = host.collectives.filter(slug=slug_of_collective).first()
        if collective is None:
            raise Http404
    season = actions.season_create(actor=request.user, host=host, collective=collective, **data)
    return Status(201, season)


@router.post(
    "/mentoring/{pk}/status",
    response=SeasonOut,
    auth=api_auth,
    operation_id="knowledge_season_status",
)
def season_status(request: HttpRequest, pk: int, payload: SeasonStatusIn) -> Any:
    """Start the season (applications close), close it, or open it again (organisers)."""
    season = access_season(request.user, pk, Need.REVIEW)
    return actions.season_set_status(actor=request.user, season=season, status=payload.status)


@router.get(
    "/mentoring/{pk}/applications",
    response=list[MentoringApplicationOut],
    auth=api_auth,
    operation_id="knowledge_applications",
)
def applications(request: HttpRequest, pk: int) -> Any:
    """Who applied, as what, with their goals, skills, language and city (organisers;
    403 others): what the pairs are proposed on."""
    return list(queries.season_applications(access_season(request.user, pk, Need.REVIEW)))


@router.post(
    "/mentoring/{pk}/applications",
    response={201: None},
    auth=api_auth,
    operation_id="knowledge_apply",
)
def season_apply(request: HttpRequest, pk: int, payload: MentoringApplicationIn) -> Any:
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
def feedback(request: HttpRequest, pk: int, payload: MentoringFeedbackIn) -> Any:
    """End-of-season feedback. 422 ``season_not_over``; 409 ``already_given``."""
    pair = access_pair(request.user, pk)
    actions.feedback_give(actor=request.user, pair=pair, **payload.dict())
    return Status(201, None)
