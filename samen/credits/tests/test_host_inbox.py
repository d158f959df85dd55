"""Deliveries waiting for confirmation in the host's inbox: the count, and a link to the
list on the credits dashboard, where the ones waiting on the host are confirmed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from samen.credits.actions import delivery_record
from samen.credits.models import Delivery, DeliveryStatus
from samen.credits.tests.factories import make_scheme

pytestmark = pytest.mark.django_db


def test_deliveries_waiting_are_counted_and_listed(client: Client, community) -> None:
    scheme = make_scheme(community)
    delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=timezone.localdate()
    )
    client.force_login(community.anna)
    html = client.get(f"/hosts/{community.host.slug}/dashboard/").content.decode()
    found = re.search(r'href="([^"]+)" data-testid="inbox-deliveries">\s*<span[^>]*>(\d+)', html)
    assert found is not None
    assert found.group(2) == "2"
    assert found.group(1).endswith("#deliveries")

    page = client.get(found.group(1)).content.decode()
    listed = page.split('data-testid="deliveries-waiting"')[1].split("</ul>")[0]
    assert listed.count("<li") == 2
    assert "waits for Chloé" in listed
    # The workshop waits on the host: its confirm button is on the list.
    confirm = f"/credits/deliveries/{workshop.pk}/confirm/"
    assert confirm in listed
    client.post(confirm, {"next": found.group(1)})
    assert Delivery.objects.get(pk=workshop.pk).status == DeliveryStatus.CONFIRMED
