from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.credits.actions import delivery_confirm, delivery_record, help_request_create, wallet
from samen.credits.models import Delivery, DeliveryStatus
from samen.credits.tests.factories import make_scheme
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def _session(community, scheme):
    return delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )


def test_member_records_and_the_other_side_confirms_through_the_pages(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    client.force_login(community.bram)
    page = client.get(reverse("credits:record", args=[slug]))
    assert page.status_code == 200
    assert "Reinforcement session" in page.content.decode()
    response = client.post(
        reverse("credits:record", args=[slug]),
        {
            "service": "session",
            "on": timezone.localdate().isoformat(),
            "member": community.chloe.pk,
            "quantity": 1,
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    client.force_login(community.chloe)
    home = client.get(reverse("credits:home", args=[slug]))
    assert "Waiting for your confirmation" in home.content.decode()
    assert client.post(reverse("credits:confirm", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CONFIRMED
    assert balance(wallet(scheme, community.chloe)) == -1000


def test_record_refused_over_the_limit_shows_the_reason(client, community):
    scheme = make_scheme(community, limit=0)
    client.force_login(community.bram)
    response = client.post(
        reverse("credits:record", args=[community.host.slug]),
        {
            "service": "session",
            "on": timezone.localdate().isoformat(),
            "member": community.chloe.pk,
            "quantity": 1,
        },
    )
    assert response.status_code == 400
    assert "cannot spend" in response.content.decode()
    assert not Delivery.objects.exists()
    assert scheme.pk


def test_access_matrix(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    asked = help_request_create(actor=community.bram, scheme=scheme, title="Help me")
    urls = {
        "home": reverse("credits:home", args=[slug]),
        "rate_card": reverse("credits:rate_card", args=[slug]),
        "record": reverse("credits:record", args=[slug]),
        "dashboard": reverse("credits:dashboard", args=[slug]),
        "requests": reverse("credits:requests", args=[slug]),
        "request_new": reverse("credits:request_new", args=[slug]),
        "request": reverse("credits:request", args=[asked.pk]),
        "answer": reverse("credits:record", args=[slug]) + f"?request={asked.pk}",
        "members": reverse("credits:members", args=[slug]),
        "settlements": reverse("credits:settlements", args=[slug]),
    }
    for url in urls.values():
        assert client.get(url).status_code == 302  # anonymous: to the login page
    member = dict.fromkeys(urls, 200) | {"dashboard": 403, "settlements": 403}
    outsider = dict.fromkeys(urls, 403) | {"request": 404, "answer": 403}
    expectations = {
        "anna": dict.fromkeys(urls, 200),
        "femke": dict.fromkeys(urls, 200),
        "chloe": member,
        # Bram asked: answering his own request sends him back to it.
        "bram": member | {"answer": 302},
        "eva": outsider,
        "gilles": outsider,
    }
    for person, codes in expectations.items():
        client.force_login(getattr(community, person))
        for name, code in codes.items():
            assert client.get(urls[name]).status_code == code, (person, name)
    close = reverse("credits:request_close", args=[asked.pk])
    for person, code in {"eva": 404, "chloe": 302, "gilles": 404}.items():
        client.force_login(getattr(community, person))
        assert client.post(close).status_code == code, person
    asked.refresh_from_db()
    assert asked.status == "open"  # Chloé was refused with a message, not a change


def test_someone_else_cannot_confirm(client, community):
    scheme = make_scheme(community)
    delivery = _session(community, scheme)
    client.force_login(community.eva)
    assert client.post(reverse("credits:confirm", args=[delivery.pk])).status_code == 404
    client.force_login(community.bram)
    client.post(reverse("credits:confirm", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_dashboard_shows_debtors_since_when(client, community):
    scheme = make_scheme(community)
    delivery_confirm(actor=community.chloe, delivery=_session(community, scheme))
    client.force_login(community.anna)
    page = client.get(reverse("credits:dashboard", args=[community.host.slug]))
    html = page.content.decode()
    assert "Chloé" in html
    assert timezone.localdate().strftime("%Y") in html


def test_workshop_and_limit_forms(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    client.force_login(community.anna)
    client.post(
        reverse("credits:workshop", args=[slug]),
        {
            "service": "workshop",
            "on": timezone.localdate().isoformat(),
            "participants": [community.bram.pk, community.chloe.pk],
        },
    )
    assert Delivery.objects.filter(service__code="workshop").count() == 2
    client.post(
        reverse("credits:limit", args=[slug]), {"member": community.chloe.pk, "limit": "4,5"}
    )
    assert wallet(scheme, community.chloe).floor == -4500
    client.force_login(community.chloe)
    assert (
        client.post(
            reverse("credits:limit", args=[slug]), {"member": community.chloe.pk, "limit": "99"}
        ).status_code
        == 403
    )


def test_movements_page_query_count_does_not_grow(client, community, django_assert_max_num_queries):
    scheme = make_scheme(community, limit=50_000)
    client.force_login(community.chloe)
    url = reverse("credits:home", args=[community.host.slug])

    def add(n):
        for _ in range(n):
            delivery_confirm(actor=community.chloe, delivery=_session(community, scheme))

    add(1)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_dashboard_of_a_host_without_credits_says_so(client, community):
    client.force_login(community.anna)
    page = client.get(reverse("credits:dashboard", args=[community.host.slug]))
    assert page.status_code == 200
    assert "does not run a credit scheme" in page.content.decode()
    client.force_login(community.chloe)
    assert client.get(reverse("credits:dashboard", args=[community.host.slug])).status_code == 403
