"""The data export and the erasure through every real app's privacy module, end to end."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from samen.accounts.models import User
from samen.audit.models import AuditEntry
from samen.communities import actions
from samen.communities.models import CollectiveMembership, Follow, JoinRequest, NewsPost
from samen.communities.testing import Community
from samen.invoicing.models import Document
from samen.invoicing.tests.factories import issue

pytestmark = pytest.mark.django_db

OTHERS = ["anna", "femke", "chloe", "dries", "gilles", "eva"]
KEPT = "invoices and credit notes (accounting records, kept 7 years)"


@pytest.fixture
def bram(community: Community, django_capture_on_commit_callbacks: Any) -> User:
    """Bram admins the brewery (Chloé is a member), follows the host, asks to join the other
    collective, wrote news, invited a newcomer, and has an invoice from the host."""
    c = community
    actions.follow_add(actor=c.bram, target=c.host)
    actions.join_request_submit(
        actor=c.bram, collective=c.other_collective, answers=[], rules_accepted=True
    )
    actions.news_create(
        actor=c.bram, owner=c.collective, title="Brew day", body="Saturday.", publish=True
    )
    actions.invitation_send(
        actor=c.bram, owner=c.collective, email="newcomer@example.org", role="member"
    )
    with django_capture_on_commit_callbacks(execute=True):
        issue(c.host, c.bram)
    return c.bram


def test_export_zip_holds_communities_and_invoicing_and_no_one_elses_address(
    client: Client, bram: User
) -> None:
    client.force_login(bram)
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    names = set(archive.namelist())
    assert {"account.json", "profile.json", "apps/communities.json", "apps/invoicing.json"} <= names

    communities = json.loads(archive.read("apps/communities.json"))
    assert [m["slug"] for m in communities["collective_memberships"]] == ["brasserie-zinneke"]
    assert [f["slug"] for f in communities["follows"]] == ["brussels-commons"]
    assert [r["slug"] for r in communities["join_requests"]] == ["champignons-de-forest"]
    assert [p["title"] for p in communities["news_posts"]] == ["Brew day"]
    invoicing = json.loads(archive.read("apps/invoicing.json"))
    (document,) = invoicing["documents"]
    assert document["number"] == Document.objects.get(customer=bram).number

    everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    assert "bram@example.org" in everything  # his own address, in account.json
    for person in OTHERS:
        assert f"{person}@example.org" not in everything
    assert "newcomer@example.org" not in everything


def test_erasure_through_the_delete_page_keeps_invoices_and_drops_the_rest(
    client: Client, bram: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(bram)
    assert KEPT in client.get(reverse("accounts:delete")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302

    kept = User.objects.get(pk=bram.pk)
    assert kept.erased_at is not None
    assert kept.public_name == "Former member"
    assert Document.objects.filter(customer=kept).count() == 1
    assert not Follow.objects.filter(user=kept).exists()
    assert not JoinRequest.objects.filter(user=kept).exists()
    assert not CollectiveMembership.objects.filter(user=kept).exists()
    assert NewsPost.objects.get(title="Brew day").author is None
    entry = AuditEntry.objects.get(action="user.erase")
    assert KEPT in entry.data["kept_because"]
    assert entry.data["deleted"] is False
