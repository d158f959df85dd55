"""The network's credits in circulation and debt per month: one query, the month-end
balances of every wallet, and a chart on the credits dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.communities import actions as communities
from samen.communities.models import HostRole
from samen.credits.actions import delivery_confirm, delivery_record
from samen.credits.queries import circulation_history, host_summary
from samen.credits.tests.factories import make_scheme

pytestmark = pytest.mark.django_db


def _session(scheme: Any, giver: Any, receiver: Any) -> None:
    delivery = delivery_record(
        actor=giver,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=receiver,
    )
    delivery_confirm(actor=receiver, delivery=delivery)


def test_circulation_and_debt_are_month_end_sums_of_the_wallets(
    community: Any, django_assert_num_queries: Any
) -> None:
    scheme = make_scheme(community)
    communities.member_add(
        actor=community.anna, owner=community.host, user=community.dries, role=HostRole.MEMBER
    )
    _session(scheme, community.bram, community.chloe)
    _session(scheme, community.bram, community.chloe)
    _session(scheme, community.chloe, community.dries)
    # Bram +2000, Chloé -2000 + 1000, Dries -1000.
    this_month = timezone.localdate().replace(day=1)

    with django_assert_num_queries(1):
        history = circulation_history(scheme)
    assert len(history) == 12
    assert history[-1] == {"month": this_month, "circulation": 2000, "debt": 2000}
    assert {h["circulation"] for h in history[:-1]} == {0}
    totals = host_summary(scheme)
    assert (totals["circulation"], totals["debt"]) == (2000, 2000)

    # Seen from later months: nothing before this month, the same balances after it.
    later = circulation_history(scheme, today=timezone.localdate() + dt.timedelta(days=70))
    index = [h["month"] for h in later].index(this_month)
    assert {h["debt"] for h in later[:index]} == {0}
    assert {(h["circulation"], h["debt"]) for h in later[index:]} == {(2000, 2000)}
    # A year on, this month lies before the chart: its movements open every month.
    year_on = circulation_history(scheme, today=timezone.localdate() + dt.timedelta(days=400))
    assert {(h["circulation"], h["debt"]) for h in year_on} == {(2000, 2000)}


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Credits in circulation and debt"),
        ("nl", "Credits in omloop en schuld"),
        ("fr", "Crédits en circulation et dette"),
    ],
)
def test_the_credits_dashboard_shows_the_chart_with_its_numbers(
    client: Any, community: Any, language: str, title: str
) -> None:
    scheme = make_scheme(community)
    client.force_login(community.anna)
    url = reverse("credits:dashboard", args=[community.host.slug]) + f"?lang={language}"
    empty = client.get(url).content.decode()
    section = empty.split('data-testid="circulation-chart"')[1].split("</section>")[0]
    assert title in section
    assert "<svg" not in section  # nothing moved yet: it says so instead

    _session(scheme, community.bram, community.chloe)
    page = client.get(url).content.decode()
    section = page.split('data-testid="circulation-chart"')[1].split("</section>")[0]
    assert "<svg" in section
    # The month's numbers beside the chart: 1 SIF in circulation, 1 SIF of debt.
    assert '<td class="text-end">1 SIF</td><td class="text-end">1 SIF</td>' in section
