"""Plus-ones, questions and approval through the pages and the API, and the agenda's
month view (issue 14, "Registration" and "Pages")."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.events import actions
from samen.events.models import Event, Registration, RegistrationStatus
from samen.events.tests.conftest import make_event, next_week
from samen.events.tests.test_registration_options import QUESTIONS

pytestmark = pytest.mark.django_db

A = "/api/v1/events"


@pytest.fixture
def asking(community: Any) -> Event:
    return make_event(community, capacity=4, plus_one_allowed=True, questions=QUESTIONS)


def test_the_organiser_sets_the_options_on_the_new_event_form(client: Any, community: Any):
    c = community
    client.force_login(c.bram)
    form = {
        "kind": "meetup", "title_en": "Picnic", "place": "Parc", "visibility": "public",
        "starts_at": next_week().strftime("%Y-%m-%dT%H:%M"),
        "ends_at": next_week(21).strftime("%Y-%m-%dT%H:%M"),
        "price_kind": "free", "plus_one_allowed": "on", "requires_approval": "on",
        "questions": "Diet? | vegan", "languages": "en",
    }  # fmt: skip
    url = "/events/collective/brasserie-zinneke/new/"
    page = client.post(url, form)
    assert page.status_code == 400
    text = page.content.decode()
    assert "choice question lists at least two" in text
    assert "Diet? | vegan" in text  # what was typed stays
    form["questions"] = "Diet? | vegan | none\nWhy?"
    assert client.post(url, form).status_code == 302
    event = Event.objects.get(title="Picnic")
    assert (event.plus_one_allowed, event.requires_approval) == (True, True)
    assert [q["text"] for q in event.questions] == ["Diet?", "Why?"]


def test_registering_with_a_guest_and_answers(client: Any, community: Any, asking: Event):
    slot = asking.occurrences.get()
    url = f"/events/dates/{slot.pk}/register/"
    client.force_login(community.chloe)
    event_page = client.get(asking.get_absolute_url()).content.decode()
    assert f'href="{url}"' in event_page
    assert "You may bring a guest." in event_page
    form = client.get(url).content.decode()
    assert "What do you want to repair?" in form
    assert "vegetarian" in form
    refused = client.post(url, {"answer_0": "My bike", "answer_1": "", "guests": "on"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "My bike" in text  # kept
    assert "This field is required." in text
    refused = client.post(url, {"answer_0": "My bike", "answer_1": "meat"})
    assert refused.status_code == 400
    assert not Registration.objects.exists()
    done = client.post(url, {"answer_0": "My bike", "answer_1": "vegan", "guests": "on"})
    assert done.status_code == 302
    row = Registration.objects.get()
    assert (row.status, row.guests, row.answers[1]["answer"]) == ("going", 1, "vegan")
    assert "You are going, with a guest." in client.get(asking.get_absolute_url()).content.decode()


def test_the_organiser_sees_answers_and_guests_on_the_page_and_in_the_csv(
    client: Any, community: Any, asking: Event
) -> None:
    c = community
    slot = asking.occurrences.get()
    actions.occurrence_register(actor=c.chloe, occurrence=slot, guests=1,
                                answers=["=1+1 toasters", "vegan"])  # fmt: skip
    client.force_login(c.bram)
    page = client.get(f"/events/dates/{slot.pk}/attendees/").content.decode()
    assert "=1+1 toasters" in page
    assert "+1 guest" in page
    assert "2 of 4 places taken" in client.get(asking.get_absolute_url()).content.decode()
    body = client.get(f"/events/dates/{slot.pk}/attendees.csv").content.decode()
    header, row = list(csv.reader(io.StringIO(body)))
    assert header[-3:] == ["Guests", "What do you want to repair?", "Diet?"]
    assert row[-3:] == ["1", "'=1+1 toasters", "vegan"]


def test_approve_and_decline_from_the_attendee_list(client: Any, community: Any) -> None:
    c = community
    slot = make_event(c, requires_approval=True).occurrences.get()
    chloe = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    client.force_login(c.chloe)
    assert "waits for the organisers" in client.get(f"/events/{slot.event_id}/").content.decode()
    assert client.post(f"/events/registrations/{chloe.pk}/approve/").status_code == 404
    client.force_login(c.bram)
    assert "2 to approve" in client.get(f"/events/{slot.event_id}/").content.decode()
    page = client.get(f"/events/dates/{slot.pk}/attendees/").content.decode()
    assert page.count("Approve</button>") == 2
    row = client.post(f"/events/registrations/{chloe.pk}/approve/", HTTP_HX_REQUEST="true")
    assert row.content.decode().startswith(f'<tr id="registration-{chloe.pk}">')
    assert client.post(f"/events/registrations/{eva.pk}/decline/").status_code == 302
    again = client.post(f"/events/registrations/{eva.pk}/decline/", HTTP_HX_REQUEST="true")
    assert "not waiting for approval" in again.content.decode()
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {c.chloe.pk: "going", c.eva.pk: "refused"}


def test_api_register_with_guest_and_answers_and_errors(client: Any, community: Any, asking):
    c = community
    slot = asking.occurrences.get()
    client.force_login(c.chloe)
    url = f"{A}/dates/{slot.pk}/registration"

    def post(body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    for body, code in (
        ({"answers": ["Lamp"]}, "answer_missing"),
        ({"answers": ["Lamp", "fish"]}, "answer_invalid"),
        ({"answers": ["Lamp", "none"], "guests": 3}, "guests_invalid"),
    ):
        answer = post(body)
        assert (answer.status_code, answer.json()["code"]) == (422, code), body
        assert answer.json()["detail"]
    made = post({"answers": ["Lamp", "none"], "guests": 1})
    assert made.status_code == 201
    assert made.json()["guests"] == 1
    assert made.json()["answers"][0] == {"question": "What do you want to repair?",
                                         "answer": "Lamp"}  # fmt: skip
    detail = client.get(f"{A}/{asking.pk}").json()
    assert detail["plus_one_allowed"] is True
    assert detail["questions"][1]["choices"] == ["none", "vegetarian", "vegan"]
    assert detail["occurrences"][0]["going"] == 2
    assert client.get(f"{A}/dates/{slot.pk}/registrations").status_code == 403
    client.force_login(c.bram)
    (listed,) = client.get(f"{A}/dates/{slot.pk}/registrations").json()
    assert (listed["guests"], listed["status"], listed["checked_in"]) == (1, "going", False)
    assert listed["answers"][1] == {"question": "Diet?", "answer": "none"}


def test_api_create_with_options_and_approve(client: Any, community: Any) -> None:
    c = community
    client.force_login(c.bram)
    body = {
        "kind": "meetup", "title": "Picnic", "place": "Parc",
        "starts_at": next_week().isoformat(), "ends_at": next_week(21).isoformat(),
        "requires_approval": True, "plus_one_allowed": True, "price_kind": "euros",
        "price_cents": 500,
    }  # fmt: skip
    url = f"{A}/collective/brasserie-zinneke/events"
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "plus_one_priced")
    body.update(price_kind="free", price_cents=None,
                questions=[{"text": "Why?", "choices": []}])  # fmt: skip
    made = client.post(url, json.dumps(body), content_type="application/json").json()
    assert (made["requires_approval"], made["questions"]) == (True, [{"text": "Why?",
                                                                       "choices": []}])  # fmt: skip
    event = Event.objects.get(pk=made["id"])
    actions.event_publish(actor=c.bram, event=event)
    pending = actions.occurrence_register(actor=c.chloe, occurrence=event.occurrences.get(),
                                          answers=["Sun"])  # fmt: skip
    assert pending.status == "pending"
    approve = f"{A}/registrations/{pending.pk}/approve"
    client.force_login(c.chloe)
    assert client.post(approve).status_code == 404
    client.force_login(c.bram)
    answer = client.post(approve)
    assert (answer.status_code, answer.json()["status"]) == (200, "going")
    again = client.post(f"{A}/registrations/{pending.pk}/decline")
    assert (again.status_code, again.json()["code"]) == (409, "not_pending")


# --- the month view ---------------------------------------------------------------------------


def test_month_view_with_links_filters_and_constant_queries(client: Any, agenda: Any) -> None:
    c = agenda.c
    starts = agenda.slot.starts_at
    month = timezone.localtime(starts).strftime("%Y-%m")
    page = client.get(f"/events/month/?month={month}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Repair café" in text
    assert "brewing night" not in text  # members only
    assert "Secret webinar" not in text  # a draft
    following = (timezone.localtime(starts).date().replace(day=1) + timedelta(days=32)).replace(
        day=1
    )
    assert f'?month={following:%Y-%m}"' in text
    paid = client.get(f"/events/month/?month={month}&price=paid").content.decode()
    assert "Repair café" not in paid
    assert "price=paid" in client.get("/events/month/?price=paid").content.decode()
    for bad in ("2027-13", "nonsense", "99999-01", "1999-01"):
        assert client.get(f"/events/month/?month={bad}").status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(f"/events/month/?month={month}")
    for n in range(6):
        make_event(c, title=f"Extra {n}", starts_at=starts + timedelta(minutes=n))
    with CaptureQueriesContext(connection) as many:
        more = client.get(f"/events/month/?month={month}").content.decode()
    assert len(many) == len(few)
    assert "and 3 more" in more  # seven that day, four shown in the grid
    assert "Extra 5" in more  # the phone list shows every one


def test_the_organisers_change_how_people_register(client: Any, community: Any) -> None:
    c = community
    event = make_event(c, capacity=2)
    slot = event.occurrences.get()
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    url = f"/events/{event.pk}/registration/"
    client.force_login(c.bram)
    assert url in client.get(event.get_absolute_url()).content.decode()
    refused = client.post(url, {"questions": "Diet? | vegan", "plus_one_allowed": "on"})
    assert refused.status_code == 400
    assert "Diet? | vegan" in refused.content.decode()
    assert client.post(url, {"questions": "Diet? | vegan | none", "plus_one_allowed": "on",
                             "requires_approval": "on"}).status_code == 302  # fmt: skip
    event.refresh_from_db()
    assert (event.plus_one_allowed, event.requires_approval) == (True, True)
    assert "Diet? | vegan | none" in client.get(url).content.decode()  # as it reads back
    # Chloé was admitted before: she stays going; Dries now waits for approval.
    dries = actions.occurrence_register(actor=c.dries, occurrence=slot, guests=1,
                                        answers=["vegan"])  # fmt: skip
    assert dries.status == "pending"
    body = {"plus_one_allowed": False, "requires_approval": False, "questions": []}
    api = f"{A}/{event.pk}/registration-options"
    answer = client.put(api, json.dumps(body), content_type="application/json")
    assert (answer.status_code, answer.json()["questions"]) == (200, [])
    client.force_login(c.chloe)
    assert client.put(api, json.dumps(body), content_type="application/json").status_code == 403
    assert client.get(url).status_code == 403
    dries.refresh_from_db()
    assert (dries.status, dries.guests) == ("pending", 1)
    assert Registration.objects.get(user=c.chloe).status == RegistrationStatus.GOING
