"""Walk-ins at the check-in desk: an organiser adds a member who did not register, who is
checked in at once (over the places if need be), counts as attended and, for a credit
price, is booked exactly as at any check-in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from samen.credits.actions import wallet
from samen.credits.models import Delivery, DeliveryStatus
from samen.credits.tests.factories import make_scheme
from samen.events import actions
from samen.events.errors import EventError
from samen.events.models import CheckIn, Registration, RegistrationStatus
from samen.events.tests.conftest import make_event
from samen.invoicing.models import Document, DocumentKind
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def test_a_walk_in_is_checked_in_over_the_places_and_booked_like_any_check_in(
    community: Any,
) -> None:
    c = community
    scheme = make_scheme(c)
    workshop = make_event(c, price_kind="credits", credit_service="workshop", capacity=1)
    slot = workshop.occurrences.get()
    actions.occurrence_register(actor=c.bram, occurrence=slot)  # the only place
    done = actions.registration_walk_in(actor=c.bram, occurrence=slot, person=c.chloe)
    row = Registration.objects.get(occurrence=slot, user=c.chloe)
    assert done.registration_id == row.pk
    assert (row.status, row.walk_in) == (RegistrationStatus.ATTENDED, True)
    assert (
        Registration.objects.filter(occurrence=slot, status__in=["going", "attended"]).count() == 2
    )
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.provider, delivery.credits) == (c.chloe, None, 500)
    assert delivery.status == DeliveryStatus.CONFIRMED
    assert row.delivery == delivery
    assert balance(wallet(scheme, c.chloe)) == -500
    assert Document.objects.filter(customer=c.chloe, kind=DocumentKind.INVOICE).count() == 1
    # She can now give feedback like anyone who attended.
    with pytest.raises(EventError) as twice:
        actions.registration_walk_in(actor=c.bram, occurrence=slot, person=c.chloe)
    assert (twice.value.code, twice.value.field) == ("walk_in_registered", "person")
    assert Delivery.objects.count() == 1
    assert CheckIn.objects.filter(registration=row).count() == 1


def test_only_organisers_add_members_only(community: Any) -> None:
    c = community
    slot = make_event(c).occurrences.get()
    with pytest.raises(PermissionDenied):
        actions.registration_walk_in(actor=c.chloe, occurrence=slot, person=c.chloe)
    with pytest.raises(EventError) as outsider:
        actions.registration_walk_in(actor=c.bram, occurrence=slot, person=c.eva)
    assert outsider.value.code == "walk_in_not_member"
    assert not Registration.objects.filter(occurrence=slot).exists()


def test_someone_waiting_becomes_the_walk_in(community: Any) -> None:
    c = community
    slot = make_event(c, capacity=1).occurrences.get()
    actions.occurrence_register(actor=c.bram, occurrence=slot)
    waiting = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    assert waiting.status == RegistrationStatus.WAITING
    actions.registration_walk_in(actor=c.bram, occurrence=slot, person=c.chloe)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.position, waiting.walk_in) == ("attended", None, True)


def test_the_desk_finds_members_and_adds_them(client: Any, community: Any) -> None:
    c = community
    slot = make_event(c, capacity=1).occurrences.get()
    desk = f"/events/dates/{slot.pk}/check-in/"
    client.force_login(c.bram)
    page = client.get(f"{desk}?q={c.chloe.display_name[:3]}").content.decode()
    assert c.chloe.public_name in page
    assert "the room may hold more people than planned" in page
    assert 'name="person"' not in client.get(f"{desk}?q={c.eva.email}").content.decode()
    # An e-mail address is matched whole, never by a part of it.
    assert c.chloe.public_name in client.get(f"{desk}?q={c.chloe.email}").content.decode()
    part = c.chloe.email.split("@")[0]
    assert 'name="person"' not in client.get(f"{desk}?q={part}@").content.decode()
    answer = client.post(f"/events/dates/{slot.pk}/walk-ins/", {"person": c.chloe.pk}, follow=True)
    assert "is added as a walk-in and checked in" in answer.content.decode()
    again = client.post(f"/events/dates/{slot.pk}/walk-ins/", {"person": c.chloe.pk}, follow=True)
    nonsense = client.post(f"/events/dates/{slot.pk}/walk-ins/", {"person": "x"}, follow=True)
    assert "Only a member of this community" in nonsense.content.decode()
    assert "already registered for this date" in again.content.decode()
    assert Registration.objects.get(occurrence=slot, user=c.chloe).walk_in


def test_the_api_adds_a_walk_in(client: Any, community: Any) -> None:
    c = community
    slot = make_event(c).occurrences.get()
    url = f"/api/v1/events/dates/{slot.pk}/walk-ins"
    client.force_login(c.bram)
    found = client.get(f"/api/v1/events/dates/{slot.pk}/walk-in-candidates?q={c.chloe.email}")
    assert found.json() == [{"id": c.chloe.pk, "name": c.chloe.public_name}]
    made = client.post(url, json.dumps({"person": c.chloe.pk}), content_type="application/json")
    assert made.status_code == 201
    again = client.post(url, json.dumps({"person": c.chloe.pk}), content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "walk_in_registered")
    stranger = client.post(url, json.dumps({"person": c.eva.pk}), content_type="application/json")
    assert (stranger.status_code, stranger.json()["code"]) == (422, "walk_in_not_member")
