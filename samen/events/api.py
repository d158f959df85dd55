"""The events API: a community's events, one event with its dates, registering, cancelling
a registration and feedback.

Errors are ``{"detail", "code"}`` (docs/api.md): 401 without a person on writes, 404 for an
event the caller may not see (a draft, a members-only event for a stranger), and the codes
of ``EventErrorCode``: 409 ``already_registered``, ``not_registered``, ``not_open``,
``cancelled``, ``started``, ``feedback_given``, ``not_pending``; 403 ``not_attended``; 422
``too_early``, ``bad_rating``, ``plus_one_not_allowed``, ``answer_missing``, ...
(``EventErrorCode``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.validation import render_markdown
from samen.events import actions, queries
from samen.events.access import (
    Need,
    access_event,
    access_occurrence,
    access_owner,
    access_registration,
    can_see_online_link,
)
from samen.events.errors import EventError, EventErrorCode
from samen.events.models import CheckIn, Event, Occurrence, Registration, WalkInGuest

router = Router(tags=["events"])

OwnerKind = Literal["collective", "host", "chapter"]


class EventQuestionIn(Schema):
    text: str = Field(..., max_length=300)
    choices: list[str] = Field(
        [], description="Empty for a text answer; else two or more answers to choose from."
    )


class EventQuestionOut(Schema):
    text: str
    choices: list[str]


class EventOut(Schema):
    id: int
    kind: str
    title: str
    status: Literal["draft", "published", "cancelled"]
    visibility: Literal["public", "members"]
    place: str
    url: str
    price_kind: Literal["free", "euros", "credits"]
    price_cents: int = Field(description="A euro price in cents; 0 unless ``euros``.")
    credit_service: str = Field(description="The host's rate card line; empty unless credits.")
    price_credits: int = Field(
        description="A credit price in the unit's smallest step (thousandths); 0 unless credits."
    )
    credit_unit: str = Field(description="The credit's code, such as SIF; empty unless credits.")
    plus_one_allowed: bool = Field(description="Each person may bring one guest.")
    requires_approval: bool = Field(description="Registrations wait for an organiser.")
    questions: list[EventQuestionOut] = Field(description="Answered when registering, in order.")
    languages: list[str] = Field(
        description="Codes of the languages spoken (of the site's: en, nl, fr), at least one."
    )

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_credit_unit(obj: Event) -> str:
        return obj.credit_unit.code if obj.credit_unit else ""


class EventIn(Schema):
    kind: str = Field(..., description="meetup, info_session, workshop, bootcamp, webinar, ...")
    title: str = Field(..., max_length=200)
    starts_at: datetime = Field(..., description="With its UTC offset.")
    ends_at: datetime
    description: str = Field("", max_length=actions.MAX_DESCRIPTION)
    place: str = Field("", max_length=300)
    online_url: str = Field("", max_length=200)
    visibility: Literal["public", "members"] = "public"
    capacity: int | None = Field(None, description="Null: no limit.")
    price_kind: Literal["free", "euros", "credits"] = "free"
    price_cents: int | None = Field(None, description="For ``euros``: the price in cents.")
    credit_service: str = Field(
        "",
        max_length=40,
        description="For ``credits``: a line of the host's rate card.",
    )
    plus_one_allowed: bool = Field(False, description="A guest may come along (free events).")
    requires_approval: bool = Field(False, description="Organisers approve each registration.")
    questions: list[EventQuestionIn] = Field([], description="At most 20, asked when registering.")
    languages: list[str] | None = Field(
        None,
        description="Codes of the languages spoken (en, nl, fr), at least one; "
        "the organiser's own language when left out. Else 422 ``languages_invalid``.",
    )


class CapacityIn(Schema):
    capacity: int | None = Field(..., description="Null: no limit.")


class RegisterIn(Schema):
    method: Literal["bank_transfer", "stripe"] = Field(
        "bank_transfer", description="How a euro price is paid; ignored otherwise."
    )
    guests: int = Field(0, description="1 to bring a guest, when the event allows a plus-one.")
    answers: list[str] = Field(
        [], description="One answer per question of the event, in order; a choice verbatim."
    )


class AnswerOut(Schema):
    question: str
    answer: str


RegistrationStatusOut = Literal["going", "waiting", "cancelled", "attended", "refused", "pending"]


class RegistrationOut(Schema):
    id: int
    occurrence_id: int
    status: RegistrationStatusOut = Field(
        description="``pending`` while the organisers have not approved it (no place held)."
    )
    guests: int
    answers: list[AnswerOut]
    waiting_place: int | None = Field(description="1 for the first person waiting; else null.")
    payment_url: str = Field(
        description="For a euro price: the contribution page to pay on; else empty."
    )

    @staticmethod
    def resolve_waiting_place(obj: Registration) -> int | None:
        return queries.waiting_place(obj)

    @staticmethod
    def resolve_payment_url(obj: Registration) -> str:
        contribution = obj.contribution
        return reverse("funding:contribution", args=[contribution.token]) if contribution else ""


class OccurrenceOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = Field(description="Null: no limit.")
    going: int
    waiting: int
    mine: RegistrationOut | None = Field(description="The caller's registration, if any.")

    @staticmethod
    def resolve_going(obj: Occurrence) -> int:
        return int(getattr(obj, "going", 0))

    @staticmethod
    def resolve_waiting(obj: Occurrence) -> int:
        return int(getattr(obj, "waiting", 0))

    @staticmethod
    def resolve_mine(obj: Occurrence) -> Registration | None:
        return getattr(obj, "mine", None)


class EventDetailOut(EventOut):
    description: str = Field(description="Markdown, as written.")
    description_html: str = Field(description="Rendered and sanitised.")
    online_url: str = Field(description="Empty unless the caller is going or organises.")
    occurrences: list[OccurrenceOut]

    @staticmethod
    def resolve_description_html(obj: Event) -> str:
        return render_markdown(obj.description)

    @staticmethod
    def resolve_online_url(obj: Event) -> str:
        return obj.online_url if getattr(obj, "show_link", False) else ""

    @staticmethod
    def resolve_occurrences(obj: Event) -> list[Occurrence]:
        return list(getattr(obj, "dates", []))


class OccurrenceListOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    going: int
    waiting: int
    event: EventOut

    @staticmethod
    def resolve_going(obj: Occurrence) -> int:
        return int(getattr(obj, "going", 0))

    @staticmethod
    def resolve_waiting(obj: Occurrence) -> int:
        return int(getattr(obj, "waiting", 0))


class AttendeeOut(Schema):
    """One registration as the organisers see it."""

    id: int
    name: str
    status: RegistrationStatusOut
    waiting_position: int | None = Field(description="Order on the waiting list; else null.")
    guests: int
    answers: list[AnswerOut]
    registered_at: datetime
    checked_in: bool

    @staticmethod
    def resolve_name(obj: Registration) -> str:
        return str(obj.user.public_name)

    @staticmethod
    def resolve_waiting_position(obj: Registration) -> int | None:
        return obj.position

    @staticmethod
    def resolve_registered_at(obj: Registration) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_checked_in(obj: Registration) -> bool:
        return getattr(obj, "check_in", None) is not None


class CheckInOut(Schema):
    registration_id: int
    checked_in_at: datetime

    @staticmethod
    def resolve_checked_in_at(obj: CheckIn) -> datetime:
        return obj.created_at


class CancelIn(Schema):
    reason: str = Field("", max_length=500, description="Sent to everyone registered.")


class CodeIn(Schema):
    code: str = Field(..., max_length=40, description="The code of the person's QR.")


class EventFeedbackIn(Schema):
    rating: int = Field(..., description="How useful it was, 1 to 5.")
    prepared: int | None = Field(None, description="How well the coach was prepared, 1 to 5.")
    text: str = Field("", max_length=actions.MAX_FEEDBACK)
    anonymous: bool = Field(False, description="Hide the name from the organisers.")


class FeedbackOut(Schema):
    rating: int
    prepared: int | None
    text: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime


def _detail(request: HttpRequest, event: Event) -> Event:
    dates = queries.event_occurrences(event)
    mine = queries.my_registrations(request.user, dates)
    for occurrence in dates:
        occurrence.mine = mine.get(occurrence.pk)  # type: ignore[attr-defined]
    rows = [*mine.values(), None]
    event.dates = dates  # type: ignore[attr-defined]
    event.show_link = any(can_see_online_link(request.user, event, r) for r in rows)  # type: ignore[attr-defined]
    return event


@router.get(
    "/agenda",
    response=page_of(OccurrenceListOut),
    operation_id="events_agenda",
)
def agenda(
    request: HttpRequest,
    params: Query[CursorParams],
    city: str = Query("", description="The city of the chapter or collective, any case."),
    kind: str = Query("", description="meetup, info_session, workshop, bootcamp, ..."),
    language: str = Query("", description="A language spoken: en, nl or fr."),
    price: str = Query("", description="``free`` or ``paid`` (euros or credits)."),
    attend: str = Query(
        "", description="``online`` (hybrid included), ``in_person`` (hybrid included), ``hybrid``."
    ),
) -> Any:
    """Upcoming dates of every published public event (the ``/events/`` agenda), soonest
    first; the filters combine. A value the agenda does not offer is 400
    ``filter_invalid`` naming the parameter (the pages ignore it instead)."""
    filters = queries.read_filters(
        {"city": city, "kind": kind, "language": language, "price": price, "attend": attend},
        strict=True,
    )
    return paginate(queries.public_agenda(filters), params, order=("starts_at", "id"))


@router.get(
    "/{kind}/{slug}/events",
    response=page_of(OccurrenceListOut),
    operation_id="events_list",
)
def event_list(
    request: HttpRequest,
    kind: OwnerKind,
    slug: str,
    params: Query[CursorParams],
    when: Literal["upcoming", "past"] = "upcoming",
) -> Any:
    """The dates of a community's events the caller may see: upcoming (soonest first) or
    past (latest first). Members-only events only for members and organisers."""
    owner = access_owner(request.user, kind, slug)
    past = when == "past"
    rows = queries.occurrences_of(request.user, owner, past=past)
    order = ("-starts_at", "-id") if past else ("starts_at", "id")
    return paginate(rows, params, order=order)


@router.post(
    "/{kind}/{slug}/events",
    response={201: EventDetailOut},
    auth=api_auth,
    operation_id="events_create",
)
def event_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: EventIn) -> Any:
    """A draft event with its first date (organisers; 403 for others). 422 for bad input:
    ``end_before_start``, ``capacity_invalid``, ``price_invalid``, ``credit_service``,
    ``no_credits``, ``price_euros_hosted``, ``plus_one_priced`` (a plus-one on a priced
    event), ``questions_invalid`` (a choice question with fewer than two choices), ..."""
    owner = access_owner(request.user, kind, slug, Need.ORGANISE)
    event = actions.event_create(actor=request.user, owner=owner, **payload.dict())
    return Status(201, _detail(request, event))


class RegistrationOptionsIn(Schema):
    plus_one_allowed: bool = Field(..., description="A guest may come along (free events).")
    requires_approval: bool = Field(..., description="Organisers approve each registration.")
    questions: list[EventQuestionIn] = Field(..., description="At most 20, asked when registering.")


@router.put(
    "/{pk}/registration-options",
    response=EventDetailOut,
    auth=api_auth,
    operation_id="events_registration_options",
)
def registration_options(request: HttpRequest, pk: int, payload: RegistrationOptionsIn) -> Any:
    """Change how people register (organisers; 403 for other readers). Guests admitted and
    answers given stay. 422 ``plus_one_priced``, ``questions_invalid``; 409 ``cancelled``."""
    event = access_event(request.user, pk, Need.ORGANISE)
    event = actions.event_registration_options(actor=request.user, event=event, **payload.dict())
    return _detail(request, event)


class EventPatchIn(Schema):
    """Only the fields sent change (null, as left out, keeps the value; but a null
    ``capacity`` means no limit); sending the same values again changes nothing."""

    title: str | None = Field(None, max_length=200, description="In the request's language.")
    description: str | None = Field(
        None, max_length=actions.MAX_DESCRIPTION, description="Markdown, in the request's language."
    )
    place: str | None = Field(None, max_length=300)
    online_url: str | None = Field(None, max_length=200)
    languages: list[str] | None = Field(
        None, description="Codes of the languages spoken, at least one."
    )
    starts_at: datetime | None = Field(
        None, description="With its UTC offset; an event of one date only (else 409 series_dates)."
    )
    ends_at: datetime | None = Field(None, description="With its UTC offset; after ``starts_at``.")
    capacity: int | None = Field(
        None, ge=1, le=100_000, description="Null: no limit. Never below the places already taken."
    )
    reason: str = Field(
        "", max_length=500, description="Sent to everyone registered when time or place changes."
    )


@router.patch(
    "/{pk}",
    response=EventDetailOut,
    auth=api_auth,
    operation_id="events_update",
)
def event_update(request: HttpRequest, pk: int, payload: EventPatchIn) -> Any:
    """Change an event (organisers; 403 for other readers, 404 for the rest): its title
    and description in the request's language (Accept-Language), the languages spoken,
    its place and online link, and for an event of one date its times and places.
    Idempotent: the same values again change nothing and tell nobody. Everyone registered
    is told once when the time, place or link changes, and the event's .ics carries a
    higher SEQUENCE. 422 ``end_before_start``, ``out_of_range``, ``place_missing``,
    ``title_missing``, ``languages_invalid``, ``capacity_invalid``; 409 ``below_going``
    (fewer places than people going), ``series_dates`` (times or places of an event with
    several dates), ``cancelled``."""
    event = access_event(request.user, pk, Need.ORGANISE)
    sent = payload.dict(exclude_unset=True)
    changes = {
        name: value for name, value in sent.items() if value is not None or name == "capacity"
    }
    event = actions.event_update(actor=request.user, event=event, **changes)
    return _detail(request, event)


@router.put(
    "/dates/{pk}/capacity",
    response=OccurrenceOut,
    auth=api_auth,
    operation_id="events_capacity",
)
def capacity(request: HttpRequest, pk: int, payload: CapacityIn) -> Any:
    """Change a date's places (organisers). 409 ``below_going`` under the people going."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    actions.occurrence_set_capacity(
        actor=request.user, occurrence=occurrence, capacity=payload.capacity
    )
    (counted,) = [o for o in queries.event_occurrences(occurrence.event) if o.pk == pk]
    return counted


