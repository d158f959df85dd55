"""Pages of the mentoring programme: seasons, applications, pairs and check-ins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_library, access_pair, access_season, is_editor
from samen.knowledge.forms import ApplicationForm, CheckInForm, add_error
from samen.knowledge.models import MentoringSeason
from samen.lib.errors import DomainError
from samen.lib.htmx import render_page

# --- mentoring ------------------------------------------------------------------------------


def seasons(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_library(request.user, slug)
    context = {"host": host, "seasons": queries.seasons_of(host)}
    return render_page(request, "knowledge/seasons.html", context)


def season_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A season: anyone sees it; its community applies; organisers see the applications and
    pairs; a pair's own people see their pair and check in."""
    season = access_season(request.user, pk)
    return _render_season(request, season, ApplicationForm(), CheckInForm())


def _render_season(
    request: HttpRequest,
    season: MentoringSeason,
    form: ApplicationForm,
    checkin_form: CheckInForm,
    status: int = 200,
) -> HttpResponse:
    organiser = is_editor(request.user, season.host)
    pairs = queries.season_pairs(season)
    user_pk = request.user.pk if request.user.is_authenticated else None
    context = {
        "season": season,
        "host": season.host,
        "organiser": organiser,
        "applications": season.applications.select_related("person") if organiser else [],
        "pairs": pairs
        if organiser
        else [p for p in pairs if user_pk in (p.mentor_id, p.mentee_id)],
        "can_apply": queries.in_host_community(request.user, season.host)
        and season.status == "open",
        "form": form,
        "checkin_form": checkin_form,
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
    return _render_season(request, season, form, CheckInForm(), status=400)


@login_required
@require_POST
def season_propose(request: HttpRequest, pk: int) -> HttpResponse:
    season = access_season(request.user, pk, Need.REVIEW)
    actions.pairs_propose(actor=request.user, season=season)
    return redirect(season)


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
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            actions.checkin_record(actor=request.user, pair=pair, **form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Check-in saved."))
            return redirect(pair.season)
    return _render_season(request, pair.season, ApplicationForm(), form, status=400)
