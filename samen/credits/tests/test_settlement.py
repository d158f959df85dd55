"""A member in debt sees what settles it in euros, when the scheme allows it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.be import ogm_vcs

from samen.credits.actions import delivery_confirm, delivery_record, scheme_update
from samen.credits.queries import settlement
from samen.credits.tests.factories import make_scheme

pytestmark = pytest.mark.django_db


def _chloe_owes_one_and_a_half(community, scheme):
    session = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=session)
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=timezone.localdate()
    )
    delivery_confirm(actor=community.anna, delivery=workshop)


def test_the_debt_in_euros_with_vat_and_the_communication(community):
    scheme = make_scheme(community)
    _chloe_owes_one_and_a_half(community, scheme)
    result = settlement(scheme, community.chloe, -1500)
    assert result is not None
    assert (result["net"], result["vat"], result["gross"]) == (
        Decimal("75.00"),
        Decimal("15.75"),
        Decimal("90.75"),
    )
    digits = result["communication"].strip("+").replace("/", "")
    assert digits.startswith("3")
    assert ogm_vcs.is_valid(digits)
    other = settlement(scheme, community.bram, -1000)
    assert other is not None
    assert other["communication"] != result["communication"]
    assert settlement(scheme, community.bram, 0) is None


def test_member_page_shows_the_settlement_only_in_debt_and_when_allowed(client, community):
    scheme = make_scheme(community)
    _chloe_owes_one_and_a_half(community, scheme)
    url = reverse("credits:home", args=[community.host.slug])
    client.force_login(community.chloe)
    page = client.get(url).content.decode()
    assert 'id="settle-in-euros"' in page
    assert "€90.75" in page
    expected = settlement(scheme, community.chloe, -1500)
    assert expected is not None
    assert expected["communication"] in page
    assert "BE68 5390 0754 7034".replace(" ", "") in page.replace(" ", "")
    client.force_login(community.bram)  # earned a credit: nothing to settle
    assert 'id="settle-in-euros"' not in client.get(url).content.decode()
    scheme_update(actor=community.anna, scheme=scheme, settle_in_euros=False)
    client.force_login(community.chloe)
    assert 'id="settle-in-euros"' not in client.get(url).content.decode()


def test_exempt_units_settle_without_vat(community):
    scheme = make_scheme(community, vat_rate=None)
    result = settlement(scheme, community.chloe, -500)
    assert result is not None
    assert (result["net"], result["vat"], result["gross"]) == (
        Decimal("25.00"),
        Decimal("0.00"),
        Decimal("25.00"),
    )
