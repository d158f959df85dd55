"""The Solution Lab pages: a call from opening to outcome through HTTP, refusals shown at
their field with what was typed kept, the links from the host's and the lab's pages, and a
call page whose query count does not grow with its questions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from samen.events.labs import actions
from samen.events.models import LabCall, LabQuestion
from samen.events.tests.conftest import next_week
from samen.events.tests.labs.world import Labs, ask, close, make_lab

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def test_a_call_from_opening_to_outcome(client: Any, labs: Labs) -> None:
    c = labs.c
    client.force_login(c.anna)
    page = client.get("/events/labs/brussels-commons/new/").content.decode()
    assert "creative solutions from fellow innovators" in page
    deadline = timezone.localtime(timezone.now() + timedelta(days=2)).strftime(LOCAL)
    response = client.post(
        "/events/labs/brussels-commons/new/",
        {"title": "Summer call", "prompt": "Bring it", "deadline": deadline},
    )
    call = LabCall.objects.get(title="Summer call")
    assert response.status_code == 302
    assert response["Location"] == call.get_absolute_url()
    client.force_login(c.chloe)
    response = client.post(
        f"/events/labs/calls/{call.pk}/ask/",
        {"title": "Cold cellar", "context": "It is **cold**.", "tried": "Blankets"},
    )
    question = LabQuestion.objects.get(title="Cold cellar")
    assert response["Location"] == question.get_absolute_url()
    client.force_login(c.bram)
    client.post(f"/events/labs/questions/{question.pk}/support/")
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Cold cellar" in page
    assert "1 supporter" in page
    assert "Withdraw my support" in page
    client.post(f"/events/labs/questions/{question.pk}/support/", {"withdraw": "1"})
    assert "0 supporters" in client.get(call.get_absolute_url()).content.decode()
    client.post(f"/events/labs/questions/{question.pk}/support/")
    close(call)
    client.force_login(c.anna)
    page = client.get(f"/events/labs/calls/{call.pk}/select/").content.decode()
    assert "Cold cellar" in page
    assert labs.lab.title in page
    response = client.post(
        f"/events/labs/calls/{call.pk}/select/",
        {"question": question.pk, f"q{question.pk}-event": labs.lab.pk},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.event == labs.lab
    event_page = client.get(labs.lab.get_absolute_url()).content.decode()
    assert "Questions for this lab" in event_page
    assert "Cold cellar" in event_page
    client.force_login(c.chloe)
    date = labs.lab.occurrences.get()
    with time_machine.travel(date.ends_at + timedelta(hours=1), tick=False):
        assert (
            "Record what came out of it" in client.get(question.get_absolute_url()).content.decode()
        )
        response = client.post(
            f"/events/labs/questions/{question.pk}/outcome/",
            {"outcome": "A **heater** pool <script>alert(1)</script>"},
        )
        assert response.status_code == 302
    client.force_login(c.bram)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "<strong>heater</strong>" in page
    assert "<script>alert(1)" not in page


def test_bad_input_shows_at_the_field_and_keeps_what_was_typed(client: Any, labs: Labs) -> None:
    c = labs.c
    client.force_login(c.anna)
    past = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime(LOCAL)
    response = client.post(
        "/events/labs/brussels-commons/new/",
        {"title": "Late call", "prompt": "Kept text", "deadline": past},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The deadline must be in the future." in page
    assert 'value="Late call"' in page
    assert "Kept text" in page
    assert 'id="id_deadline_error"' in page
    client.force_login(c.chloe)
    response = client.post(
        f"/events/labs/calls/{labs.closed_call.pk}/ask/",
        {"title": "Too late", "context": "My long context"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This call is closed" in page
    assert "My long context" in page
    response = client.post(
        f"/events/labs/calls/{labs.open_call.pk}/ask/", {"title": "", "context": "Context kept"}
    )
    assert response.status_code == 400
    assert "Context kept" in response.content.decode()
    assert 'id="id_title_error"' in response.content.decode()
    client.force_login(c.bram)
    response = client.post(
        f"/events/labs/questions/{labs.gilles_question.pk}/support/", follow=True
    )
    assert "This call is closed" in response.content.decode()
    assert not labs.gilles_question.supports.filter(user=c.bram).exists()
    client.force_login(c.anna)
    workshop = make_lab(c, kind="workshop", title="Not a lab")
    question = labs.gilles_question
    response = client.post(
        f"/events/labs/calls/{labs.closed_call.pk}/select/",
        {"question": question.pk, f"q{question.pk}-event": workshop.pk},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a published Solution Lab event of this host." in page
    assert f'id="id_q{question.pk}-event_error"' in page
    question.refresh_from_db()
    assert question.event is None


def test_support_by_htmx_swaps_the_row(client: Any, labs: Labs) -> None:
    client.force_login(labs.c.chloe)
    url = f"/events/labs/questions/{labs.open_question.pk}/support/"
    row = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert row.startswith('<div class="card mb-2" id="question-')
    assert "1 supporter" in row
    again = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "1 supporter" in again
    gone = client.post(url, {"withdraw": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "0 supporters" in gone


def test_the_host_page_links_its_labs_for_its_community(client: Any, labs: Labs) -> None:
    client.force_login(labs.c.chloe)
    page = client.get("/hosts/brussels-commons/").content.decode()
    assert "/events/labs/brussels-commons/" in page
    assert "1 call open" in page
    client.force_login(labs.c.eva)
    assert "/events/labs/" not in client.get("/hosts/brussels-commons/").content.decode()
    # The lab is public, its community's questions are not.
    page = client.get(labs.lab.get_absolute_url()).content.decode()
    assert "How do we share a van?" not in page


def test_the_call_page_reads_a_fixed_number_of_queries(
    client: Any, labs: Labs, django_assert_max_num_queries: Any
) -> None:
    c = labs.c
    client.force_login(c.anna)
    url = labs.open_call.get_absolute_url()
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    for n in range(6):
        question = ask(c.chloe if n % 2 else c.bram, labs.open_call, f"Question {n}")
        actions.lab_support_add(actor=c.anna, question=question)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_deadline_field_is_in_brussels_time(client: Any, labs: Labs) -> None:
    client.force_login(labs.c.anna)
    when = next_week(18)
    client.post(
        "/events/labs/brussels-commons/new/", {"title": "Timed", "deadline": when.strftime(LOCAL)}
    )
    assert LabCall.objects.get(title="Timed").deadline == when
