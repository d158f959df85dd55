"""A concept's co-owners, its milestones (set and reached by its people) and its sessions
linked to the event they were held at or the credits delivery that paid for them, each
picked among the host's own."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from samen.communities import actions as communities
from samen.credits.actions import delivery_record
from samen.credits.tests.factories import make_scheme
from samen.events.actions import event_create, event_publish
from samen.knowledge.actions import concept_milestone_add
from samen.knowledge.models import ConceptMilestone, ConceptSession

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _event(actor: Any, owner: Any, title: str) -> Any:
    starts = timezone.now() + dt.timedelta(days=3)
    event = event_create(
        actor=actor,
        owner=owner,
        kind="solution_lab",
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        place="Brussels",
    )
    return event_publish(actor=actor, event=event)


def test_owners_set_and_reach_milestones(client: Any, network: Any) -> None:
    c, concept = network.c, network.public
    url = f"/knowledge/concepts/{concept.pk}/milestones/"
    client.force_login(c.chloe)  # sees the concept, is not one of its people
    assert client.post(url, {"title": "First customer"}).status_code == 403
    client.force_login(c.gilles)
    assert client.post(url, {"title": "  "}).status_code == 400
    assert client.post(url, {"title": "First customer", "due_on": "2027-03-01"}).status_code == 302
    milestone = ConceptMilestone.objects.get(concept=concept)
    assert (milestone.title, milestone.due_on) == ("First customer", dt.date(2027, 3, 1))
    page = client.get(concept.get_absolute_url()).content.decode()
    assert "First customer" in page.split('id="milestones"', 1)[1]

    client.force_login(c.chloe)
    assert client.post(f"/knowledge/milestones/{milestone.pk}/reached/").status_code == 403
    client.force_login(c.femke)  # its coach
    assert client.post(f"/knowledge/milestones/{milestone.pk}/reached/").status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached_on == timezone.localdate()
    again = client.post(
        f"{A}/concepts/milestones/{milestone.pk}/reached", "{}", content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_reached")
    hidden = concept_milestone_add(actor=c.gilles, concept=network.private, title="Secret")
    client.force_login(c.eva)  # the private concept is not for her: nothing of it
    assert client.post(f"/knowledge/milestones/{hidden.pk}/reached/").status_code == 404


def test_milestones_through_the_api(client: Any, network: Any) -> None:
    c, concept = network.c, network.private
    client.force_login(c.gilles)
    url = f"{A}/concepts/{concept.pk}/milestones"
    created = client.post(url, json.dumps({"title": "Permit"}), content_type="application/json")
    assert created.status_code == 201
    reached = client.post(
        f"{A}/concepts/milestones/{created.json()['id']}/reached",
        json.dumps({"on": "2026-11-30"}),
        content_type="application/json",
    )
    assert reached.json()["reached_on"] == "2026-11-30"
    assert [m["title"] for m in client.get(url).json()] == ["Permit"]
    client.force_login(c.chloe)  # a private concept: nothing of it
    assert client.get(url).status_code == 404


def test_a_session_links_the_hosts_event_or_delivery_and_nothing_else(
    client: Any, network: Any
) -> None:
    c, concept = network.c, network.public
    lab = _event(c.anna, c.host, "Solution Lab on reuse")
    elsewhere = communities.host_create(
        actor=c.eva, name="Elsewhere", slug="elsewhere", country="BE"
    )
    foreign = _event(c.eva, elsewhere, "Somewhere else")
    url = f"/knowledge/concepts/{concept.pk}/sessions/"
    client.force_login(c.femke)  # its coach
    page = client.get(concept.get_absolute_url()).content.decode()
    select = re.search(r'<select name="event"[^>]*>(.*?)</select>', page, re.S)
    assert select
    assert str(lab.pk) in select.group(1)
    assert str(foreign.pk) not in select.group(1)

    session = {"kind": "solution_lab", "date": "2026-11-30"}
    refused = client.post(url, {**session, "event": foreign.pk})
    assert refused.status_code == 400
    assert not ConceptSession.objects.filter(concept=concept).exists()
    assert client.post(url, {**session, "event": lab.pk}).status_code == 302
    recorded = ConceptSession.objects.get(concept=concept)
    assert recorded.event == lab
    page = client.get(concept.get_absolute_url()).content.decode()
    assert lab.get_absolute_url() in page.split('id="sessions"', 1)[1]

    api = f"{A}/concepts/{concept.pk}/sessions"
    foreign_api = client.post(
        api, json.dumps({**session, "event_id": foreign.pk}), content_type="application/json"
    )
    assert foreign_api.status_code == 404
    assert ConceptSession.objects.filter(concept=concept).count() == 1


def test_a_session_paid_as_a_credits_delivery(client: Any, network: Any) -> None:
    c, concept = network.c, network.public
    scheme = make_scheme(c)
    delivery = delivery_record(
        actor=c.anna,
        scheme=scheme,
        service_code="article",
        on=timezone.localdate(),
        for_member=c.bram,
    )
    client.force_login(c.femke)
    api = f"{A}/concepts/{concept.pk}/sessions"
    body = {"kind": "session", "date": "2026-11-30", "delivery_id": delivery.pk}
    # bram is neither owner nor coach of the concept: not one of its deliveries
    unrelated = client.post(api, json.dumps(body), content_type="application/json")
    assert unrelated.status_code == 404
    own = delivery_record(
        actor=c.anna,
        scheme=scheme,
        service_code="article",
        on=timezone.localdate(),
        for_member=c.femke,
    )
    created = client.post(
        api, json.dumps({**body, "delivery_id": own.pk}), content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["delivery_id"] == own.pk


def test_owners_add_a_co_owner_from_the_community(client: Any, network: Any) -> None:
    c, concept = network.c, network.community
    url = f"/knowledge/concepts/{concept.pk}/owners/"
    client.force_login(c.gilles)
    assert client.post(url, {"owner": c.eva.pk}).status_code == 400  # not in the community
    assert client.post(url, {"owner": c.chloe.pk}).status_code == 302
    assert set(concept.owners.values_list("pk", flat=True)) == {c.gilles.pk, c.chloe.pk}
    client.force_login(c.bram)  # sees it, owns nothing of it
    assert client.post(url, {"owner": c.bram.pk}).status_code == 403