@router.get("/{pk}", response=EventDetailOut, operation_id="events_detail")
def event_detail(request: HttpRequest, pk: int) -> Any:
    """One event with its dates, counts and the caller's registrations (404 when it is not
    for the caller)."""
    return _detail(request, access_event(request.user, pk))


@router.post(
    "/dates/{pk}/registration",
    response={201: RegistrationOut},
    auth=api_auth,
    operation_id="events_register",
)
def register(request: HttpRequest, pk: int, payload: RegisterIn | None = None) -> Any:
    """Register for a date: ``going`` while places are left (a guest takes one too), else
    ``waiting`` with a place in line; ``pending`` when the organisers approve
    registrations. 409 ``already_registered``, ``not_open``, ``cancelled``, ``started``,
    ``over_limit`` (a credit price beyond the caller's credit limit); 403
    ``not_credit_member``; 422 ``plus_one_not_allowed``, ``guests_invalid``,
    ``answer_missing``, ``answer_invalid``. A euro price answers the ``payment_url`` to
    pay on."""
    occurrence = access_occurrence(request.user, pk, Need.REGISTER)
    fields = payload.dict() if payload else {}
    row = actions.occurrence_register(actor=request.user, occurrence=occurrence, **fields)
    return Status(201, row)


@router.get(
    "/dates/{pk}/registrations",
    response=list[AttendeeOut],
    auth=api_auth,
    operation_id="events_registrations",
)
def registrations(request: HttpRequest, pk: int) -> Any:
    """Everyone registered for a date, with their guests and answers (organisers; 403 for
    others who see the event, 404 for the rest)."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    return list(queries.attendees(occurrence))


@router.post(
    "/registrations/{pk}/approve",
    response=RegistrationOut,
    auth=api_auth,
    operation_id="events_approve",
)
def approve(request: HttpRequest, pk: int) -> Any:
    """Let a pending registration in (organisers; 404 for everyone else): ``going`` while
    places are left, else ``waiting``. 409 ``not_pending``, ``over_limit``, ``started``,
    ``cancelled``; the person is told by e-mail."""
    registration = access_registration(request.user, pk)
    return actions.registration_approve(actor=request.user, registration=registration)


@router.post(
    "/registrations/{pk}/decline",
    response=RegistrationOut,
    auth=api_auth,
    operation_id="events_decline",
)
def decline(request: HttpRequest, pk: int) -> Any:
    """Turn a pending registration down (organisers; 404 for everyone else). 409
    ``not_pending``; the person is told by e-mail."""
    registration = access_registration(request.user, pk)
    return actions.registration_decline(actor=request.user, registration=registration)


@router.delete(
    "/dates/{pk}/registration",
    response=RegistrationOut,
    auth=api_auth,
    operation_id="events_cancel_registration",
)
def withdraw(request: HttpRequest, pk: int) -> Any:
    """Cancel the caller's registration (going or waiting); a freed place goes to the first
    person waiting. 409 ``not_registered`` or ``started``."""
    occurrence = access_occurrence(request.user, pk, Need.REGISTER)
    mine = queries.my_registrations(request.user, [occurrence]).get(occurrence.pk)
    if mine is None:
        raise EventError(EventErrorCode.NOT_REGISTERED)
    mine.occurrence = occurrence
    return actions.registration_cancel(actor=request.user, registration=mine)


@router.post(
    "/dates/{pk}/feedback",
    response={201: FeedbackOut},
    auth=api_auth,
    operation_id="events_feedback",
)
def feedback(request: HttpRequest, pk: int, payload: EventFeedbackIn) -> Any:
    """Rate a date you attended, from its start on; a second answer within 14 days
    changes the first. 403 ``not_attended``; 409 ``feedback_closed`` after 14 days; 422
    ``too_early`` or ``bad_rating``."""
    occurrence = access_occurrence(request.user, pk)
    row = actions.feedback_give(actor=request.user, occurrence=occurrence, **payload.dict())
    return Status(201, row)


@router.post(
    "/{pk}/publish",
    response=EventDetailOut,
    auth=api_auth,
    operation_id="events_publish",
)
def publish(request: HttpRequest, pk: int) -> Any:
    """Publish a draft (organisers; 404 for others). 409 ``not_draft``."""
    event = access_event(request.user, pk, Need.ORGANISE)
    return _detail(request, actions.event_publish(actor=request.user, event=event))


@router.post(
    "/{pk}/cancel",
    response=EventDetailOut,
    auth=api_auth,
    operation_id="events_cancel",
)
def cancel(request: HttpRequest, pk: int, payload: CancelIn) -> Any:
    """Cancel the event and tell everyone going or waiting (organisers; 403 for other
    readers). 409 ``cancelled``."""
    event = access_event(request.user, pk, Need.ORGANISE)
    event = actions.event_cancel(actor=request.user, event=event, reason=payload.reason)
    return _detail(request, event)


@router.post(
    "/registrations/{pk}/check-in",
    response=CheckInOut,
    auth=api_auth,
    operation_id="events_check_in",
)
def check_in(request: HttpRequest, pk: int) -> Any:
    """Check a person in (organisers; 404 for everyone else). Idempotent: a second call
    answers the first check-in. 409 ``not_going`` for someone not going."""
    registration = access_registration(request.user, pk)
    return actions.registration_check_in(actor=request.user, registration=registration)


@router.post(
    "/dates/{pk}/check-in",
    response=CheckInOut,
    auth=api_auth,
    operation_id="events_check_in_by_code",
)
def check_in_by_code(request: HttpRequest, pk: int, body: CodeIn) -> Any:
    """Check a person in by the code of their QR (organisers; 403 for others who see it).
    Idempotent. 422 ``code_invalid`` for a code that is not one, ``code_other_date`` for
    another date's code."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    return actions.registration_check_in_by_code(
        actor=request.user, occurrence=occurrence, code=body.code
    )


