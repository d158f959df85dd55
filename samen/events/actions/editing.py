"""Editing an event after it was made: its texts, where and when, and its places."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.events import access, kinds, queries
from samen.events.actions._common import REGISTERED, _locked, _revise, when_label
from samen.events.actions.dates import _move, _set_capacity
from samen.events.actions.events import (
    _clean_description,
    _clean_languages,
    _clean_title,
    _clean_where,
)
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import Event, EventStatus, Occurrence, Registration
from samen.lib.translations import pop_translations, set_translations, site_languages
from samen.notifications.actions import notify

#: Changes the people registered are told about: where and when, not a fixed typo.
NOTICED = frozenset({"place", "online_url", "starts_at", "ends_at"})
#: Changes a calendar shows, which raise the SEQUENCE of the event's .ics files.
REVISED = NOTICED | {"title", "description", "languages"}
_DATE_FIELDS = ("starts_at", "ends_at", "capacity")


def _texts(event: Event) -> dict[str, Any]:
    """The event's own fields that an edit may change, each language's column apart."""
    names = [f"{field}_{code}" for field in ("title", "description") for code in site_languages()]
    # A language never written reads None, and an empty form field "": the same text.
    texts = {name: getattr(event, name) or "" for name in names}
    return {**texts, "place": event.place, "online_url": event.online_url,
            "languages": list(event.languages)}  # fmt: skip


def _apply_texts(event: Event, changes: dict[str, Any], actor: Any) -> list[str]:
    """Set the texts given in ``changes`` (taken out of it) on the locked ``event``,
    checked as at creation; the names of the fields whose value changed."""
    before = _texts(event)
    per_language = pop_translations(Event, changes)
    if "title" in changes:
        event.title = _clean_title(changes.pop("title"))
    if "description" in changes:
        event.description = _clean_description(changes.pop("description"))
    set_translations(event, {
        key: _clean_title(text) if key.startswith("title_") else _clean_description(text)
        for key, text in per_language.items()
    })  # fmt: skip
    if not _clean_title(event.title):
        raise EventError(Code.TITLE_MISSING, field="title")
    if "place" in changes or "online_url" in changes:
        event.place, event.online_url = _clean_where(
            changes.pop("place", event.place), changes.pop("online_url", event.online_url)
        )
    if "languages" in changes:
        event.languages = _clean_languages(changes.pop("languages"), actor)
    after = _texts(event)
    return sorted({name.rsplit("_", 1)[0] if name.startswith(("title_", "description_"))
                   else name for name in after if after[name] != before[name]})  # fmt: skip


def _only_date(event: Event) -> Occurrence:
    """The one date whose times and places an event edit may change, locked."""
    date = queries.only_date(event)
    if date is None:
        raise EventError(Code.SERIES_DATES, field="starts_at")
    date.event = event
    return _locked(date)


def _apply_date(event: Event, changes: dict[str, Any], actor: Any) -> list[str]:
    """Move the event's only date and change its places when ``changes`` asks it (taken
    out of it); the names of the fields whose value changed."""
    asked = {name: changes.pop(name) for name in _DATE_FIELDS if name in changes}
    if not asked:
        return []
    date = _only_date(event)
    starts = asked.get("starts_at", date.starts_at)
    ends = asked.get("ends_at", date.ends_at)
    changed = [name for name, value in (("starts_at", starts), ("ends_at", ends))
               if value != getattr(date, name)]  # fmt: skip
    if changed:
        _move(date, starts, ends)
    if "capacity" in asked and asked["capacity"] != date.capacity:
        _set_capacity(date, asked["capacity"], actor)
        changed.append("capacity")
    return changed


def _tell_changed(event: Event, actor: Any, reason: str) -> int:
    """One notice to each person going, waiting or pending for a date still to come."""
    rows = list(
        Registration.objects.filter(
            occurrence__event=event,
            occurrence__cancelled_at__isnull=True,
            occurrence__ends_at__gt=timezone.now(),
            status__in=REGISTERED,
        )
        .select_related("user", "occurrence")
        .order_by("occurrence__starts_at", "pk")
    )
    people = {row.user_id: row.user for row in rows}
    if not people:
        return 0
    # The soonest date still to come that someone registered for.
    first = rows[0].occurrence
    notify(people.values(), kinds.UPDATED, event, actor=actor, url=event.get_absolute_url(),
           data={"title": event.title, "when": when_label(first), "reason": reason})  # fmt: skip
    return len(people)


@transaction.atomic
def event_update(*, actor: Any, event: Event, reason: str = "", **changes: Any) -> Event:
    """Change an event after it was made, checked as at creation: its ``title`` and
    ``description`` (in the active language, or per language as ``title_nl``), the
    ``languages`` spoken, its ``place`` and ``online_url``, and for an event of one date
    its ``starts_at``, ``ends_at`` and ``capacity`` (never below the places taken; a
    series changes each date on its own). Only the keys given change, and the same values
    again change nothing: no audit row, no notice, no new calendar revision.

    When the time, place or link changed, everyone going, waiting or pending for a date
    still to come is told once (with ``reason``); a fixed typo tells nobody. Any change a
    calendar shows raises the SEQUENCE of the event's .ics files."""
    access.require(access.can_organise(actor, event.owner))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        raise EventError(Code.CANCELLED)
    changed = _apply_texts(locked, changes, actor)
    changed += _apply_date(locked, changes, actor)
    if changes:
        raise TypeError(f"Unknown event fields: {sorted(changes)}")
    if not changed:
        return locked
    locked.save(update_fields=[*_texts(locked), "title", "description", "updated_at"])
    if REVISED & set(changed):
        _revise(locked.pk)
    locked.refresh_from_db(fields=["sequence", "updated_at"])
    reason = " ".join((reason or "").split())[:500]
    told = 0
    if NOTICED & set(changed) and locked.status == EventStatus.PUBLISHED:
        told = _tell_changed(locked, actor, reason)
    audit_record(actor=actor, action="events.event.update", target=locked,
                 host=host_of(locked.owner),
                 data={"changed": sorted(changed), "told": told, "reason": reason})  # fmt: skip
    return locked
