"""The check-in desk of one date: checking people in from the list or by the code of
their QR, and adding walk-ins, members (``registration_walk_in``) or people without an
account (``walk_in_guest_add``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.events import actions, queries
from samen.events.access import Need, access_occurrence
from samen.events.errors import EventError, EventErrorCode
from samen.events.forms import CheckInCodeForm, WalkInGuestForm, add_error
from samen.events.models import CheckIn, Occurrence
from samen.events.views._common import _decide, _owner_context
from samen.lib.htmx import render_page


@require_POST
@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, actions.registration_check_in)


@login_required
def check_in_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers' check-in desk for one date: a scanned QR opens it with the code
    filled in; one tap checks the person in, then the form is ready for the next."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    form = CheckInCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.registration_check_in_by_code(
                actor=request.user, occurrence=occurrence, code=form.cleaned_data["code"]
            )
        except EventError as error:
            add_error(form, error)
        else:
            form = CheckInCodeForm()
    failed = request.method == "POST" and done is None
    return _desk(request, occurrence, form=form, done=done, status=400 if failed else 200)


def _desk(
    request: HttpRequest,
    occurrence: Occurrence,
    *,
    form: CheckInCodeForm | None = None,
    guest_form: WalkInGuestForm | None = None,
    done: CheckIn | None = None,
    status: int = 200,
) -> HttpResponse:
    """The check-in page, with the form that was posted keeping what was typed."""
    return render_page(
        request,
        "events/check_in.html",
        {
            **_owner_context(request, occurrence.event.owner),
            "event": occurrence.event,
            "occurrence": occurrence,
            "form": form or CheckInCodeForm(),
            "guest_form": guest_form or WalkInGuestForm(),
            "guests": queries.walk_in_guests(occurrence),
            "done": queries.check_in_person(done) if done else None,
            "search": request.GET.get("q", ""),
            "candidates": queries.walk_in_candidates(occurrence, request.GET.get("q", "")),
        },
        status=status,
    )


@login_required
@require_POST
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member found at the check-in desk as a walk-in, checked in at once; back to
    the desk with what happened."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    chosen = request.POST.get("person", "")
    valid = chosen.isdigit() and len(chosen) < 18
    person = get_user_model().objects.filter(pk=int(chosen) if valid else 0).first()
    try:
        if person is None:
            raise EventError(EventErrorCode.WALK_IN_NOT_MEMBER, field="person")
        actions.registration_walk_in(actor=request.user, occurrence=occurrence, person=person)
    except EventError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(name)s is added as a walk-in and checked in.") % {"name": person.public_name},
        )
    return redirect("events:check_in_code", occurrence.pk)


@login_required
@require_POST
def walk_in_guest(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone without an account at the desk by name (and e-mail if given); back to
    the desk, or the desk again with the form as typed and the refusal at its field."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    form = WalkInGuestForm(request.POST)
    if form.is_valid():
        try:
            guest = actions.walk_in_guest_add(
                actor=request.user, occurrence=occurrence, **form.cleaned_data
            )
        except EventError as error:
            add_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is added as a walk-in and checked in.") % {"name": guest.name}
            )
            return redirect("events:check_in_code", occurrence.pk)
    return _desk(request, occurrence, guest_form=form, status=400)