class WalkInIn(Schema):
    person: int = Field(..., description="The id of a member of the event's community.")


class WalkInCandidateOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.public_name)


@router.get(
    "/dates/{pk}/walk-in-candidates",
    response=list[WalkInCandidateOut],
    auth=api_auth,
    operation_id="events_walk_in_candidates",
)
def walk_in_candidates(request: HttpRequest, pk: int, q: str = "") -> Any:
    """Members of the community who could be added as walk-ins (organisers; 403 for
    others who see the date): the name contains ``q`` or the e-mail is exactly ``q``."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    return queries.walk_in_candidates(occurrence, q)


@router.post(
    "/dates/{pk}/walk-ins",
    response={201: CheckInOut},
    auth=api_auth,
    operation_id="events_walk_in",
)
def walk_in(request: HttpRequest, pk: int, body: WalkInIn) -> Any:
    """Add a member who did not register, checked in at once whatever the places left;
    a credit price is booked as for any check-in (organisers; 403 for others). 409
    ``walk_in_registered`` for someone already going or checked in, 422
    ``walk_in_not_member`` for someone outside the community, 409 ``not_booked`` when
    their credits cannot be booked."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    person = get_user_model().objects.filter(pk=body.person, is_active=True).first()
    if person is None:
        raise EventError(EventErrorCode.WALK_IN_NOT_MEMBER, field="person")
    done = actions.registration_walk_in(actor=request.user, occurrence=occurrence, person=person)
    return Status(201, done)


