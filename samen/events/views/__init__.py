"""Event pages: a community's events, the event page with registration, the organisers'
attendee list with check-in and CSV, feedback, and the calendar files. Views parse input,
ask access.py, and call actions or queries."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from samen.conversations.actions import comment_add
from samen.conversations.actions import comments_switch as comments_switch_action
from samen.conversations.errors import ConversationError
from samen.conversations.forms import ReplyForm
from samen.conversations.models import comments_anchor, owner_kind
from samen.events import actions, calendars, charts, checkin, pricing, queries
from samen.events.access import (
    Need,
    access_event,
    access_host_feedback,
    access_occurrence,
    access_owner,
    can_organise,
    can_see_members_events,
    can_see_online_link,
)
from samen.events.errors import EventError, EventErrorCode
from samen.events.forms import (
    CancelEventForm,
    CapacityForm,
    DateChangeForm,
    EventEditForm,
    EventForm,
    FeedbackForm,
    RegisterForm,
    RegistrationOptionsForm,
    SeriesForm,
    add_error,
    language_choices,
)
from samen.events.models import (
    CalendarFeed,
    Event,
    EventKind,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from samen.events.views._common import _decide, _fragment, _owner_context

# The check-in desk's pages, re-exported so that urls.py finds every page here.
from samen.events.views.checkins import check_in as check_in
from samen.events.views.checkins import check_in_code as check_in_code
from samen.events.views.checkins import walk_in as walk_in
from samen.events.views.checkins import walk_in_guest as walk_in_guest
from samen.lib.htmx import render_page
from samen.lib.questions import as_question
from samen.lib.spreadsheet import csv_writer
from samen.lib.translations import active_language

#: A cached feed is rebuilt at the latest after this (the three-month window moves).
FEED_CACHE_SECONDS = 3600


def _filter_bar(filters: queries.AgendaFilters, keep: dict[str, str]) -> dict[str, Any]:
    """What the agenda's filter bar shows: the choices, and each filter set with its
    label and the address without it (``keep``: other parameters, such as the month)."""
    choices: dict[str, list[tuple[str, Any]]] = {
        "kind": EventKind.choices,
        "language": language_choices(),
        "price": [("free", _("Free")), ("paid", _("Paid"))],
        "attend": [("online", _("Online")), ("in_person", _("In person")), ("hybrid", _("Both"))],
    }
    active = filters.active
    chosen = []
    for name, value in active.items():
        label = dict(choices.get(name, [])).get(value, value)
        others = {key: v for key, v in active.items() if key != name}
        chosen.append((name, label, urlencode({**keep, **others})))
    return {
        "filters": filters,
        "chosen": chosen,
        "cities": queries.agenda_cities(),
        "kinds": choices["kind"],
        "languages": choices["language"],
        "prices": choices["price"],
        "attends": choices["attend"],
    }


def agenda(request: HttpRequest) -> HttpResponse:
    """Upcoming public events of every community (members-only ones stay on the
    community's own list, for its members), narrowed by the filter bar: a value the
    agenda does not offer is ignored."""
    filters = queries.read_filters(request.GET)
    page = queries.window(queries.public_agenda(filters), request.GET.get("page"))
    return render_page(
        request,
        "events/agenda.html",
        {"page": page, "past": False, "show_owner": True, **_filter_bar(filters, {})},
        partial="events/partials/event_rows.html",
    )


def agenda_month(request: HttpRequest) -> HttpResponse:
    """The agenda as a month calendar (``?month=2027-03``, this month by default), with
    the same filters, which the months before and after keep; on a phone, the days with
    events as a list."""
    filters = queries.read_filters(request.GET)
    first = queries.read_month(request.GET.get("month"), timezone.localdate())
    return render_page(
        request,
        "events/agenda_month.html",
        {"month": queries.agenda_month(first, filters), "weekdays": _weekdays(),
         **_filter_bar(filters, {"month": first.strftime("%Y-%m")})},
    )  # fmt: skip


def _weekdays() -> list[Any]:
    """Monday to Sunday, as the active language abbreviates them."""
    return [WEEKDAYS_ABBR[n] for n in range(7)]


def event_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug)
    past = request.GET.get("when") == "past"
    rows = queries.occurrences_of(request.user, owner, past=past)
    page = queries.window(rows, request.GET.get("page"))
    return render_page(
        request,
        "events/event_list.html",
        {**_owner_context(request, owner), "page": page, "past": past},
        partial="events/partials/event_rows.html",
    )


@login_required
def event_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug, Need.ORGANISE)
    services = pricing.rate_card_choices(owner, timezone.localdate())
    spoken = getattr(request.user, "language", "") or active_language()
    form = EventForm(request.POST or None, services=services, initial={"languages": [spoken]})
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.event_create(actor=request.user, owner=owner, **form.action_fields())
        except EventError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect(event)
    return render_page(
        request,
        "events/event_new.html",
        {**_owner_context(request, owner), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _decorate(request: HttpRequest, event: Event, occurrences: list[Occurrence]) -> None:
    """Attach what the registration block shows: the person's registration, their place
    in line, the places left, whether they may rate it."""
    mine = queries.my_registrations(request.user, occurrences)
    now = timezone.now()
    for occurrence in occurrences:
        occurrence.event = event
        row = mine.get(occurrence.pk)
        occurrence.mine = row  # type: ignore[attr-defined]
        occurrence.place_in_line = queries.waiting_place(row) if row else None  # type: ignore[attr-defined]
        going = getattr(occurrence, "going", 0)
        occurrence.places_left = (  # type: ignore[attr-defined]
            None if occurrence.capacity is None else max(occurrence.capacity - going, 0)
        )
        started = occurrence.starts_at <= now
        occurrence.started = started  # type: ignore[attr-defined]
        occurrence.may_rate = bool(  # type: ignore[attr-defined]
            row is not None and row.status == RegistrationStatus.ATTENDED and started
        )
        occurrence.check_in_code, occurrence.check_in_qr = _check_in_pass(request, row)  # type: ignore[attr-defined]


def _check_in_pass(request: HttpRequest, row: Registration | None) -> tuple[str, str]:
    """The code and QR (inline SVG) that the person going shows at the door."""
    if row is None or row.status != RegistrationStatus.GOING:
        return "", ""
    url = request.build_absolute_uri(checkin.check_in_url(row))
    return checkin.check_in_code(row), mark_safe(checkin.check_in_qr_svg(row, url))  # noqa: S308


def _occurrence_block(request: HttpRequest, occurrence_pk: int, error: str = "") -> HttpResponse:
    occurrence = access_occurrence(request.user, occurrence_pk)
    event = occurrence.event
    (counted,) = [o for o in queries.event_occurrences(event) if o.pk == occurrence.pk]
    _decorate(request, event, [counted])
    context = {"event": event, "occurrence": counted, "error": error,
               "can_organise": can_organise(request.user, event.owner)}  # fmt: skip
    return render_page(request, "events/partials/registration.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event(request.user, pk)
    occurrences = queries.event_occurrences(event)
    _decorate(request, event, occurrences)
    going_anywhere = [o.mine for o in occurrences if o.mine is not None]  # type: ignore[attr-defined]
    show_link = any(
        can_see_online_link(request.user, event, row) for row in [*going_anywhere, None]
    )
    return render_page(
        request,
        "events/event_detail.html",
        {
            **_owner_context(request, event.owner),
            "event": event,
            "occurrences": occurrences,
            "show_link": show_link,
            "cancel_form": CancelEventForm(),
            "series_form": SeriesForm(),
        },
    )


def _back(request: HttpRequest, occurrence: Occurrence, error: EventError | None) -> HttpResponse:
    if _fragment(request):
        return _occurrence_block(request, occurrence.pk, error.message if error else "")
    if error is not None:
        messages.error(request, error.message)
    return redirect(occurrence.get_absolute_url())


#: What a person is told once registered, by the status they got.
_REGISTERED: dict[str, tuple[int, Any]] = {
    RegistrationStatus.GOING: (messages.SUCCESS, _lazy("You are going.")),
    RegistrationStatus.WAITING: (messages.INFO, _lazy("It is full: you are on the waiting list.")),
    RegistrationStatus.PENDING: (
        messages.INFO,
        _lazy("Thank you: the organisers will approve your registration, and you will be told."),
    ),
}


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register for a date. An event that asks nothing more registers with one press on
    its page; one with questions or a plus-one has this form, which keeps what was typed
    and shows each refusal at its field."""
    occurrence = access_occurrence(request.user, pk, Need.REGISTER)
    form = RegisterForm(request.POST or None, event=occurrence.event)
    if request.method == "POST" and (form.is_valid() or not form.asks):
        try:
            row = actions.occurrence_register(
                actor=request.user, occurrence=occurrence, **form.action_fields()
            )
        except EventError as error:
            if not form.asks:
                return _back(request, occurrence, error)
            add_error(form, error)
        else:
            if not _fragment(request):
                messages.add_message(request, *_REGISTERED[row.status])
            return _back(request, occurrence, None)
    return render_page(
        request,
        "events/register.html",
        {**_owner_context(request, occurrence.event.owner), "event": occurrence.event,
         "occurrence": occurrence, "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@require_POST
@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser lets a pending registration in (a place, or the waiting list)."""
    return _decide(request, pk, actions.registration_approve)


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser turns a pending registration down."""
    return _decide(request, pk, actions.registration_decline)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = access_occurrence(request.user, pk, Need.REGISTER)
    mine = queries.my_registrations(request.user, [occurrence]).get(occurrence.pk)
    try:
        if mine is None:
            raise EventError(EventErrorCode.NOT_REGISTERED)
        mine.occurrence = occurrence
        actions.registration_cancel(actor=request.user, registration=mine)
    except EventError as error:
        return _back(request, occurrence, error)
    if not _fragment(request):
        messages.success(request, _("Your registration is cancelled."))
    return _back(request, occurrence, None)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event(request.user, pk, Need.ORGANISE)
    try:
        actions.event_publish(actor=request.user, event=event)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event is published."))
    return redirect(event)


@login_required
def registration_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers change how people register: a plus-one, approval, the questions."""
    event = access_event(request.user, pk, Need.ORGANISE)
    form = RegistrationOptionsForm(
        request.POST or None, initial=RegistrationOptionsForm.initial_of(event)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.event_registration_options(actor=request.user, event=event, **form.cleaned_data)
        except EventError as error:
            add_error(form, error)
        else:
            messages.success(request, _("How people register is saved."))
            return redirect(event)
    return render_page(
        request,
        "events/registration_options.html",
        {**_owner_context(request, event.owner), "event": event, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers change an event: its texts per language, the languages spoken, its
    place and link, and the time and places of an event of one date. What was typed stays
    on a refusal, shown at its field."""
    event = access_event(request.user, pk, Need.ORGANISE)
    date = queries.only_date(event)
    form = EventEditForm(request.POST or None, one_date=date is not None,
                         initial=EventEditForm.initial_of(event, date))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            actions.event_update(actor=request.user, event=event, **form.action_fields())
        except EventError as error:
            add_error(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render_page(
        request,
        "events/event_edit.html",
        {**_owner_context(request, event.owner), "event": event, "form": form, "date": date},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def series(request: HttpRequest, pk: int) -> HttpResponse:
    """Repeat the event's last date weekly or monthly (organisers)."""
    event = access_event(request.user, pk, Need.ORGANISE)
    form = SeriesForm(request.POST)
    try:
        if not form.is_valid():
            raise EventError(EventErrorCode.SERIES_INVALID)
        made = actions.series_extend(actor=request.user, event=event, **form.cleaned_data)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d dates added.") % {"count": len(made)})
    return redirect(event)


@require_POST
@login_required
def date_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one date (organisers); everyone registered is told."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    form = DateChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise EventError(EventErrorCode.END_BEFORE_START)
        actions.occurrence_change(actor=request.user, occurrence=occurrence, **form.cleaned_data)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The date is changed; everyone registered is told."))
    return redirect("events:attendees", occurrence.pk)


@require_POST
@login_required
def date_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call off one date (organisers); everyone registered for it is told."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    form = CancelEventForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.occurrence_cancel(actor=request.user, occurrence=occurrence, reason=reason)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("This date is cancelled; everyone registered is told."))
    return redirect("events:attendees", occurrence.pk)


@require_POST
@login_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event(request.user, pk, Need.ORGANISE)
    form = CancelEventForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.event_cancel(actor=request.user, event=event, reason=reason)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event is cancelled; everyone registered is told."))
    return redirect(event)


@require_POST
@login_required
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment on an event: one of the shared conversation posts (the event's own rules
    decide who may read and write)."""
    event = access_event(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return redirect(event)
    try:
        post = comment_add(actor=request.user, target=event, body=form.cleaned_data["body"])
    except ConversationError as error:
        messages.error(request, error.message)
        return redirect(event)
    return redirect(f"{event.get_absolute_url()}#{post.comment_anchor}")


@require_POST
@login_required
def comments_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers switch comments on or off for one event."""
    event = access_event(request.user, pk, Need.ORGANISE)
    comments_switch_action(
        actor=request.user, target=event, enabled=request.POST.get("enabled") == "1"
    )
    return redirect(f"{event.get_absolute_url()}#{comments_anchor(event)}")


@login_required
def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    return render_page(
        request,
        "events/attendees.html",
        {
            **_owner_context(request, occurrence.event.owner),
            "event": occurrence.event,
            "occurrence": occurrence,
            "rows": queries.attendees(occurrence),
            "guests": queries.walk_in_guests(occurrence),
            "capacity_form": CapacityForm(initial={"capacity": occurrence.capacity}),
            "change_form": DateChangeForm(
                initial={
                    "starts_at": timezone.localtime(occurrence.starts_at),
                    "ends_at": timezone.localtime(occurrence.ends_at),
                }
            ),
            "cancel_form": CancelEventForm(),
            "summary": queries.feedback_summary(occurrence),
            "feedback": queries.feedback_list(occurrence),
        },
    )


@require_POST
@login_required
def capacity(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    form = CapacityForm(request.POST)
    try:
        if not form.is_valid():
            raise EventError(EventErrorCode.CAPACITY_INVALID)
        actions.occurrence_set_capacity(
            actor=request.user, occurrence=occurrence, capacity=form.cleaned_data["capacity"]
        )
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The number of places is saved."))
    return redirect("events:attendees", occurrence.pk)


@login_required
def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{occurrence.pk}.csv"'
    writer = csv_writer(response)
    questions = [as_question(q).text for q in occurrence.event.questions or []]
    writer.writerow([_("Name"), _("E-mail"), _("Status"), _("Waiting list"), _("Checked in"),
                     _("Guests"), *questions])  # fmt: skip
    for row in queries.attendees(occurrence):
        checked = getattr(row, "check_in", None)
        answered = {item["question"]: item["answer"] for item in row.answers or []}
        writer.writerow(
            [
                row.user.public_name,
                row.user.email,
                row.get_status_display(),
                row.position or "",
                timezone.localtime(checked.created_at).isoformat() if checked else "",
                row.guests,
                *(answered.get(question, "") for question in questions),
            ]
        )
    for guest in queries.walk_in_guests(occurrence):
        writer.writerow([guest.name, guest.email, _("Walk-in without an account"), "",
                         timezone.localtime(guest.created_at).isoformat(), 0])  # fmt: skip
    return response


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = access_occurrence(request.user, pk)
    given = queries.my_feedback(request.user, occurrence)
    initial = (
        {"rating": given.rating, "prepared": given.prepared, "text": given.text,
         "anonymous": given.anonymous} if given else {}
    )  # fmt: skip
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.feedback_give(actor=request.user, occurrence=occurrence, **form.cleaned_data)
        except EventError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(occurrence.event)
    return render_page(
        request,
        "events/feedback.html",
        {
            **_owner_context(request, occurrence.event.owner),
            "event": occurrence.event,
            "occurrence": occurrence,
            "form": form,
            "given": given,
            "may_change": given is not None and queries.feedback_changeable(given),
        },
        status=400 if request.method == "POST" else 200,
    )


def _ics(request: HttpRequest, body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event(request.user, pk)
    occurrences = queries.event_occurrences(event)
    mine = queries.my_registrations(request.user, occurrences)
    body = calendars.build_calendar(
        occurrences,
        name=event.title,
        url_of=lambda o: request.build_absolute_uri(o.get_absolute_url()),
        show_link=lambda o: can_see_online_link(request.user, event, mine.get(o.pk)),
    )
    return _ics(request, body, f"event-{event.pk}.ics")


def feed_ics(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """A subscribable feed: public events for everyone, members-only ones only for who
    may see them; online links never (a feed URL gets shared)."""
    owner = access_owner(request.user, kind, slug)
    rows = queries.feed_occurrences(request.user, owner)
    # Built once per content version and audience: generating a thousand VEVENTs costs
    # close to a second, and calendar apps poll feeds every few minutes (bench/events.py).
    audience = "members" if can_see_members_events(request.user, owner) else "public"
    host = hashlib.sha256(request.get_host().encode()).hexdigest()[:16]
    # The language too: each date's description says "Spoken: ..." in the reader's.
    key = ":".join(("events-feed", owner_kind(owner), str(owner.pk), audience, host,
                    active_language(), queries.feed_version(rows)))  # fmt: skip
    body = cache.get(key)
    if body is None:
        body = calendars.build_calendar(
            rows,
            name=str(owner),
            url_of=lambda o: request.build_absolute_uri(o.get_absolute_url()),
            show_link=lambda o: False,
        )
        cache.set(key, body, FEED_CACHE_SECONDS)
    return _ics(request, body, f"{owner.slug}.ics")


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The person's secret feed address, with a button to make a new one."""
    if request.method == "POST":
        actions.calendar_feed_reset(actor=request.user)
        messages.success(request, _("Your calendar address is new; the old one no longer works."))
        return redirect("events:my_calendar")
    feed = queries.my_calendar_feed(request.user)
    url = request.build_absolute_uri(reverse("events:my_feed", args=[feed.token])) if feed else ""
    return render_page(request, "events/my_calendar.html", {"feed_url": url})


def my_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The dates a person is going to, for their calendar app: the secret token is the
    only key (calendar apps send no cookies), so an unknown token is a 404."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    body = calendars.build_calendar(
        queries.my_feed_occurrences(feed.user),
        name=_("My events"),
        url_of=lambda o: request.build_absolute_uri(o.get_absolute_url()),
        show_link=lambda o: True,  # going, and the address is theirs alone
    )
    return _ics(request, body, "my-events.ics")


@login_required
def coaching(request: HttpRequest) -> HttpResponse:
    """A coach's own feedback over time: every session they led, in any community (answers
    given anonymously count without a name, as they do everywhere)."""
    rows = queries.coach_feedback(request.user)
    months = queries.feedback_by_month(rows)
    return render_page(
        request,
        "events/coaching.html",
        {"months": months, "dates": queries.feedback_per_date(rows),
         "chart": charts.feedback_chart(months), "host": None},
    )  # fmt: skip


@login_required
def host_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """Host admins: the feedback on every event of the host and its collectives, per coach
    and per date, with the monthly chart and a CSV export."""
    host = access_host_feedback(request.user, slug)
    rows = queries.host_feedback(host)
    months = queries.feedback_by_month(rows)
    return render_page(
        request,
        "events/coaching.html",
        {"months": months, "dates": queries.feedback_per_date(rows), "host": host,
         "coaches": queries.feedback_per_coach(rows),
         "chart": charts.feedback_chart(months)},
    )  # fmt: skip


def _csv_mean(value: Any) -> str:
    return f"{value:f}" if value is not None else ""


@login_required
def host_feedback_csv(request: HttpRequest, slug: str) -> HttpResponse:
    host = access_host_feedback(request.user, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{host.slug}-feedback.csv"'
    writer = csv_writer(response)
    writer.writerow([_("Date"), _("Event"), _("Coach"), _("Answers"), _("Usefulness"),
                     _("Preparation")])  # fmt: skip
    for row in queries.feedback_per_date(queries.host_feedback(host)):
        when = timezone.localtime(row.when).isoformat()
        means = [_csv_mean(row.usefulness), _csv_mean(row.prepared)]
        writer.writerow([when, row.label, row.coach, row.count, *means])
    return response
