"""Who may open which funding page: anonymous, member, collective admin, host admin, host
accountant, an admin of another collective and a stranger; and list pages keep their query
count whatever the number of rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding import actions
from samen.funding.tests.factories import give_by_bank, make_campaign, make_reward

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "chloe", "bram", "anna", "femke", "gilles", "eva"]
ALL = dict.fromkeys(PEOPLE, 200)
LOGIN = "login"


def _expect(**overrides: Any) -> dict[str, Any]:
    return {**ALL, **overrides}


FINANCE = _expect(anonymous=LOGIN, chloe=403, gilles=403, eva=403)
COLLECTIVE_ADMIN = _expect(anonymous=LOGIN, chloe=403, anna=403, femke=403, gilles=403, eva=403)
HOST_ADMIN = _expect(anonymous=LOGIN, chloe=403, bram=403, femke=403, gilles=403, eva=403)
SIGNED_IN = _expect(anonymous=LOGIN)


@pytest.fixture
def urls(community) -> dict[str, tuple[str, dict[str, Any]]]:
    slug = community.collective.slug
    host = community.host.slug
    campaign = make_campaign(community)
    make_reward(community, campaign)
    paid = actions.contribution_mark_paid(
        actor=None, contribution=give_by_bank(community.collective, actor=community.dries)
    )
    return {
        "contribute": (reverse("funding:contribute", args=[slug]), ALL),
        "contributions": (reverse("funding:collective_contributions", args=[slug]), FINANCE),
        "campaigns": (reverse("funding:campaigns", args=[slug]), ALL),
        "tiers": (reverse("funding:tiers", args=[slug]), COLLECTIVE_ADMIN),
        "campaign_new": (reverse("funding:campaign_new", args=[slug]), COLLECTIVE_ADMIN),
        "campaign": (reverse("funding:campaign", args=[slug, campaign.slug]), ALL),
        "back": (reverse("funding:campaign_back", args=[slug, campaign.slug]), ALL),
        "fulfilment": (reverse("funding:fulfilment", args=[slug, campaign.slug]), COLLECTIVE_ADMIN),
        "contribution": (reverse("funding:contribution", args=[paid.token]), ALL),
        "receipt": (reverse("funding:receipt", args=[paid.token]), ALL),
        "mine": (reverse("funding:mine"), SIGNED_IN),
        "summary": (reverse("funding:yearly_summary", args=[2026]), SIGNED_IN),
        "bank": (reverse("funding:dashboard_bank", args=[host]), HOST_ADMIN),
        "refunds": (reverse("funding:dashboard_refunds", args=[host]), HOST_ADMIN),
        "added_funds": (reverse("funding:dashboard_added_funds", args=[host]), HOST_ADMIN),
        "guests": (reverse("funding:dashboard_guests", args=[host]), HOST_ADMIN),
    }


@pytest.mark.parametrize("who", PEOPLE)
def test_access_matrix(community, client, urls, who) -> None:
    if who != "anonymous":
        client.force_login(getattr(community, who))
    failures = []
    for name, (url, expected) in urls.items():
        response = client.get(url)
        want = expected[who]
        if want == LOGIN:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = response.status_code == want
        if not ok:
            failures.append((name, response.status_code, want))
    assert failures == []


def test_unknown_things_are_404(community, client) -> None:
    client.force_login(community.anna)
    slug = community.collective.slug
    for url in (
        reverse("funding:campaign", args=[slug, "nope"]),
        reverse("funding:campaign", args=["nope", "nope"]),
        "/contributions/00000000-0000-0000-0000-000000000000/",
        reverse("funding:dashboard_bank", args=["nope"]),
    ):
        assert client.get(url).status_code == 404


def test_posts_are_refused_to_strangers(community, client) -> None:
    slug = community.collective.slug
    campaign = make_campaign(community)
    paid = actions.contribution_mark_paid(
        actor=None, contribution=give_by_bank(community.collective, actor=community.dries)
    )
    client.force_login(community.eva)
    assert (
        client.post(
            reverse("funding:contribution_refund", args=[paid.token]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("funding:campaign_reward_add", args=[slug, campaign.slug]),
            {"title": "x", "price": "1"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("funding:campaign_update_new", args=[slug, campaign.slug]),
            {"title": "x", "body": "y"},
        ).status_code
        == 403
    )
    assert campaign.rewards.count() == 0


def test_a_strangers_cannot_cancel_someone_elses_gift(community, client) -> None:
    mine = give_by_bank(community.collective, actor=community.dries)
    url = reverse("funding:contribution_cancel", args=[mine.token])
    client.post(url)  # anonymous, even with the token
    client.force_login(community.eva)
    client.post(url)
    mine.refresh_from_db()
    assert mine.status == "pending"
    client.force_login(community.dries)
    client.post(url)
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    guest = give_by_bank(community.collective)
    client.logout()
    client.post(reverse("funding:contribution_cancel", args=[guest.token]))
    guest.refresh_from_db()
    assert guest.status == "cancelled"  # the guest's token is their key


def _rows(community, n: int) -> None:
    campaign = community.campaign
    for i in range(n):
        contribution = give_by_bank(
            community.collective,
            campaign=campaign,
            actor=community.dries,
            reward=campaign.rewards.first(),
        )
        actions.contribution_mark_paid(actor=None, contribution=contribution)
        pending = give_by_bank(community.collective, amount=1000 + i)
        bank.bank_import(
            actor=None,
            host=community.host,
            data=camt053_file(
                [Line(1000 + i, "Someone", text=f"gift {i}")],
                statement_id=f"Q{campaign.pk}-{n}-{i}",
            ),
        )
        assert pending.pk


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("contributions", "bram"),
        ("campaigns", "eva"),
        ("campaign", "eva"),
        ("fulfilment", "bram"),
        ("mine", "dries"),
        ("bank", "anna"),
        ("refunds", "anna"),
    ],
)
def test_list_pages_do_not_grow_queries_with_rows(
    community, client, django_assert_max_num_queries, name, who
) -> None:
    slug = community.collective.slug
    community.campaign = make_campaign(community, slug="q")
    make_reward(community, community.campaign)
    url = {
        "contributions": reverse("funding:collective_contributions", args=[slug]),
        "campaigns": reverse("funding:campaigns", args=[slug]),
        "campaign": reverse("funding:campaign", args=[slug, "q"]),
        "fulfilment": reverse("funding:fulfilment", args=[slug, "q"]),
        "mine": reverse("funding:mine"),
        "bank": reverse("funding:dashboard_bank", args=[community.host.slug]),
        "refunds": reverse("funding:dashboard_refunds", args=[community.host.slug]),
    }[name]
    client.force_login(getattr(community, who))
    _rows(community, 2)
    with django_assert_max_num_queries(40) as baseline:
        assert client.get(url).status_code == 200
    _rows(community, 6)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert client.get(url).status_code == 200
