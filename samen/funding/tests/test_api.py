"""The funding API: campaigns, contributions, bank statement import; errors as {detail, code}."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding.models import Contribution, ContributionStatus
from samen.funding.tests.factories import make_campaign, make_reward

pytestmark = pytest.mark.django_db

BASE = "/api/v1/funding"


def test_guest_starts_a_pledge_and_follows_it(community, client) -> None:
    campaign = make_campaign(community)
    reward = make_reward(community, campaign, quantity=1)
    slug = community.collective.slug
    body = {
        "campaign": campaign.slug,
        "reward": reward.pk,
        "guest_name": "Dries",
        "guest_email": "dries.guest@example.org",
    }
    response = client.post(
        f"{BASE}/collectives/{slug}/contributions", body, content_type="application/json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["amount"] == 2500
    assert data["structured_communication"].startswith("+++")
    assert data["iban"] == "BE68539007547034"
    sold_out = client.post(
        f"{BASE}/collectives/{slug}/contributions", body, content_type="application/json"
    )
    assert sold_out.status_code == 409
    assert sold_out.json()["code"] == "sold_out"
    detail = client.get(f"{BASE}/contributions/{data['token']}").json()
    assert detail["status"] == "pending"
    campaign_data = client.get(f"{BASE}/collectives/{slug}/campaigns/{campaign.slug}").json()
    assert campaign_data["rewards"][0]["remaining"] == 0


def test_bad_input_is_a_4xx(community, client) -> None:
    slug = community.collective.slug
    low = client.post(
        f"{BASE}/collectives/{slug}/contributions",
        {"amount": 5, "guest_name": "D", "guest_email": "d@example.org"},
        content_type="application/json",
    )
    assert low.status_code == 422
    assert low.json()["code"] == "amount_too_low"
    assert client.get(f"{BASE}/contributions/not-a-token").status_code == 404
    assert client.get(f"{BASE}/collectives/nowhere/campaigns").status_code == 404
    assert not Contribution.objects.exists()


def test_host_admin_imports_a_statement(community, client) -> None:
    slug = community.collective.slug
    created = client.post(
        f"{BASE}/collectives/{slug}/contributions",
        {"amount": 3000, "guest_name": "D", "guest_email": "d@example.org"},
        content_type="application/json",
    ).json()
    contribution = Contribution.objects.get(token=created["token"])
    data = camt053_file([Line(3000, "D", structured=contribution.structured_communication)])
    url = f"{BASE}/hosts/{community.host.slug}/bank-statements"
    assert client.post(url, {"file": SimpleUploadedFile("s.xml", data)}).status_code == 401
    client.force_login(community.bram)
    assert client.post(url, {"file": SimpleUploadedFile("s.xml", data)}).status_code == 403
    client.force_login(community.anna)
    first = client.post(url, {"file": SimpleUploadedFile("s.xml", data)})
    assert first.status_code == 201
    assert first.json()["matched"] == 1
    again = client.post(url, {"file": SimpleUploadedFile("s.xml", data)})
    assert again.status_code == 200
    assert again.json()["already_imported"] is True
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    bad = client.post(url, {"file": SimpleUploadedFile("s.xml", b"<nope/>")})
    assert bad.status_code == 422
