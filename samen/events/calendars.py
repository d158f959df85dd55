"""iCalendar (RFC 5545) files for one event and for a community's feed, built with the
``icalendar`` library: times are in Europe/Brussels with its VTIMEZONE, so Google Calendar,
Outlook and Apple Calendar show the right local hour on both sides of a daylight-saving
change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from samen.events.models import EventStatus, Occurrence

PRODID = "-//Samen//Events//EN"
YEAR = timedelta(days=366)


def occurrence_uid(occurrence: Occurrence) -> str:
    """Stable across renames and re-downloads, so a calendar updates the entry in place."""
    return f"samen-occurrence-{occurrence.pk}@samen"


def build_calendar(
    occurrences: Iterable[Occurrence],
    *,
    name: str,
    url_of: Callable[[Occurrence], str],
    show_link: Callable[[Occurrence], bool],
    method: str = "",
) -> bytes:
    """One VCALENDAR with a VEVENT per occurrence. ``url_of`` gives each its absolute page
    address; ``show_link`` says whether its online link may be written into the file.
    ``method`` (RFC 5546) is set for a file sent by e-mail: ``PUBLISH``, since Samen keeps
    the registration and expects no reply from the calendar."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    first: date | None = None
    last: date | None = None
    for occurrence in occurrences:
        event = occurrence.event
        starts = occurrence.starts_at.astimezone(zone)
        ends = occurrence.ends_at.astimezone(zone)
        first = min(first or starts.date(), starts.date())
        last = max(last or ends.date(), ends.date())
        item = icalendar.Event()
        item.add("uid", occurrence_uid(occurrence))
        item.add("dtstamp", stamp)
        # Raised by every change a calendar shows (RFC 5545 3.8.7.4), so an imported entry
        # is replaced by the new time or place instead of kept as it was.
        item.add("sequence", event.sequence)
        item.add("dtstart", starts)
        item.add("dtend", ends)
        item.add("summary", event.title)
        page = url_of(occurrence)
        description = event.description
        link = event.online_url if show_link(occurrence) else ""
        if link:
            description = f"{description}\n\n{link}".strip()
        if event.languages:
            # RFC 5545 has no property for the language spoken (LANGUAGE names the text's).
            spoken = ", ".join(name for _code, name in event.spoken_languages)
            spoken_line = gettext("Spoken: %(languages)s") % {"languages": spoken}
            description = f"{description}\n\n{spoken_line}".strip()
        item.add("description", f"{description}\n\n{page}".strip())
        location = ", ".join(part for part in (event.place, link) if part)
        if location:
            item.add("location", location)
        item.add("url", page)
        called_off = event.status == EventStatus.CANCELLED or occurrence.cancelled_at is not None
        item.add("status", "CANCELLED" if called_off else "CONFIRMED")
        calendar.add_component(item)
    if first is not None and last is not None:
        # A year either side, so a calendar always sees both the winter and summer offsets.
        calendar.add_missing_timezones(first_date=first - YEAR, last_date=last + YEAR)
    return bytes(calendar.to_ical())
