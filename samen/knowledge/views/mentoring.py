"""Pages of the mentoring programme: seasons (opened by the organisers, with the collective
and the rate-card service picked from lists), applications (from the season's page or from
the host's, picking the season), pairs (proposed, or picked by hand), check-ins and the
end-of-season feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.models import Host
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_pair, access_season, is_editor
from samen.knowledge.forms import (
    ApplicationForm,
    CheckInForm,
    FeedbackForm,
    PairForm,
    SeasonForm,
    SeasonPickForm,
    SeasonStatusForm,
    add_error,
)
from samen.knowledge.models import MentoringPair, MentoringSeason, PairStatus, SeasonStatus
from samen.lib.errors import DomainError
from samen.lib.htmx import render_page

# --- the host's programme -------------------------------------------------------------------


def seasons(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug)
    return _render_seasons(request, host)


def _render_seasons(
    request: HttpRequest, host: Host, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The host's seasons; its organisers open one, its community applies to an open one."""
    organiser = is_editor(request.user, host)
    open_seasons = queries.open_seasons(host)
    may_apply = queries.in_host_community(request.user, host) and open_seasons.exists()
    season_form = forms.get("season_form") or (SeasonForm(host=host) if organiser else None)
    apply_form = forms.get("apply_form") or (
        SeasonPickForm(seasons=open_seasons, initial={"language": get_language()})
        if may_apply
        else None
    )
    context = {
        "host": host,
        "seasons": queries.seasons_of(host),
        "season_form": season_form,
        "apply_form": apply_form,
    }
    return render_page(request, "knowledge/seasons.html", context, status=status)


