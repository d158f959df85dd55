"""The confirmation and the day-before reminder: each once, in the person's language, with
the date attached as an ``.ics`` that parses back."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.test import override_settings
from PIL import Image

from samen.accounts.models import User
from samen.core.schedule import jobs
from samen.events import actions, tasks
from samen.events.actions import notices
from samen.events.calendars import occurrence_uid
from samen.events.checkin import check_in_code
from samen.events.models import Registration, RegistrationStatus
from samen.events.tests.conftest import make_event, read_ics

pytestmark = pytest.mark.django_db


def _ics(message: Any) -> icalendar.Calendar:
    (name, content, mimetype), (qr_name, qr, qr_type) = message.attachments
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    # the check-in QR code, a PNG that an image library opens
    assert (qr_name, qr_type) == ("check-in.png", "image/png")
    with Image.open(io.BytesIO(qr)) as image:
        assert image.format == "PNG"
    return read_ics(content)


def _to(person: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [person.email]]


def test_confirmation_carries_the_date_for_the_person_going(
    agenda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c, slot = agenda.c, agenda.slot
    with django_capture_on_commit_callbacks(execute=True):
        actions.occurrence_register(actor=c.chloe, occurrence=slot)
        actions.occurrence_register(actor=c.gilles, occurrence=slot)
        actions.occurrence_register(actor=c.dries, occurrence=slot)  # full: waiting
    (message,) = _to(c.chloe)
    assert "Repair café" in message.subject
    assert "https://meet.example/repair" in message.body
    calendar = _ics(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (item,) = calendar.walk("VEVENT")
    assert str(item["UID"]) == occurrence_uid(slot)
    assert item.decoded("DTSTART") == slot.starts_at
    assert item["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert "meet.example/repair" in str(item["LOCATION"])
    (french,) = _to(c.gilles)
    assert "Vous participez" in french.subject
    assert not _to(c.dries)  # waiting is not a confirmation


def test_reminder_a_day_before_once_in_the_persons_language(
    agenda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c, slot = agenda.c, agenda.slot
    assert "events.remind" in {job.name for job in jobs()}
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.gilles, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)  # waiting: never reminded
    mail.outbox.clear()
    early = time_machine.travel(slot.starts_at - timedelta(hours=25), tick=False)
    with early, django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_tomorrow.enqueue().return_value == 0
    with time_machine.travel(slot.starts_at - timedelta(hours=23), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.remind_tomorrow.enqueue().return_value == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.remind_tomorrow.enqueue().return_value == 0
    assert {tuple(m.to) for m in mail.outbox} == {(c.chloe.email,), (c.gilles.email,)}
    (english,) = _to(c.chloe)
    assert english.subject.startswith("Tomorrow")
    (french,) = _to(c.gilles)
    assert french.subject.startswith("Demain")
    (item,) = _ics(french).walk("VEVENT")
    assert item.decoded("DTEND") == slot.ends_at


def test_no_reminder_after_cancelling_or_when_registered_within_the_day(
    agenda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c, slot = agenda.c, agenda.slot
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.registration_cancel(actor=c.chloe, registration=row)
    with time_machine.travel(slot.starts_at - timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            actions.occurrence_register(actor=c.gilles, occurrence=slot)
        assert len(_to(c.gilles)) == 1  # the confirmation stands for the reminder
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.registrations_remind() == 0
        actions.event_cancel(actor=c.bram, event=agenda.workshop)
        mail.outbox.clear()
        # a reminder queued before the cancellation is not sent any more
        assert actions.registration_emails_send(registration_ids=[row.pk], kind="reminder") == 0
    assert not _to(c.chloe)


class CountingBackend(locmem.EmailBackend):
    """The in-memory backend, counting the connections opened (one per chunk expected)."""

    opened = 0

    def open(self) -> bool | None:
        CountingBackend.opened += 1
        return super().open()


@override_settings(EMAIL_BACKEND=f"{__name__}.CountingBackend")
def test_reminders_go_in_chunks_through_one_connection_each_and_once(
    agenda: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(agenda.c, title="Big assembly", online_url="https://meet.example/big")
    slot = event.occurrences.get()
    people = User.objects.bulk_create(
        User(email=f"p{i}@chunk.test", display_name=f"P{i}", language=("nl", "fr", "en")[i % 3])
        for i in range(notices.EMAIL_CHUNK + 20)
    )
    Registration.objects.bulk_create(
        Registration(occurrence=slot, user=p, status=RegistrationStatus.GOING) for p in people
    )
    CountingBackend.opened = 0
    with time_machine.travel(slot.starts_at - timedelta(hours=23), tick=False):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert actions.registrations_remind() == len(people)
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.registrations_remind() == 0
    assert len(queued) == 2  # two tasks: a chunk of 100 and one of 20
    assert CountingBackend.opened == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    going = Registration.objects.filter(occurrence=slot).select_related("user")
    rows = {r.user.email: r for r in going}
    for message in mail.outbox:
        row = rows[message.to[0]]
        first = {"nl": "Morgen", "fr": "Demain", "en": "Tomorrow"}[row.user.language]
        assert message.subject.startswith(first)
        assert check_in_code(row) in message.body  # each person's own code
        assert "\x00" not in message.body
        (item,) = _ics(message).walk("VEVENT")
        assert item.decoded("DTSTART") == slot.starts_at
