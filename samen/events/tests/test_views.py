"""The event pages through HTTP: the list, the event page with its htmx registration block,
the organisers' attendee list with check-in and CSV, the feedback form and summary."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.events import actions
from samen.events.models import Event, Feedback, RegistrationStatus
from samen.events.tests.conftest import make_event, next_week

pytestmark = pytest.mark.django_db

L = "/events/collective/brasserie-zinneke/"


def test_list_shows_upcoming_and_past(client: Any, agenda: Any) -> None:
    page = client.get(L).content.decode()
    assert "Repair café" in page
    assert "0 of 2 places taken" in page
    assert "Secret webinar" not in page  # a draft
    with time_machine.travel(agenda.slot.ends_at + timedelta(days=1), tick=False):
        assert "Repair café" not in client.get(L).content.decode()
        assert "Repair café" in client.get(f"{L}?when=past").content.decode()


def test_agenda_lists_public_events_of_every_community(client: Any, agenda: Any) -> None:
    client.force_login(agenda.c.chloe)  # a member: still only public events here
    page = client.get("/events/").content.decode()
    assert "Repair café" in page
    assert "Brasserie Zinneke" in page
    assert "brewing night" not in page
    assert "Secret webinar" not in page


def test_list_fragment_for_htmx_and_constant_queries(client: Any, agenda: Any) -> None:
    fragment = client.get(L, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="event-rows">')
    with CaptureQueriesContext(connection) as few:
        client.get(L)
    for n in range(5):
        make_event(agenda.c, title=f"Extra {n}", capacity=3)
    with CaptureQueriesContext(connection) as many:
        client.get(L)
    assert len(many) == len(few)


def test_event_page_and_agenda_queries_do_not_grow(client: Any, agenda: Any, make_user: Any):
    c, slot = agenda.c, agenda.slot
    url = agenda.workshop.get_absolute_url()
    client.force_login(c.bram)
    with CaptureQueriesContext(connection) as few_page:
        client.get(url)
    with CaptureQueriesContext(connection) as few_agenda:
        client.get("/events/")
    for n in range(4):
        actions.occurrence_register(actor=make_user(f"p{n}@example.org", f"P{n}"), occurrence=slot)
        make_event(c, title=f"More {n}")
    with CaptureQueriesContext(connection) as many_page:
        client.get(url)
    with CaptureQueriesContext(connection) as many_agenda:
        client.get("/events/")
    assert len(many_page) == len(few_page)
    assert len(many_agenda) == len(few_agenda)


def test_event_page_renders_sanitised_markdown_and_hides_the_link(
    client: Any, community: Any
) -> None:
    event = make_event(
        community,
        description="**Bring** tools <script>alert(1)</script>",
        online_url="https://meet.example/room",
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<strong>Bring</strong>" in page
    assert "<script>alert" not in page
    assert "meet.example/room" not in page
    assert "openstreetmap.org/search?query=Rue%20Haute" in page


def test_register_then_full_then_waiting_through_htmx(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    url = f"/events/dates/{slot.pk}/register/"
    client.force_login(c.chloe)
    block = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert block.startswith(f'<div class="card mb-2" id="occurrence-{slot.pk}">')
    assert "You are going." in block
    assert "meet.example/repair" in client.get(agenda.workshop.get_absolute_url()).content.decode()
    client.force_login(c.dries)
    client.post(url, HTTP_HX_REQUEST="true")
    client.force_login(c.eva)
    page = client.get(agenda.workshop.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page
    block = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "You are number 1 on the waiting list." in block
    # a second click answers inside the block, changing nothing
    block = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "You are already registered." in block
    # chloé cancels; eva gets the place
    client.force_login(c.chloe)
    response = client.post(f"/events/dates/{slot.pk}/withdraw/")
    assert response.status_code == 302
    assert slot.registrations.get(user=c.eva).status == RegistrationStatus.GOING


def test_organiser_creates_and_publishes_an_event(client: Any, community: Any) -> None:
    client.force_login(community.bram)
    starts = next_week()
    response = client.post(
        f"{L}new/",
        {"kind": "webinar", "title": "Intro", "online_url": "https://meet.example/intro",
         "visibility": "members", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
         "ends_at": starts.strftime("%Y-%m-%dT%H:%M"), "capacity": "10", "languages": "en"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The end must come after the start." in response.content.decode()
    data = {"kind": "webinar", "title": "Intro", "online_url": "https://meet.example/intro",
            "visibility": "members", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "languages": "en"}  # fmt: skip
    response = client.post(f"{L}new/", data)
    event = Event.objects.get(title="Intro")
    assert response.url == event.get_absolute_url()
    assert event.occurrences.get().starts_at == starts
    client.post(f"/events/{event.pk}/publish/")
    event.refresh_from_db()
    assert event.status == "published"


def test_attendee_list_check_in_and_csv(client: Any, agenda: Any, make_user: Any) -> None:
    c, slot = agenda.c, agenda.slot
    trickster = make_user("trick@example.org", "=HYPERLINK(1)")
    reg = actions.occurrence_register(actor=trickster, occurrence=slot)
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.eva, occurrence=slot)
    client.force_login(c.bram)
    page = client.get(f"/events/dates/{slot.pk}/attendees/").content.decode()
    assert "Chloé" in page
    assert "Eva" in page
    row = client.post(f"/events/registrations/{reg.pk}/check-in/", HTTP_HX_REQUEST="true")
    assert row.content.decode().startswith(f'<tr id="registration-{reg.pk}">')
    assert "Checked in" in row.content.decode()
    again = client.post(f"/events/registrations/{reg.pk}/check-in/", HTTP_HX_REQUEST="true")
    assert "Checked in" in again.content.decode()
    response = client.post(f"/events/dates/{slot.pk}/capacity/", {"capacity": "1"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "There cannot be fewer places than people already going." in page
    response = client.get(f"/events/dates/{slot.pk}/attendees.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Name", "E-mail", "Status", "Waiting list", "Checked in", "Guests"]
    by_name = {r[0]: r for r in rows[1:]}
    assert "'=HYPERLINK(1)" in by_name
    assert by_name["'=HYPERLINK(1)"][2] == "Attended"
    assert by_name["Eva"][2:4] == ["On the waiting list", "1"]


def test_feedback_form_and_summary(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    reg = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.registration_check_in(actor=c.bram, registration=reg)
    client.force_login(c.chloe)
    url = f"/events/dates/{slot.pk}/feedback/"
    response = client.post(url, {"rating": "5", "text": "Great"})
    assert response.status_code == 400
    assert "Feedback opens when the session starts." in response.content.decode()
    with time_machine.travel(slot.ends_at, tick=False):
        page = client.get(agenda.workshop.get_absolute_url()).content.decode()
        assert url in page  # the prompt
        assert client.post(url, {"rating": "9"}).status_code == 400
        assert client.post(url, {"rating": "4", "text": "Great"}).status_code == 302
        assert "you may change it for 14 days" in client.get(url).content.decode()
    assert Feedback.objects.get().rating == 4
    client.force_login(c.anna)
    page = client.get(f"/events/dates/{slot.pk}/attendees/").content.decode()
    assert "Average 4.0 / 5 from 1 rating." in page


def test_cancel_event_from_the_page(client: Any, agenda: Any) -> None:
    actions.occurrence_register(actor=agenda.c.chloe, occurrence=agenda.slot)
    client.force_login(agenda.c.bram)
    client.post(f"/events/{agenda.workshop.pk}/cancel/", {"reason": "Flood"})
    page = client.get(agenda.workshop.get_absolute_url()).content.decode()
    assert "This event is cancelled." in page
    assert "Register" not in page.split("Dates")[1].split("Organisers")[0]
