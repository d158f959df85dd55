"""Walk-ins without an account: an organiser adds at the check-in desk someone by name
(and an e-mail address if they give one); they count as attended and take a place, no
price is booked and no invoice made, and an account made later with the same address
starts on its own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from samen.audit.models import AuditEntry
from samen.credits.models import Delivery
from samen.credits.tests.factories import make_scheme
from samen.events import actions, queries
from samen.events.errors import EventError
from samen.events.models import RegistrationStatus, WalkInGuest
from samen.events.tests.conftest import make_event
from samen.invoicing.models import Document

pytestmark = pytest.mark.django_db


def _going(slot: Any) -> int:
    counted: Any = next(o for o in queries.event_occurrences(slot.event) if o.pk == slot.pk)
    return int(counted.going)


def test_a_guest_takes_a_place_and_books_nothing(community: Any) -> None:
    c = community
    make_scheme(c)
    workshop = make_event(c, price_kind="credits", credit_service="workshop", capacity=2)
    slot = workshop.occurrences.get()
    actions.occurrence_register(actor=c.bram, occurrence=slot)
    guest = actions.walk_in_guest_add(actor=c.bram, occurrence=slot, name="  Zoë   Peeters ",
                                      email="zoe@example.org")  # fmt: skip
    assert (guest.name, guest.email, guest.checked_in_by) == ("Zoë Peeters", "zoe@example.org",
                                                              c.bram)  # fmt: skip
    assert _going(slot) == 2
    # the room is full now: the next person waits
    assert actions.occurrence_register(actor=c.chloe, occurrence=slot).status == "waiting"
    # over the places at the door, as for a member's walk-in
    actions.walk_in_guest_add(actor=c.anna, occurrence=slot, name="Omar")
    assert _going(slot) == 3
    assert not Delivery.objects.exists()
    assert not Document.objects.exists()
    entry = AuditEntry.objects.get(action="events.walk_in_guest.add", target_id=str(guest.pk))
    assert entry.data == {"with_email": True}
    assert "zoe" not in json.dumps(entry.data)


def test_bad_guests_are_refused_at_their_field(community: Any) -> None:
    c = community
    slot = make_event(c).occurrences.get()
    for name, email, code, field in [
        ("   ", "", "guest_name_missing", "name"),
        ("Zoë", "not an address", "guest_email_invalid", "email"),
    ]:
        with pytest.raises(EventError) as refused:
            actions.walk_in_guest_add(actor=c.bram, occurrence=slot, name=name, email=email)
        assert (refused.value.code, refused.value.field) == (code, field)
    for stranger in (c.chloe, c.eva):
        with pytest.raises(PermissionDenied):
            actions.walk_in_guest_add(actor=stranger, occurrence=slot, name="Zoë")
    draft = make_event(c, publish=False).occurrences.get()
    with pytest.raises(EventError) as closed:
        actions.walk_in_guest_add(actor=c.bram, occurrence=draft, name="Zoë")
    assert closed.value.code == "not_open"
    assert not WalkInGuest.objects.exists()


def test_a_guest_who_signs_up_later_breaks_nothing(community: Any, make_user: Any) -> None:
    c = community
    slot = make_event(c, capacity=3).occurrences.get()
    actions.walk_in_guest_add(actor=c.bram, occurrence=slot, name="Zoë", email="zoe@example.org")
    zoe = make_user("zoe@example.org", "Zoë")  # the same address, an account of her own
    row = actions.occurrence_register(actor=zoe, occurrence=slot)
    assert row.status == RegistrationStatus.GOING
    actions.registration_check_in(actor=c.bram, registration=row)
    assert _going(slot) == 2
    assert WalkInGuest.objects.get().email == "zoe@example.org"


def test_the_desk_keeps_input_and_lists_the_guests(client: Any, community: Any) -> None:
    c = community
    slot = make_event(c, capacity=1).occurrences.get()
    client.force_login(c.bram)
    url = f"/events/dates/{slot.pk}/walk-in-guests/"
    refused = client.post(url, {"name": "Zoë", "email": "zoe@"})
    assert refused.status_code == 400
    assert "email" in refused.context["guest_form"].errors
    assert 'value="Zoë"' in refused.content.decode()
    assert not WalkInGuest.objects.exists()
    done = client.post(url, {"name": "Zoë", "email": "zoe@example.org"})
    assert done.status_code == 302
    desk = client.get(f"/events/dates/{slot.pk}/check-in/").content.decode()
    assert 'data-testid="walk-in-guests"' in desk
    assert "zoe@example.org" in desk
    attendees = client.get(f"/events/dates/{slot.pk}/attendees/").content.decode()
    assert 'data-testid="walk-in-guest-row"' in attendees
    csv = client.get(f"/events/dates/{slot.pk}/attendees.csv").content.decode()
    assert "Zoë,zoe@example.org" in csv


def test_the_api_adds_and_lists_guests(client: Any, community: Any) -> None:
    c = community
    slot = make_event(c).occurrences.get()
    client.force_login(c.bram)
    url = f"/api/v1/events/dates/{slot.pk}/walk-in-guests"
    added = client.post(url, json.dumps({"name": "Zoë"}), content_type="application/json")
    assert added.status_code == 201
    assert (added.json()["name"], added.json()["email"]) == ("Zoë", "")
    refused = client.post(url, json.dumps({"name": " "}), content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "guest_name_missing")
    assert [row["name"] for row in client.get(url).json()] == ["Zoë"]
