"""Reads for the event pages, calendars and the API; every list is filtered by access first.

Lists annotate their counts, so a page reads a fixed number of queries whatever the number
of events or registrations (DESIGN rule 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from samen.communities.models import Chapter, Collective
from samen.conversations.models import Owner, owner_fields
from samen.events import access
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    FEEDBACK_CHANGE_WINDOW,
    HOLDS_PLACE,
    PLACES,
    CalendarFeed,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Feedback,
    Occurrence,
    PriceKind,
    Registration,
    RegistrationStatus,
    WalkInGuest,
)
from samen.lib.translations import site_languages

#: How far back a calendar feed reaches: enough for last month's sessions, not all history.
FEED_PAST = timedelta(days=92)
#: A city in the agenda filter is at most as long as a chapter's or collective's city.
MAX_CITY = 120
PAGE_SIZE = 20


@dataclass(frozen=True)
class Window:
    """One page of a list read without counting the whole list: ``PAGE_SIZE + 1`` rows
    tell whether a next page exists. The agenda spans every community, and a
    ``COUNT(*)`` over all its dates cost more than reading the page (bench/events.py)."""

    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def window(rows: QuerySet[Any], page: str | None) -> Window:
    """Page ``page`` (1 when missing or not a number; at most 500 pages deep) of ``rows``."""
    try:
        number = min(max(int(page or 1), 1), 500)
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return Window(found[:PAGE_SIZE], number, len(found) > PAGE_SIZE)


def _count_of(condition: Q) -> Coalesce:
    rows = (
        Registration.objects.filter(condition, occurrence=OuterRef("pk"))
        .order_by()
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _places_of(condition: Q) -> Coalesce:
    """The places the matching registrations take: each person and their guests."""
    rows = (
        Registration.objects.filter(condition, occurrence=OuterRef("pk"))
        .order_by()
        .values("occurrence")
        .annotate(n=Sum(PLACES))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _walk_in_guests() -> Coalesce:
    """The walk-ins without an account at each date: each takes a place."""
    rows = (
        WalkInGuest.objects.filter(occurrence=OuterRef("pk"))
        .order_by()
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _counted(rows: QuerySet[Occurrence], *, pending: bool = False) -> QuerySet[Occurrence]:
    # Correlated subqueries rather than a join with GROUP BY: the database then counts only
    # the page's rows after LIMIT, not every date in the agenda (bench/events.py).
    # ``going`` is places taken (guests and walk-ins without an account included), what
    # the capacity is compared with.
    rows = rows.annotate(
        going=_places_of(Q(status__in=HOLDS_PLACE)) + _walk_in_guests(),
        waiting=_count_of(Q(status=RegistrationStatus.WAITING)),
    )
    if pending:
        rows = rows.annotate(pending=_count_of(Q(status=RegistrationStatus.PENDING)))
    return rows


def visible_events(user: Any, owner: Owner) -> QuerySet[Event]:
    """The events of ``owner`` that ``user`` may see (drafts for organisers only)."""
    events = Event.objects.filter(**owner_fields(owner))
    if not access.can_organise(user, owner):
        events = events.exclude(status=EventStatus.DRAFT)
    if not access.can_see_members_events(user, owner):
        events = events.filter(visibility=EventVisibility.PUBLIC)
    return events


def occurrences_of(user: Any, owner: Owner, *, past: bool = False) -> QuerySet[Occurrence]:
    """The dates of ``owner``'s events that ``user`` may see: upcoming ones (not yet
    ended) soonest first, or past ones latest first, with their counts."""
    now = timezone.now()
    rows = Occurrence.objects.filter(event__in=visible_events(user, owner)).select_related(
        "event__credit_unit"
    )
    if past:
        rows = rows.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        rows = rows.filter(ends_at__gte=now).order_by("starts_at", "id")
    return _counted(rows)


#: The agenda's price filter: free events only, or those with a price (euros or credits).
PRICE_FILTERS = ("free", "paid")
#: How one takes part: online (an online link, hybrid included), in person (a place,
#: hybrid included), or both (hybrid events only).
ATTEND_FILTERS = ("online", "in_person", "hybrid")
#: The agenda's filters, in the order of the filter bar and of the query string.
FILTER_NAMES = ("city", "kind", "language", "price", "attend")


@dataclass(frozen=True)
class AgendaFilters:
    """What the agenda is narrowed to; an empty value does not filter. ``city`` matches
    the city of the chapter or collective that holds the event, in any case."""

    city: str = ""
    kind: str = ""
    language: str = ""
    price: str = ""
    attend: str = ""

    @property
    def active(self) -> dict[str, str]:
        """The filters set, by name, in the filter bar's order."""
        return {name: getattr(self, name) for name in FILTER_NAMES if getattr(self, name)}

    @property
    def query(self) -> str:
        """The filters as a query string (no leading ``?``), for links that keep them."""
        return urlencode(self.active)

    def apply(self, rows: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
        if self.city:
            rows = rows.filter(
                Q(event__chapter__city__iexact=self.city)
                | Q(event__collective__city__iexact=self.city)
            )
        if self.kind:
            rows = rows.filter(event__kind=self.kind)
        if self.language:
            # A JSON list's membership test that SQLite and PostgreSQL both run: the
            # languages are at most the site's, so one equality per position.
            spoken = Q()
            for index in range(len(site_languages())):
                spoken |= Q(**{f"event__languages__{index}": self.language})
            rows = rows.filter(spoken)
        if self.price == "free":
            rows = rows.filter(event__price_kind=PriceKind.FREE)
        elif self.price == "paid":
            rows = rows.exclude(event__price_kind=PriceKind.FREE)
        if self.attend in ("online", "hybrid"):
            rows = rows.exclude(event__online_url="")
        if self.attend in ("in_person", "hybrid"):
            rows = rows.exclude(event__place="")
        return rows


def _filter_refused(name: str, value: str, strict: bool) -> str:
    if strict:
        raise EventError(Code.FILTER_INVALID, f"{name}: {Code.FILTER_INVALID.label}", field=name)
    return ""


def read_filters(data: Mapping[str, Any], *, strict: bool = False) -> AgendaFilters:
    """The agenda's filters from a query string. A value the agenda does not offer is
    dropped (that filter then does not narrow the list), or, ``strict`` (the API),
    refused with ``filter_invalid`` naming the parameter."""
    allowed = {
        "kind": EventKind.values,
        "language": site_languages(),
        "price": PRICE_FILTERS,
        "attend": ATTEND_FILTERS,
    }
    values: dict[str, str] = {}
    for name in FILTER_NAMES:
        value = str(data.get(name) or "").strip()
        if name == "city":
            value = " ".join(value.split())
            if len(value) > MAX_CITY:
                value = _filter_refused(name, value, strict)
        elif value and value not in allowed[name]:
            value = _filter_refused(name, value, strict)
        values[name] = value
    return AgendaFilters(**values)


def agenda_cities() -> list[str]:
    """The cities of chapters and collectives with a public event to come, for the filter
    bar: two queries over the communities (an index lookup each), whatever the number of
    events."""
    found: set[str] = set()
    for model, field in ((Chapter, "event__chapter"), (Collective, "event__collective")):
        upcoming = Occurrence.objects.filter(
            **{field: OuterRef("pk")},
            ends_at__gte=timezone.now(),
            event__status=EventStatus.PUBLISHED,
            event__visibility=EventVisibility.PUBLIC,
        )
        cities = model.objects.exclude(city="").filter(Exists(upcoming)).values_list("city")
        found.update(" ".join(city.split()) for (city,) in cities if city.strip())
    return sorted(found, key=str.casefold)


def _agenda_rows(filters: AgendaFilters) -> QuerySet[Occurrence]:
    """Dates of every published public event, with their owner, narrowed by ``filters``:
    what the agenda and its month view read."""
    rows = Occurrence.objects.filter(
        event__status=EventStatus.PUBLISHED,
        event__visibility=EventVisibility.PUBLIC,
    ).select_related("event__collective", "event__host", "event__chapter", "event__credit_unit")
    return filters.apply(rows)


def public_agenda(filters: AgendaFilters | None = None) -> QuerySet[Occurrence]:
    """Upcoming dates of every published public event, soonest first, with their owner
    and counts: the ``/events/`` agenda across all communities."""
    rows = _agenda_rows(filters or AgendaFilters()).filter(ends_at__gte=timezone.now())
    return _counted(rows.order_by("starts_at", "id"))


#: A month view reads at most this many dates; a busier month says so and asks for filters.
MONTH_LIMIT = 500
#: Titles shown in one day's cell; the others are counted.
DAY_LIMIT = 4


@dataclass(frozen=True)
class Day:
    """One cell of the month grid: its date, whether it is in the month shown, and the
    dates of events that start on it (Brussels time)."""

    date: dt.date
    in_month: bool
    occurrences: list[Occurrence]

    @property
    def shown(self) -> list[Occurrence]:
        return self.occurrences[:DAY_LIMIT]

    @property
    def more(self) -> int:
        return max(len(self.occurrences) - DAY_LIMIT, 0)


@dataclass(frozen=True)
class Month:
    """The agenda's month view: whole weeks from Monday, the months before and after."""

    first: dt.date
    weeks: list[list[Day]]
    previous: dt.date
    next: dt.date
    truncated: bool

    @property
    def days_with_events(self) -> list[Day]:
        """For phones: the days of the month that have something, as a list."""
        return [day for week in self.weeks for day in week if day.in_month and day.occurrences]


def read_month(value: str | None, today: dt.date) -> dt.date:
    """The first day of the month ``YYYY-MM``; this month for anything else."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100:
            return dt.date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def agenda_month(first: dt.date, filters: AgendaFilters | None = None) -> Month:
    """The public agenda of the month starting ``first``, in one query whatever the
    number of events (at most ``MONTH_LIMIT`` dates)."""
    zone = timezone.get_current_timezone()
    start = first - dt.timedelta(days=first.weekday())
    following = (first + dt.timedelta(days=32)).replace(day=1)
    end = following + dt.timedelta(days=(7 - following.weekday()) % 7)
    rows = list(
        _agenda_rows(filters or AgendaFilters())
        .filter(
            starts_at__gte=dt.datetime.combine(start, dt.time(), zone),
            starts_at__lt=dt.datetime.combine(end, dt.time(), zone),
        )
        .order_by("starts_at", "id")[: MONTH_LIMIT + 1]
    )
    by_day: dict[dt.date, list[Occurrence]] = {}
    for row in rows[:MONTH_LIMIT]:
        by_day.setdefault(timezone.localtime(row.starts_at, zone).date(), []).append(row)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    cells = [Day(d, d.month == first.month, by_day.get(d, [])) for d in days]
    return Month(
        first=first,
        weeks=[cells[n : n + 7] for n in range(0, len(cells), 7)],
        previous=(first - dt.timedelta(days=1)).replace(day=1),
        next=following,
        truncated=len(rows) > MONTH_LIMIT,
    )


def event_occurrences(event: Event) -> list[Occurrence]:
    """The dates of one event, in order, with their counts (pending ones too)."""
    rows = _counted(Occurrence.objects.filter(event=event), pending=True)
    return list(rows.order_by("starts_at", "id"))


def walk_in_guests(occurrence: Occurrence) -> QuerySet[WalkInGuest]:
    """The people without an account added at the door of a date, for its organisers."""
    return WalkInGuest.objects.filter(occurrence=occurrence).order_by("created_at", "pk")


def only_date(event: Event) -> Occurrence | None:
    """The event's date when it has exactly one (an edit of the event may move it)."""
    dates = list(Occurrence.objects.filter(event=event).order_by("pk")[:2])
    return dates[0] if len(dates) == 1 else None


def my_registrations(user: Any, occurrences: list[Occurrence]) -> dict[int, Registration]:
    """``user``'s registration per occurrence id (none for anonymous visitors)."""
    if not access.signed_in(user):
        return {}
    rows = Registration.objects.filter(user=user, occurrence__in=occurrences).select_related(
        "contribution"
    )
    return {row.occurrence_id: row for row in rows}


def waiting_place(registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; None unless waiting."""
    if registration.status != RegistrationStatus.WAITING or registration.position is None:
        return None
    ahead = Registration.objects.filter(
        occurrence_id=registration.occurrence_id,
        status=RegistrationStatus.WAITING,
        position__lt=registration.position,
    ).count()
    return ahead + 1


def attendees(occurrence: Occurrence) -> QuerySet[Registration]:
    """Everyone registered for a date, for its organisers: going and attended first (by
    name), then the waiting list in order, then the rest."""
    return (
        Registration.objects.filter(occurrence=occurrence)
        .select_related("user", "check_in")
        .order_by("status", "position", "user__display_name", "pk")
    )


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: Decimal | None


def feedback_summary(occurrence: Occurrence) -> FeedbackSummary:
    """How many rated a date and their average rating, to one decimal (exact, no float)."""
    found = Feedback.objects.filter(occurrence=occurrence).aggregate(n=Count("id"), s=Sum("rating"))
    if not found["n"]:
        return FeedbackSummary(0, None)
    average = (Decimal(found["s"]) / Decimal(found["n"])).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return FeedbackSummary(found["n"], average)


def feedback_list(occurrence: Occurrence) -> QuerySet[Feedback]:
    return Feedback.objects.filter(occurrence=occurrence).select_related("user")


def my_feedback(user: Any, occurrence: Occurrence) -> Feedback | None:
    """The person's answer on a date, if they gave one."""
    if not access.signed_in(user):
        return None
    return Feedback.objects.filter(occurrence=occurrence, user=user).first()


def feedback_changeable(feedback: Feedback) -> bool:
    return timezone.now() - feedback.created_at <= FEEDBACK_CHANGE_WINDOW


def feed_occurrences(user: Any, owner: Owner) -> QuerySet[Occurrence]:
    """The dates for ``owner``'s calendar feed: what ``user`` may see, from three months
    back on, drafts never (a calendar is not a preview)."""
    events = visible_events(user, owner).exclude(status=EventStatus.DRAFT)
    return (
        Occurrence.objects.filter(event__in=events, ends_at__gte=timezone.now() - FEED_PAST)
        .select_related("event")
        .order_by("starts_at", "id")
    )


def feed_version(rows: QuerySet[Occurrence]) -> str:
    """What a feed's content depends on, in one aggregate query: how many dates, the
    latest change of a date and of an event. Any edit, publication, cancellation or new
    date changes it, so a cached feed is never stale."""
    found = rows.order_by().aggregate(
        n=Count("pk"), top=Max("pk"), dates=Max("updated_at"), events=Max("event__updated_at")
    )
    parts = (found["n"], found["top"], found["dates"], found["events"])
    text = "|".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_in_person(check_in: CheckIn) -> Registration:
    """The registration just checked in, with the person, for the desk's confirmation."""
    return Registration.objects.select_related("user").get(pk=check_in.registration_id)


def my_feed_occurrences(user: Any) -> list[Occurrence]:
    """The dates ``user`` is going to (or went to, from three months back) of events they
    may still see: a members-only event drops out when they leave its community."""
    rows = (
        Occurrence.objects.filter(
            registrations__user=user,
            registrations__status__in=HOLDS_PLACE,
            ends_at__gte=timezone.now() - FEED_PAST,
        )
        .exclude(event__status=EventStatus.DRAFT)
        .select_related("event__collective__host", "event__host", "event__chapter")
        .order_by("starts_at", "id")
    )
    return [row for row in rows if access.can_see_event(user, row.event)]


def my_calendar_feed(user: Any) -> CalendarFeed | None:
    """The person's secret feed address, if they made one."""
    return CalendarFeed.objects.filter(user=user).first()


# --- feedback aggregates for coaches and hosts -------------------------------------------------


@dataclass(frozen=True)
class Ratings:
    """Averages of a group of answers (a month, a coach, a date), exact to one decimal."""

    label: str
    count: int
    usefulness: Decimal | None
    prepared: Decimal | None
    when: Any = None
    coach: Any = None


def _mean(total: int | None, count: int | None) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sums() -> dict[str, Any]:
    return {"n": Count("id"), "s": Sum("rating"), "pn": Count("prepared"), "ps": Sum("prepared")}


def feedback_by_month(rows: QuerySet[Feedback]) -> list[Ratings]:
    """The averages per month of the sessions' dates (Brussels time), oldest first."""
    found = (
        rows.annotate(month=TruncMonth("occurrence__starts_at"))
        .order_by()
        .values("month")
        .annotate(**_sums())
        .order_by("month")
    )
    return [
        Ratings(
            label=f"{row['month']:%Y-%m}",
            when=row["month"],
            count=row["n"],
            usefulness=_mean(row["s"], row["n"]),
            prepared=_mean(row["ps"], row["pn"]),
        )
        for row in found
    ]


def coach_feedback(coach: Any) -> QuerySet[Feedback]:
    """Every answer on the sessions ``coach`` led, in any community."""
    return Feedback.objects.filter(occurrence__event__coach=coach)


def host_feedback(host: Any) -> QuerySet[Feedback]:
    """Every answer on the events of ``host`` and of its collectives."""
    return Feedback.objects.filter(
        Q(occurrence__event__host=host) | Q(occurrence__event__collective__host=host)
    )


def feedback_per_coach(rows: QuerySet[Feedback]) -> list[Ratings]:
    """The averages per coach (by name), with the coach's user row."""
    found = list(rows.order_by().values("occurrence__event__coach").annotate(**_sums()).order_by())
    people = get_user_model().objects.in_bulk(
        [row["occurrence__event__coach"] for row in found if row["occurrence__event__coach"]]
    )
    result = [
        Ratings(
            label=people[pk].public_name if (pk := row["occurrence__event__coach"]) else "",
            coach=people.get(pk) if pk else None,
            count=row["n"],
            usefulness=_mean(row["s"], row["n"]),
            prepared=_mean(row["ps"], row["pn"]),
        )
        for row in found
    ]
    return sorted(result, key=lambda r: (r.label.casefold(), r.coach.pk if r.coach else 0))


def feedback_per_date(rows: QuerySet[Feedback]) -> list[Ratings]:
    """The averages per date of an event, latest first, with the event's title and coach."""
    found = list(
        rows.order_by()
        .values(
            "occurrence",
            "occurrence__starts_at",
            "occurrence__event__title",
            "occurrence__event__coach__display_name",
        )
        .annotate(**_sums())
        .order_by("-occurrence__starts_at", "-occurrence")
    )
    return [
        Ratings(
            label=row["occurrence__event__title"],
            when=row["occurrence__starts_at"],
            coach=row["occurrence__event__coach__display_name"] or "",
            count=row["n"],
            usefulness=_mean(row["s"], row["n"]),
            prepared=_mean(row["ps"], row["pn"]),
        )
        for row in found
    ]


#: How many members the check-in desk's walk-in search shows.
WALK_IN_RESULTS = 10


def walk_in_candidates(occurrence: Occurrence, text: str) -> list[Any]:
    """Members of the event's community an organiser may add as a walk-in: the name
    contains ``text``, or the e-mail address is exactly it (no address is guessed from a
    part of it), and they hold no place for this date yet."""
    from samen.decisions.segments import members_of  # the one definition of a member list

    text = " ".join((text or "").split())[:120]
    if len(text) < 2:
        return []
    holding = Registration.objects.filter(occurrence=occurrence, status__in=HOLDS_PLACE)
    found = (
        members_of(occurrence.event.owner)
        .filter(Q(display_name__icontains=text) | Q(email__iexact=text), erased_at__isnull=True)
        .exclude(pk__in=holding.values("user_id"))
        .order_by("display_name", "pk")
    )
    return list(found[:WALK_IN_RESULTS])
