"""The mentoring programme: a season per host (or one of its collectives), applications as
mentor or mentee, pairs proposed by shared skills, language and city and confirmed by the
organisers (the host's admins), monthly check-ins, and the end-of-season feedback. A
mentor's check-in hours earn the season's rate-card service through the credits app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.models import Collective, Host
from samen.knowledge import queries
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import (
    CheckIn,
    MentoringApplication,
    MentoringFeedback,
    MentoringPair,
    MentoringRole,
    MentoringSeason,
    PairStatus,
    SeasonStatus,
)

MAX_TEXT = 4000


def _organiser(actor: Any, host: Host) -> None:
    from samen.knowledge.access import is_editor

    if not is_editor(actor, host):
        raise PermissionDenied


def _check_service(host: Host, service_code: str) -> str:
    """A season pays mentors by a network service of the rate card that earns, or not."""
    from samen.credits.actions import scheme_for, service_on
    from samen.credits.models import Direction

    service_code = (service_code or "").strip()
    if service_code:
        service = service_on(scheme_for(host), service_code, timezone.localdate())
        if service.is_peer or service.direction != Direction.EARNS:
            raise KnowledgeError(KnowledgeErrorCode.NOT_PAYABLE, field="service_code")
    return service_code


@transaction.atomic
def season_create(
    *,
    actor: Any,
    host: Host,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    collective: Collective | None = None,
    service_code: str = "",
) -> MentoringSeason:
    """The host's admins open a season of the mentoring programme for applications."""
    _organiser(actor, host)
    if collective is not None and collective.host_id != host.pk:
        raise KnowledgeError(KnowledgeErrorCode.WRONG_HOST, field="collective")
    name = " ".join((name or "").split())[:160]
    if not name:
        raise KnowledgeError(KnowledgeErrorCode.TITLE_REQUIRED, field="name")
    if ends_on <= starts_on:
        raise KnowledgeError(KnowledgeErrorCode.BAD_DATES, field="ends_on")
    season = MentoringSeason.objects.create(
        host=host,
        collective=collective,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        service_code=_check_service(host, service_code),
        created_by=actor,
    )
    audit_record(actor=actor, action="mentoring.season", target=season, host=host)
    return season


@transaction.atomic
def season_set_status(*, actor: Any, season: MentoringSeason, status: str) -> MentoringSeason:
    """Organisers start a season (applications close) or close it."""
    season = MentoringSeason.objects.select_for_update().select_related("host").get(pk=season.pk)
    _organiser(actor, season.host)
    season.status = SeasonStatus(status)
    season.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="mentoring.season_status",
        target=season,
        host=season.host,
        data={"status": season.status},
    )
    return season


@transaction.atomic
def application_create(
    *,
    actor: Any,
    season: MentoringSeason,
    role: str,
    goals: str,
    skills: Iterable[str] = (),
    language: str = "",
    city: str = "",
) -> MentoringApplication:
    """A member of the host's community applies to an open season as mentor or mentee."""
    season = MentoringSeason.objects.select_for_update().select_related("host").get(pk=season.pk)
    if not queries.in_host_community(actor, season.host):
        raise PermissionDenied
    if season.status != SeasonStatus.OPEN:
        raise KnowledgeError(KnowledgeErrorCode.NOT_OPEN)
    goals = (goals or "").strip()[:MAX_TEXT]
    if not goals:
        raise KnowledgeError(KnowledgeErrorCode.TEXT_REQUIRED, field="goals")
    try:
        with transaction.atomic():
            application = MentoringApplication.objects.create(
                season=season,
                person=actor,
                role=MentoringRole(role),
                goals=goals,
                language=language or getattr(actor, "language", "") or "en",
                city=" ".join((city or "").split())[:80],
            )
    except IntegrityError:
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_APPLIED) from None
    application.skills.set(skills_get_or_create(list(skills)))
    audit_record(
        actor=actor,
        action="mentoring.apply",
        target=season,
        host=season.host,
        data={"role": application.role},
    )
    return application


@transaction.atomic
def pairs_propose(*, actor: Any, season: MentoringSeason) -> list[MentoringPair]:
    """Replace the season's proposals by new ones for every mentee without a confirmed
    pair: each gets the free mentor with the best score (``queries.match_score``: shared
    skills first, then the same language, then the same city), one mentee per mentor."""
    season = MentoringSeason.objects.select_for_update().select_related("host").get(pk=season.pk)
    _organiser(actor, season.host)
    season.pairs.filter(status=PairStatus.PROPOSED).delete()
    proposals = [
        MentoringPair(season=season, mentor_id=mentor, mentee_id=mentee, score=score)
        for mentor, mentee, score in queries.proposed_pairs(season)
    ]
    MentoringPair.objects.bulk_create(proposals)
    audit_record(
        actor=actor,
        action="mentoring.propose",
        target=season,
        host=season.host,
        data={"pairs": len(proposals)},
    )
    return list(season.pairs.filter(status=PairStatus.PROPOSED))