class WalkInGuestIn(Schema):
    name: str = Field(..., max_length=200, description="The person's name, as they give it.")
    email: str = Field("", max_length=254, description="Optional; nothing is sent to it.")


class WalkInGuestOut(Schema):
    id: int
    name: str
    email: str
    checked_in_at: datetime

    @staticmethod
    def resolve_checked_in_at(obj: WalkInGuest) -> datetime:
        return obj.created_at


@router.post(
    "/dates/{pk}/walk-in-guests",
    response={201: WalkInGuestOut},
    auth=api_auth,
    operation_id="events_walk_in_guest",
)
def walk_in_guest(request: HttpRequest, pk: int, body: WalkInGuestIn) -> Any:
    """Add someone without an account at the door, by name and optional e-mail: counted
    as attended and in the places taken, whatever the places left, with no price booked
    and nothing sent (organisers; 403 for others who see the date, 404 for the rest).
    422 ``guest_name_missing``, ``guest_email_invalid``; 409 ``cancelled``,
    ``not_open``, ``date_cancelled``."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    guest = actions.walk_in_guest_add(actor=request.user, occurrence=occurrence, **body.dict())
    return Status(201, guest)


@router.get(
    "/dates/{pk}/walk-in-guests",
    response=list[WalkInGuestOut],
    auth=api_auth,
    operation_id="events_walk_in_guests",
)
def walk_in_guests(request: HttpRequest, pk: int) -> Any:
    """The people without an account added at the door of a date (organisers; 403 for
    others who see the date, 404 for the rest)."""
    occurrence = access_occurrence(request.user, pk, Need.ORGANISE)
    return list(queries.walk_in_guests(occurrence))
