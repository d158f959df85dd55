"""Communities in a person's data export and account erasure (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from samen.accounts.actions import user_erase
from samen.audit.models import AuditEntry
from samen.communities import actions, privacy, queries
from samen.communities.models import (
    CollectiveMembership,
    Follow,
    HostApplication,
    HouseRules,
    Invitation,
    JoinRequest,
    NewsDelivery,
    NewsPost,
)
from samen.communities.tests.factories import NewsWorld, build_news_world, build_world

pytestmark = pytest.mark.django_db

PERSONAS = ["anna", "femke", "bram", "chloe", "dries", "gilles", "eva"]


@pytest.fixture
def world(community: Any) -> NewsWorld:
    """The news world, plus for Bram: a follow of the host (news e-mails on) and of the
    chapter (off), an invitation to the host, a join request to the other collective and a
    host post e-mailed to him. Bram already admins two collectives, applied for the pop-up,
    wrote the brewery's house rules and three posts, and invited newcomer@example.org."""
    w = build_news_world(build_world(community))
    c = w.c
    actions.follow_add(actor=c.bram, target=c.host)
    actions.follow_add(actor=c.bram, target=w.chapter)
    actions.follow_set_news(actor=c.bram, target=w.chapter, news_emails=False)
    actions.invitation_send(actor=c.anna, owner=c.host, email="Bram@Example.org", role="member")
    actions.join_request_submit(
        actor=c.bram, collective=c.other_collective, answers=[], rules_accepted=True
    )
    actions.news_deliver(post_id=w.host_post.pk)
    return w


def _all_database_text() -> str:
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_export_holds_roles_follows_invitations_requests_applications_and_news(
    world: NewsWorld,
) -> None:
    c = world.c
    data = privacy.export_data(c.bram)
    text = json.dumps(data)  # plain JSON, no encoder needed

    assert [(m["slug"], m["role"]) for m in data["collective_memberships"]] == [
        ("brasserie-zinneke", "admin"),
        ("zinneke-popup", "admin"),
    ]
    assert data["host_memberships"] == []
    follows = {(f["kind"], f["slug"]): f["news_emails"] for f in data["follows"]}
    assert follows == {("host", "brussels-commons"): True, ("chapter", "brussels"): False}
    (received,) = data["invitations_received"]
    assert (received["kind"], received["slug"], received["role"], received["status"]) == (
        "host",
        "brussels-commons",
        "member",
        "pending",
    )
    assert received["email"] == "bram@example.org"
    assert received["invited_by"] == "Anna"
    (sent,) = data["invitations_sent"]
    assert (sent["slug"], sent["role"], sent["status"]) == (
        "brasserie-zinneke",
        "member",
        "pending",
    )
    assert "email" not in sent
    (join,) = data["join_requests"]
    assert (join["slug"], join["status"]) == ("champignons-de-forest", "pending")
    filed = {a["collective"]["slug"]: a["status"] for a in data["host_applications_filed"]}
    assert filed == {"brasserie-zinneke": "approved", "zinneke-popup": "pending"}
    assert [(r["slug"], r["version"]) for r in data["house_rules_written"]] == [
        ("brasserie-zinneke", 1)
    ]
    posts = {p["title"]: p for p in data["news_posts"]}
    assert set(posts) == {"New saison", "Brew day rota", "Stout plans"}
    assert posts["Stout plans"]["published"] is None
    assert posts["Brew day rota"]["audience"] == "members"
    assert [d["title"] for d in data["news_emails_received"]] == ["Annual meeting"]

    # Nobody else's e-mail address: not the invitee's, not a persona's, not the host's.
    assert "newcomer@example.org" not in text
    for persona in PERSONAS:
        if persona != "bram":
            assert f"{persona}@example.org" not in text
    assert "brusselscommons.example" not in text


def test_export_holds_house_rules_acceptance_and_chapter_roles(world: NewsWorld) -> None:
    data = privacy.export_data(world.c.chloe)
    (membership,) = data["collective_memberships"]
    assert membership["slug"] == "brasserie-zinneke"
    assert membership["role"] == "member"
    assert membership["house_rules_accepted"]["version"] == 1
    assert membership["house_rules_accepted"]["accepted"] is not None
    assert data["chapters"] == [
        {
            "kind": "chapter",
            "slug": "brussels",
            "name": "Brussels",
            "member": True,
            "connector": True,
        }
    ]
    assert [p["title"] for p in data["news_posts"]] == ["Chapter picnic"]


def test_export_lists_only_what_the_person_has(world: NewsWorld) -> None:
    data = privacy.export_data(world.c.eva)  # she asked to join the brewery, nothing else
    assert [key for key, value in data.items() if value] == ["join_requests"]
    assert all(value == [] for key, value in data.items() if key != "join_requests")


def test_erasure_deletes_what_is_theirs_and_unnames_what_belongs_to_collectives(
    client: Client, world: NewsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    c = world.c
    bram_id = c.bram.pk
    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=c.bram, user=c.bram)
    assert result.deleted

    assert not Follow.objects.filter(user_id=bram_id).exists()
    assert not JoinRequest.objects.filter(user_id=bram_id).exists()
    assert not NewsDelivery.objects.filter(user_id=bram_id).exists()
    assert not Invitation.objects.filter(email__iexact="bram@example.org").exists()
    assert not CollectiveMembership.objects.filter(user_id=bram_id).exists()
    # What belongs to the collective stays, naming no one.
    newcomer = Invitation.objects.get(email="newcomer@example.org")
    assert newcomer.invited_by is None
    assert NewsPost.objects.filter(pk=world.public.pk, author=None).exists()
    assert NewsPost.objects.filter(author=None).count() == 3
    assert HouseRules.objects.get(collective=c.collective).created_by is None
    assert HostApplication.objects.get(collective=world.popup).applied_by is None
    # The brewery lost its last admin: recorded, without the name.
    assert not queries.collective_admins(c.collective).exists()
    left = AuditEntry.objects.filter(action="role.leave", target_id=str(c.collective.pk)).get()
    assert left.data == {"person_id": bram_id, "from": "admin", "account_erased": True}
    for entry in AuditEntry.objects.filter(data__person_id=bram_id):
        assert "person" not in entry.data
    haystack = _all_database_text()
    assert "bram@example.org" not in haystack.lower()

    page = client.get(world.public.get_absolute_url()).content.decode()
    assert "by Former member" in page
    assert "Bram" not in page
    api = client.get(f"/api/v1/news/{world.public.pk}").json()
    assert api["author"] == "Former member"
    feed = client.get(
        reverse("communities:collective_news_feed", args=[c.collective.slug])
    ).content.decode()
    assert "<name>Former member</name>" in feed


def test_erased_names_show_as_former_member_on_invitation_and_application_pages(
    client: Client, world: NewsWorld, django_capture_on_commit_callbacks: Any
) -> None:
    c = world.c
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(actor=c.bram, user=c.bram)
    page = client.get(reverse("communities:invitation", args=[world.token])).content.decode()
    assert "Former member invited newcomer@example.org to join." in page
    client.force_login(c.anna)
    url = reverse("communities:application", args=[world.application.pk])
    assert "by Former member" in client.get(url).content.decode()