@login_required
@require_POST
def season_new(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug, Need.REVIEW)
    form = SeasonForm(request.POST, host=host)
    if form.is_valid():
        try:
            season = actions.season_create(actor=request.user, host=host, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The season is open for applications."))
            return redirect(season)
    return _render_seasons(request, host, status=400, season_form=form)


@login_required
@require_POST
def seasons_apply(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug, Need.EDIT)
    form = SeasonPickForm(request.POST, seasons=queries.open_seasons(host))
    if form.is_valid():
        data = dict(form.cleaned_data)
        season = data.pop("season")
        try:
            actions.application_create(actor=request.user, season=season, **data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Your application has been received."))
            return redirect(season)
    return _render_seasons(request, host, status=400, apply_form=form)


# --- one season -----------------------------------------------------------------------------


def season_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A season: anyone sees it; its community applies; organisers see the applications and
    pairs; a pair's own people see their pair, check in and give their feedback."""
    season = access_season(request.user, pk)
    return _render_season(request, season)


def _feedback_due(season: MentoringSeason) -> bool:
    return season.status == SeasonStatus.CLOSED or timezone.localdate() >= season.ends_on


@dataclass
class PairRow:
    """A pair as its season's page shows it to one person, with the forms they may use."""

    pair: MentoringPair
    checkin_form: CheckInForm | None
    feedback_form: FeedbackForm | None


def _pair_rows(
    request: HttpRequest, season: MentoringSeason, pairs: list[MentoringPair], forms: dict[str, Any]
) -> list[PairRow]:
    """Each confirmed pair of the person gets its own check-in form (and feedback form once
    the season is over, until they gave it), with ids of its own; the form that was just
    refused is shown again, with its errors, on the pair it was for."""
    user_pk = request.user.pk if request.user.is_authenticated else None
    due = _feedback_due(season)
    rows = []
    for pair in pairs:
        checkin: CheckInForm | None = None
        feedback: FeedbackForm | None = None
        if pair.status == PairStatus.CONFIRMED and user_pk in (pair.mentor_id, pair.mentee_id):
            refused = forms.get("pair_pk") == pair.pk
            auto_id = _auto_id(pair)
            checkin = forms.get("checkin_form") if refused else None
            checkin = checkin or CheckInForm(auto_id=auto_id)
            given = any(f.author_id == user_pk for f in pair.feedback.all())
            if refused and forms.get("feedback_form"):
                feedback = forms["feedback_form"]
            elif due and not given:
                feedback = FeedbackForm(auto_id=auto_id)
        rows.append(PairRow(pair=pair, checkin_form=checkin, feedback_form=feedback))
    return rows


def _auto_id(pair: MentoringPair) -> str:
    return f"id_pair{pair.pk}_%s"


def _render_season(
    request: HttpRequest, season: MentoringSeason, *, status: int = 200, **forms: Any
) -> HttpResponse:
    organiser = is_editor(request.user, season.host)
    pairs = list(queries.season_pairs(season))
    user_pk = request.user.pk if request.user.is_authenticated else None
    if not organiser:
        pairs = [p for p in pairs if user_pk in (p.mentor_id, p.mentee_id)]
    context = {
        "season": season,
        "host": season.host,
        "organiser": organiser,
        "applications": queries.season_applications(season) if organiser else [],
        "rows": _pair_rows(request, season, pairs, forms),
        "can_apply": queries.in_host_community(request.user, season.host)
        and season.status == SeasonStatus.OPEN,
        "form": forms.get("form") or ApplicationForm(initial={"language": get_language()}),
        "status_form": forms.get("status_form")
        or SeasonStatusForm(initial={"status": season.status}),
        "pair_form": (forms.get("pair_form") or PairForm(season=season)) if organiser else None,
    }
    return render_page(request, "knowledge/season_detail.html", context, status=status)


@login_required
@require_POST
def season_apply(request: HttpRequest, pk: int) -> HttpResponse:
    season = access_season(request.user, pk)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            actions.application_create(actor=request.user, season=season, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Your application has been received."))
            return redirect(season)
    return _render_season(request, season, status=400, form=form)


@login_required
@require_POST
def season_status(request: HttpRequest, pk: int) -> HttpResponse:
    season = access_season(request.user, pk, Need.REVIEW)
    form = SeasonStatusForm(request.POST)
    if form.is_valid():
        actions.season_set_status(actor=request.user, season=season, **form.cleaned_data)
        return redirect(season)
    return _render_season(request, season, status=400, status_form=form)


@login_required
@require_POST
def season_propose(request: HttpRequest, pk: int) -> HttpResponse:
    season = access_season(request.user, pk, Need.REVIEW)
    actions.pairs_propose(actor=request.user, season=season)
    return redirect(season)


@login_required
@require_POST
def season_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers pair a mentor and a mentee picked from the season's applicants."""
    season = access_season(request.user, pk, Need.REVIEW)
    form = PairForm(request.POST, season=season)
    if form.is_valid():
        try:
            actions.pair_confirm(actor=request.user, season=season, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The pair is confirmed."))
            return redirect(season)
    return _render_season(request, season, status=400, pair_form=form)


# --- one pair -------------------------------------------------------------------------------


@login_required
@require_POST
def pair_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pair = access_pair(request.user, pk, Need.REVIEW)
    try:
        actions.pair_confirm(
            actor=request.user, season=pair.season, mentor=pair.mentor, mentee=pair.mentee
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(pair.season)


@login_required
@require_POST
def pair_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    pair = access_pair(request.user, pk)
    form = CheckInForm(request.POST, auto_id=_auto_id(pair))
    if form.is_valid():
        try:
            actions.checkin_record(actor=request.user, pair=pair, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Check-in saved."))
            return redirect(pair.season)
    return _render_season(request, pair.season, status=400, checkin_form=form, pair_pk=pair.pk)


@login_required
@require_POST
def pair_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor's or mentee's end-of-season feedback on their pair."""
    pair = access_pair(request.user, pk)
    form = FeedbackForm(request.POST, auto_id=_auto_id(pair))
    if form.is_valid():
        try:
            actions.feedback_give(actor=request.user, pair=pair, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(pair.season)
    return _render_season(request, pair.season, status=400, feedback_form=form, pair_pk=pair.pk)