@transaction.atomic
def pair_confirm(*, actor: Any, season: MentoringSeason, mentor: Any, mentee: Any) -> MentoringPair:
    """Organisers confirm a proposed pair, or pair two applicants of their own choosing."""
    season = MentoringSeason.objects.select_for_update().select_related("host").get(pk=season.pk)
    _organiser(actor, season.host)
    roles = set(
        season.applications.filter(person__in=[mentor, mentee]).values_list("person_id", "role")
    )
    if not {(mentor.pk, MentoringRole.MENTOR), (mentee.pk, MentoringRole.MENTEE)} <= roles:
        raise KnowledgeError(KnowledgeErrorCode.NOT_APPLIED)
    pair = season.pairs.filter(mentee=mentee).first()
    if pair is not None and (pair.status == PairStatus.CONFIRMED or pair.mentor_id != mentor.pk):
        if pair.status == PairStatus.CONFIRMED:
            raise KnowledgeError(KnowledgeErrorCode.ALREADY_PAIRED)
        pair.delete()
        pair = None
    if pair is None:
        pair = MentoringPair(season=season, mentor=mentor, mentee=mentee)
    pair.status, pair.confirmed_at = PairStatus.CONFIRMED, timezone.now()
    pair.save()
    audit_record(
        actor=actor,
        action="mentoring.pair",
        target=season,
        host=season.host,
        data={"mentor": mentor.pk, "mentee": mentee.pk},
    )
    return pair


def _lock_pair(pair: MentoringPair) -> MentoringPair:
    return (
        MentoringPair.objects.select_for_update(of=("self",))
        .select_related("season__host", "mentor", "mentee")
        .get(pk=pair.pk)
    )


@transaction.atomic
def checkin_record(
    *, actor: Any, pair: MentoringPair, month: dt.date, progress: str, hours: int = 0
) -> CheckIn:
    """The mentor or mentee of a confirmed pair checks in for a month (once each). A
    mentor's hours, when the season pays by a rate-card service, are recorded as a network
    delivery of the credits app that a host admin confirms."""
    from samen.credits.actions import delivery_record, scheme_for

    pair = _lock_pair(pair)
    if actor.pk not in (pair.mentor_id, pair.mentee_id) or pair.status != PairStatus.CONFIRMED:
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_PAIR)
    progress = (progress or "").strip()[:MAX_TEXT]
    if not progress:
        raise KnowledgeError(KnowledgeErrorCode.TEXT_REQUIRED, field="progress")
    if hours < 0 or hours > 200:
        raise KnowledgeError(KnowledgeErrorCode.BAD_HOURS, field="hours")
    month = month.replace(day=1)
    if CheckIn.objects.filter(pair=pair, author=actor, month=month).exists():
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_CHECKED_IN, field="month")
    checkin = CheckIn(pair=pair, author=actor, month=month, progress=progress, hours=hours)
    season = pair.season
    if actor.pk == pair.mentor_id and hours and season.service_code:
        checkin.delivery = delivery_record(
            actor=actor,
            scheme=scheme_for(season.host),
            service_code=season.service_code,
            on=min(timezone.localdate(), season.ends_on),
            quantity=hours,
            note=season.name,
        )
    checkin.save()
    audit_record(
        actor=actor,
        action="mentoring.checkin",
        target=season,
        host=season.host,
        data={"pair": pair.pk, "month": month.isoformat(), "hours": hours},
    )
    return checkin


@transaction.atomic
def feedback_give(
    *, actor: Any, pair: MentoringPair, rating: int, text: str = ""
) -> MentoringFeedback:
    """Each side of a confirmed pair rates it once, when the season has ended."""
    pair = _lock_pair(pair)
    if actor.pk not in (pair.mentor_id, pair.mentee_id) or pair.status != PairStatus.CONFIRMED:
        raise KnowledgeError(KnowledgeErrorCode.NOT_IN_PAIR)
    if timezone.localdate() < pair.season.ends_on and pair.season.status != SeasonStatus.CLOSED:
        raise KnowledgeError(KnowledgeErrorCode.SEASON_NOT_OVER)
    if not 1 <= rating <= 5:
        raise KnowledgeError(KnowledgeErrorCode.BAD_RATING, field="rating")
    if MentoringFeedback.objects.filter(pair=pair, author=actor).exists():
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_GIVEN)
    feedback = MentoringFeedback.objects.create(
        pair=pair, author=actor, rating=rating, text=(text or "").strip()[:MAX_TEXT]
    )
    audit_record(
        actor=actor,
        action="mentoring.feedback",
        target=pair.season,
        host=pair.season.host,
        data={"pair": pair.pk, "rating": rating},
    )
    return feedback
